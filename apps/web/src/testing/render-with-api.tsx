import type { LooplabClient } from "@looplab/sdk";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { ApiProvider } from "../api/api-context.js";

/** Renders `node` as the dashboard would: a fresh query cache (no retries) and `client` as its API. */
export function renderWithApi(client: LooplabClient, node: ReactNode) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={client}>{node}</ApiProvider>
    </QueryClientProvider>,
  );
}
