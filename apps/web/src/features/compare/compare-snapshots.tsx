import type { Run } from "@looplab/core";
import { CODE_SNAPSHOT_PATH } from "@looplab/sdk";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useApi } from "../../api/api-context.js";
import { DiffView } from "../../components/diff-view.js";
import { artifactContentUrl, formatBytes } from "../artifacts/artifact-tree.js";
import { diffLines, splitLines, toUnifiedLines } from "./line-diff.js";
import { type ChangedFile, diffSnapshots, MAX_LINE_DIFF_BYTES, type SnapshotDiff } from "./snapshot-diff.js";
import { fetchGunzipped, MAX_SNAPSHOT_BYTES } from "./snapshot-download.js";
import { readTar } from "./tar-reader.js";

/** Changed files shown with a line diff; the rest are listed by name. */
const MAX_DIFFED_FILES = 50;

/** A run's live code snapshot artifact (`code/snapshot.tar.gz`, type `code`), or null. */
function useCodeSnapshot(runId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-code-snapshot", runId],
    queryFn: async ({ signal }) => {
      const page = await api.call("listArtifacts", {
        params: { runId },
        query: { prefix: "code/", type: "code", limit: 10 },
        signal,
      });
      return page.artifacts.find((a) => a.path === CODE_SNAPSHOT_PATH && a.state === "live") ?? null;
    },
    staleTime: 60_000,
  });
}

const label = (run: Run) => run.name || run.id;

/**
 * The working-tree snapshots of two runs compared file by file: sizes first, then — on request —
 * both tarballs downloaded, unpacked in the browser and diffed (added, removed, changed files,
 * with a line diff for changed text files).
 */
export function CompareSnapshots({ a, b }: { a: Run; b: Run }) {
  const api = useApi();
  const snapA = useCodeSnapshot(a.id);
  const snapB = useCodeSnapshot(b.id);
  const [requested, setRequested] = useState(false);
  const artA = snapA.data ?? null;
  const artB = snapB.data ?? null;
  const tooBig = (artA?.size ?? 0) > MAX_SNAPSHOT_BYTES || (artB?.size ?? 0) > MAX_SNAPSHOT_BYTES;
  const result = useQuery({
    queryKey: ["looplab-snapshot-diff", a.id, artA?.sha256, b.id, artB?.sha256],
    queryFn: async ({ signal }): Promise<SnapshotDiff> => {
      if (!artA || !artB) throw new Error("a snapshot is missing");
      const [tarA, tarB] = await Promise.all([
        fetchGunzipped(artifactContentUrl(api.baseUrl, a.id, artA.path), signal),
        fetchGunzipped(artifactContentUrl(api.baseUrl, b.id, artB.path), signal),
      ]);
      return diffSnapshots(readTar(tarA), readTar(tarB));
    },
    enabled: requested && artA !== null && artB !== null && !tooBig,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

  if (snapA.isPending || snapB.isPending) return null;
  if (!artA && !artB) return null;
  const head = <h3>Code snapshots</h3>;
  if (!artA || !artB) {
    const has = artA ? a : b;
    return (
      <div className="compare-section-head">
        {head}
        <span className="muted">only {label(has)} stored a code snapshot; nothing to compare it with</span>
      </div>
    );
  }
  return (
    <>
      <div className="compare-section-head">
        {head}
        <span className="muted" role="note" aria-label="snapshot sizes">
          {label(a)}: {formatBytes(artA.size)} · {label(b)}: {formatBytes(artB.size)}
        </span>
        {tooBig ? (
          <span className="muted">over {formatBytes(MAX_SNAPSHOT_BYTES)}: too large to compare in the browser</span>
        ) : requested ? null : (
          <button type="button" onClick={() => setRequested(true)}>
            Compare code snapshots
          </button>
        )}
      </div>
      {requested && result.isPending ? <p className="muted">Downloading and unpacking both snapshots…</p> : null}
      {result.isError ? <p className="error">Could not compare the snapshots: {result.error.message}</p> : null}
      {result.data ? <SnapshotDiffView diff={result.data} a={a} b={b} /> : null}
    </>
  );
}

function SnapshotDiffView({ diff, a, b }: { diff: SnapshotDiff; a: Run; b: Run }) {
  const shown = diff.changed.slice(0, MAX_DIFFED_FILES);
  const rest = diff.changed.slice(MAX_DIFFED_FILES);
  return (
    <section aria-label="snapshot differences">
      <p className="muted">
        {diff.changed.length} changed · {diff.added.length} only in {label(b)} · {diff.removed.length} only in{" "}
        {label(a)} · {diff.unchanged} identical
      </p>
      {diff.removed.length > 0 ? (
        <FileList title={`Only in ${label(a)} (removed)`} files={diff.removed} className="diff-del" />
      ) : null}
      {diff.added.length > 0 ? (
        <FileList title={`Only in ${label(b)} (added)`} files={diff.added} className="diff-add" />
      ) : null}
      {shown.map((file) => (
        <ChangedFileView key={file.path} file={file} />
      ))}
      {rest.length > 0 ? (
        <p className="muted">
          {rest.length} more changed files (not diffed here): {rest.map((f) => f.path).join(", ")}
        </p>
      ) : null}
    </section>
  );
}

function FileList({
  title,
  files,
  className,
}: {
  title: string;
  files: readonly { path: string; size: number }[];
  className: string;
}) {
  return (
    <>
      <h4>{title}</h4>
      <ul aria-label={title}>
        {files.map((f) => (
          <li key={f.path}>
            <code className={className}>{f.path}</code> <span className="muted">{formatBytes(f.size)}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function ChangedFileView({ file }: { file: ChangedFile }) {
  const lines = useMemo(() => {
    if (file.kind !== "text") return null;
    const result = diffLines(splitLines(file.textA), splitLines(file.textB));
    return toUnifiedLines(result.ops);
  }, [file]);
  const sizes = `${formatBytes(file.sizeA)} → ${formatBytes(file.sizeB)}`;
  return (
    <>
      <h4>
        <code>{file.path}</code>
      </h4>
      {lines ? (
        <DiffView lines={lines} label={`diff of ${file.path}`} />
      ) : (
        <p className="muted">
          {file.kind === "binary"
            ? `binary, sizes ${sizes}`
            : `over ${formatBytes(MAX_LINE_DIFF_BYTES)}, not diffed: sizes ${sizes}`}
        </p>
      )}
    </>
  );
}
