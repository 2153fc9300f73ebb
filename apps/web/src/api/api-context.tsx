import { createClient, type LooplabClient } from "@looplab/sdk";
import { createContext, type ReactNode, useContext, useState } from "react";

const ApiContext = createContext<LooplabClient | null>(null);

/** The dashboard talks to the server only through the SDK's typed client (DESIGN.md §2.3). */
export function ApiProvider({ client, children }: { client?: LooplabClient; children: ReactNode }) {
  // One client per provider: a new one per render would defeat connection reuse and identity checks.
  const [value] = useState(() => client ?? createClient({ url: window.location.origin }));
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export function useApi(): LooplabClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error("useApi outside ApiProvider");
  return client;
}
