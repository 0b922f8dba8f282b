/**
 * Clinical-constraint extraction speed on the development texts (../shared/eval/lct-dev/docs):
 * each document is split into lines (a stand-in for the pipeline's criteria) and every line
 * goes through extractClinicalConstraints. Reports documents/s and criteria/s, median of runs.
 *   npm run bench:clinical [-- --runs 7]
 */
import { readFileSync, readdirSync } from "node:fs";
import { extractClinicalConstraints } from "../src/criteria/clinical/index.js";

const dir = new URL("../../shared/eval/lct-dev/docs/", import.meta.url);
const docs = readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .map((f) => readFileSync(new URL(f, dir), "utf8"));
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

const criteria = docs.map((d) => {
  const out: Array<[string, number]> = [];
  let off = 0;
  for (const line of d.split("\n")) {
    if (line.trim()) out.push([line, off]);
    off += line.length + 1;
  }
  return out;
});
const nCriteria = criteria.reduce((a, c) => a + c.length, 0);

const t0 = performance.now();
extractClinicalConstraints("warm-up: load knowledge tables, EGFR wild type, no brain metastases", 0);
const loadMs = performance.now() - t0;

const times: number[] = [];
const cpuTimes: number[] = [];
let constraints = 0;
for (let r = 0; r < runs; r++) {
  constraints = 0;
  const s = performance.now();
  const c = process.cpuUsage();
  for (const doc of criteria) for (const [line, off] of doc) constraints += extractClinicalConstraints(line, off).length;
  const u = process.cpuUsage(c);
  times.push(performance.now() - s);
  cpuTimes.push((u.user + u.system) / 1000);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const median = med(times);
const cpuMedian = med(cpuTimes);
console.log(`clinical extraction: ${docs.length} documents, ${nCriteria} lines, ${constraints} constraints per run`);
console.log(`knowledge load + first call: ${loadMs.toFixed(1)} ms`);
console.log(`median of ${runs} runs: ${median.toFixed(1)} ms wall → ${((docs.length / median) * 1000).toFixed(0)} documents/s, ${((nCriteria / median) * 1000).toFixed(0)} lines/s`);
// On a shared machine wall time includes waiting for a core; CPU time is the extractor's own cost.
console.log(`median CPU time: ${cpuMedian.toFixed(1)} ms → ${((docs.length / cpuMedian) * 1000).toFixed(0)} documents per CPU-second`);
