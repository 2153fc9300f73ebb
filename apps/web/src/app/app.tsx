import type { LooplabClient } from "@looplab/sdk";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { ApiProvider } from "../api/api-context.js";
import { ProjectsPage } from "../pages/projects-page.js";
import { Link, matchRoute, paths, type Route, useLocationHref } from "./router.js";
import { useTheme } from "./theme.js";

// Each page is its own chunk, loaded when first visited: the charts, tables and diff viewers of
// one page do not delay the first paint of another.
const ProjectPage = lazy(() => import("../pages/project-page.js").then((m) => ({ default: m.ProjectPage })));
const ComparePage = lazy(() => import("../pages/compare-page.js").then((m) => ({ default: m.ComparePage })));
const RunPage = lazy(() => import("../pages/run-page.js").then((m) => ({ default: m.RunPage })));
const QueuePage = lazy(() => import("../pages/queue-page.js").then((m) => ({ default: m.QueuePage })));
const SweepPage = lazy(() => import("../pages/sweep-page.js").then((m) => ({ default: m.SweepPage })));
const RegistryPage = lazy(() => import("../pages/registry-page.js").then((m) => ({ default: m.RegistryPage })));
const ModelPage = lazy(() => import("../pages/model-page.js").then((m) => ({ default: m.ModelPage })));

export function App({ client }: { client?: LooplabClient }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={client}>
        <Shell />
      </ApiProvider>
    </QueryClientProvider>
  );
}

function Shell() {
  const href = useLocationHref();
  const route = matchRoute(new URL(href, "http://x").pathname);
  const [theme, toggleTheme] = useTheme();
  return (
    <div className="app">
      <header className="topbar">
        <Link href={paths.projects()} className="brand">
          Looplab
        </Link>
        {route.page === "project" || route.page === "compare" ? (
          <Link href={paths.project(route.project)} className="crumb">
            {route.project}
          </Link>
        ) : null}
        <span className="spacer" />
        <nav className="topnav">
          <Link href={paths.queue()} aria-current={route.page === "queue" ? "page" : undefined}>
            Queue
          </Link>
          <Link
            href={paths.models()}
            aria-current={route.page === "models" || route.page === "model" ? "page" : undefined}
          >
            Models
          </Link>
        </nav>
        <button
          type="button"
          className="ghost"
          onClick={toggleTheme}
          title={theme === "dark" ? "Switch to the light theme" : "Switch to the dark theme"}
        >
          {theme === "dark" ? "Light" : "Dark"}
        </button>
      </header>
      <main className="content">
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Page route={route} />
        </Suspense>
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  return (
    <>
      {route.page === "projects" && <ProjectsPage />}
      {route.page === "project" && <ProjectPage project={route.project} />}
      {route.page === "compare" && <ComparePage project={route.project} />}
      {route.page === "run" && <RunPage runId={route.runId} />}
      {route.page === "queue" && <QueuePage />}
      {route.page === "sweep" && <SweepPage sweepId={route.sweepId} />}
      {route.page === "models" && <RegistryPage />}
      {route.page === "model" && <ModelPage name={route.name} />}
      {route.page === "not-found" && <p className="error">No page at {route.path}</p>}
    </>
  );
}
