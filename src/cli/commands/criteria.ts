/**
 * `eligo criteria FILE... [--jsonl]` and `eligo criteria NCT... [--db PATH] [--jsonl]`:
 * eligibility texts (or stored studies) → criteria and constraints.
 *
 * --jsonl prints one line per input: {"file": path, "criteria": [...]} for files (the format
 * ../shared/eval/score-criteria.mjs reads), {"nctId", "parserVersion", "criteria"} for studies.
 * Without it: a readable listing, each criterion then its constraints.
 */
import fs from "node:fs";
import type { Command } from "commander";
import { parseEligibility, parserVersion } from "../../criteria/parse.js";
import { criteriaOfFileText, readEligibilityFile, unreadableReason } from "../../criteria/pool-task.js";
import type { Constraint, Criterion } from "../../criteria/types.js";
import type * as Common from "../common.js";

// ../common.js loads the SQLite store (about 0.2 s of start-up): `eligo criteria FILE... --jsonl`
// does not need it, so it is loaded only for listings, stored studies, --reparse and errors.
let common: typeof Common | undefined;
const loadCommon = async (): Promise<typeof Common> => (common ??= await import("../common.js"));

interface CriteriaOptions {
  db?: string;
  jsonl?: boolean;
  numericOnly?: boolean;
  reparse?: boolean;
  threads?: string;
}

const NCT = /^NCT\d{8}$/i;

const OP_SYMBOL: Record<string, string> = { ">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "=", range: "" };

/** "≥ 1.5 × ULN", "18–65 a": a numeric or prognosis constraint's comparison. */
function thresholdText(c: Extract<Constraint, { type: "numeric" | "prognosis" }>): string {
  const unit = c.type === "numeric" && c.relativeTo ? ` × ${c.relativeTo}` : c.unit ? ` ${c.unit}` : "";
  return c.op === "range" ? `${c.type === "numeric" && c.outside ? "outside " : ""}${c.value}–${c.value2}${unit}` : `${OP_SYMBOL[c.op]} ${c.value}${unit}`;
}

/** One constraint as a readable line. */
export function describeConstraint(c: Constraint): string {
  switch (c.type) {
    case "numeric": {
      const q = c.qualifier ? `  [${[c.qualifier.sex, c.qualifier.condition].filter(Boolean).join(", ") || c.qualifier.text}]` : "";
      return `numeric     ${c.unless ? "unless " : ""}${c.variable ?? `"${c.mention}"`} ${thresholdText(c)}${q}`;
    }
    case "prognosis":
      return `prognosis   ${c.variable} ${thresholdText(c)}`;
    case "diagnosis":
      return `diagnosis   ${c.negated ? "not " : ""}${c.aspect} ${c.concept ?? `"${c.mention}"`}${c.stage ? ` stage ${c.stage}` : ""}${c.site ? ` site ${c.site}` : ""}${c.minGrade !== undefined ? ` grade ≥ ${c.minGrade}` : ""}`;
    case "therapy":
      return `therapy     ${c.negated ? "not " : ""}${c.timing} ${c.category} ${c.concept ?? `"${c.mention}"`}${c.window ? ` (${c.window.text})` : ""}`;
    case "biomarker":
      return `biomarker   ${c.negated ? "not " : ""}${c.marker}${c.status ? ` ${c.status}` : ""}${c.op ? ` ${OP_SYMBOL[c.op] ?? c.op} ${c.value}${c.unit ?? ""}` : ""}`;
    case "demographic":
      return `demographic ${c.negated ? "not " : ""}${c.aspect}${c.sex ? ` ${c.sex}` : ""}`;
    case "judgement":
      return `judgement   ${c.aspect}`;
  }
}

/** The readable listing of criteria, as lines; `paint` styles them (common.ts's `paint`). */
export function renderCriteria(criteria: Criterion[], paint: typeof Common.paint): string[] {
  const lines: string[] = [];
  const counters = { inclusion: 0, exclusion: 0, unknown: 0 };
  for (const cr of criteria) {
    const indent = "  ".repeat(cr.depth);
    let label = "";
    if (cr.depth === 0) {
      counters[cr.kind]++;
      label = `${cr.kind === "inclusion" ? "I" : cr.kind === "exclusion" ? "E" : "C"}${counters[cr.kind]}`;
    } else label = "-";
    const src = cr.source === "module" ? paint(" (eligibility module)", "dim") : "";
    const text = cr.text.replace(/\s+/g, " ");
    lines.push(`${indent}${paint(label.padEnd(4), "bold")} ${text.length > 160 ? text.slice(0, 157) + "…" : text}${src}`);
    for (const c of cr.constraints) lines.push(`${indent}       ${paint(describeConstraint(c), c.type === "numeric" ? "cyan" : "dim")}`);
  }
  return lines;
}

class Output {
  private buf: string[] = [];
  private size = 0;
  line(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 16) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeAll(Buffer.from(this.buf.join("\n") + "\n"));
    this.buf = [];
    this.size = 0;
  }
}

/** Synchronous writes to stdout: retries a non-blocking pipe that is full; a reader that went away (`| head`) ends quietly. */
function writeAll(data: Buffer): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(1, data, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (code === "EPIPE") process.exit(0);
      throw e;
    }
  }
}

export function registerCriteria(program: Command): void {
  const cmd = program
    .command("criteria")
    .description("Parse eligibility criteria into criteria and constraints (text files or stored studies)")
    .argument("[inputs...]", "eligibility text files, v2 study JSON files, or NCT ids of stored studies")
    .option("--jsonl", "one JSON line per input: {\"file\", \"criteria\"} (or {\"nctId\", …} for studies)")
    .option("--numeric-only", "numeric constraints only (skip diagnosis, therapy, biomarker … extraction)")
    .option("--reparse", "re-parse stored studies whose criteria are missing or from another parser version, and store them")
    .option("--threads <n>", "worker threads parsing files (with --jsonl) or re-parsed studies, 0 for none (default: none on fewer than 3 cores, else the cores but two, from 2,000 inputs)")
    .option("--db <path>", "database file (default: $ELIGO_DB, else ./eligo.db)"); // as common.ts's addDbOption, which this module does not load up front
  cmd.action(async (inputs: string[], opts: CriteriaOptions) => {
    const output = new Output();
    const warn = (msg: string) => process.stderr.write(`eligo: ${msg}\n`);
    const files = inputs.filter((x) => !NCT.test(x));
    const { openDb, paint, UserError } = opts.jsonl && files.length === inputs.length && !opts.reparse && inputs.length ? ({} as Partial<typeof Common>) : await loadCommon();
    if (opts.reparse) {
      const { default: cliProgress } = await import("cli-progress");
      const { reparseStaleParallel } = await import("../../criteria/persist.js");
      const threads = threadsOption(opts.threads);
      const store = openDb!(opts);
      try {
        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar({ format: "re-parsing criteria [{bar}] {value}/{total}", stream: process.stderr }, cliProgress.Presets.shades_classic)
          : undefined;
        let started = false;
        const sum = await reparseStaleParallel(
          store,
          (done, total) => {
            if (bar && !started) {
              bar.start(total, 0);
              started = true;
            }
            bar?.update(done);
          },
          { onClinicalError: (e, text) => warn(clinicalFailure(text, e.message)), ...(threads !== undefined ? { workers: threads } : {}) },
        );
        bar?.stop();
        process.stderr.write(`eligo: re-parsed ${sum.parsed} stud${sum.parsed === 1 ? "y" : "ies"} (parser ${parserVersion()})\n`);
      } finally {
        store.close();
      }
      if (!inputs.length) return;
    }
    if (!inputs.length) throw new UserError!("criteria: give eligibility text files or NCT ids (or --reparse with --db)");
    const failed: string[] = [];
    const ids = inputs.filter((x) => NCT.test(x));
    const parseOpts = {
      numericOnly: Boolean(opts.numericOnly),
      onClinicalError: (e: Error, text: string) => warn(clinicalFailure(text, e.message)),
    };
    const threads = threadsOption(opts.threads);
    if (opts.jsonl && files.length && (threads === undefined ? (await import("../../criteria/pool.js")).poolWorthwhile(files.length) : threads > 0)) {
      // Many files on a machine with cores to spare (or --threads): parsed on worker threads and this one, printed in input order.
      const { runParsePool } = await import("../../criteria/pool.js");
      await runParsePool(
        files.map((file) => ({ kind: "file" as const, file })),
        (tasks, results) => {
          results.forEach((r, i) => {
            const file = (tasks[i] as { file: string }).file;
            for (const ce of r.clinicalErrors) warn(clinicalFailure(ce.text, ce.message));
            if (r.unreadable !== undefined) {
              warn(`cannot read ${file}: ${r.unreadable}`);
              failed.push(file);
            } else if (r.error !== undefined) throw new Error(`${file}: ${r.error}`);
            else output.line(r.json!);
          });
        },
        { numericOnly: Boolean(opts.numericOnly), ...(threads !== undefined ? { workers: threads } : {}) },
      );
    } else {
      for (const file of files) {
        let text: string;
        try {
          text = readEligibilityFile(file);
        } catch (e) {
          warn(`cannot read ${file}: ${unreadableReason(e)}`);
          failed.push(file);
          continue;
        }
        let criteria: Criterion[];
        try {
          criteria = criteriaOfFileText(file, text, parseOpts);
        } catch (e) {
          throw new Error(`${file}: ${(e as Error).message}`);
        }
        if (opts.jsonl) output.line(JSON.stringify({ file, criteria }));
        else {
          output.line(paint!(file, "bold"));
          for (const l of renderCriteria(criteria, paint!)) output.line(l);
          output.line("");
        }
      }
    }
    if (ids.length) {
      const store = openDb!(opts, true);
      try {
        const version = parserVersion();
        for (const raw of ids) {
          const id = raw.toUpperCase();
          const rec = store.get(id);
          if (!rec) {
            warn(`${id}: not in the database`);
            failed.push(id);
            continue;
          }
          const stored = store.getParsedCriteria(id);
          const criteria: Criterion[] =
            stored && stored.parserVersion === version
              ? (JSON.parse(stored.json) as { criteria: Criterion[] }).criteria
              : parseEligibility(rec.study, parseOpts).criteria;
          if (opts.jsonl) output.line(JSON.stringify({ nctId: id, parserVersion: version, criteria }));
          else {
            const title = rec.study.protocolSection?.identificationModule?.briefTitle;
            output.line(paint!(`${id}${title ? "  " + title : ""}`, "bold"));
            for (const l of renderCriteria(criteria, paint!)) output.line(l);
            output.line("");
          }
        }
      } finally {
        store.close();
      }
    }
    output.flush();
    if (failed.length) throw new (await loadCommon()).UserError(`${failed.length} of ${inputs.length} input(s) could not be read: ${failed.slice(0, 5).join(", ")}${failed.length > 5 ? ", …" : ""}`);
  });
}

function clinicalFailure(text: string, message: string): string {
  return `clinical extractor failed on "${text.slice(0, 60)}…": ${message}`;
}

/** --threads: a whole number ≥ 0, else a UserError-like message naming the option. */
function threadsOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,3}$/.test(raw.trim())) throw new Error(`--threads: expected a whole number of worker threads (0 for none), got "${raw}"`);
  return Number(raw.trim());
}
