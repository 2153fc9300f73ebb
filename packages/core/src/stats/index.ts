export * from "./mann-whitney.js";
export { normalCdf, normalLogPdf, normalQuantile } from "./normal.js";
