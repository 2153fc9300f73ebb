import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

/** Every view's state lives in the URL (pathname + query), so a link reproduces the view. */
const CHANGE = "looplab:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function useLocationHref(): string {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(CHANGE));
}

export type Route =
  | { page: "projects" }
  | { page: "project"; project: string }
  | { page: "compare"; project: string }
  | { page: "run"; runId: string }
  | { page: "queue" }
  | { page: "sweep"; sweepId: string }
  | { page: "models" }
  | { page: "model"; name: string }
  | { page: "not-found"; path: string };

export function matchRoute(pathname: string): Route {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "projects" };
  if (parts[0] === "projects" && parts[1] !== undefined) {
    if (parts.length === 2) return { page: "project", project: parts[1] };
    if (parts.length === 3 && parts[2] === "compare") return { page: "compare", project: parts[1] };
  }
  if (parts[0] === "runs" && parts[1] !== undefined && parts.length === 2) return { page: "run", runId: parts[1] };
  if (parts[0] === "queue" && parts.length === 1) return { page: "queue" };
  if (parts[0] === "sweeps" && parts[1] !== undefined && parts.length === 2)
    return { page: "sweep", sweepId: parts[1] };
  if (parts[0] === "models" && parts.length === 1) return { page: "models" };
  if (parts[0] === "models" && parts[1] !== undefined && parts.length === 2) return { page: "model", name: parts[1] };
  return { page: "not-found", path: pathname };
}

export const paths = {
  projects: () => "/",
  project: (project: string, search = "") => `/projects/${encodeURIComponent(project)}${search}`,
  compare: (project: string, runIds: string[]) =>
    `/projects/${encodeURIComponent(project)}/compare?runs=${runIds.map(encodeURIComponent).join(",")}`,
  run: (runId: string) => `/runs/${encodeURIComponent(runId)}`,
  queue: (search = "") => `/queue${search}`,
  sweep: (sweepId: string) => `/sweeps/${encodeURIComponent(sweepId)}`,
  models: () => "/models",
  model: (name: string) => `/models/${encodeURIComponent(name)}`,
};

/** An anchor that navigates in-page on a plain left click and behaves as a link otherwise. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, href, ...rest } = props;
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} {...rest} onClick={handle} />;
}
