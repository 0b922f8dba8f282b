/**
 * `npm run bench:import -- [N] [--runs R] [--format ndjson|zip] [--keep] [--only no-parse|parse] [--input FILE]`
 *
 * Generates N realistic studies with a seeded, deterministic generator that recombines
 * fields of the real records in ../shared/data (titles, conditions, keywords, criteria
 * texts, arms and interventions, outcomes, sponsors, locations), writes them as one
 * NDJSON file (or a zip with one JSON file per study, like the registry's bulk download),
 * then times a whole-process `eligo import` into a fresh database, R times, in two variants
 * run alternately: `--no-parse` (the import itself) and the default (import, then the
 * eligibility criteria of every new study parsed and stored). Reports
 * studies per wall-clock second, studies per CPU second of the child (steadier on a shared
 * machine), and the child's peak RSS; medians of the runs.
 *
 * Diagnostics: `--core` times importPaths in this process with the derived writers (search
 * index, geocoding) switched off, to separate ingest + store core from what later issues add.
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ctgovJsonFormat } from "../src/ingest/ctgov-json.js";
import { legacyXmlFormat } from "../src/ingest/legacy-xml.js";
import type { Study } from "../src/model/study.js";
import { importPaths } from "../src/ingest/run.js";
import { derivedWriters, type DerivedWriter } from "../src/store/derived.js";
import { openStore } from "../src/store/sqlite.js";
import { writeZip } from "../test/support/zip.js";
import { rng } from "./support/rng.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SHARED = fileURLToPath(new URL("../../shared/data/", import.meta.url));

function parseArgs(argv: string[]) {
  const opts = {
    n: 10_000,
    runs: 1,
    format: "ndjson" as "ndjson" | "zip",
    keep: false,
    seed: 42,
    core: false,
    variant: "both" as "both" | "no-parse" | "parse",
    input: undefined as string | undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") opts.runs = Number(argv[++i]);
    else if (a === "--format") opts.format = argv[++i] as "ndjson" | "zip";
    else if (a === "--seed") opts.seed = Number(argv[++i]);
    else if (a === "--keep") opts.keep = true;
    else if (a === "--core") opts.core = true;
    else if (a === "--only") opts.variant = argv[++i] as "no-parse" | "parse";
    else if (a === "--input") opts.input = argv[++i];
    else if (/^\d+$/.test(a)) opts.n = Number(a);
    else throw new Error(`bench:import: unknown argument "${a}"`);
  }
  if (!(opts.runs >= 1)) throw new Error("--runs must be ≥ 1");
  if (!["both", "no-parse", "parse"].includes(opts.variant)) throw new Error('--only must be "no-parse" or "parse"');
  if (opts.format !== "ndjson" && opts.format !== "zip") throw new Error('--format must be "ndjson" or "zip"');
  if (opts.format === "zip" && opts.n > 65_535) throw new Error("--format zip holds at most 65,535 studies (no zip64)");
  return opts;
}


function loadRealStudies(): Study[] {
  const out: Study[] = [];
  for (const [dir, format] of [["ctgov-v2", ctgovJsonFormat], ["ctgov-legacy-xml", legacyXmlFormat]] as const) {
    for (const name of readdirSync(join(SHARED, dir)).sort()) {
      const path = join(SHARED, dir, name);
      for (const s of format.parse(readFileSync(path, "utf8"), path)) out.push(s.study);
    }
  }
  return out;
}

/** Pools of real field values, and a generator that recombines them. */
function makeGenerator(seed: number) {
  const real = loadRealStudies();
  const ps = real.map((s) => s.protocolSection);
  const nonEmpty = <T>(xs: Array<T | undefined>) => xs.filter((x): x is T => x !== undefined && (!Array.isArray(x) || x.length > 0));
  const pools = {
    identification: ps.map((p) => p.identificationModule),
    status: nonEmpty(ps.map((p) => p.statusModule)),
    sponsors: nonEmpty(ps.map((p) => p.sponsorCollaboratorsModule)),
    description: nonEmpty(ps.map((p) => p.descriptionModule)),
    conditions: nonEmpty(ps.map((p) => p.conditionsModule?.conditions)).flat(),
    keywords: nonEmpty(ps.map((p) => p.conditionsModule?.keywords)).flat(),
    design: nonEmpty(ps.map((p) => p.designModule)),
    arms: nonEmpty(ps.map((p) => p.armsInterventionsModule)),
    outcomes: nonEmpty(ps.map((p) => p.outcomesModule)),
    eligibility: nonEmpty(ps.map((p) => p.eligibilityModule)).filter((e) => e.eligibilityCriteria),
    officials: nonEmpty(ps.map((p) => p.contactsLocationsModule?.overallOfficials)),
    locations: nonEmpty(ps.map((p) => p.contactsLocationsModule?.locations)).flat(),
    references: nonEmpty(ps.map((p) => p.referencesModule)),
    meshes: nonEmpty(real.map((s) => s.derivedSection?.conditionBrowseModule?.meshes)).flat(),
  };
  const r = rng(seed);
  return (i: number): Study => {
    const id = r.pick(pools.identification);
    const status = r.pick(pools.status);
    const day = 1 + r.int(28);
    const lastUpdate = `${2008 + r.int(16)}-${String(1 + r.int(12)).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    const locCount = r.next() < 0.7 ? 1 + r.int(5) : 5 + r.int(60);
    const meshes = r.next() < 0.6 ? r.pickMany(pools.meshes, 4) : undefined;
    return {
      protocolSection: {
        identificationModule: { ...id, nctId: `NCT${String(10_000_000 + i).padStart(8, "0")}` },
        statusModule: { ...status, lastUpdatePostDateStruct: { date: lastUpdate, type: "ACTUAL" } },
        sponsorCollaboratorsModule: r.pick(pools.sponsors),
        descriptionModule: r.pick(pools.description),
        conditionsModule: { conditions: r.pickMany(pools.conditions, 4), keywords: r.pickMany(pools.keywords, 6) },
        designModule: r.pick(pools.design),
        armsInterventionsModule: r.pick(pools.arms),
        outcomesModule: r.pick(pools.outcomes),
        eligibilityModule: r.pick(pools.eligibility),
        contactsLocationsModule: {
          overallOfficials: r.pick(pools.officials),
          locations: Array.from({ length: locCount }, () => r.pick(pools.locations)),
        },
        referencesModule: r.pick(pools.references),
      },
      ...(meshes ? { derivedSection: { conditionBrowseModule: { meshes } } } : {}),
      hasResults: false,
    } as Study;
  };
}

async function writeInput(dir: string, n: number, format: "ndjson" | "zip", seed: number): Promise<string> {
  const gen = makeGenerator(seed);
  if (format === "zip") {
    const path = join(dir, "studies.zip");
    await writeZip(path, (function* () {
      for (let i = 0; i < n; i++) {
        const s = gen(i);
        yield { name: `${s.protocolSection.identificationModule.nctId}.json`, data: JSON.stringify(s) };
      }
    })());
    return path;
  }
  const path = join(dir, "studies.ndjson");
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) {
    if (!out.write(JSON.stringify(gen(i)) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return path;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), "eligo-bench-import-"));
  try {
    const t0 = performance.now();
    // --input reuses a file written by an earlier run (--keep): generating 100k studies takes minutes.
    const input = opts.input ?? (await writeInput(dir, opts.n, opts.format, opts.seed));
    const mb = statSync(input).size / 1e6;
    process.stdout.write(
      `bench:import — ${opts.n.toLocaleString("en")} generated studies (seed ${opts.seed}), ${opts.format}, ${mb.toFixed(1)} MB, ` +
        `written in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    const rates: number[] = [];
    const cpuRates: number[] = [];
    const rss: number[] = [];
    if (opts.core) {
      (derivedWriters() as DerivedWriter[]).length = 0;
      for (let run = 1; run <= opts.runs; run++) {
        const store = openStore(join(dir, `core${run}.db`));
        const cpu0 = process.cpuUsage();
        const start = performance.now();
        const counts = await importPaths(store, [input]);
        const seconds = (performance.now() - start) / 1000;
        const cpu = process.cpuUsage(cpu0);
        store.close();
        if (counts.imported !== opts.n) throw new Error(`imported ${counts.imported} of ${opts.n}: ${JSON.stringify(counts.errors)}`);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        rates.push(opts.n / seconds);
        cpuRates.push(opts.n / cpuSeconds);
        process.stdout.write(
          `  core run ${run}: ${seconds.toFixed(2)} s (${cpuSeconds.toFixed(2)} s CPU), ${Math.round(opts.n / seconds).toLocaleString("en")} studies/s, ` +
            `${Math.round(opts.n / cpuSeconds).toLocaleString("en")} studies/CPU-s, peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, ` +
            `load average ${loadavg()[0].toFixed(1)}\n`,
        );
      }
      process.stdout.write(
        `core (ingest + store, no derived writers, in process) median of ${opts.runs}: ${Math.round(median(rates)).toLocaleString("en")} studies/s, ` +
          `${Math.round(median(cpuRates)).toLocaleString("en")} studies/CPU-s\n`,
      );
      return;
    }
    // The product as users run it: the tsc build when there is one (npm run build), else the sources through tsx.
    const dist = join(ROOT, "dist", "cli", "main.js");
    const entry = existsSync(dist) ? ["--import", join(ROOT, "bench", "rss-probe.mjs"), dist] : ["--import", "tsx", "--import", join(ROOT, "bench", "rss-probe.mjs"), join(ROOT, "src", "cli", "main.ts")];
    process.stdout.write(`whole process: node ${existsSync(dist) ? "dist/cli/main.js" : "src/cli/main.ts (tsx; npm run build to measure the build)"} import; 2 × ${cpus()[0]?.model ?? "CPU"}\n`);
    const variants = [
      { name: "import only (--no-parse)", args: ["--no-parse"] },
      { name: "import + criteria parse (default)", args: [] as string[] },
    ].filter((v) => opts.variant === "both" || (opts.variant === "no-parse") === (v.args.length > 0));
    const results = new Map(variants.map((v) => [v.name, { rates: [] as number[], cpuRates: [] as number[], rss: [] as number[] }]));
    for (let run = 1; run <= opts.runs; run++) {
      // Interleaved, so a change in the machine's load hits both variants alike.
      for (const v of variants) {
        const db = join(dir, `run${run}.db`);
        const rssFile = join(dir, `run${run}.rss`);
        const start = performance.now();
        const r = spawnSync(process.execPath, [...entry, "import", ...v.args, "--db", db, input], {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, NODE_NO_WARNINGS: "1", ELIGO_BENCH_RSS_FILE: rssFile },
        });
        const seconds = (performance.now() - start) / 1000;
        if (r.status !== 0) throw new Error(`eligo import failed (status ${r.status}): ${r.stderr || r.stdout}`);
        if (!r.stdout.includes(`${opts.n} imported`)) throw new Error(`unexpected import summary: ${r.stdout}`);
        const usage = JSON.parse(readFileSync(rssFile, "utf8")) as { maxRssKb: number; cpuSeconds: number };
        const peakMb = usage.maxRssKb / 1024;
        const res = results.get(v.name)!;
        res.rates.push(opts.n / seconds);
        res.cpuRates.push(opts.n / usage.cpuSeconds);
        res.rss.push(peakMb);
        process.stdout.write(
          `  run ${run}, ${v.name}: ${seconds.toFixed(2)} s whole process (${usage.cpuSeconds.toFixed(2)} s CPU, both threads), ` +
            `${Math.round(opts.n / seconds).toLocaleString("en")} studies/s, ${Math.round(opts.n / usage.cpuSeconds).toLocaleString("en")} studies/CPU-s, ` +
            `peak RSS ${peakMb.toFixed(0)} MB, load average ${loadavg()[0].toFixed(1)}\n`,
        );
        for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
      }
    }
    for (const [name, r] of results) {
      process.stdout.write(
        `${name}, median of ${opts.runs}: ${Math.round(median(r.rates)).toLocaleString("en")} studies/s, ` +
          `${Math.round(median(r.cpuRates)).toLocaleString("en")} studies/CPU-s, peak RSS ${median(r.rss).toFixed(0)} MB ` +
          `(target ≥ 2,000 studies/s, memory flat in N)\n`,
      );
    }
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else process.stdout.write(`kept ${dir}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
