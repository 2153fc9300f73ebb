export * from "./common.js";
export * from "./import-export.js";
export * from "./metrics.js";
export * from "./projects.js";
export * from "./runs.js";
