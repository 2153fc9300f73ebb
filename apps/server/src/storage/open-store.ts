import type { Store } from "../ports/store.js";
import { openDatabase } from "./create-database.js";
import { createKyselyStore } from "./kysely/kysely-store.js";
import { parseDbUrl } from "./parse-db-url.js";

/** Opens the store named by a `--db` URL (sqlite:PATH or postgres://…) and migrates it. */
export async function openStore(dbUrl: string): Promise<Store> {
  return await createKyselyStore(openDatabase(parseDbUrl(dbUrl)));
}
