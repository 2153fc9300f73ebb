import { describe, expect, it } from "vitest";
import { formatDuration, runDurationMs } from "./run-format.js";

describe("run durations", () => {
  it("formats compactly", () => {
    expect(formatDuration(12_400)).toBe("12s");
    expect(formatDuration(187_000)).toBe("3m 07s");
    expect(formatDuration(7_500_000)).toBe("2h 05m");
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe("2d 3h");
  });

  it("runs to the end, to now while running, or to the last heartbeat of a crashed run", () => {
    expect(runDurationMs({ startedAt: 1000, endedAt: 5000, heartbeatAt: 4000, status: "finished" }, 9000)).toBe(4000);
    expect(runDurationMs({ startedAt: 1000, endedAt: null, heartbeatAt: 4000, status: "running" }, 9000)).toBe(8000);
    expect(runDurationMs({ startedAt: 1000, endedAt: null, heartbeatAt: 4000, status: "crashed" }, 9000)).toBe(3000);
    expect(runDurationMs({ startedAt: null, endedAt: null, heartbeatAt: null, status: "queued" }, 9000)).toBeNull();
  });
});
