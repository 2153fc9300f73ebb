export function RunPage({ runId }: { runId: string }) {
  return <h1>{runId}</h1>;
}
