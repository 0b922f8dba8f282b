/**
 * One trial against the patient: the trial's own conditions, age range and sex become
 * criteria beside the parsed eligibility text; then the verdict, the score and the
 * questions that would settle what is unknown.
 */
import type { Criterion, DiagnosisConstraint, NumericConstraint } from "../criteria/types.js";
import { cohortsOf, criteriaOutsidePatientCohort, type Cohort } from "./cohorts.js";
import { evaluateCriterion, type CriterionResult, type EvaluatedCriterion } from "./criterion.js";
import type { EvalContext, LeafResult, Question } from "./evaluate.js";
import type { PatientFacts } from "./facts.js";
import type { MatchKnowledge } from "./knowledge.js";

export type Verdict = "eligible" | "possible" | "ineligible";

/** What matching needs of a trial: read once, kept in memory between requests. */
export interface MatchableTrial {
  nctId: string;
  briefTitle: string | null;
  overallStatus: string | null;
  /** The trial's conditions as listed by the registry. */
  conditions: string[];
  /** The trial's condition concepts (from the conditions, else from the MeSH terms). */
  conditionConcepts: string[];
  /** Module criteria first (condition, age, sex), then the parsed text criteria. */
  criteria: Criterion[];
}

export interface TrialResult {
  nctId: string;
  briefTitle: string | null;
  verdict: Verdict;
  score: number;
  criteria: CriterionResult[];
  questions: Question[];
}

const AGE_UNITS: Record<string, string> = { year: "a", month: "mo", week: "wk", day: "d", hour: "h", minute: "min" };

/** "18 Years" → {value 18, unit "a"}; undefined for N/A. */
export function registryAge(text: string | null | undefined): { value: number; unit: string } | undefined {
  if (!text) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$/i.exec(text);
  return m ? { value: Number(m[1]), unit: AGE_UNITS[m[2].toLowerCase()] } : undefined;
}

/** The eligibility module's structured fields and the trial's conditions, as criteria. */
export function moduleCriteria(
  t: {
    conditions: string[];
    meshTerms?: string[];
    title?: string;
    minimumAge?: string | null;
    maximumAge?: string | null;
    sex?: string | null;
    healthyVolunteers?: boolean | null;
    primaryPurpose?: string | null;
  },
  k: MatchKnowledge,
): { criteria: Criterion[]; concepts: string[] } {
  const out: Criterion[] = [];
  let names = t.conditions.length ? t.conditions : (t.meshTerms ?? []);
  let fromTitle = false;
  if (!names.length && t.title) {
    // Some registry pages list no conditions: the title names what the trial studies.
    const specific = [...new Set(k.conceptsIn(t.title))].filter((c) => c !== "cancer" && c !== "solid-tumor");
    names = specific.map((c) => k.conceptLabel(c));
    fromTitle = names.length > 0;
  }
  const concepts = [...new Set(names.flatMap((n) => k.conceptsIn(n)))].sort();
  // Who needs the condition: not the healthy volunteers a trial takes, nor the people a
  // prevention or screening trial is for (they do not have it yet).
  const conditionOptional =
    t.healthyVolunteers === true ||
    t.primaryPurpose === "PREVENTION" ||
    t.primaryPurpose === "SCREENING" ||
    names.some((n) => /^healthy\b/i.test(n.trim())) ||
    // a title that says so where the record's purpose does not ("… in Children Who Are At High Risk For Systemic Fungal Infection")
    (t.title !== undefined && /\b(?:prevention|preventing|prophylaxis|prophylactic|at\s+(?:high\s+|increased\s+)?risk\s+(?:for|of))\b/i.test(t.title));
  if (names.length && !conditionOptional) {
    const constraints: DiagnosisConstraint[] = names.map((n) => ({
      type: "diagnosis",
      aspect: "condition",
      concept: k.conceptOf(n) ?? null,
      mention: n,
      mentionSpan: [0, 0],
      negated: false,
    }));
    out.push({
      kind: "inclusion",
      depth: 0,
      text: `Condition studied: ${names.join("; ")}${fromTitle ? " (from the title)" : ""}`,
      span: [0, 0],
      constraints,
      logic: { op: "or", args: constraints.map((_, i) => i) },
      source: "module",
    });
  }
  const min = registryAge(t.minimumAge);
  const max = registryAge(t.maximumAge);
  const ages: NumericConstraint[] = [];
  if (min) ages.push({ type: "numeric", variable: "age", mention: "minimum age", mentionSpan: [0, 0], op: ">=", value: min.value, valueSpan: [0, 0], unit: min.unit });
  if (max) ages.push({ type: "numeric", variable: "age", mention: "maximum age", mentionSpan: [0, 0], op: "<=", value: max.value, valueSpan: [0, 0], unit: max.unit });
  if (ages.length) {
    out.push({
      kind: "inclusion",
      depth: 0,
      text: `Age: ${t.minimumAge ?? "no minimum"} to ${t.maximumAge ?? "no maximum"}`,
      span: [0, 0],
      constraints: ages,
      source: "module",
    });
  }
  if (t.sex === "FEMALE" || t.sex === "MALE") {
    const sex = t.sex === "FEMALE" ? "female" : "male";
    out.push({
      kind: "inclusion",
      depth: 0,
      text: `Sex: ${sex} only`,
      span: [0, 0],
      constraints: [{ type: "demographic", aspect: "sex", sex, mention: t.sex, mentionSpan: [0, 0], negated: false }],
      source: "module",
    });
  }
  return { criteria: out, concepts };
}

export function evaluateTrial(
  trial: MatchableTrial,
  facts: PatientFacts,
  k: MatchKnowledge,
  memo?: Map<string, LeafResult>,
  criterionMemo?: Map<number, unknown>,
): TrialResult {
  const ctx: EvalContext = { facts, k, trialConcepts: trial.conditionConcepts, ...(memo ? { memo } : {}), ...(criterionMemo ? { criterionMemo } : {}) };
  const evaluated = trial.criteria.map((c) => evaluateCriterion(c, ctx));
  alternativesUnderLeadIns(trial.criteria, evaluated);
  const cohorts = cohortsOfTrial(trial);
  const outside = cohorts.length ? criteriaOutsidePatientCohort(cohorts, (i) => evaluated[i].result.status) : undefined;
  let fail = 0;
  let pass = 0;
  let computableUnknown = 0;
  const questions: Question[] = [];
  for (let i = 0; i < evaluated.length; i++) {
    const e = evaluated[i];
    // Criteria of another cohort than the patient's do not count (cohorts.ts).
    if (outside?.has(i)) continue;
    const s = e.result.status;
    if (s === "fail") fail++;
    else if (s === "pass") pass++;
    else if (e.computable) {
      computableUnknown++;
      for (const q of e.questions) if (!questions.some((x) => x.id === q.id)) questions.push(q);
    }
  }
  questions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // A record that gives no criteria at all (not even conditions or an age range) is not a
  // trial the patient is eligible for: nothing was checked.
  const verdict: Verdict = fail ? "ineligible" : computableUnknown || !trial.criteria.length ? "possible" : "eligible";
  const conditionIdx = trial.criteria.findIndex((c) => c.source === "module" && c.text.startsWith("Condition studied"));
  const relevance = conditionRelevance(trial, facts, k, conditionIdx >= 0 ? evaluated[conditionIdx].result : undefined);
  const decided = pass + fail + computableUnknown;
  const share = decided ? pass / decided : 0;
  const score = Math.round((0.5 * relevance + 0.5 * share) * 1000) / 1000;
  const results = evaluated.map((e) => e.result);
  for (const g of cohorts) {
    const title = trial.criteria[g.title].text.trim().replace(/\s*:$/, "");
    for (const i of [g.title, ...g.members]) results[i] = { ...results[i], cohort: { title, applies: !outside?.has(i) } };
  }
  return { nctId: trial.nctId, briefTitle: trial.briefTitle, verdict, score, criteria: results, questions };
}

/** An inclusion lead-in whose items are alternatives: "at least one of the following:", "either:", "one or more of:". */
const ONE_OF = /\b(?:at\s+least\s+one|one\s+or\s+more|any\s+one|either|one)\s+(?:of\s+)?(?:the\s+following|these|below)\b|\b(?:either|one\s+of)\s*:?\s*$/i;

/**
 * The items under an inclusion lead-in that asks for one of them ("must meet at least one of
 * the following: 1) …, 2) …"), or that are joined by "or", are alternatives: when one passes, the others do not count
 * against the patient (they become "pass" with a note); while none passes, an unknown one
 * leaves the choice open (the failed ones become "unknown"). Items are those after the lead-in
 * at a greater depth.
 */
function alternativesUnderLeadIns(criteria: Criterion[], evaluated: EvaluatedCriterion[]): void {
  for (let i = 0; i < criteria.length; i++) {
    const lead = criteria[i];
    if (lead.kind !== "inclusion" || lead.source === "module") continue;
    const items: number[] = [];
    for (let j = i + 1; j < criteria.length && criteria[j].depth > lead.depth; j++) if (criteria[j].depth === lead.depth + 1) items.push(j);
    if (items.length < 2) continue;
    // … or items joined by "or" ("1) self-injury and/or 2) substance use disorder")
    const joinedByOr = items.slice(0, -1).some((j) => /(?:\bor|\band\/or)[\s,;.]*$/i.test(criteria[j].text));
    if (!ONE_OF.test(lead.text) && !joinedByOr) continue;
    const statuses = items.map((j) => evaluated[j].result.status);
    const passed = items.find((j) => evaluated[j].result.status === "pass");
    if (passed !== undefined) {
      for (const j of items) if (j !== passed && evaluated[j].result.status !== "pass") evaluated[j] = alternative(evaluated[j], "pass", `not needed: another of the alternatives holds ("${criteria[passed].text.slice(0, 60)}")`);
    } else if (statuses.includes("unknown")) {
      for (const j of items) if (evaluated[j].result.status === "fail") evaluated[j] = alternative(evaluated[j], "unknown", "fails, but it is one of alternatives, and another may hold");
    }
  }
}

function alternative(e: EvaluatedCriterion, status: "pass" | "unknown", note: string): EvaluatedCriterion {
  return {
    ...e,
    result: { ...e.result, status, evidence: [...e.result.evidence, { constraint: -1, result: status === "pass" ? "na" : "unknown", note }] },
    computable: status === "unknown" ? true : e.computable,
    questions: status === "pass" ? [] : e.questions,
  };
}

const cohortCache = new WeakMap<Criterion[], Cohort[]>();
function cohortsOfTrial(trial: MatchableTrial): Cohort[] {
  let c = cohortCache.get(trial.criteria);
  if (!c) cohortCache.set(trial.criteria, (c = cohortsOf(trial.criteria)));
  return c;
}

/**
 * How closely the trial's condition fits the patient's: 1 for the patient's own concept
 * (or a more specific one), less the broader the trial's concept, 0.3 when unknown, 0 when
 * the condition criterion fails.
 */
function conditionRelevance(trial: MatchableTrial, facts: PatientFacts, k: MatchKnowledge, first: CriterionResult | undefined): number {
  if (!first || first.kind !== "inclusion" || !first.text.startsWith("Condition studied")) return 0.5;
  if (first.status === "fail") return 0;
  if (first.status === "unknown") return 0.3;
  let best = 0.8; // matched by words
  for (const pc of (facts.conditions ?? []).flatMap((c) => c.concepts)) {
    for (const tc of trial.conditionConcepts) {
      if (!k.isA(pc, tc)) continue;
      const depth = k.ancestors(pc).size - k.ancestors(tc).size; // 0: same concept
      best = Math.max(best, depth <= 0 ? 1 : Math.max(0.4, 1 - 0.15 * depth));
    }
  }
  return best;
}

const VERDICT_RANK: Record<Verdict, number> = { eligible: 0, possible: 1, ineligible: 2 };

/** Best first: verdict, then score, then NCT id (a total order, so results are stable). */
export function compareResults(a: TrialResult, b: TrialResult): number {
  return VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] || b.score - a.score || (a.nctId < b.nctId ? -1 : a.nctId > b.nctId ? 1 : 0);
}
