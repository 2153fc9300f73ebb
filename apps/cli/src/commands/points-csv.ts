import { encodeFloat, encodeNullableFloat, type WireFloat } from "@looplab/core";

/**
 * The points files of an export folder (docs/export-format.md): `key,step,value,time`, one
 * point per line, numbers as JavaScript prints them (`NaN`, `Infinity`, `-Infinity` spelled so),
 * keys quoted RFC 4180-style when they hold a comma or a double quote.
 */

export const POINTS_HEADER = "key,step,value,time";

export interface CsvPoint {
  key: string;
  step: number;
  value: number;
  time: number;
}

export function csvKey(key: string): string {
  return /[",\r\n]/.test(key) ? `"${key.replaceAll('"', '""')}"` : key;
}

export function pointLine(key: string, step: number, value: number, time: number): string {
  return `${csvKey(key)},${step},${value},${time}\n`;
}

function parseFinite(text: string): number | null {
  if (!/^[-+]?[0-9.]+([eE][-+]?[0-9]+)?$/.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function parseValue(text: string): number | null {
  if (text === "NaN") return Number.NaN;
  if (text === "Infinity") return Number.POSITIVE_INFINITY;
  if (text === "-Infinity") return Number.NEGATIVE_INFINITY;
  return parseFinite(text);
}

/** Splits off the key (quoted or not) and returns it with the rest of the line. */
function splitKey(line: string): [string, string] | string {
  if (!line.startsWith('"')) {
    const comma = line.indexOf(",");
    return comma < 0 ? "expected 4 fields" : [line.slice(0, comma), line.slice(comma + 1)];
  }
  let key = "";
  let i = 1;
  for (;;) {
    const quote = line.indexOf('"', i);
    if (quote < 0) return "unterminated quoted key";
    key += line.slice(i, quote);
    if (line[quote + 1] === '"') {
      key += '"';
      i = quote + 2;
      continue;
    }
    if (line[quote + 1] !== ",") return "expected ',' after the quoted key";
    return [key, line.slice(quote + 2)];
  }
}

/** Parses one data line; returns an error message instead when the line is malformed. */
export function parsePointLine(line: string): CsvPoint | string {
  const split = splitKey(line);
  if (typeof split === "string") return split;
  const [key, rest] = split;
  if (key === "") return "empty key";
  const fields = rest.split(",");
  if (fields.length !== 3) return "expected 4 fields: key,step,value,time";
  const [stepText, valueText, timeText] = fields as [string, string, string];
  const step = parseFinite(stepText);
  if (step === null) return `step '${stepText}' is not a finite number`;
  const value = parseValue(valueText);
  if (value === null) return `value '${valueText}' is not a number`;
  const time = Number(timeText);
  if (!/^\d+$/.test(timeText) || !Number.isSafeInteger(time)) return `time '${timeText}' is not epoch milliseconds`;
  return { key, step, value, time };
}

export interface SeriesSummaryLine {
  key: string;
  count: number;
  nanCount: number;
  last: WireFloat | null;
  lastStep: number | null;
  lastTime: number | null;
  min: WireFloat | null;
  max: WireFloat | null;
  mean: WireFloat | null;
}

/**
 * The summary of one series as written in runs.jsonl, computed from the points file itself so
 * that it is a function of the file: min/max over non-NaN values (±Infinity included), last =
 * the point with the largest step, then the latest time (a tie goes to the later line), mean =
 * the finite values summed in file order, divided by their number.
 */
export function createSeriesSummary(key: string) {
  let count = 0;
  let nanCount = 0;
  let finiteCount = 0;
  let sum = 0;
  let min: number | null = null;
  let max: number | null = null;
  let last: { step: number; time: number; value: number } | null = null;
  return {
    add(step: number, value: number, time: number): void {
      count++;
      if (Number.isNaN(value)) nanCount++;
      else {
        if (min === null || value < min) min = value;
        if (max === null || value > max) max = value;
        if (Number.isFinite(value)) {
          finiteCount++;
          sum += value;
        }
      }
      if (last === null || step > last.step || (step === last.step && time >= last.time)) last = { step, time, value };
    },
    get count(): number {
      return count;
    },
    finish(): SeriesSummaryLine {
      return {
        key,
        count,
        nanCount,
        last: last === null ? null : encodeFloat(last.value),
        lastStep: last?.step ?? null,
        lastTime: last?.time ?? null,
        min: encodeNullableFloat(min),
        max: encodeNullableFloat(max),
        mean: finiteCount > 0 ? encodeFloat(sum / finiteCount) : null,
      };
    },
  };
}
