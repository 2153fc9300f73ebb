import { z } from "zod";
import { booleanQuery, epochMs, metricKeySchema, projectNameSchema } from "./common.js";

export const metricGoalSchema = z.enum(["min", "max"]);
export type MetricGoal = z.infer<typeof metricGoalSchema>;

export const metricDefinitionSchema = z
  .object({ key: metricKeySchema, goal: metricGoalSchema })
  .meta({ id: "MetricDefinition" });
export type MetricDefinition = z.infer<typeof metricDefinitionSchema>;

export const projectSchema = z
  .object({
    id: z.string(),
    name: projectNameSchema,
    description: z.string(),
    createdAt: epochMs,
    updatedAt: epochMs,
    deletedAt: epochMs.nullable(),
    metricDefinitions: z.array(metricDefinitionSchema),
    runCount: z.number().int().nonnegative(),
  })
  .meta({ id: "Project" });
export type Project = z.infer<typeof projectSchema>;

export const createProjectBody = z.object({
  name: projectNameSchema,
  description: z.string().max(10_000).default(""),
});
export type CreateProjectBody = z.infer<typeof createProjectBody>;

export const updateProjectBody = z.object({ description: z.string().max(10_000).optional() });

export const putMetricDefinitionBody = z.object({ goal: metricGoalSchema });

export const listProjectsQuery = z.object({
  pageToken: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  includeDeleted: booleanQuery.default(false),
});

export const projectListSchema = z.object({
  projects: z.array(projectSchema),
  nextPageToken: z.string().nullable(),
});
