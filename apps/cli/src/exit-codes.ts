/** Documented exit codes of the `looplab` command (docs/cli.md). */
export const exitCodes = {
  ok: 0,
  /** An unexpected failure. */
  failure: 1,
  /** Bad usage or a request the server refused as invalid (4xx). */
  usage: 2,
  /** The server could not be reached. */
  unavailable: 3,
  /** The thing asked for does not exist (404). */
  notFound: 4,
} as const;
