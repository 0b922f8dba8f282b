/**
 * `npm run bench:match -- [N…] [--runs R] [--whole-runs W] [--patient FILE] [--dist]`  (default N = 10000 100000, R = 7, W = 3)
 *
 * `--dist` measures the tsc-compiled build (run `npm run build` first): matching and the
 * store are imported from `dist/`, and the whole process is `node dist/cli/main.js`.
 *
 * One patient against N generated trials of every status. The generator (seeded,
 * deterministic) recombines real material: eligibility texts of the 247 LCT trials and the
 * five seed pages, parsed once by the criteria pipeline and stored with each trial as an
 * import would (`setParsedCriteria`); conditions drawn from ten cancer families plus
 * pan-cancer and non-cancer trials; age limits, sex and status varied.
 *
 * Reports, per N: the prefilter's candidate count; the in-process median of `matchPatient`
 * with a warm trial cache (as a server runs it; wall and CPU time, the latter steadier on a
 * shared machine) and the first, cold call; and the
 * whole-process median of `eligo match --status all --json` (node + tsx start-up, database
 * open, cold cache). Databases are kept in the OS temp dir between runs (keyed by N and
 * generator version); delete them to regenerate.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseCriteria, parserVersion } from "../src/criteria/parse.js";
import { parseRegistryPage } from "../src/ingest/registry-page/index.js";
import * as srcMatch from "../src/match/index.js";
import type { Study } from "../src/model/study.js";
import * as srcStore from "../src/store/sqlite.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SHARED = fileURLToPath(new URL("../../shared/", import.meta.url));
const GENERATOR = "g1";

function args(argv: string[]) {
  const o = { sizes: [] as number[], runs: 7, wholeRuns: 3, patient: path.join(ROOT, "examples/crc-fits.json"), dist: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") o.runs = Number(argv[++i]);
    else if (argv[i] === "--whole-runs") o.wholeRuns = Number(argv[++i]);
    else if (argv[i] === "--patient") o.patient = path.resolve(argv[++i]);
    else if (argv[i] === "--dist") o.dist = true;
    else if (/^\d+$/.test(argv[i])) o.sizes.push(Number(argv[i]));
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!o.sizes.length) o.sizes = [10_000, 100_000];
  return o;
}

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONDITIONS = [
  ["Colorectal Cancer", "Metastatic Colorectal Cancer", "Colon Adenocarcinoma", "Rectal Cancer"],
  ["Non Small Cell Lung Cancer", "Small Cell Lung Cancer", "Lung Adenocarcinoma", "Lung Neoplasms"],
  ["Breast Cancer", "Triple Negative Breast Cancer", "HER2-positive Breast Cancer"],
  ["Hepatocellular Carcinoma", "Liver Neoplasms"],
  ["Gastric Cancer", "Esophageal Squamous Cell Carcinoma"],
  ["Nasopharyngeal Carcinoma", "Head and Neck Squamous Cell Carcinoma"],
  ["Soft Tissue Sarcoma", "Osteosarcoma", "Leiomyosarcoma"],
  ["Pancreatic Cancer", "Ovarian Cancer", "Cervical Cancer", "Prostate Cancer"],
  ["Melanoma", "Renal Cell Carcinoma", "Urothelial Carcinoma", "Glioblastoma"],
  ["Lymphoma", "Multiple Myeloma", "Acute Myeloid Leukemia"],
  ["Advanced Solid Tumors", "Neoplasms"],
  ["Hypertension", "Type 2 Diabetes", "Asthma", "Heart Failure", "Depression", "Osteoarthritis"],
];
const STATUSES = ["RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED", "TERMINATED", "WITHDRAWN", "SUSPENDED", "UNKNOWN", "ENROLLING_BY_INVITATION"];

function criteriaPool(): Array<{ text: string; json: string }> {
  const texts: string[] = [];
  const docs = path.join(SHARED, "eval/lct-dev/docs");
  for (const f of fs.readdirSync(docs).sort()) texts.push(fs.readFileSync(path.join(docs, f), "utf8"));
  const seeds = path.join(SHARED, "seeds");
  for (const f of fs.readdirSync(seeds).sort()) {
    const t = parseRegistryPage(fs.readFileSync(path.join(seeds, f), "utf8"), f).study.protocolSection.eligibilityModule?.eligibilityCriteria;
    if (t) texts.push(t);
  }
  const version = parserVersion();
  return texts.map((text) => ({ text, json: JSON.stringify({ parserVersion: version, criteria: parseCriteria(text) }) }));
}

function buildDb(file: string, n: number): void {
  const t0 = performance.now();
  const pool = criteriaPool();
  const rand = rng(n);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const store = srcStore.openStore(file + ".tmp");
  const version = parserVersion();
  const importedAt = new Date().toISOString();
  store.transaction(() => {
    for (let i = 0; i < n; i++) {
      const nctId = `NCT${String(90_000_000 + i).padStart(8, "0")}`;
      const family = pick(CONDITIONS);
      const conditions = [pick(family), ...(rand() < 0.3 ? [pick(family)] : [])];
      const crit = pick(pool);
      const minAge = rand() < 0.9 ? `${pick([18, 18, 18, 20, 40, 65])} Years` : undefined;
      const maxAge = rand() < 0.5 ? `${pick([65, 70, 75, 80])} Years` : undefined;
      const study = {
        protocolSection: {
          identificationModule: { nctId, briefTitle: `Generated trial ${i} in ${conditions[0]}` },
          statusModule: { overallStatus: pick(STATUSES), lastUpdatePostDateStruct: { date: "2026-01-01" } },
          conditionsModule: { conditions: [...new Set(conditions)] },
          eligibilityModule: { eligibilityCriteria: crit.text, ...(minAge ? { minimumAge: minAge } : {}), ...(maxAge ? { maximumAge: maxAge } : {}), sex: rand() < 0.9 ? "ALL" : pick(["FEMALE", "MALE"]) },
        },
      } as unknown as Study;
      store.upsert(study, { sourceKind: "ctgov-v2-json", source: "bench/match generator", importedAt });
      store.setParsedCriteria(nctId, version, crit.json);
    }
  });
  store.close();
  fs.renameSync(file + ".tmp", file);
  for (const ext of ["-wal", "-shm"]) fs.rmSync(file + ".tmp" + ext, { force: true });
  process.stderr.write(`  generated ${n} trials in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${file}\n`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const o = args(process.argv.slice(2));
  const distDir = path.join(ROOT, "dist");
  if (o.dist && !fs.existsSync(path.join(distDir, "cli/main.js"))) throw new Error(`--dist: ${distDir}/cli/main.js not found; run npm run build first`);
  const { matchPatient, parsePatientInput, TrialCache } = o.dist ? ((await import(pathToFileURL(path.join(distDir, "match/index.js")).href)) as typeof srcMatch) : srcMatch;
  const { openStore } = o.dist ? ((await import(pathToFileURL(path.join(distDir, "store/sqlite.js")).href)) as typeof srcStore) : srcStore;
  const patientJson = JSON.parse(fs.readFileSync(o.patient, "utf8")) as unknown;
  const patient = parsePatientInput(patientJson, o.patient);
  console.log(`bench:match — ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ""}, node ${process.version}, ${o.dist ? "dist/ (tsc)" : "src/ (tsx)"}, patient ${path.basename(o.patient)}, ${o.runs} runs`);
  for (const n of o.sizes) {
    const file = path.join(os.tmpdir(), `eligo-bench-match-${GENERATOR}-${parserVersion().replace(/[^\w.]+/g, "_")}-${n}.db`);
    if (!fs.existsSync(file)) buildDb(file, n);
    const store = openStore(file, { readonly: true });
    const cache = new TrialCache();
    const opts = { asOf: "2026-11-01", status: "all" as const, cache };
    let t = performance.now();
    const first = matchPatient(store, patient, opts);
    const cold = performance.now() - t;
    const warm: number[] = [];
    const warmCpu: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const c0 = process.cpuUsage();
      t = performance.now();
      matchPatient(store, patient, opts);
      warm.push(performance.now() - t);
      const c = process.cpuUsage(c0);
      warmCpu.push((c.user + c.system) / 1000);
    }
    const counts = { eligible: 0, possible: 0, ineligible: 0 };
    for (const r of first.results) counts[r.verdict]++;
    store.close();

    const whole: number[] = [];
    for (let r = 0; r < Math.min(o.runs, o.wholeRuns); r++) {
      t = performance.now();
      const cli = o.dist ? [path.join(distDir, "cli/main.js")] : ["--import", "tsx", path.join(ROOT, "src/cli/main.ts")];
      const res = spawnSync(process.execPath, [...cli, "match", o.patient, "--db", file, "--status", "all", "--as-of", "2026-11-01", "--json"], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 1 << 30,
        env: { ...process.env, NODE_NO_WARNINGS: "1" },
      });
      whole.push(performance.now() - t);
      if (res.status !== 0) throw new Error(`eligo match failed: ${res.stderr}`);
    }
    console.log(
      `N=${n}: ${first.results.length} candidates after prefilter (${counts.eligible} eligible, ${counts.possible} possible, ${counts.ineligible} ineligible); ` +
        `in-process median ${median(warm).toFixed(1)} ms wall, ${median(warmCpu).toFixed(1)} ms CPU (warm cache; cold first call ${cold.toFixed(0)} ms); ` +
        (whole.length ? `whole process median ${median(whole).toFixed(0)} ms` : "whole process not run"),
    );
  }
}

await main();
