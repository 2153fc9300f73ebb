import { type PostgresCluster, startPostgresCluster } from "./postgres-cluster.js";

/**
 * Starts one throw-away PostgreSQL cluster for the whole test run; each test file creates
 * its own database in it. LOOPLAB_TEST_PG_URL may point at an existing cluster instead.
 */
let cluster: PostgresCluster | undefined;

export async function setup(): Promise<void> {
  if (process.env.LOOPLAB_TEST_PG_URL) return;
  cluster = await startPostgresCluster();
  process.env.LOOPLAB_TEST_PG_URL = cluster.url;
}

export async function teardown(): Promise<void> {
  cluster?.stop();
}
