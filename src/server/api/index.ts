/** Registers every JSON API route on the app. */
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../app.js";

export async function registerApi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get("/healthz", async () => ({ ok: true, studies: ctx.store.count() }));
}
