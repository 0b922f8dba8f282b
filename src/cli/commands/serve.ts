/**
 * `eligo serve [--db] [--port] [--host] [--admin-token] [--cors]`: the HTTP API (and the
 * web UI when present) over a store. Read-only over HTTP unless --admin-token is given.
 */
import type { Command } from "commander";
import { createServer } from "../../server/index.js";
import { addDbOption, dbPath, openDb, out, UserError } from "../common.js";

interface ServeOptions {
  db?: string;
  port: string;
  host: string;
  adminToken?: string;
  cors?: string | boolean;
  bodyLimit: string;
}

/** "--cors" alone or "*": any origin; "a,b": those origins. */
export function corsOption(v: string | boolean | undefined): boolean | string[] | undefined {
  if (v === undefined || v === false) return undefined;
  if (v === true || v.trim() === "*") return true;
  const origins = v.split(",").map((s) => s.trim()).filter(Boolean);
  for (const o of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new UserError(`--cors: "${o}" is not an origin like https://example.org`);
  }
  return origins;
}

export function registerServe(program: Command): void {
  addDbOption(
    program
      .command("serve")
      .description("serve the JSON API (/api/studies, /openapi.json, …) and the web UI")
      .option("--port <n>", "port (0: any free port)", process.env.PORT ?? "8080")
      .option("--host <addr>", "address to listen on (0.0.0.0 for every interface)", "127.0.0.1")
      .option("--admin-token <token>", "enable POST /api/import for requests with Authorization: Bearer <token> (default: $ELIGO_ADMIN_TOKEN)")
      .option("--cors [origins]", "send CORS headers: for any origin, or only for these comma-separated origins")
      .option("--body-limit <bytes>", "largest request body accepted", String(5 * 1024 * 1024)),
  ).action(async (opts: ServeOptions) => {
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port "${opts.port}" is not a port number (0–65535)`);
    const bodyLimit = Number(opts.bodyLimit);
    if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) throw new UserError(`--body-limit "${opts.bodyLimit}" must be a whole number of bytes ≥ 1024`);
    const adminToken = opts.adminToken ?? process.env.ELIGO_ADMIN_TOKEN;
    if (adminToken !== undefined && adminToken.length < 16) throw new UserError("--admin-token must be at least 16 characters");
    const cors = corsOption(opts.cors);
    const store = openDb(opts);
    const app = await createServer({ store, adminToken, cors, bodyLimit });
    let address: string;
    try {
      address = await app.listen({ port, host: opts.host });
    } catch (e) {
      store.close();
      throw new UserError(`cannot listen on ${opts.host}:${port}: ${(e as Error).message}`);
    }
    out(`eligo: serving ${store.count()} studies from ${dbPath(opts)} at ${address}`);
    out(`  API ${address}/api/studies · OpenAPI ${address}/openapi.json · ${adminToken ? "import enabled (POST /api/import)" : "read-only"}`);
    const stop = async () => {
      await app.close();
      store.close();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
