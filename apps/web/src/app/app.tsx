import type { LooplabClient } from "@looplab/sdk";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { ApiProvider } from "../api/api-context.js";
import { ComparePage } from "../pages/compare-page.js";
import { ModelPage } from "../pages/model-page.js";
import { ProjectPage } from "../pages/project-page.js";
import { ProjectsPage } from "../pages/projects-page.js";
import { QueuePage } from "../pages/queue-page.js";
import { RegistryPage } from "../pages/registry-page.js";
import { RunPage } from "../pages/run-page.js";
import { SweepPage } from "../pages/sweep-page.js";
import { Link, matchRoute, paths, useLocationHref } from "./router.js";
import { useTheme } from "./theme.js";

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
        {route.page === "projects" && <ProjectsPage />}
        {route.page === "project" && <ProjectPage project={route.project} />}
        {route.page === "compare" && <ComparePage project={route.project} />}
        {route.page === "run" && <RunPage runId={route.runId} />}
        {route.page === "queue" && <QueuePage />}
        {route.page === "sweep" && <SweepPage sweepId={route.sweepId} />}
        {route.page === "models" && <RegistryPage />}
        {route.page === "model" && <ModelPage name={route.name} />}
        {route.page === "not-found" && <p className="error">No page at {route.path}</p>}
      </main>
    </div>
  );
}
