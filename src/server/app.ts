/**
 * The HTTP application: a fastify instance with the JSON API (`/api/...`), the OpenAPI
 * document and the health check. Nothing here listens on a port or prints: `eligo serve`
 * (src/cli/commands/serve.ts) does that; tests drive the app with `app.inject`.
 *
 * Extension hook: other parts of the server (the web UI in `src/server/web/`) are added as
 * `plugins`, each called with the app and the shared context after the API routes are
 * registered. `createServer` in `./index.ts` composes the full server from buildApp + web.
 */
import Fastify, { type FastifyInstance } from "fastify";
import cors from "@fastify/cors";
import type { SqliteStudyStore } from "../store/sqlite.js";
import { registerApi } from "./api/index.js";

/** What every route and plugin shares. */
export interface AppContext {
  store: SqliteStudyStore;
  /** When set, `POST /api/import` is enabled for requests with `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
}

export type AppPlugin = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;

export interface BuildAppOptions {
  store: SqliteStudyStore;
  adminToken?: string;
  /** CORS: false/undefined = no CORS headers; true = any origin; string or list = those origins. */
  cors?: boolean | string | string[];
  /** Maximum request body in bytes (default 5 MiB). */
  bodyLimit?: number;
  /** fastify's logger option (default off). */
  logger?: boolean;
  /** Extra route sets (e.g. the web UI), registered after the API. */
  plugins?: AppPlugin[];
}

export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Query strings like status=A&status=B arrive as arrays; the schemas accept both forms.
    routerOptions: { maxParamLength: 200 },
  });
  const ctx: AppContext = { store: opts.store, adminToken: opts.adminToken };
  if (opts.cors) {
    await app.register(cors, { origin: opts.cors === true ? true : opts.cors });
  }
  await registerApi(app, ctx);
  for (const plugin of opts.plugins ?? []) await plugin(app, ctx);
  return app;
}
