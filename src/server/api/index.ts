/**
 * The JSON API: /api/* routes, /healthz and /openapi.json, each in an encapsulated context
 * with the API's error handler (4xx `{"error","details"}`; 500 without internals), so the
 * web UI's own handlers are untouched.
 */
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../app.js";
import { ApiError, installErrorHandler } from "./errors.js";
import { registerImportRoute } from "./import.js";
import { registerMatchRoute } from "./match.js";
import { openApiDocument } from "./openapi.js";
import { registerRegimenRoute } from "./regimen.js";
import { registerStudyRoutes } from "./studies.js";

export async function registerApi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(
    async (api) => {
      installErrorHandler(api);
      api.addContentTypeParser("application/fhir+json", { parseAs: "string" }, (_req, body, done) => {
        try {
          done(null, JSON.parse(body as string));
        } catch (e) {
          done(new ApiError(400, "invalid body", [{ field: "body", message: `invalid JSON: ${(e as Error).message}` }]), undefined);
        }
      });
      api.setNotFoundHandler((request, reply) => {
        reply.code(404).send({ error: `no API route ${request.method} ${request.url.split("?")[0]}`, details: [] });
      });
      await registerStudyRoutes(api, ctx);
      await registerImportRoute(api, ctx);
      await registerMatchRoute(api, ctx);
      await registerRegimenRoute(api, ctx);
    },
    { prefix: "/api" },
  );
  await app.register(async (root) => {
    installErrorHandler(root);
    const doc = openApiDocument({ importEnabled: Boolean(ctx.adminToken), matchEnabled: true });
    root.get("/openapi.json", async () => doc);
    root.get("/healthz", async () => ({
      ok: true,
      studies: ctx.store.count(),
      schemaVersion: ctx.store.db.pragma("user_version", { simple: true }) as number,
    }));
  });
}
