// @vitest-environment jsdom
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { LooplabClient } from "@looplab/sdk";
import { cleanup, configure, fireEvent, screen, within } from "@testing-library/react";
import { create as createTar } from "tar";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ComparePage } from "../../pages/compare-page.js";
import { type RealServer, startRealServer, testClient } from "../../testing/real-server.js";
import { renderWithApi } from "../../testing/render-with-api.js";

// uPlot needs a canvas (absent in jsdom); the compare page draws charts.
vi.mock("uplot", () => import("../../testing/inert-uplot.js"));

configure({ asyncUtilTimeout: 10_000 });

/**
 * Runs "base" and "cand" each store a code snapshot (made with node-tar, as the SDK does):
 * train.py changed, old.py removed, new/feature.py added, weights.bin changed (binary),
 * README.md identical. Run "solo" has a snapshot, run "bare" none.
 */
let server: RealServer;
let api: LooplabClient;
let dir: string;
const ids: Record<string, string> = {};

async function snapshot(name: string, files: Record<string, string | Uint8Array>): Promise<Uint8Array> {
  const root = join(dir, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const file = join(dir, `${name}.tar.gz`);
  await createTar({ gzip: true, cwd: root, portable: true, noDirRecurse: true, file }, Object.keys(files));
  return new Uint8Array(await readFile(file));
}

async function upload(runId: string, bytes: Uint8Array): Promise<void> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const query = new URLSearchParams({ path: "code/snapshot.tar.gz", sha256, type: "code" });
  const response = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/content?${query}`, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream" },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`);
}

beforeAll(async () => {
  server = await startRealServer();
  api = testClient(server.url);
  dir = await mkdtemp(join(tmpdir(), "looplab-snap-"));
  for (const name of ["base", "cand", "solo", "bare"]) ids[name] = (await api.createRun({ project: "snap", name })).id;
  const readme = "# model\n";
  await upload(
    ids.base as string,
    await snapshot("base", {
      "README.md": readme,
      "src/train.py": "import torch\n\nlr = 0.1\nepochs = 10\n",
      "old.py": "print('old')\n",
      "weights.bin": new Uint8Array([0, 1, 2, 3]),
    }),
  );
  await upload(
    ids.cand as string,
    await snapshot("cand", {
      "README.md": readme,
      "src/train.py": "import torch\n\nlr = 0.02\nepochs = 10\n",
      "new/feature.py": "feature = True\n",
      "weights.bin": new Uint8Array([0, 1, 2, 3, 4, 5]),
    }),
  );
  await upload(ids.solo as string, await snapshot("solo", { "a.py": "a\n" }));
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
});

describe("code snapshots on the compare page against a real server", () => {
  it("shows sizes, then on request the changed files with a line diff", async () => {
    window.history.replaceState(null, "", `/projects/snap/compare?runs=${ids.base},${ids.cand}`);
    renderWithApi(api, <ComparePage project="snap" />);
    const sizes = await screen.findByLabelText("snapshot sizes");
    expect(sizes.textContent).toMatch(/base: \d+ B · cand: \d+ B/);
    // Lazy: nothing is downloaded before the click.
    expect(screen.queryByLabelText("snapshot differences")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Compare code snapshots" }));

    const result = await screen.findByLabelText("snapshot differences");
    expect(result.textContent).toContain("2 changed · 1 only in cand · 1 only in base · 1 identical");
    expect(within(screen.getByRole("list", { name: "Only in cand (added)" })).getByText("new/feature.py")).toBeTruthy();
    expect(within(screen.getByRole("list", { name: "Only in base (removed)" })).getByText("old.py")).toBeTruthy();
    const train = screen.getByRole("region", { name: "diff of src/train.py" });
    expect([...train.querySelectorAll(".diff-del")].map((e) => e.textContent)).toEqual(["-lr = 0.1"]);
    expect([...train.querySelectorAll(".diff-add")].map((e) => e.textContent)).toEqual(["+lr = 0.02"]);
    expect(train.textContent).toContain(" epochs = 10");
    expect(result.textContent).toContain("binary, sizes 4 B → 6 B");
    expect(screen.queryByRole("region", { name: "diff of README.md" })).toBeNull();
  });

  it("says so when only one of the two runs stored a snapshot", async () => {
    window.history.replaceState(null, "", `/projects/snap/compare?runs=${ids.solo},${ids.bare}`);
    renderWithApi(api, <ComparePage project="snap" />);
    expect(await screen.findByText(/only solo stored a code snapshot/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Compare code snapshots" })).toBeNull();
  });
});
