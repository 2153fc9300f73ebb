import { Link, paths } from "../../app/router.js";
import { ago, gpuMemory } from "./job-format.js";
import type { AgentRow } from "./use-queue.js";

/** Agents with each GPU and the job that holds it; CPU-slot jobs listed below the GPUs. */
export function AgentsPanel({ agents, now }: { agents: readonly AgentRow[]; now: number }) {
  if (agents.length === 0) {
    return <p className="muted">No agents. Start one on a machine with `looplab agent --url …`.</p>;
  }
  return (
    <div className="agents">
      {agents.map((agent) => {
        const byGpu = new Map<number, AgentRow["jobs"][number]>();
        for (const job of agent.jobs) for (const index of job.gpuIndices) byGpu.set(index, job);
        const cpuJobs = agent.jobs.filter((job) => job.gpuIndices.length === 0);
        return (
          <section key={agent.id} className={`agent agent-${agent.state}`} aria-label={`agent ${agent.name}`}>
            <header>
              <strong>{agent.name}</strong> <span className="muted">{agent.host}</span>{" "}
              <span className={`agent-state agent-state-${agent.state}`}>{agent.state}</span>{" "}
              <span className="muted" title={new Date(agent.heartbeatAt).toLocaleString()}>
                heartbeat {ago(agent.heartbeatAt, now)}
              </span>
              <span className="muted"> · queues {agent.queues.join(", ")}</span>
            </header>
            {agent.gpus.length > 0 && (
              <table className="plain gpus">
                <thead>
                  <tr>
                    <th>GPU</th>
                    <th>Model</th>
                    <th className="num">Util</th>
                    <th className="num">Memory</th>
                    <th>Job</th>
                  </tr>
                </thead>
                <tbody>
                  {agent.gpus.map((gpu) => {
                    const job = byGpu.get(gpu.index);
                    return (
                      <tr key={gpu.index}>
                        <td>{gpu.index}</td>
                        <td>{gpu.name}</td>
                        <td className="num">{gpu.utilizationPercent === null ? "–" : `${gpu.utilizationPercent}%`}</td>
                        <td className="num">{gpuMemory(gpu.memoryUsedMiB, gpu.memoryTotalMiB)}</td>
                        <td>{job ? <Link href={paths.run(job.runId)}>{job.runId.slice(0, 8)}</Link> : "free"}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
            <p className="muted">
              {agent.cpuSlots} CPU slot{agent.cpuSlots === 1 ? "" : "s"}
              {cpuJobs.length > 0 && (
                <>
                  {" · running "}
                  {cpuJobs.map((job, i) => (
                    <span key={job.jobId}>
                      {i > 0 && ", "}
                      <Link href={paths.run(job.runId)}>{job.runId.slice(0, 8)}</Link>
                    </span>
                  ))}
                </>
              )}
            </p>
          </section>
        );
      })}
    </div>
  );
}
