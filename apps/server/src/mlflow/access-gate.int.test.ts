import { LooplabError } from "@looplab/core";
import { describe, expect, it } from "vitest";
import { buildApp } from "../http/build-app.js";
import { systemClock } from "../services/clock.js";
import { createServices } from "../services/index.js";
import { sqliteFactory } from "../testing/test-stores.js";

/** DESIGN.md §2.8: the one access gate guards the MLflow routes too, answering in MLflow's shape. */
describe("MLflow routes behind the access gate", () => {
  it("refuses when the policy refuses, with {error_code, message} and 401", async () => {
    const store = await sqliteFactory.open();
    const app = await buildApp(createServices(store, systemClock), {
      logger: false,
      access: async (request) => {
        if (request.headers.authorization !== "Bearer ok") throw new LooplabError("UNAUTHENTICATED", "token required");
      },
    });
    try {
      const denied = await app.inject({ method: "GET", url: "/api/2.0/mlflow/experiments/get?experiment_id=0" });
      expect(denied.statusCode).toBe(401);
      expect(denied.json()).toEqual({ error_code: "UNAUTHENTICATED", message: "token required" });
      const put = await app.inject({
        method: "PUT",
        url: `/api/2.0/mlflow-artifacts/artifacts/0/${"a".repeat(32)}/artifacts/x`,
        payload: "x",
      });
      expect(put.statusCode).toBe(401);
      const native = await app.inject({ method: "GET", url: "/api/v1/projects" });
      expect(native.statusCode).toBe(401);
      expect(native.json()).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
      const allowed = await app.inject({
        method: "GET",
        url: "/api/2.0/mlflow/experiments/get?experiment_id=0",
        headers: { authorization: "Bearer ok" },
      });
      expect(allowed.statusCode).toBe(200);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
