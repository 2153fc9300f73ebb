export function ProjectPage({ project }: { project: string }) {
  return <h1>{project}</h1>;
}
