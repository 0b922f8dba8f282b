/**
 * `npm run bench:web -- [--runs R] [--seconds S] [--connections C]`
 *
 * Serves the web UI over a store of ../shared/data and the five seed pages, and measures
 * each page with autocannon: the search page for "anlotinib", a seed trial's page (with
 * highlighted criteria and the regimen grid), the match form, and a match (POST of an
 * example patient against every trial). Prints requests/s and latency p50/p99 per page,
 * the median over R runs.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import { importPaths } from "../src/ingest/run.js";
import { createServer } from "../src/server/index.js";
import { openStore } from "../src/store/sqlite.js";

function parseArgs(argv: string[]) {
  const o = { runs: 3, seconds: 5, connections: 8 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") o.runs = Number(argv[++i]);
    else if (a === "--seconds") o.seconds = Number(argv[++i]);
    else if (a === "--connections") o.connections = Number(argv[++i]);
    else throw new Error(`bench:web: unknown argument "${a}"`);
  }
  for (const [k, v] of Object.entries(o)) if (!(Number.isInteger(v) && v >= 1)) throw new Error(`bench:web: --${k} must be a whole number ≥ 1`);
  return o;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const shared = new URL("../../shared/", import.meta.url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eligo-bench-web-"));
  const store = openStore(path.join(dir, "bench.db"));
  try {
    const counts = await importPaths(store, ["data/ctgov-v2", "data/ctgov-legacy-xml", "seeds"].map((p) => new URL(p, shared).pathname));
    const app = await createServer({ store });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const patient = fs.readFileSync(new URL("../examples/npc-fits.json", import.meta.url), "utf8");
    const pages: Array<{ name: string; url: string; post?: string }> = [
      { name: "search ?q=anlotinib", url: "/?q=anlotinib" },
      { name: "study NCT05807880", url: "/study/NCT05807880" },
      { name: "match form", url: "/match" },
      { name: "match POST (all trials)", url: "/match", post: `trials=all&json=${encodeURIComponent(patient)}` },
    ];
    process.stdout.write(`bench:web — ${store.count()} studies (${counts.failed} inputs failed), ${opts.connections} connections, ${opts.seconds} s × ${opts.runs} runs, ${os.cpus().length} CPUs\n`);
    for (const p of pages) {
      const check = await app.inject({ method: p.post ? "POST" : "GET", url: p.url, payload: p.post, headers: p.post ? { "content-type": "application/x-www-form-urlencoded" } : {} });
      if (check.statusCode !== 200) throw new Error(`bench:web: ${p.name} answered ${check.statusCode}`);
      const rps: number[] = [];
      const p50: number[] = [];
      const p99: number[] = [];
      for (let r = 0; r < opts.runs; r++) {
        const res = await autocannon({
          url: base + p.url,
          connections: opts.connections,
          duration: opts.seconds,
          ...(p.post ? { method: "POST", body: p.post, headers: { "content-type": "application/x-www-form-urlencoded" } } : {}),
        } as Parameters<typeof autocannon>[0]);
        if (res.errors || res.non2xx) throw new Error(`bench:web: ${p.name}: ${res.errors} errors, ${res.non2xx} non-2xx answers`);
        rps.push(res.requests.average);
        p50.push(res.latency.p50);
        p99.push(res.latency.p99);
      }
      process.stdout.write(`${p.name.padEnd(26)} ${median(rps).toFixed(0).padStart(6)} req/s   p50 ${median(p50).toFixed(1).padStart(6)} ms   p99 ${median(p99).toFixed(1).padStart(6)} ms   (${check.body.length.toLocaleString("en")} bytes)\n`);
    }
    await app.close();
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
