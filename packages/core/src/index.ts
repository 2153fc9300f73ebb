export * from "./config/config-paths.js";
export * from "./contracts/index.js";
export * from "./duration.js";
export * from "./errors.js";
export * from "./filter/index.js";
export * from "./float-codec.js";
export * from "./run-lifecycle.js";
export * from "./schemas/index.js";
