import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./apps/server/src/testing/vitest-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: [
            "packages/*/src/**/*.test.ts",
            "apps/*/src/**/*.test.ts",
            "apps/*/test/**/*.test.ts",
            "e2e/**/*.test.ts",
          ],
          exclude: ["apps/web/**", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: { name: "web", environment: "jsdom", include: ["apps/web/src/**/*.test.{ts,tsx}"] },
      },
    ],
  },
});
