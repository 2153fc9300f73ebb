import type { Services } from "../../services/index.js";
import { invalidParameter } from "../mlflow-errors.js";

/**
 * Where an MLflow model version's files are: `runs:/<run>/<path>`,
 * `mlflow-artifacts:/<experiment>/<run>/artifacts/<path>`, or `models:/<logged model id>` (a
 * logged model stored under its run's `models/<id>/`). Any other source needs `run_id` and pins
 * nothing (path null).
 */
export async function resolveSource(
  services: Services,
  source: string,
  runId: string | undefined,
): Promise<{ runId: string; path: string | null }> {
  const runs = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (runs) return { runId: runs[1] as string, path: runs[2] ?? "" };
  const proxied = /^mlflow-artifacts:\/+[^/]+\/([0-9a-f]{32})\/artifacts\/?(.*)$/.exec(source);
  if (proxied) return { runId: proxied[1] as string, path: proxied[2] ?? "" };
  const logged = /^models:\/(m-[0-9a-f]+)\/?(.*)$/.exec(source);
  if (logged) {
    const model = await services.store.mlflow.getLoggedModel(logged[1] as string);
    const owner = model?.runId ?? runId;
    if (owner) {
      const rest = logged[2] ? `/${logged[2]}` : "";
      return { runId: owner, path: model?.runId ? `models/${model.modelId}${rest}` : null };
    }
  }
  if (runId) return { runId, path: null };
  throw invalidParameter(
    `Cannot register '${source}' without a run: pass run_id, or a runs:/<run_id>/<path> or mlflow-artifacts:/ source`,
  );
}
