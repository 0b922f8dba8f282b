/**
 * Criteria parsing speed on the development texts (../shared/eval/lct-dev/docs, 247 files).
 *
 *   in-process      parseCriteria over every text: the whole pipeline (with the clinical
 *                   extractor) and numeric only; documents/s, median of runs once warm (after
 *                   --warmup passes, default 10: V8 takes several passes to optimise the parser,
 *                   and the whole-process runs below measure that warm-up)
 *   whole process   `eligo criteria --jsonl FILE...` as a user runs it (node + CLI start-up,
 *                   reading files, printing JSON lines): once with the 247 files, once with
 *                   them listed 20 times (4,940 documents) so start-up is amortised — as the
 *                   CLI chooses (worker threads from 400 files on a multi-core machine), and
 *                   the 4,940 on one thread (--threads 0) for comparison
 *   --break-even    also the whole process at 1-4 copies of the texts, one thread vs one worker
 *                   thread beside the main one, to see where the pool starts to pay
 *
 *   npm run bench:criteria [-- --runs 7] [--warmup 10] [--break-even]
 * Uses dist/cli/main.js when it exists (npm run build), else the sources through tsx.
 * Wall times on a shared machine measure the neighbours too: compare CPU-seconds, and runs of
 * two variants interleaved.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseCriteria } from "../src/criteria/parse.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = fileURLToPath(new URL("../../shared/eval/lct-dev/docs/", import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .map((f) => dir + f);
const docs = files.map((f) => readFileSync(f, "utf8"));
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const warmupArg = process.argv.indexOf("--warmup");
const warmup = warmupArg > 0 ? Number(process.argv[warmupArg + 1]) : 10;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function inProcess(label: string, opts: { numericOnly?: boolean }): void {
  for (let w = 0; w < warmup; w++) for (const d of docs) parseCriteria(d, opts); // warm-up: JIT, knowledge tables
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let criteria = 0;
  let constraints = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    criteria = 0;
    constraints = 0;
    for (const d of docs) {
      const cs = parseCriteria(d, opts);
      criteria += cs.length;
      for (const c of cs) constraints += c.constraints.length;
    }
    rates.push(docs.length / ((performance.now() - t0) / 1000));
    const c = process.cpuUsage(c0);
    cpuRates.push(docs.length / ((c.user + c.system) / 1e6));
  }
  console.log(
    `in-process, ${label.padEnd(22)} ${fmt(median(rates)).padStart(7)} documents/s wall, ${fmt(median(cpuRates)).padStart(7)} per CPU-second (medians of ${runs} after ${warmup} warm-up passes); ${criteria} criteria, ${constraints} constraints`,
  );
}

interface Variant {
  copies: number;
  /** --threads; undefined: as the CLI chooses. */
  threads?: number;
}

/** Whole-process runs of the variants, interleaved (one run of each per round), then medians of each. */
function wholeProcess(variants: Variant[]): void {
  const built = existsSync(`${root}dist/cli/main.js`);
  const cmd = built ? [`${root}dist/cli/main.js`] : ["--import", "tsx", `${root}src/cli/main.ts`];
  const n = Math.max(3, Math.min(runs, 7));
  // /usr/bin/time reports the child's CPU seconds: on a shared machine wall time measures the neighbours too
  const timed = existsSync("/usr/bin/time");
  const times = variants.map((): number[] => []);
  const cpu = variants.map((): number[] => []);
  for (let r = 0; r < n; r++) {
    variants.forEach((v, i) => {
      const args = [...cmd, "criteria", "--jsonl", ...(v.threads === undefined ? [] : ["--threads", String(v.threads)])];
      for (let k = 0; k < v.copies; k++) args.push(...files);
      const t0 = performance.now();
      const res = timed
        ? spawnSync("/usr/bin/time", ["-f", "CPU %U %S", process.execPath, ...args], { cwd: root, maxBuffer: 1 << 30, encoding: "utf8" })
        : spawnSync(process.execPath, args, { cwd: root, maxBuffer: 1 << 30, encoding: "utf8" });
      const ms = performance.now() - t0;
      if (res.status !== 0) throw new Error(`eligo criteria failed (${res.status}): ${res.stderr.slice(0, 500)}`);
      const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(res.stderr);
      if (m) cpu[i].push(Number(m[1]) + Number(m[2]));
      const lines = res.stdout.split("\n").filter(Boolean).length;
      if (lines !== files.length * v.copies) throw new Error(`expected ${files.length * v.copies} JSON lines, got ${lines}`);
      times[i].push(ms);
    });
  }
  variants.forEach((v, i) => {
    const docsN = files.length * v.copies;
    const how = v.threads === undefined ? "" : v.threads === 0 ? ", one thread" : `, ${v.threads} worker${v.threads > 1 ? "s" : ""}`;
    console.log(
      `whole process, ${String(docsN).padStart(5)} documents ${built ? "(dist)" : "(tsx) "} ${fmt(docsN / (median(times[i]) / 1000)).padStart(7)} documents/s wall${cpu[i].length ? `, ${fmt(docsN / median(cpu[i])).padStart(7)} per CPU-second` : ""} (median wall ${fmt(median(times[i]))} ms of ${n} runs${how})`,
    );
  });
}

console.log(`criteria bench: ${docs.length} development texts; ${availableParallelism()} × ${cpus()[0]?.model ?? "cpu"}; node ${process.version}`);
// Whole-process runs first, while this process is idle: after the in-process passes its heap
// holds some hundreds of MB, which V8's background threads (GC, compiler) may still be working
// on while a child runs, on the child's second core. 4,940 documents, medians of 7 runs,
// 2-core AMD EPYC VM: 1,790 ms after the in-process passes vs 1,540 ms with them left out (one
// pair of bench runs); alternated later, 1,557 and 1,523 ms after vs 1,309 and 1,494 ms before.
wholeProcess([{ copies: 1 }]);
wholeProcess([{ copies: 20 }, { copies: 20, threads: 0 }]);
if (process.argv.includes("--break-even")) {
  for (const copies of [1, 2, 3, 4]) wholeProcess([{ copies, threads: 0 }, { copies, threads: 1 }]);
}
inProcess("whole pipeline", {});
inProcess("numeric only", { numericOnly: true });
