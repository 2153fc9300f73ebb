import { useQuery } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.js";
import { formatTime } from "./run-format.js";

function isBranch(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
}

export function formatConfigValue(value: unknown): string {
  if (value === undefined) return "–";
  if (typeof value === "string") return JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** Nested config as a collapsible tree: objects fold (open to `openDepth`), leaves show typed values. */
export function ConfigTree({ config, openDepth = 2 }: { config: Record<string, unknown>; openDepth?: number }) {
  if (Object.keys(config).length === 0) return <p className="muted">This run has no config.</p>;
  return (
    <ul className="config-tree">
      <ConfigNodes node={config} depth={0} openDepth={openDepth} />
    </ul>
  );
}

function ConfigNodes({ node, depth, openDepth }: { node: Record<string, unknown>; depth: number; openDepth: number }) {
  return (
    <>
      {Object.entries(node).map(([key, value]) =>
        isBranch(value) ? (
          <li key={key}>
            <details open={depth < openDepth}>
              <summary>
                <span className="config-key">{key}</span> <span className="muted">{Object.keys(value).length}</span>
              </summary>
              <ul>
                <ConfigNodes node={value} depth={depth + 1} openDepth={openDepth} />
              </ul>
            </details>
          </li>
        ) : (
          <li key={key}>
            <span className="config-key">{key}</span>:{" "}
            <code className={`config-value type-${typeof value}`}>{formatConfigValue(value)}</code>
          </li>
        ),
      )}
    </>
  );
}

/** Who changed which config path when, oldest first (from `configHistory`). */
export function ConfigHistory({ runId }: { runId: string }) {
  const api = useApi();
  const history = useQuery({
    queryKey: ["looplab-config-history", runId],
    queryFn: ({ signal }) => api.call("configHistory", { params: { runId }, signal }),
  });
  if (history.isPending) return <p className="muted">Loading config history…</p>;
  if (history.isError) return <p className="error">Could not load config history: {history.error.message}</p>;
  const changes = history.data.changes;
  if (changes.length === 0) return <p className="muted">The config has not changed since the run was created.</p>;
  return (
    <table className="plain">
      <thead>
        <tr>
          <th>When</th>
          <th>Who</th>
          <th>Path</th>
          <th>Before</th>
          <th>After</th>
        </tr>
      </thead>
      <tbody>
        {changes.flatMap((c, i) =>
          c.changes.map((d, j) => (
            <tr key={`${i}.${j}`}>
              <td>{j === 0 ? formatTime(c.at) : ""}</td>
              <td>{j === 0 ? c.actor : ""}</td>
              <td>
                <code>{d.path}</code>
              </td>
              <td>
                <code className="diff-del">{formatConfigValue(d.before)}</code>
              </td>
              <td>
                <code className="diff-add">{formatConfigValue(d.after)}</code>
              </td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}
