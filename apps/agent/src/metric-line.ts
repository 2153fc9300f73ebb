/**
 * Metrics printed by any program as one JSON object per line:
 * `{"looplab": {"step": 3, "val/acc": 0.9, "loss": 0.1}}`. `step` is required (an integer ≥ 0);
 * every other numeric field is a metric value. Anything else is an ordinary log line.
 */

export interface MetricLine {
  step: number;
  values: Record<string, number>;
}

const MAX_KEY_CHARS = 250;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f]/;

export function parseMetricLine(text: string): MetricLine | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") || !trimmed.endsWith("}") || !trimmed.includes('"looplab"')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== "looplab") return null;
  const body = (parsed as { looplab: unknown }).looplab;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const { step, ...rest } = body as Record<string, unknown>;
  if (typeof step !== "number" || !Number.isInteger(step) || step < 0) return null;
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    if (key === "" || key.length > MAX_KEY_CHARS || controlCharacter.test(key)) continue;
    values[key] = value;
  }
  if (Object.keys(values).length === 0) return null;
  return { step, values };
}
