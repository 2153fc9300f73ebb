import { invalidArgument } from "@looplab/core";

const units: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** "500MB", "10 GiB", "1e9" or a number of bytes → bytes (for `--artifact-quota`). */
export function parseByteSize(value: string | number, name: string): number {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw invalidArgument(`${name} must be a whole number of bytes`);
  }
  const match = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const factor = match ? units[(match[2] ?? "").toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw invalidArgument(`${name} must be a size such as 500MB, 10GiB or 1000000 (bytes), not '${value}'`);
  }
  return Math.round(Number(match[1]) * factor);
}
