import { useState } from "react";

/** "key" for a label, "key=value" for a valued tag (the input accepts both forms). */
export function parseTagInput(text: string): { key: string; value: string } | null {
  const t = text.trim();
  if (t === "") return null;
  const eq = t.indexOf("=");
  if (eq === 0) return null;
  return eq < 0 ? { key: t, value: "" } : { key: t.slice(0, eq).trim(), value: t.slice(eq + 1).trim() };
}

export interface RunTagsProps {
  tags: Record<string, string>;
  onAdd(key: string, value: string): Promise<unknown>;
  onRemove(key: string): Promise<unknown>;
}

/** A run's tags as chips with ×, and a box to add `label` or `key=value`. */
export function RunTags({ tags, onAdd, onRemove }: RunTagsProps) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const add = () => {
    const tag = parseTagInput(text);
    if (!tag) return;
    void run(async () => {
      await onAdd(tag.key, tag.value);
      setText("");
    });
  };
  const entries = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="run-tags">
      {entries.map(([k, v]) => (
        <span key={k} className="chip">
          {v === "" ? k : `${k}=${v}`}
          <button
            type="button"
            className="ghost chip-x"
            aria-label={`remove tag ${k}`}
            onClick={() => void run(() => onRemove(k))}
          >
            ×
          </button>
        </span>
      ))}
      <input
        aria-label="add tag"
        placeholder="add tag (label or key=value)"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") add();
        }}
      />
      {error ? <span className="error">{error}</span> : null}
    </div>
  );
}
