import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useApi } from "../../api/api-context.js";
import { navigate, paths } from "../../app/router.js";
import { deleteView, listViews, saveView, viewsKey } from "./saved-views.js";
import { viewQuery } from "./table-url-state.js";

/** Saved views of a project: save the current URL query by name, apply or delete one. */
export function SavedViewsMenu({ project }: { project: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const key = viewsKey(project);
  const views = useQuery({ queryKey: key, queryFn: ({ signal }) => listViews(api, project, signal) });
  const save = useMutation({
    mutationFn: (viewName: string) =>
      saveView(api, project, viewName, viewQuery(new URLSearchParams(window.location.search))),
    onSuccess: () => {
      setName("");
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (viewName: string) => deleteView(api, project, viewName),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  const onSave = (event: FormEvent) => {
    event.preventDefault();
    const viewName = name.trim();
    if (viewName === "") return;
    const exists = views.data?.some((v) => v.name === viewName);
    if (exists && !window.confirm(`Replace the saved view “${viewName}”?`)) return;
    save.mutate(viewName);
  };
  const error = save.error
    ? `Could not save the view: ${save.error.message}`
    : remove.error
      ? `Could not delete the view: ${remove.error.message}`
      : views.error
        ? `Could not load saved views: ${views.error.message}`
        : null;
  return (
    <div className="rt-popover-anchor">
      <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Views{views.data?.length ? ` (${views.data.length})` : ""}
      </button>
      {open ? (
        <div className="rt-popover rt-views" role="dialog" aria-label="saved views">
          <form onSubmit={onSave} className="rt-popover-head">
            <input
              aria-label="view name"
              placeholder="Save current view as…"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <button type="submit" disabled={name.trim() === "" || save.isPending}>
              Save
            </button>
          </form>
          {error ? (
            <p className="error rt-views-error" role="alert">
              {error}
            </p>
          ) : null}
          <ul className="rt-choice-list">
            {(views.data ?? []).map((view) => (
              <li key={view.name} className="rt-view-item">
                <button
                  type="button"
                  className="ghost rt-view-apply"
                  title={new URLSearchParams(view.state).toString()}
                  onClick={() => {
                    const search = new URLSearchParams(view.state).toString();
                    navigate(paths.project(project, search ? `?${search}` : ""));
                    setOpen(false);
                  }}
                >
                  {view.name}
                </button>
                <button
                  type="button"
                  className="ghost"
                  aria-label={`delete view ${view.name}`}
                  onClick={() => remove.mutate(view.name)}
                >
                  ×
                </button>
              </li>
            ))}
            {views.isPending ? <li className="muted rt-choice-empty">Loading views…</li> : null}
            {views.data?.length === 0 ? <li className="muted rt-choice-empty">No saved views yet.</li> : null}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
