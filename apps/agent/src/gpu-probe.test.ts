import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createGpuProbe } from "./gpu-probe.js";

const fakeSmi = fileURLToPath(new URL("../test/fixtures/fake-nvidia-smi.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "looplab-probe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recordingLogger() {
  const records: { level: number; msg: string }[] = [];
  const logger = pino({ level: "trace" }, { write: (line: string) => records.push(JSON.parse(line)) });
  return { logger, records };
}

function probeWith(env: Record<string, string>, path = fakeSmi) {
  const { logger, records } = recordingLogger();
  return { probe: createGpuProbe({ nvidiaSmiPath: path, logger, env: { ...process.env, ...env } }), records };
}

describe("GPU probe (fake nvidia-smi)", () => {
  it("reads 0, 1 and 4 GPUs from fixture outputs", async () => {
    expect(await probeWith({ FAKE_NVIDIA_SMI_FIXTURE: "0-gpus" }).probe.probe()).toEqual([]);
    const one = await probeWith({ FAKE_NVIDIA_SMI_FIXTURE: "1-gpu" }).probe.probe();
    expect(one).toEqual([
      {
        index: 0,
        uuid: "GPU-5f0e1c2a-1111-2222-3333-444455556666",
        name: "NVIDIA GeForce RTX 3090",
        memoryTotalMiB: 24576,
        memoryUsedMiB: 2,
        utilizationPercent: 0,
      },
    ]);
    const four = await probeWith({ FAKE_NVIDIA_SMI_FIXTURE: "4-gpus" }).probe.probe();
    expect(four.map((g) => g.index)).toEqual([0, 1, 2, 3]);
    expect(four[1]).toMatchObject({ memoryUsedMiB: 60000, utilizationPercent: 97 });
    expect(four[3]?.utilizationPercent).toBeNull();
  });

  it("re-reads the output file at every call, so readings can change between probes", async () => {
    const file = join(dir, "readings.csv");
    writeFileSync(file, "0, GPU-x, Tesla T4, 15360, 10, 5\n");
    const { probe } = probeWith({ FAKE_NVIDIA_SMI_OUTPUT: file });
    expect((await probe.probe())[0]?.memoryUsedMiB).toBe(10);
    writeFileSync(file, "0, GPU-x, Tesla T4, 15360, 12000, 99\n");
    expect((await probe.probe())[0]?.memoryUsedMiB).toBe(12000);
  });

  it("a broken driver (non-zero exit) is an error in the log and no GPUs", async () => {
    const { probe, records } = probeWith({ FAKE_NVIDIA_SMI_EXIT: "9" });
    expect(await probe.probe()).toEqual([]);
    const error = records.find((r) => r.level === 50);
    expect(error?.msg).toMatch(/nvidia-smi failed/);
    expect(JSON.stringify(error)).toMatch(/exit code 9/);
    expect(JSON.stringify(error)).toMatch(/couldn't communicate with the NVIDIA driver/);
  });

  it("output it cannot read is an error in the log and no GPUs", async () => {
    const { probe, records } = probeWith({ FAKE_NVIDIA_SMI_FIXTURE: "garbled" });
    expect(await probe.probe()).toEqual([]);
    expect(records.some((r) => r.level === 50 && /not understood/.test(r.msg))).toBe(true);
  });

  it("no nvidia-smi on the machine means no GPUs, without an error", async () => {
    const { probe, records } = probeWith({}, join(dir, "no-such-nvidia-smi"));
    expect(await probe.probe()).toEqual([]);
    expect(records.filter((r) => r.level >= 50)).toEqual([]);
  });
});
