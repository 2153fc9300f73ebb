import { useState } from "react";
import "./diff-view.css";

export type DiffLineKind = "add" | "del" | "ctx" | "hunk" | "meta";
export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/**
 * Classifies the lines of a unified diff (`git diff` output) for colouring. Hunk headers give
 * the line counts, so `--- a/x` / `+++ b/x` file headers are told apart from changed lines.
 */
export function parseUnifiedDiff(text: string): DiffLine[] {
  const lines = text.replace(/\n$/, "").split("\n");
  let oldLeft = 0;
  let newLeft = 0;
  return lines.map((line): DiffLine => {
    if (oldLeft > 0 || newLeft > 0) {
      if (line.startsWith("+")) {
        newLeft--;
        return { kind: "add", text: line };
      }
      if (line.startsWith("-")) {
        oldLeft--;
        return { kind: "del", text: line };
      }
      if (line.startsWith("\\")) return { kind: "meta", text: line };
      oldLeft--;
      newLeft--;
      return { kind: "ctx", text: line };
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      return { kind: "hunk", text: line };
    }
    return { kind: "meta", text: line };
  });
}

const PAGE = 2_000;

/** A coloured diff; long ones show their first lines with a button for the rest. */
export function DiffView({ lines, label }: { lines: readonly DiffLine[]; label?: string }) {
  const [limit, setLimit] = useState(PAGE);
  if (lines.length === 0) return <p className="muted">No differences.</p>;
  const shown = lines.slice(0, limit);
  return (
    <section className="diff-view" aria-label={label ?? "diff"}>
      <pre>
        {shown.map((l, i) => (
          <div key={i} className={`diff-line diff-${l.kind}`}>
            {l.text === "" ? " " : l.text}
          </div>
        ))}
      </pre>
      {lines.length > limit ? (
        <button type="button" onClick={() => setLimit((n) => n + PAGE * 5)}>
          Show more ({(lines.length - limit).toLocaleString("en-US")} lines left)
        </button>
      ) : null}
    </section>
  );
}
