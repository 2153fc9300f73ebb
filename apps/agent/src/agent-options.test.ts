import { describe, expect, it } from "vitest";
import { resolveAgentSettings } from "./agent-options.js";

describe("agent settings", () => {
  it("defaults", () => {
    const s = resolveAgentSettings({}, {});
    expect(s).toMatchObject({
      url: "http://127.0.0.1:7373",
      queues: ["default"],
      gpus: { kind: "auto" },
      cpus: undefined,
      graceMs: 30_000,
      onStop: "drain",
      nvidiaSmiPath: "nvidia-smi",
      gpuBusyThreshold: 0.5,
      systemIntervalMs: 10_000,
    });
  });

  it("flags win over the environment", () => {
    const env = {
      LOOPLAB_URL: "http://env:1",
      LOOPLAB_QUEUES: "a, b",
      LOOPLAB_GPUS: "2",
      LOOPLAB_NVIDIA_SMI: "/opt/fake-smi",
      LOOPLAB_CPUS: "4",
    };
    expect(resolveAgentSettings({}, env)).toMatchObject({
      url: "http://env:1",
      queues: ["a", "b"],
      gpus: { kind: "count", count: 2 },
      nvidiaSmiPath: "/opt/fake-smi",
      cpus: 4,
    });
    expect(
      resolveAgentSettings(
        { url: "http://flag:2", queues: ["gpu"], gpus: "0,2", grace: "5s", onStop: "handback", cpus: "0" },
        env,
      ),
    ).toMatchObject({
      url: "http://flag:2",
      queues: ["gpu"],
      gpus: { kind: "list", indices: [0, 2] },
      graceMs: 5000,
      onStop: "handback",
      cpus: 0,
    });
  });

  it("bad values name their flag", () => {
    expect(() => resolveAgentSettings({ grace: "soon" }, {})).toThrow(/--grace/);
    expect(() => resolveAgentSettings({ onStop: "explode" }, {})).toThrow(/--on-stop/);
    expect(() => resolveAgentSettings({ cpus: "-1" }, {})).toThrow(/--cpus/);
    expect(() => resolveAgentSettings({ queues: ["no spaces"] }, {})).toThrow(/--queue/);
    expect(() => resolveAgentSettings({ gpuBusyThreshold: "2" }, {})).toThrow(/--gpu-busy-threshold/);
    expect(() => resolveAgentSettings({ url: "not a url" }, {})).toThrow(/--url/);
  });
});
