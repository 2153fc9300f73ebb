import { useState } from "react";
import { Markdown } from "./markdown.js";

/** Notes rendered as Markdown; "Edit" swaps in a text area that saves through `updateRun`. */
export function RunNotes({ notes, onSave }: { notes: string; onSave(notes: string): Promise<unknown> }) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  if (draft === null) {
    return (
      <div className="run-notes">
        {notes.trim() === "" ? <p className="muted">No notes yet.</p> : <Markdown text={notes} />}
        <button type="button" onClick={() => setDraft(notes)}>
          Edit notes
        </button>
      </div>
    );
  }
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await onSave(draft);
      setDraft(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <div className="run-notes editing">
      <textarea
        aria-label="notes"
        value={draft}
        rows={Math.min(30, Math.max(8, draft.split("\n").length + 2))}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) void save();
          if (e.key === "Escape") setDraft(null);
        }}
      />
      <div className="row">
        <button type="button" onClick={() => void save()} disabled={saving}>
          {saving ? "Saving…" : "Save"}
        </button>
        <button type="button" className="ghost" onClick={() => setDraft(null)} disabled={saving}>
          Cancel
        </button>
        <span className="muted">Markdown · Ctrl+Enter saves</span>
        {error ? <span className="error">{error}</span> : null}
      </div>
      {draft.trim() !== "" ? (
        <div className="preview">
          <Markdown text={draft} />
        </div>
      ) : null}
    </div>
  );
}
