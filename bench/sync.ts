/**
 * `npm run bench:sync [-- N [PAGE_SIZE [map|sqlite|both]]]`: throughput of the live sync client. A replay
 * server in a child process serves N studies (the 12 real records of ../shared, recombined
 * under synthetic NCT ids, deterministically); this process syncs them into a fresh
 * database and reports studies/s (wall clock, HTTP + JSON + validation + upsert), the
 * client's CPU time (steadier than wall clock on a busy machine) and its own peak RSS. Defaults: N = 10000, page size 1000 (the API's maximum).
 *
 * It runs twice: into the SQLite store (what a user gets), and into an in-memory map
 * store that only keeps a digest of the JSON, which isolates the client's own cost (HTTP, JSON,
 * validation, paging) from the store's (columns, child rows, search index).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startReplayServer } from "../src/ingest/sync/replay-server.js";
import { openStore } from "../src/store/sqlite.js";
import { syncStudies, type SyncStore } from "../src/ingest/sync/sync.js";
import type { Study } from "../src/model/study.js";
import type { UpsertOutcome } from "../src/store/store.js";

/**
 * Keeps a digest of each study's JSON: the least a store can do (serialise, compare),
 * with memory that stays small, so the client's own memory shows. For measuring only.
 */
class MapStore implements SyncStore {
  private readonly rows = new Map<string, string>();
  private readonly meta = new Map<string, string>();
  upsert(study: Study): UpsertOutcome {
    const id = study.protocolSection.identificationModule.nctId;
    const json = createHash("sha1").update(JSON.stringify(study)).digest("base64");
    const old = this.rows.get(id);
    if (old === json) return "unchanged";
    this.rows.set(id, json);
    return old === undefined ? "imported" : "updated";
  }
  transaction<T>(fn: () => T): T {
    return fn();
  }
  count(): number {
    return this.rows.size;
  }
  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }
  setMeta(key: string, value: string | null): void {
    if (value === null) this.meta.delete(key);
    else this.meta.set(key, value);
  }
}

const dataDir = new URL("../../shared/data/ctgov-v2/", import.meta.url);

function studies(n: number): unknown[] {
  const base = readdirSync(dataDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, dataDir), "utf8")) as { protocolSection: Record<string, any> });
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const s = structuredClone(base[i % base.length]!);
    // Recombine: identity from one record, conditions and eligibility from others.
    const other = base[(i * 7 + 3) % base.length]!.protocolSection;
    s.protocolSection.identificationModule.nctId = `NCT${String(90_000_000 + i).padStart(8, "0")}`;
    if (other.conditionsModule) s.protocolSection.conditionsModule = other.conditionsModule;
    if (other.eligibilityModule) s.protocolSection.eligibilityModule = other.eligibilityModule;
    out.push(s);
  }
  return out;
}

async function serve(n: number): Promise<void> {
  const server = await startReplayServer({ studies: studies(n) });
  process.stdout.write(`${server.url}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
}

async function client(n: number, pageSize: number, which: string): Promise<void> {
  if (!["map", "sqlite", "both"].includes(which)) throw new Error(`unknown store "${which}": expected map, sqlite or both`);
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--serve", String(n)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      if (buf.includes("\n")) resolve(buf.trim());
    });
    child.once("exit", (code) => reject(new Error(`replay server exited (${code})`)));
  });
  const dir = mkdtempSync(join(tmpdir(), "eligo-bench-sync-"));
  const run = async (label: string, store: SyncStore & { count(): number }) => {
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const r = await syncStudies(store, { baseUrl: url, pageSize });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const cpuSecs = (cpu.user + cpu.system) / 1e6;
    if (!r.complete || store.count() !== n) throw new Error(`expected ${n} studies, got ${store.count()}`);
    const rssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(
      `sync bench (${label}): ${n} studies, ${r.pages} pages of ${pageSize}: ${secs.toFixed(2)} s, ` +
        `${Math.round(n / secs)} studies/s; client CPU ${cpuSecs.toFixed(2)} s = ${Math.round(n / cpuSecs)} studies per CPU-second; ` +
        `peak RSS so far ${rssMb.toFixed(0)} MB\n`,
    );
  };
  try {
    if (which !== "sqlite") await run("client only, map store", new MapStore());
    if (which !== "map") {
      const sqlite = openStore(join(dir, "bench.db"));
      try {
        await run("SQLite store", sqlite);
      } finally {
        sqlite.close();
      }
    }
  } finally {
    child.stdin!.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === "--serve") await serve(Number(args[1]));
else await client(Number(args[0] ?? 10_000), Number(args[1] ?? 1000), args[2] ?? "both");
