import { randomBytes } from "node:crypto";
import pg from "pg";

/** Creates a fresh, empty database in a running test cluster and returns its URL. */
export async function createScratchDatabase(clusterUrl: string, prefix = "looplab_test"): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
