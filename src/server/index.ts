/**
 * The full server: the API app (./app.ts) plus the web UI routes (./web, `registerWeb`).
 * Another route set plugs in as one more AppPlugin in the list below (signature
 * `(app: FastifyInstance, ctx: AppContext) => void | Promise<void>`, from ./app.js).
 */
import type { FastifyInstance } from "fastify";
import { buildApp, type AppPlugin, type BuildAppOptions } from "./app.js";
import { registerWeb } from "./web/index.js";

export type CreateServerOptions = Omit<BuildAppOptions, "plugins"> & { extraPlugins?: AppPlugin[] };

export async function createServer(opts: CreateServerOptions): Promise<FastifyInstance> {
  const plugins: AppPlugin[] = [
    registerWeb,
    ...(opts.extraPlugins ?? []),
  ];
  return buildApp({ ...opts, plugins });
}

export { buildApp } from "./app.js";
export type { AppContext, AppPlugin, BuildAppOptions } from "./app.js";
