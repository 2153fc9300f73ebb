/** Dependency rules of DESIGN.md §3, checked in CI (`npm run deps:check`). */
const entryFiles =
  "^(packages/core/src/index\\.ts|packages/sdk/src/(index|node)\\.ts|apps/server/src/(index|testing/index)\\.ts|apps/agent/src/index\\.ts)$";
const tests = "\\.(test|int\\.test|contract)\\.ts$|/testing/|^apps/[^/]+/test/";

module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", from: {}, to: { circular: true } },
    {
      name: "core-is-pure",
      comment: "packages/core imports no workspace and no Node API",
      severity: "error",
      from: { path: "^packages/core/src", pathNot: tests },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "core-imports-no-workspace",
      severity: "error",
      from: { path: "^packages/core/src" },
      to: { path: "^(packages/(sdk)|apps)/" },
    },
    {
      name: "sdk-imports-only-core",
      severity: "error",
      from: { path: "^packages/sdk/src", pathNot: tests },
      to: { path: "^(apps|packages/(?!core|sdk))/" },
    },
    {
      name: "sdk-browser-entry-has-no-node",
      comment: "Node-only parts of the SDK live in src/node.ts and src/node/ (the `node` export condition)",
      severity: "error",
      from: { path: "^packages/sdk/src/(?!node(\\.ts$|/))", pathNot: tests },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "packages-never-import-apps",
      comment: "tests may start a real server through @looplab/server/testing",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^apps/", pathNot: "^apps/server/src/testing/index\\.ts$" },
    },
    {
      name: "only-tests-use-server-testing",
      severity: "error",
      from: { path: "^packages/", pathNot: tests },
      to: { path: "^apps/" },
    },
    {
      name: "apps-do-not-import-each-other",
      comment: "except: the CLI may start the server and agent; tests may use @looplab/server/testing",
      severity: "error",
      from: { path: "^apps/([^/]+)/", pathNot: ["^apps/cli/", tests] },
      to: { path: "^apps/([^/]+)/", pathNot: ["^apps/$1/"] },
    },
    {
      name: "app-tests-use-only-server-testing",
      severity: "error",
      from: { path: "^apps/([^/]+)/(.*\\.(test|int\\.test|contract)\\.ts$|.*/testing/|test/)", pathNot: "^apps/cli/" },
      to: { path: "^apps/([^/]+)/", pathNot: ["^apps/$1/", "^apps/server/src/testing/index\\.ts$"] },
    },
    {
      name: "cli-uses-only-server-and-agent-entries",
      severity: "error",
      from: { path: "^apps/cli/" },
      to: {
        path: "^apps/(?!cli/)",
        pathNot: "^apps/(server/src/index\\.ts|agent/src/index\\.ts)$|^apps/server/src/testing/index\\.ts$",
      },
    },
    {
      name: "server-never-imports-sdk",
      severity: "error",
      from: { path: "^apps/server/src", pathNot: tests },
      to: { path: "^packages/sdk/" },
    },
    {
      name: "services-import-no-http-or-sql",
      severity: "error",
      from: { path: "^apps/server/src/services/" },
      to: { path: "node_modules/(fastify|@fastify|kysely|pg|better-sqlite3)/" },
    },
    {
      name: "imports-go-through-exports",
      comment: "a workspace reaches another only through its package exports",
      severity: "error",
      from: { path: "^(packages|apps)/([^/]+)/" },
      to: { path: "^(packages|apps)/", pathNot: ["^$1/$2/", entryFiles] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "/dist/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "node", "default"] },
    combinedDependencies: true,
    preserveSymlinks: false,
  },
};
