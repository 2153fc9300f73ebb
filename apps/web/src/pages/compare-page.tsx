export function ComparePage({ project }: { project: string }) {
  return <h1>{project}</h1>;
}
