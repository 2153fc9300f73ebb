export type { RunningServer } from "../start-server.js";
export { ensurePostgresInstalled, freePort, type PostgresCluster, startPostgresCluster } from "./postgres-cluster.js";
export { createScratchDatabase } from "./postgres-databases.js";
export { type S3TestServer, startS3TestServer } from "./s3-test-server.js";
export {
  cliBinPath,
  type ServerProcess,
  spawnServerProcess,
  startTestServer,
  type TestServerOptions,
} from "./test-server.js";
export { postgresFactory, type StoreFactory, sqliteFactory, storeFactories, testPgClusterUrl } from "./test-stores.js";
