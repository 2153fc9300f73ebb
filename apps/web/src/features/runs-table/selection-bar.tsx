import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../api/api-context.js";
import { navigate, paths } from "../../app/router.js";
import { applyBulkAction, type BulkAction, parseTagInput } from "./bulk-actions.js";
import { runsKeys } from "./runs-api.js";
import { emptySelection, type Selection, selectedCount } from "./selection-model.js";

export const MAX_COMPARE = 50;

export interface SelectionBarProps {
  project: string;
  filter: string;
  selection: Selection;
  total: number | null;
  onSelectionChange(selection: Selection): void;
}

/** Selected runs: count, Compare (2–50 runs), bulk tag / untag / delete, clear. */
export function SelectionBar({ project, filter, selection, total, onSelectionChange }: SelectionBarProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [tags, setTags] = useState("");
  const [message, setMessage] = useState<{ text: string; failed: boolean } | null>(null);
  const count = selectedCount(selection, total);
  const bulk = useMutation({
    mutationFn: (action: BulkAction) => applyBulkAction(api, { project, filter, selection, total }, action),
    onSuccess: (result, action) => {
      const verb = action.kind === "delete" ? "Deleted" : action.kind === "addTags" ? "Tagged" : "Untagged";
      setMessage({ text: `${verb} ${result.changed} of ${result.matched} runs`, failed: false });
      if (action.kind === "delete") onSelectionChange(emptySelection);
    },
    onError: (error) => setMessage({ text: `Failed: ${error.message}`, failed: true }),
    // Partly applied "all matching" actions change runs too: refetch either way.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: runsKeys.all(project) }),
  });

  const note = message ? (
    <span
      className={`${message.failed ? "error" : "muted"} rt-bulk-message`}
      role={message.failed ? "alert" : "status"}
    >
      {message.text}
    </span>
  ) : null;
  if (count === 0) return note;
  const ids = selection.mode === "ids" ? selection.ids : [];
  const canCompare = selection.mode === "ids" && ids.length >= 2 && ids.length <= MAX_COMPARE;
  const tagList = parseTagInput(tags);
  const label = selection.mode === "all" ? `All ${count ?? ""} matching` : `${count} selected`;

  return (
    <div className="rt-selection-bar" role="toolbar" aria-label="selected runs">
      <strong>{label}</strong>
      <button
        type="button"
        disabled={!canCompare}
        title={canCompare ? "Compare the selected runs" : `Select 2 to ${MAX_COMPARE} runs to compare`}
        onClick={() => navigate(paths.compare(project, [...ids]))}
      >
        Compare
      </button>
      <input
        aria-label="tags for selected runs"
        placeholder="tag, tag…"
        value={tags}
        size={12}
        onChange={(e) => setTags(e.target.value)}
      />
      <button
        type="button"
        disabled={tagList.length === 0 || bulk.isPending}
        onClick={() => bulk.mutate({ kind: "addTags", tags: tagList })}
      >
        Add tags
      </button>
      <button
        type="button"
        disabled={tagList.length === 0 || bulk.isPending}
        onClick={() => bulk.mutate({ kind: "removeTags", tags: tagList })}
      >
        Remove tags
      </button>
      <button
        type="button"
        className="danger"
        disabled={bulk.isPending}
        onClick={() => {
          if (window.confirm(`Delete ${count ?? "the selected"} runs? They can be restored from the API.`)) {
            bulk.mutate({ kind: "delete" });
          }
        }}
      >
        Delete
      </button>
      <button type="button" className="ghost" onClick={() => onSelectionChange(emptySelection)}>
        Clear
      </button>
      {bulk.isPending ? <span className="muted">Working…</span> : null}
      {!bulk.isPending ? note : null}
    </div>
  );
}
