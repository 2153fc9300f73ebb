import { type Artifact, type ArtifactType, failedPrecondition, invalidArgument } from "@looplab/core";
import type { ArtifactIo, CodeSnapshotOptions, LocalCheckpoint } from "./artifact-io.js";
import { type ArtifactFields, type UploadDeps, uploadArtifact, withRetries } from "./artifact-upload.js";
import type { OnSdkEvent } from "./sdk-events.js";

/** Where `codeSnapshot` stores the working tree. */
export const CODE_SNAPSHOT_PATH = "code/snapshot.tar.gz";

export interface SaveArtifactOptions {
  /**
   * Artifact path: for a file, its path in the run's tree (default the file's name); for a
   * folder, the folder its files go under (default the folder's name; `""` for the root).
   */
  name?: string;
  /** Default `file`. */
  type?: ArtifactType;
  metadata?: Record<string, unknown>;
  /** Replace live artifacts with other content at the same paths (otherwise 409). */
  overwrite?: boolean;
  /** Upload part size, bytes (default 8 MiB; at least 64 KiB). */
  partSize?: number;
  /** Parts of a file in flight at once (default 4). */
  parallel?: number;
  /** Called as parts are acknowledged: bytes done and total over every file of this call. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

export interface SaveCheckpointOptions extends Omit<SaveArtifactOptions, "type"> {
  /** The training step of the checkpoint (required). The default name is `checkpoints/step-<step>`. */
  step: number;
  metrics?: Record<string, number>;
}

export interface SavedArtifacts {
  /** The stored artifacts, one per file, in path order. */
  artifacts: Artifact[];
  bytes: number;
  /** Bytes put on the wire (0 when the server already held every file). */
  bytesSent: number;
  /** Files the server already held (deduplicated: not sent). */
  deduplicated: number;
}

/** `{ runId, path }` of another run's artifact, or `{ sha256 }` of any stored bytes. */
export type UsedArtifact = { runId: string; path: string; role?: string } | { sha256: string; role?: string };

export interface ArtifactFailure {
  path: string;
  message: string;
  error: unknown;
}

export interface ArtifactSummary {
  saved: number;
  failed: ArtifactFailure[];
}

export interface RunArtifactDeps extends UploadDeps {
  runId: string;
  io: ArtifactIo | undefined;
  report: OnSdkEvent;
}

/**
 * A run's artifact work: uploads go one call at a time, in the order asked, beside metric
 * logging; `drain` waits for all of them (`run.finish()` calls it) and says which failed.
 */
export class RunArtifacts {
  resumeCheckpoint: LocalCheckpoint | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly pending = new Set<Promise<unknown>>();
  private saved = 0;
  private readonly failed: ArtifactFailure[] = [];

  constructor(private readonly deps: RunArtifactDeps) {}

  save(
    pathOnDisk: string,
    options: SaveArtifactOptions = {},
    extra: Partial<ArtifactFields> = {},
    defaultFolder?: string,
  ): Promise<SavedArtifacts> {
    return this.track(pathOnDisk, async () => {
      const io = this.requireIo();
      if (extra.type === "checkpoint" || options.type === "checkpoint") {
        const step = extra.step;
        if (step === undefined || !Number.isInteger(step) || step < 0) {
          throw invalidArgument(
            `a checkpoint needs a step, a whole number ≥ 0 (got ${String(step)}): use saveCheckpoint`,
          );
        }
      }
      return this.upload(io, pathOnDisk, options, extra, defaultFolder);
    });
  }

  saveCheckpoint(pathOnDisk: string, options: SaveCheckpointOptions): Promise<SavedArtifacts> {
    const { step, metrics, ...rest } = options;
    const extra = { type: "checkpoint" as const, step, ...(metrics ? { metrics } : {}) };
    return this.save(pathOnDisk, rest, extra, `checkpoints/step-${step}`);
  }

  /** Records that this run used artifacts (lineage); retried like uploads, awaited by `finish`. */
  use(refs: UsedArtifact | readonly UsedArtifact[]) {
    const used = Array.isArray(refs) ? [...refs] : [refs as UsedArtifact];
    const first = used[0];
    const label = first === undefined ? "" : "sha256" in first ? first.sha256 : `${first.runId}:${first.path}`;
    return this.track(`lineage ${label}${used.length > 1 ? ` (+${used.length - 1})` : ""}`, () =>
      withRetries(this.deps, () =>
        this.deps.client.call("recordLineage", { params: { runId: this.deps.runId }, body: { used } }),
      ),
    );
  }

  /**
   * Packs the working tree (tracked and untracked-not-ignored files) and stores it as
   * `code/snapshot.tar.gz` (type `code`, replacing an earlier snapshot of the run). Over the
   * size limit, or outside a repository, nothing is stored and the reason is reported.
   */
  saveCodeSnapshot(options: CodeSnapshotOptions = {}): Promise<SavedArtifacts> {
    return this.track(CODE_SNAPSHOT_PATH, async () => {
      const io = this.requireIo();
      const snapshot = await io.codeSnapshot(options);
      if (!snapshot.ok) throw failedPrecondition(`code snapshot not stored: ${snapshot.reason}`);
      try {
        const metadata = { files: snapshot.files, bytes: snapshot.bytes };
        return await this.upload(
          io,
          snapshot.file,
          { name: CODE_SNAPSHOT_PATH, type: "code", overwrite: true, metadata },
          {},
        );
      } finally {
        await snapshot.cleanup();
      }
    });
  }

  /** Waits for every upload and lineage record asked so far. */
  async drain(): Promise<ArtifactSummary> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    return { saved: this.saved, failed: [...this.failed] };
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private requireIo(): ArtifactIo {
    const io = this.deps.io;
    if (io === undefined) {
      throw failedPrecondition("artifacts on the local disk need the SDK's Node entry (import it in Node)");
    }
    return io;
  }

  private track<T>(label: string, work: () => Promise<T>): Promise<T> {
    const result = this.chain.then(work);
    this.chain = result.catch(() => {});
    this.pending.add(result);
    const settle = () => this.pending.delete(result);
    result.then(settle, (error: unknown) => {
      settle();
      const message = error instanceof Error ? error.message : String(error);
      this.failed.push({ path: label, message, error });
      this.deps.report({
        type: "artifact-failed",
        message: `saving ${label} failed: ${message}`,
        runId: this.deps.runId,
        error,
      });
    });
    return result;
  }

  private async upload(
    io: ArtifactIo,
    pathOnDisk: string,
    options: SaveArtifactOptions,
    extra: Partial<ArtifactFields>,
    defaultFolder?: string,
  ): Promise<SavedArtifacts> {
    const files = await io.collect(pathOnDisk, options.name, defaultFolder);
    const total = files.reduce((sum, f) => sum + f.size, 0);
    const out: SavedArtifacts = { artifacts: [], bytes: total, bytesSent: 0, deduplicated: 0 };
    let before = 0;
    for (const file of files) {
      const source = await file.open();
      const start = before;
      const outcome = await uploadArtifact(
        this.deps,
        this.deps.runId,
        {
          path: file.artifactPath,
          type: options.type ?? "file",
          ...extra,
          ...(options.metadata ? { metadata: options.metadata } : {}),
          ...(options.overwrite ? { overwrite: true } : {}),
        },
        source,
        {
          onProgress: (done) => options.onProgress?.(start + done, total),
          ...(options.partSize === undefined ? {} : { partSize: options.partSize }),
          ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
          ...(io.sessions ? { sessions: io.sessions } : {}),
        },
      );
      before += file.size;
      out.artifacts.push(outcome.artifact);
      out.bytesSent += outcome.bytesSent;
      if (outcome.deduplicated) out.deduplicated++;
      this.saved++;
    }
    return out;
  }
}
