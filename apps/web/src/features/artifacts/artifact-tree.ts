/**
 * A run's artifacts arrive flat, ordered by path; the Artifacts tab shows them as a tree whose
 * folders are the '/'-separated prefixes. Pure functions, no React.
 */
export interface TreeItem {
  path: string;
  size: number;
}

export interface TreeFile<T extends TreeItem> {
  kind: "file";
  name: string;
  path: string;
  item: T;
}

export interface TreeFolder<T extends TreeItem> {
  kind: "folder";
  /** "" for the root. */
  name: string;
  /** The folder's path with a trailing '/', "" for the root. */
  path: string;
  children: TreeNode<T>[];
  /** Totals over every file below. */
  size: number;
  fileCount: number;
}

export type TreeNode<T extends TreeItem> = TreeFile<T> | TreeFolder<T>;

function emptyFolder<T extends TreeItem>(name: string, path: string): TreeFolder<T> {
  return { kind: "folder", name, path, children: [], size: 0, fileCount: 0 };
}

function byKindThenName<T extends TreeItem>(a: TreeNode<T>, b: TreeNode<T>): number {
  if (a.kind !== b.kind) return a.kind === "folder" ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function sortDeep<T extends TreeItem>(folder: TreeFolder<T>): void {
  folder.children.sort(byKindThenName);
  for (const child of folder.children) if (child.kind === "folder") sortDeep(child);
}

/**
 * Builds the tree: folders first, then files, each by name. A path that is both a file and a
 * folder prefix (`a` and `a/b`) keeps both nodes. Empty segments are ignored defensively.
 */
export function buildArtifactTree<T extends TreeItem>(items: readonly T[]): TreeFolder<T> {
  const root = emptyFolder<T>("", "");
  for (const item of items) {
    const segments = item.path.split("/").filter((s) => s !== "");
    if (segments.length === 0) continue;
    let folder = root;
    const chain: TreeFolder<T>[] = [root];
    for (const segment of segments.slice(0, -1)) {
      let next = folder.children.find((c): c is TreeFolder<T> => c.kind === "folder" && c.name === segment);
      if (!next) {
        next = emptyFolder<T>(segment, `${folder.path}${segment}/`);
        folder.children.push(next);
      }
      folder = next;
      chain.push(folder);
    }
    const name = segments[segments.length - 1] as string;
    folder.children.push({ kind: "file", name, path: item.path, item });
    for (const f of chain) {
      f.size += item.size;
      f.fileCount += 1;
    }
  }
  sortDeep(root);
  return root;
}

export interface TreeRow<T extends TreeItem> {
  node: TreeNode<T>;
  depth: number;
}

/** The rows shown: depth-first, skipping what is under a collapsed folder (by folder path). */
export function visibleRows<T extends TreeItem>(root: TreeFolder<T>, collapsed: ReadonlySet<string>): TreeRow<T>[] {
  const rows: TreeRow<T>[] = [];
  const walk = (folder: TreeFolder<T>, depth: number) => {
    for (const node of folder.children) {
      rows.push({ node, depth });
      if (node.kind === "folder" && !collapsed.has(node.path)) walk(node, depth + 1);
    }
  };
  walk(root, 0);
  return rows;
}

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"] as const;

/** Bytes in human units (powers of 1024): "0 B", "512 B", "1.5 KB", "12 MB", "3.20 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "–";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** The first 12 hex digits of a digest (the full one goes in a title). */
export function shortSha(sha256: string): string {
  return sha256.slice(0, 12);
}

/** The URL that streams an artifact's bytes (`GET /api/v1/runs/:runId/artifacts/content?path=`). */
export function artifactContentUrl(baseUrl: string, runId: string, path: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return `${base}/api/v1/runs/${encodeURIComponent(runId)}/artifacts/content?path=${encodeURIComponent(path)}`;
}

/** Metrics as "key: value" pairs, sorted by key; numbers shortened to 4 significant digits. */
export function formatMetrics(metrics: Record<string, number> | null): string {
  if (!metrics) return "";
  return Object.keys(metrics)
    .sort()
    .map((key) => `${key}: ${formatNumber(metrics[key] as number)}`)
    .join(", ");
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}
