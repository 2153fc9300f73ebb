import { type Logger, pino } from "pino";

/** The agent's log: one JSON object per line on stderr (stdout stays free for data). */
export function createAgentLogger(level: string): Logger {
  return pino({ level, base: { component: "agent" } }, pino.destination(2));
}
