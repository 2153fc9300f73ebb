import type { z } from "zod";

/** One route of the public API: its schemas drive server validation, the SDK's types and OpenAPI. */
export interface RouteContract {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Response schema for 200; undefined for streamed (non-JSON) responses. */
  response?: z.ZodType;
  /** Status of a successful response; 200 unless stated. */
  status?: number;
}
