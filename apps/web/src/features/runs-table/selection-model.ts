/**
 * Selected runs (pure): either explicit ids, or "every run matching the filter" minus exclusions.
 * In the URL: `sel=id1,id2` or `sel=all` / `sel=all,-id3,-id4`.
 */
export type Selection = { mode: "ids"; ids: readonly string[] } | { mode: "all"; except: readonly string[] };

export const emptySelection: Selection = { mode: "ids", ids: [] };

export function isSelected(sel: Selection, id: string): boolean {
  return sel.mode === "ids" ? sel.ids.includes(id) : !sel.except.includes(id);
}

export function setSelected(sel: Selection, ids: readonly string[], on: boolean): Selection {
  if (sel.mode === "ids") {
    const set = new Set(sel.ids);
    for (const id of ids) on ? set.add(id) : set.delete(id);
    return { mode: "ids", ids: [...set] };
  }
  const except = new Set(sel.except);
  for (const id of ids) on ? except.delete(id) : except.add(id);
  return { mode: "all", except: [...except] };
}

export function toggle(sel: Selection, id: string): Selection {
  return setSelected(sel, [id], !isSelected(sel, id));
}

/**
 * Shift-click: sets every loaded run between the anchor and the clicked row (inclusive) to the
 * clicked row's new state. `idsInOrder` are the ids of the list rows from anchor to target.
 */
export function selectRange(sel: Selection, idsInOrder: readonly string[], on: boolean): Selection {
  return setSelected(sel, idsInOrder, on);
}

export function selectedCount(sel: Selection, total: number | null): number | null {
  if (sel.mode === "ids") return sel.ids.length;
  return total === null ? null : Math.max(0, total - sel.except.length);
}

export function encodeSelection(sel: Selection): string | null {
  if (sel.mode === "all") return ["all", ...sel.except.map((id) => `-${id}`)].join(",");
  return sel.ids.length === 0 ? null : sel.ids.join(",");
}

export function decodeSelection(text: string | null): Selection {
  if (!text) return emptySelection;
  const parts = text.split(",").filter(Boolean);
  if (parts[0] === "all") {
    return { mode: "all", except: parts.slice(1).map((p) => p.replace(/^-/, "")) };
  }
  return { mode: "ids", ids: [...new Set(parts)] };
}
