export * from "./filter-ast.js";
export { type QueryLanguage, queryError } from "./filter-error.js";
export { MAX_FILTER_DEPTH, MAX_FILTER_PREDICATES, parseFilter } from "./filter-parser.js";
export { MAX_SORT_KEYS, parseSort } from "./sort-parser.js";
