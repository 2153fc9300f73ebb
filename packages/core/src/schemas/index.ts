export * from "./artifacts.js";
export * from "./common.js";
export * from "./dashboard.js";
export * from "./import-export.js";
export * from "./metrics.js";
export * from "./projects.js";
export * from "./runs.js";
