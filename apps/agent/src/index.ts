/** @looplab/agent — runs queued jobs on a machine (docs/agent.md). */

export { type AgentHandle, type StartAgentOptions, startAgent } from "./agent.js";
export { createAgentLogger } from "./agent-logger.js";
export {
  type AgentFlags,
  type AgentSettings,
  resolveAgentSettings,
  type StopMode,
  stopModes,
} from "./agent-options.js";
export { createGpuProbe, type GpuProbe } from "./gpu-probe.js";
export { type GpuSelection, parseGpuSelection } from "./slot-allocator.js";
