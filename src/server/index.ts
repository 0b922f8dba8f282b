/**
 * The full server: the API app (./app.ts) plus the web UI routes.
 *
 * WEB UI ENGINEER: add your plugin here — one import line
 *   import { registerWeb } from "./web/index.js";
 * and add `registerWeb` to the `plugins` list below (signature: AppPlugin from ./app.js,
 * i.e. `(app: FastifyInstance, ctx: AppContext) => void | Promise<void>`).
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
