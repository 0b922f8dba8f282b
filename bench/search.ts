/**
 * `npm run bench:search -- [N] [--runs R] [--queries Q] [--db PATH] [--keep] [--http-seconds S]`
 *
 * Builds a store of N (default 100,000) generated studies — a seeded, deterministic
 * recombination of the real records in ../shared/data (titles, conditions, keywords,
 * descriptions, criteria, arms, sponsors, sites, MeSH terms) — then measures:
 *   0. the first search's cost (it builds the connection's in-memory search snapshot) and the
 *      snapshot's size;
 *   1. in-process latency of a query mix: words only; words + filters; facets; near a place
 *      (median and p99 per kind, median over R runs), with the result cache on (the default)
 *      and off (every query's words matched and BM25-scored, and facets counted, afresh), and
 *      CPU-s per run;
 *   2. HTTP: `GET /api/studies` over the same mix with autocannon, 16 concurrent clients.
 * With --db PATH an existing bench database is reused (built there first if missing).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { ctgovJsonFormat } from "../src/ingest/ctgov-json.js";
import { legacyXmlFormat } from "../src/ingest/legacy-xml.js";
import type { Study } from "../src/model/study.js";
import {
  DEFAULT_SEARCH_CACHE_BYTES,
  resolveNear,
  searchMemory,
  searchStudies,
  setSearchCacheBytes,
  type SearchParams,
} from "../src/search/index.js";
import { buildApp } from "../src/server/app.js";
import { openStore, type SqliteStudyStore } from "../src/store/sqlite.js";
import { rng } from "./support/rng.js";

const SHARED = fileURLToPath(new URL("../../shared/data/", import.meta.url));

function parseArgs(argv: string[]) {
  const o = { n: 100_000, runs: 3, db: undefined as string | undefined, keep: false, httpSeconds: 10, seed: 7, queries: 400 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") o.runs = Number(argv[++i]);
    else if (a === "--db") o.db = argv[++i];
    else if (a === "--keep") o.keep = true;
    else if (a === "--http-seconds") o.httpSeconds = Number(argv[++i]);
    else if (a === "--seed") o.seed = Number(argv[++i]);
    else if (a === "--queries") o.queries = Number(argv[++i]);
    else if (/^\d+$/.test(a)) o.n = Number(a);
    else throw new Error(`bench:search: unknown argument "${a}"`);
  }
  if (!(o.runs >= 1) || !(o.httpSeconds >= 1)) throw new Error("--runs and --http-seconds must be ≥ 1");
  return o;
}


function realStudies(): Study[] {
  const out: Study[] = [];
  for (const [dir, format] of [["ctgov-v2", ctgovJsonFormat], ["ctgov-legacy-xml", legacyXmlFormat]] as const) {
    for (const name of readdirSync(join(SHARED, dir)).sort()) {
      for (const s of format.parse(readFileSync(join(SHARED, dir, name), "utf8"), name)) out.push(s.study);
    }
  }
  return out;
}

function generator(seed: number) {
  const real = realStudies();
  const ps = real.map((s) => s.protocolSection);
  const has = <T>(xs: Array<T | undefined>) => xs.filter((x): x is T => x !== undefined);
  const pools = {
    id: ps.map((p) => p.identificationModule),
    status: has(ps.map((p) => p.statusModule)),
    sponsors: has(ps.map((p) => p.sponsorCollaboratorsModule)),
    description: has(ps.map((p) => p.descriptionModule)),
    conditions: ps.flatMap((p) => p.conditionsModule?.conditions ?? []),
    keywords: ps.flatMap((p) => p.conditionsModule?.keywords ?? []),
    design: has(ps.map((p) => p.designModule)),
    arms: has(ps.map((p) => p.armsInterventionsModule)),
    eligibility: has(ps.map((p) => p.eligibilityModule)),
    locations: ps.flatMap((p) => p.contactsLocationsModule?.locations ?? []),
    meshes: real.flatMap((s) => s.derivedSection?.conditionBrowseModule?.meshes ?? []),
    ancestors: real.flatMap((s) => s.derivedSection?.conditionBrowseModule?.ancestors ?? []),
  };
  const r = rng(seed);
  return (i: number): Study => {
    const status = r.pick(pools.status);
    const date = (from: number) => `${from + r.int(16)}-${String(1 + r.int(12)).padStart(2, "0")}-${String(1 + r.int(28)).padStart(2, "0")}`;
    const sites = r.next() < 0.7 ? 1 + r.int(5) : 5 + r.int(40);
    const withMesh = r.next() < 0.6;
    return {
      protocolSection: {
        identificationModule: { ...r.pick(pools.id), nctId: `NCT${String(20_000_000 + i).padStart(8, "0")}` },
        statusModule: { ...status, startDateStruct: { date: date(2005) }, lastUpdatePostDateStruct: { date: date(2008), type: "ACTUAL" } },
        sponsorCollaboratorsModule: r.pick(pools.sponsors),
        descriptionModule: r.pick(pools.description),
        conditionsModule: { conditions: r.some(pools.conditions, 3), keywords: r.some(pools.keywords, 4) },
        designModule: r.pick(pools.design),
        armsInterventionsModule: r.pick(pools.arms),
        eligibilityModule: r.pick(pools.eligibility),
        contactsLocationsModule: { locations: Array.from({ length: sites }, () => r.pick(pools.locations)) },
      },
      ...(withMesh ? { derivedSection: { conditionBrowseModule: { meshes: r.some(pools.meshes, 3), ancestors: r.some(pools.ancestors, 5) } } } : {}),
    } as Study;
  };
}

function build(store: SqliteStudyStore, n: number, seed: number) {
  const gen = generator(seed);
  const t0 = performance.now();
  const provenance = { sourceKind: "ctgov-v2-json" as const, source: "bench:search generator", importedAt: new Date().toISOString() };
  for (let i = 0; i < n; i += 1000) {
    store.transaction(() => {
      for (let j = i; j < Math.min(n, i + 1000); j++) store.upsert(gen(j), provenance);
    });
    if ((i / 1000) % 10 === 9) process.stderr.write(`  built ${i + 1000} studies\r`);
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`built ${n} studies in ${s.toFixed(1)} s (${Math.round(n / s)} studies/s incl. FTS index and geocoding)`);
}

type Kind = "words" | "words+filters" | "facets" | "near";
const WORDS = ["cancer", "diabetes", "dementia", "alcohol", "vaccine", "pain", "depression", "sleep", "covid", "stroke", "psoriasis", "caries", "implant", "HIV", "NSCLC", "exercise", "prostate", "hepatitis"];
const PAIRS = ["breast cancer", "alcohol use", "dental caries", "sleep apnea", "\"major depressive\"", "knee arthroplasty", "pancreatic adeno", "solid tum"];
const CITIES = ["Chicago", "Berlin", "Paris, France", "Toronto", "Madrid", "New York", "Warsaw", "Boston", "Los Angeles", "Munich"];

function queryMix(seed: number, count: number): Array<{ kind: Kind; params: SearchParams; url: string }> {
  const r = rng(seed);
  const out: Array<{ kind: Kind; params: SearchParams; url: string }> = [];
  const statuses = ["RECRUITING", "COMPLETED", "NOT_YET_RECRUITING"];
  const phases = ["PHASE2", "PHASE3", "NA", "PHASE1"];
  for (let i = 0; i < count; i++) {
    const kind = (["words", "words+filters", "facets", "near"] as const)[i % 4];
    const q = r.next() < 0.6 ? r.pick(WORDS) : r.pick(PAIRS);
    let params: SearchParams;
    let qs: string;
    switch (kind) {
      case "words":
        params = { q };
        qs = `q=${encodeURIComponent(q)}&facets=false`;
        break;
      case "words+filters": {
        const status = r.pick(statuses);
        const phase = r.pick(phases);
        const age = 18 + r.int(60);
        params = { q, status: [status], phase: [phase], age, country: r.next() < 0.5 ? ["United States"] : undefined };
        qs = `q=${encodeURIComponent(q)}&status=${status}&phase=${phase}&age=${age}${params.country ? "&country=United%20States" : ""}&facets=false`;
        break;
      }
      case "facets":
        params = r.next() < 0.75 ? { q, facets: true } : { status: [r.pick(statuses)], facets: true };
        qs = params.q ? `q=${encodeURIComponent(q)}` : `status=${params.status![0]}`;
        break;
      case "near": {
        const city = r.pick(CITIES);
        const radius = r.pick([25, 50, 100]);
        const p = resolveNear(city);
        params = r.next() < 0.5 ? { near: { lat: p.lat, lon: p.lon }, radiusKm: radius } : { q, near: { lat: p.lat, lon: p.lon }, radiusKm: radius };
        qs = `near=${encodeURIComponent(city)}&radius=${radius}${params.q ? `&q=${encodeURIComponent(q)}` : ""}&facets=false`;
        break;
      }
    }
    out.push({ kind, params, url: `/api/studies?${qs}` });
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const median = (xs: number[]) => pct(xs, 50);

function inProcess(store: SqliteStudyStore, mix: ReturnType<typeof queryMix>, runs: number, cache: "on" | "off") {
  // Warm-up: first-use costs (statement preparation, the gazetteer, page cache) are not latency.
  for (const m of mix.slice(0, 40)) searchStudies(store, m.params);
  const perRun: Record<Kind | "all", { p50: number[]; p99: number[] }> = {
    words: { p50: [], p99: [] },
    "words+filters": { p50: [], p99: [] },
    facets: { p50: [], p99: [] },
    near: { p50: [], p99: [] },
    all: { p50: [], p99: [] },
  };
  const cpuSeconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    const times: Record<Kind, number[]> = { words: [], "words+filters": [], facets: [], near: [] };
    const cpu = process.cpuUsage();
    for (const m of mix) {
      const t = performance.now();
      searchStudies(store, m.params);
      times[m.kind].push(performance.now() - t);
    }
    const used = process.cpuUsage(cpu);
    cpuSeconds.push((used.user + used.system) / 1e6);
    const all = Object.values(times).flat();
    for (const k of Object.keys(times) as Kind[]) {
      perRun[k].p50.push(median(times[k]));
      perRun[k].p99.push(pct(times[k], 99));
    }
    perRun.all.p50.push(median(all));
    perRun.all.p99.push(pct(all, 99));
  }
  console.log(`\nin-process, result cache ${cache}, ${mix.length} queries per run, ${runs} runs (median of runs):`);
  console.log("kind            p50 ms   p99 ms");
  for (const [k, v] of Object.entries(perRun)) {
    console.log(`${k.padEnd(15)} ${median(v.p50).toFixed(2).padStart(6)}   ${median(v.p99).toFixed(2).padStart(6)}`);
  }
  console.log(`CPU per run: median ${median(cpuSeconds).toFixed(2)} s (${cpuSeconds.map((x) => x.toFixed(2)).join(", ")})`);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dir = o.db ? undefined : mkdtempSync(join(tmpdir(), "eligo-bench-search-"));
  const dbPath = o.db ?? join(dir!, "bench.db");
  const fresh = !existsSync(dbPath);
  const store = openStore(dbPath);
  try {
    if (fresh) build(store, o.n, o.seed);
    const n = store.count();
    console.log(`store: ${n} studies (${dbPath})`);
    const mix = queryMix(o.seed + 1, o.queries);
    // The first search builds the connection's in-memory snapshot of the search columns.
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    searchStudies(store, { q: "zzzzqx" });
    const cpu1 = process.cpuUsage(cpu0);
    const mem = searchMemory(store);
    console.log(
      `search snapshot: built in ${((performance.now() - t0) / 1000).toFixed(2)} s (${((cpu1.user + cpu1.system) / 1e6).toFixed(2)} CPU-s), ` +
        `${mem?.studies} studies, ~${((mem?.bytes ?? 0) / 2 ** 20).toFixed(1)} MiB`,
    );

    // With the default result cache, then without it: every query's words matched and scored,
    // and its facets counted, afresh.
    for (const cache of ["on", "off"] as const) {
      setSearchCacheBytes(cache === "on" ? DEFAULT_SEARCH_CACHE_BYTES : 0);
      inProcess(store, mix, o.runs, cache);
      const m = searchMemory(store);
      console.log(`search memory: ~${((m?.bytes ?? 0) / 2 ** 20).toFixed(1)} MiB, of which cached results ~${((m?.cacheBytes ?? 0) / 2 ** 20).toFixed(1)} MiB`);
    }
    setSearchCacheBytes(DEFAULT_SEARCH_CACHE_BYTES);

    const app = await buildApp({ store });
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    let i = 0;
    const result = await autocannon({
      url: address,
      connections: 16,
      duration: o.httpSeconds,
      // Facet counts over tens of thousands of matches take seconds on a loaded 2-core VM;
      // a client that gives up at autocannon's default 10 s would report those as errors.
      timeout: 60,
      requests: [{ method: "GET", setupRequest: (req: Record<string, unknown>) => ({ ...req, path: mix[i++ % mix.length].url }) }],
    });
    await app.close();
    console.log(
      `\nHTTP GET /api/studies, 16 connections, ${o.httpSeconds} s: ${result.requests.total} requests, ` +
        `${result.requests.average.toFixed(0)} req/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
        `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
    );
    if (result.errors || result.non2xx || result.timeouts) process.exitCode = 1;
  } finally {
    store.close();
    if (dir && !o.keep) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.log(`kept ${dbPath}`);
  }
}

await main();
