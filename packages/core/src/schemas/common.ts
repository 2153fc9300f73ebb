import { z } from "zod";

export const wireFloat = z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])]);

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "ErrorBody" });

/** 32 lowercase hex characters: a uuid4 without dashes (DESIGN.md §4). */
export const runIdSchema = z.string().regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex characters");

export const projectNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-', starting with a letter or digit");

/** Metric keys may contain '/', '-', '_' and '.', but no control characters. */
export const metricKeySchema = z
  .string()
  .min(1)
  .max(250)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]+$/, "must not contain control characters");

export const tagKeySchema = z.string().min(1).max(250);
export const tagValueSchema = z.string().max(5000);

/** Epoch milliseconds. */
export const epochMs = z.number().int().nonnegative();

export const pageTokenSchema = z.string().max(2000);

export const paginationQuery = z.object({
  pageToken: pageTokenSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const jsonValue: z.ZodType<unknown> = z.unknown();

export const configSchema = z.record(z.string().max(250), z.unknown());

/** Query-string booleans: only "true"/"false"/"1"/"0" are accepted (z.coerce.boolean would read "false" as true). */
export const booleanQuery = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0"])])
  .transform((v) => v === true || v === "true" || v === "1");
