export { buildApp } from "./http/build-app.js";
export { describeStartError, runServerMain } from "./main.js";
export { generateOpenApiDocument } from "./openapi.js";
export type { Store } from "./ports/store.js";
export { resolveServerConfig, type ServerConfig, type ServerConfigInput, serverConfigSchema } from "./server-config.js";
export { createServices, type Services } from "./services/index.js";
export { type RunningServer, type StartOptions, startServer } from "./start-server.js";
export { openStore } from "./storage/open-store.js";
