/**
 * `eligo match PATIENT.json [--db] [--as-of DATE] [--status …] [--trial NCT…]… [--limit N] [--json]`:
 * one patient (eligo JSON or FHIR R4 Bundle) against the stored trials. The patient file
 * is read, never stored or echoed (the summary carries no identifiers).
 */
import fs from "node:fs";
import type { Command } from "commander";
import { matchPatient, parsePatientInput, parseStatuses, todayIso, type MatchReport } from "../../match/index.js";
import { addDbOption, openDb, out, paint, UserError } from "../common.js";

interface MatchCliOptions {
  db?: string;
  asOf?: string;
  status?: string;
  trial: string[];
  limit?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, ...v.split(",").map((x) => x.trim()).filter(Boolean)];

export function registerMatch(program: Command): void {
  addDbOption(
    program
      .command("match")
      .description("match a patient (eligo JSON or FHIR R4 Bundle) against the stored trials")
      .argument("<patient>", "patient file (.json): eligo patient JSON or a FHIR R4 Bundle")
      .option("--as-of <date>", "evaluation date for ages and time windows (YYYY-MM-DD)", todayIso())
      .option("--status <list>", 'overall statuses, comma-separated, or "all" (default: RECRUITING,NOT_YET_RECRUITING)')
      .option("--trial <nct>", "evaluate exactly this trial, no prefilter (repeatable)", collect, [] as string[])
      .option("--limit <n>", "show the best n trials")
      .option("--json", 'print {"asOf","patient","results":[…],"questions":[…]}'),
  ).action((file: string, opts: MatchCliOptions) => {
    let raw: string;
    try {
      raw = fs.readFileSync(file, "utf8");
    } catch (e) {
      throw new UserError(`cannot read patient file ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new UserError(`patient file ${file} is not JSON: ${(e as Error).message}`);
    }
    const patient = parsePatientInput(json, file);
    const limit = opts.limit === undefined ? undefined : Number(opts.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new UserError(`--limit "${opts.limit}" is not a whole number ≥ 1`);
    const status = parseStatuses(opts.status);
    const store = openDb(opts);
    let report: MatchReport;
    try {
      if (store.count() === 0) throw new UserError("no trials in the database (add some with `eligo import PATH`)");
      report = matchPatient(store, patient, { asOf: opts.asOf, status, trials: opts.trial.length ? opts.trial : undefined, limit, storeParses: true });
    } finally {
      store.close();
    }
    if (opts.json) {
      out(JSON.stringify(report));
      return;
    }
    printReport(report);
  });
}

const MARK = { pass: ["✓", "green"], fail: ["✗", "red"], unknown: ["?", "yellow"] } as const;
const VERDICT_STYLE = { eligible: "green", possible: "yellow", ineligible: "red" } as const;

function printReport(r: MatchReport): void {
  const p = r.patient;
  out(paint(`Patient (as of ${r.asOf})`, "bold") + `: ${[p.age !== undefined ? `${p.age} y` : undefined, p.sex, ...p.conditions].filter(Boolean).join(", ")}`);
  if (!r.results.length) {
    out("No trial passed the prefilter (status, age, sex, condition family). Try --status all, or --trial NCT… to ask about one trial.");
    return;
  }
  const counts = { eligible: 0, possible: 0, ineligible: 0 };
  for (const t of r.results) counts[t.verdict]++;
  out(`${r.results.length} trial(s): ${counts.eligible} eligible, ${counts.possible} possible, ${counts.ineligible} ineligible\n`);
  for (const t of r.results) {
    out(`${paint(t.nctId, "bold")}  ${paint(t.verdict.toUpperCase(), VERDICT_STYLE[t.verdict])}  score ${t.score.toFixed(2)}  ${t.briefTitle ?? ""}`);
    for (const c of t.criteria) {
      const [m, style] = MARK[c.status];
      const kind = c.kind === "exclusion" ? "excl" : "incl";
      const text = c.text.length > 110 ? c.text.slice(0, 107) + "…" : c.text;
      if (c.cohort && !c.cohort.applies) {
        // Another population's criterion ("Neonates:" for an adult): shown, not counted.
        out(`  ${paint("–", "dim")} ${paint(kind, "dim")} ${paint(`${text}  (${c.cohort.title} only)`, "dim")}`);
        continue;
      }
      out(`  ${paint(m, style)} ${paint(kind, "dim")} ${text}`);
      if (c.status === "pass" && t.verdict !== "ineligible") continue;
      // Show what decided it: for a failure the facts that made it fail, for an unknown what is missing.
      const deciding = c.status === "fail" ? (c.kind === "exclusion" ? "true" : "false") : "unknown";
      const shown = new Set<string>(); // one line per distinct fact ("missing: brain metastases" once)
      for (const e of c.evidence) {
        if (e.result !== deciding) continue;
        const bits = [e.fact, e.value !== undefined ? `= ${e.value}${e.unit ? " " + e.unit : ""}` : undefined, e.threshold ? `vs ${e.threshold}` : undefined, e.missing ? `missing: ${e.missing}` : undefined, e.note].filter(Boolean);
        const line = bits.join("; ");
        if (!bits.length || c.status === "pass" || shown.has(line)) continue;
        shown.add(line);
        out(`      ${paint(line, "dim")}`);
      }
    }
    out();
  }
  if (r.questions.length) {
    out(paint("Questions that would settle the unknowns (by number of trials decided):", "bold"));
    for (const q of r.questions) out(`  ${q.trials.length}× ${q.text}`);
  }
}
