import { LooplabError } from "../errors.js";

export type QueryLanguage = "filter" | "sort";

/**
 * The one error of the filter and sort languages: a 400 whose message names the column
 * (1-based) where parsing failed, e.g. "filter: expected a value after '<' at column 14".
 */
export function queryError(
  language: QueryLanguage,
  message: string,
  column: number,
  details: Record<string, unknown> = {},
): LooplabError {
  return new LooplabError("INVALID_ARGUMENT", `${language}: ${message} at column ${column}`, {
    language,
    column,
    ...details,
  });
}
