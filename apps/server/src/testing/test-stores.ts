import type { Store } from "../ports/store.js";
import { openStore } from "../storage/open-store.js";
import { createScratchDatabase } from "./postgres-databases.js";

export interface StoreFactory {
  name: "sqlite" | "postgres";
  /** A fresh, empty, migrated store. */
  open(): Promise<Store>;
  /** A fresh database URL (for servers started as processes). */
  freshUrl(): Promise<string>;
}

export function testPgClusterUrl(): string {
  const url = process.env.LOOPLAB_TEST_PG_URL;
  if (!url)
    throw new Error("LOOPLAB_TEST_PG_URL is not set: run tests through vitest (its global setup starts PostgreSQL)");
  return url;
}

export const sqliteFactory: StoreFactory = {
  name: "sqlite",
  freshUrl: async () => "sqlite::memory:",
  open: () => openStore("sqlite::memory:"),
};

export const postgresFactory: StoreFactory = {
  name: "postgres",
  freshUrl: () => createScratchDatabase(testPgClusterUrl()),
  open: async () => openStore(await createScratchDatabase(testPgClusterUrl())),
};

/** Every store adapter: contract suites run once per entry (`describe.each(storeFactories)`). */
export const storeFactories: StoreFactory[] = [sqliteFactory, postgresFactory];
