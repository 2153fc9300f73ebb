import type { FastifyInstance } from "fastify";
import secureJson from "secure-json-parse";

/**
 * JSON bodies are parsed with plain JSON.parse when the text cannot hold a prototype-poisoning
 * key (no "__proto__", no "constructor", no \u escapes that could spell them); otherwise with
 * secure-json-parse, which refuses them. Metric batches take the fast path.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) {
      done(
        Object.assign(new Error("body must not be empty when content-type is application/json"), { statusCode: 400 }),
      );
      return;
    }
    try {
      const suspicious = text.includes("__proto__") || text.includes("constructor") || text.includes("\\u");
      done(
        null,
        suspicious
          ? secureJson.parse(text, undefined, { protoAction: "error", constructorAction: "error" })
          : JSON.parse(text),
      );
    } catch (error) {
      done(Object.assign(new Error(`malformed JSON body: ${(error as Error).message}`), { statusCode: 400 }));
    }
  });
}
