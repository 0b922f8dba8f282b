/**
 * Patient matching: one patient against the stored trials. Candidates come from the
 * store's prefilter (status, age, sex, condition family) unless trials are named; each
 * trial's criteria were parsed at import and are read once into a cache shared between
 * calls (as a server keeps it); nothing about the patient is stored or logged.
 *
 * Stable interface for the CLI and the HTTP API: matchPatient, parsePatientInput.
 */
import { parseEligibility, parserVersion } from "../criteria/parse.js";
import type { Criterion, ParsedCriteria } from "../criteria/types.js";
import type { Patient } from "../model/patient.js";
import { OverallStatus, type Study } from "../model/study.js";
import type { CandidateRow, MatchRow } from "../store/candidates.js";
import type { StudyStore } from "../store/store.js";
import type { LeafResult, Question } from "./evaluate.js";
import { patientFacts, type PatientFacts } from "./facts.js";
import { matchKnowledge, type MatchKnowledge } from "./knowledge.js";
import { compareResults, evaluateTrial, moduleCriteria, type MatchableTrial, type TrialResult } from "./trial.js";

export { parsePatientInput, PatientInputError } from "./input.js";
export type { TrialResult, Verdict } from "./trial.js";
export type { CriterionResult } from "./criterion.js";
export type { Evidence, Question } from "./evaluate.js";

export const DEFAULT_STATUSES = ["RECRUITING", "NOT_YET_RECRUITING"] as const;

export interface MatchOptions {
  /** Evaluation date (YYYY-MM-DD) for ages and time windows; default today (UTC). */
  asOf?: string;
  /** Overall statuses to consider, or "all"; default recruiting and not yet recruiting. */
  status?: string[] | "all";
  /** Evaluate exactly these trials, without prefilter. */
  trials?: string[];
  /** Keep the best N results. */
  limit?: number;
  /** Trial cache to reuse between calls (a server keeps one); default: a module-wide one. */
  cache?: TrialCache;
  /** Parses a trial's eligibility text when no current parse is stored; default: the criteria pipeline. */
  parse?: (study: Study) => ParsedCriteria | Criterion[] | undefined;
  /** Store the parses made for trials that had none (criteria only, never patient data). */
  storeParses?: boolean;
  knowledge?: MatchKnowledge;
}

export interface PatientSummary {
  age?: number;
  sex?: string;
  conditions: string[];
  metastases?: string[];
  ecog?: number;
  biomarkers: string[];
  medications?: string[];
  observations: number;
}

export interface MergedQuestion extends Question {
  /** Trials (verdict "possible") this question helps decide, best first. */
  trials: string[];
}

export interface MatchReport {
  asOf: string;
  patient: PatientSummary;
  results: TrialResult[];
  questions: MergedQuestion[];
}

/** Trials read for matching, keyed by NCT id and invalidated by lastUpdate / parser version. */
export class TrialCache {
  private readonly map = new Map<string, { key: string; trial: MatchableTrial }>();
  get(nctId: string, key: string): MatchableTrial | undefined {
    const e = this.map.get(nctId);
    return e && e.key === key ? e.trial : undefined;
  }
  set(nctId: string, key: string, trial: MatchableTrial): void {
    this.map.set(nctId, { key, trial });
  }
  /** The cached trial whatever its key (just built under a newer key). */
  peek(nctId: string): MatchableTrial | undefined {
    return this.map.get(nctId)?.trial;
  }
  get size(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
}

const sharedCache = new TrialCache();

export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Checks and normalises the status list ("recruiting" → "RECRUITING"); throws naming a bad one. */
export function parseStatuses(input: string | string[] | undefined): string[] | "all" {
  if (input === undefined) return [...DEFAULT_STATUSES];
  const list = (Array.isArray(input) ? input : input.split(",")).map((s) => s.trim()).filter(Boolean);
  if (list.length === 1 && list[0].toLowerCase() === "all") return "all";
  const valid = OverallStatus.options as readonly string[];
  return list.map((s) => {
    const norm = s.toUpperCase().replace(/[\s-]+/g, "_");
    if (!valid.includes(norm)) throw new Error(`unknown trial status "${s}": expected "all" or a comma-separated list of ${valid.join(", ")}`);
    return norm;
  });
}

function checkAsOf(asOf: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`))) {
    throw new Error(`invalid --as-of date "${asOf}": expected YYYY-MM-DD`);
  }
  return asOf;
}

/** The patient's concepts that decide the condition family (cancers first, else all). */
function familyConcepts(f: PatientFacts): string[] | undefined {
  if (!f.conditions?.length) return undefined;
  const cancers = f.conditions.filter((c) => c.isCancer);
  const pool = cancers.length ? cancers : f.conditions;
  if (pool.some((c) => !c.concepts.length)) return undefined;
  return [...new Set(pool.flatMap((c) => c.concepts))];
}

function buildTrial(store: StudyStore, row: MatchRow, k: MatchKnowledge, opts: MatchOptions): MatchableTrial {
  const study = JSON.parse(row.json) as Study;
  const p = study.protocolSection;
  const nctId = row.nctId;
  const el = p.eligibilityModule;
  const conditions = p.conditionsModule?.conditions ?? [];
  const meshTerms = (study.derivedSection?.conditionBrowseModule?.meshes ?? []).map((m) => m.term);
  const title = [p.identificationModule.briefTitle, p.identificationModule.officialTitle].filter(Boolean).join(" ");
  const mod = moduleCriteria(
    {
      conditions,
      meshTerms,
      title,
      minimumAge: el?.minimumAge,
      maximumAge: el?.maximumAge,
      sex: el?.sex,
      healthyVolunteers: el?.healthyVolunteers,
      primaryPurpose: p.designModule?.designInfo?.primaryPurpose,
    },
    k,
  );
  let text: Criterion[] = [];
  const saved = row.criteria;
  if (saved && (opts.parse || saved.parserVersion === parserVersion())) {
    const parsed = JSON.parse(saved.json) as ParsedCriteria | Criterion[];
    text = Array.isArray(parsed) ? parsed : parsed.criteria;
  } else {
    const parsed = (opts.parse ?? parseEligibility)(study);
    text = parsed ? (Array.isArray(parsed) ? parsed : parsed.criteria) : [];
    if (parsed && opts.storeParses && !opts.parse) store.setParsedCriteria(nctId, parserVersion(), JSON.stringify(parsed));
  }
  return {
    nctId,
    briefTitle: p.identificationModule.briefTitle ?? null,
    overallStatus: p.statusModule?.overallStatus ?? null,
    conditions,
    conditionConcepts: mod.concepts,
    criteria: [...mod.criteria, ...text.filter((c) => c.source !== "module" || !isDuplicateModule(c))],
  };
}

/** The parser may emit the module's age/sex as criteria too; ours already cover them. */
function isDuplicateModule(c: Criterion): boolean {
  return c.constraints.every((x) => (x.type === "numeric" && x.variable === "age") || (x.type === "demographic" && x.aspect === "sex"));
}

export function summarisePatient(f: PatientFacts): PatientSummary {
  const p = f.patient;
  return {
    ...(f.ageYears !== undefined ? { age: f.ageYears } : {}),
    ...(p.sex ? { sex: p.sex } : {}),
    conditions: (p.conditions ?? []).map((c) => [c.text ?? c.codes?.map((x) => x.display ?? x.code).join(", "), c.stage ? `stage ${c.stage}` : c.tnm].filter(Boolean).join(", ")).sort(),
    ...(f.metastases ? { metastases: [...new Set(f.metastases.map((m) => m.site))].sort() } : {}),
    ...(p.ecog !== undefined ? { ecog: p.ecog } : {}),
    biomarkers: (p.biomarkers ?? []).map((b) => `${b.marker} ${[b.status, b.variant, b.value !== undefined ? `${b.value}${b.unit ?? ""}` : ""].filter(Boolean).join(" ")}`.trim()).sort(),
    ...(f.medications ? { medications: [...new Set(f.medications.map((m) => m.drug))].sort() } : {}),
    observations: f.observations.size,
  };
}

/** Matches one patient against the store's trials; results best first, ineligible last. */
export function matchPatient(store: StudyStore, patient: Patient, opts: MatchOptions = {}): MatchReport {
  const k = opts.knowledge ?? matchKnowledge();
  const asOf = checkAsOf(opts.asOf ?? todayIso());
  const statuses = opts.status ?? [...DEFAULT_STATUSES];
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) throw new Error(`invalid limit ${opts.limit}: expected a whole number ≥ 1`);
  const facts = patientFacts(patient, asOf, k);
  const cache = opts.cache ?? sharedCache;

  let rows: CandidateRow[];
  if (opts.trials?.length) {
    const ids = [...new Set(opts.trials.map((t) => t.trim().toUpperCase()))];
    for (const id of ids) if (!/^NCT\d{8}$/.test(id)) throw new Error(`invalid trial id "${id}": expected NCT followed by 8 digits`);
    rows = store.candidates({ statuses: "all", nctIds: ids });
    const found = new Set(rows.map((r) => r.nctId));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw new Error(`trial${missing.length > 1 ? "s" : ""} not in the database: ${missing.join(", ")}`);
  } else {
    const concepts = familyConcepts(facts);
    rows = store.candidates({
      statuses,
      ageDays: facts.ageDays,
      sex: facts.sex,
      conditionKeywords: concepts ? k.familyKeywords(concepts) : undefined,
    });
  }

  // Trials not in the cache (or changed since) are read in batches.
  const keyOf = (row: CandidateRow) => `${row.lastUpdate ?? ""}|${row.parserVersion ?? ""}|${opts.parse ? "custom" : parserVersion()}|${k.version}`;
  const keys = rows.map(keyOf);
  const missing = rows.filter((row, i) => !cache.get(row.nctId, keys[i]));
  if (missing.length) {
    const byId = new Map(missing.map((row) => [row.nctId, row]));
    for (const m of store.matchRows(missing.map((row) => row.nctId))) {
      const trial = buildTrial(store, m, k, opts);
      const row = byId.get(m.nctId)!;
      // A parse just stored changes the row's parser version: key the cache by what the next call will see.
      const reparsedAndStored = opts.storeParses && !opts.parse && row.parserVersion !== parserVersion();
      cache.set(m.nctId, keyOf(reparsedAndStored ? { ...row, parserVersion: parserVersion() } : row), trial);
    }
  }
  const results: TrialResult[] = [];
  // Constraints repeat across trials ("ECOG 0–1", "Hb ≥ 90 g/L"): each statement is evaluated once per patient.
  const memo = new Map<string, LeafResult>();
  // Whole criteria repeat too (registry boilerplate, a sponsor's template): each is evaluated once per patient.
  const criterionMemo = new Map<number, unknown>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const trial = cache.get(row.nctId, keys[i]) ?? cache.peek(row.nctId);
    if (trial) results.push(evaluateTrial(trial, facts, k, memo, criterionMemo));
  }
  results.sort(compareResults);
  const shown = opts.limit ? results.slice(0, opts.limit) : results;
  return { asOf, patient: summarisePatient(facts), results: shown, questions: mergeQuestions(shown) };
}

/** Questions of the undecided ("possible") trials, merged, ordered by how many trials each would help decide. */
export function mergeQuestions(results: TrialResult[]): MergedQuestion[] {
  const byId = new Map<string, MergedQuestion>();
  const seen = new Map<string, Set<string>>(); // per question, its trials (a list scan was quadratic)
  for (const r of results) {
    if (r.verdict !== "possible") continue;
    for (const q of r.questions) {
      let m = byId.get(q.id);
      if (!m) byId.set(q.id, (m = { id: q.id, text: q.text, trials: [] }));
      let ids = seen.get(q.id);
      if (!ids) seen.set(q.id, (ids = new Set()));
      if (!ids.has(r.nctId)) {
        ids.add(r.nctId);
        m.trials.push(r.nctId);
      }
    }
  }
  return [...byId.values()].sort((a, b) => b.trials.length - a.trials.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
