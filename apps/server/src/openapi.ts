import { pino } from "pino";
import { buildApp } from "./http/build-app.js";
import { systemClock } from "./services/clock.js";
import { createServices } from "./services/index.js";
import { openStore } from "./storage/open-store.js";

/** The OpenAPI document generated from the zod contracts (the committed openapi.json). */
export async function generateOpenApiDocument(): Promise<string> {
  const store = await openStore("sqlite::memory:");
  try {
    const app = await buildApp(createServices(store, systemClock), { logger: pino({ level: "silent" }) });
    const document = app.swagger();
    await app.close();
    return `${JSON.stringify(document, null, 2)}\n`;
  } finally {
    await store.close();
  }
}
