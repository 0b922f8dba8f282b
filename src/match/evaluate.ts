/**
 * Evaluators: one constraint against the patient's facts → whether the statement the
 * constraint makes HOLDS for the patient ("true" | "false" | "unknown", or "na" when a
 * qualified threshold does not apply), with evidence and, for an unknown that a fact would
 * settle, the question to ask. Whether holding passes or fails the criterion is decided
 * by the criterion's kind in criterion.ts.
 */
import type {
  BiomarkerConstraint,
  ComparisonOp,
  Constraint,
  DemographicConstraint,
  DiagnosisConstraint,
  NumericConstraint,
  TemporalWindow,
  TherapyConstraint,
} from "../criteria/types.js";
import type { MatchKnowledge } from "./knowledge.js";
import { normaliseText } from "./knowledge.js";
import { conditionWords, markerKey, type ConditionFact, type MedicationFact, type PatientFacts } from "./facts.js";

export type Truth = "true" | "false" | "unknown" | "na";

export interface Question {
  /** Stable id: the fact it asks for ("observation:hemoglobin", "ecog", "metastasis:liver"). */
  id: string;
  text: string;
}

export interface Evidence {
  /** Index of the constraint in the criterion. */
  constraint: number;
  result: Truth;
  /** The patient fact used, as a reader would say it. */
  fact?: string;
  /** The patient's value converted to the criterion's unit. */
  value?: number;
  unit?: string;
  /** The threshold, resolved (×ULN through the observation's reference range). */
  threshold?: string;
  /** For unknown: what is missing. */
  missing?: string;
  note?: string;
}

export interface LeafResult {
  truth: Truth;
  /** False when no patient fact could settle it (judgement, unrecognised variable…). */
  computable: boolean;
  evidence: Evidence;
  question?: Question;
}

/** What the evaluation of one trial shares: the patient, the knowledge, the trial's own conditions. */
export interface EvalContext {
  facts: PatientFacts;
  k: MatchKnowledge;
  /** The trial's condition concepts (to tell "another malignancy" from the one studied). */
  trialConcepts: string[];
  /** The criterion being evaluated: its text (for words around a mention, "other malignancies"), kind, start offset. */
  criterion?: { text: string; kind: string; start: number };
  /** Results of constraints already evaluated for this patient, by statement (shared across trials). */
  memo?: Map<string, LeafResult>;
  /**
   * Results of whole criteria already evaluated for this patient (shared across trials):
   * keyed by the criterion as parsed (text, spans, constraints, logic) and the trial's
   * condition concepts, which with the patient and the knowledge decide its result.
   */
  criterionMemo?: Map<number, unknown>;
  /** Concepts the criterion names as exceptions ("excluding cured basal cell carcinoma"): they do not count. */
  exceptions?: string[];
}

const DAY_PER: Record<string, number> = { day: 1, week: 7, month: 365.25 / 12, year: 365.25 };
/** The day `amount` units before `day`. */
const daysBefore = (day: number, t: { amount: number; unit: string }) => day - t.amount * DAY_PER[t.unit];
/** "4 weeks", "1 month". */
const spanText = (t: { amount: number; unit: string }) => `${t.amount} ${t.unit}${t.amount === 1 ? "" : "s"}`;

export function evaluateConstraint(c: Constraint, index: number, ctx: EvalContext): LeafResult {
  switch (c.type) {
    case "numeric":
      return evaluateNumeric(c, index, ctx);
    case "prognosis":
      // Compared like a measurement: the patient's estimate (months) against the duration.
      return evaluateNumeric({ ...c, type: "numeric" }, index, ctx);
    case "diagnosis":
      return evaluateDiagnosis(c, index, ctx);
    case "therapy":
      return evaluateTherapy(c, index, ctx);
    case "biomarker":
      return evaluateBiomarker(c, index, ctx);
    case "demographic":
      return evaluateDemographic(c, index, ctx);
    case "judgement":
      if (c.aspect === "alternative") {
        const words = c.text.replace(/^(?:(?:is|are|was|were|be)\s+)/i, "").replace(/[.;,\s]+$/, "");
        return unknown(index, words, { id: `alternative:${normaliseText(words)}`, text: `Is the patient ${words}?` });
      }
      return notComputable(index, `left for the investigator (${c.aspect})`);
  }
}

/**
 * What, besides the constraint itself, its evaluation reads from the criterion: "other" before
 * a diagnosis, the kind, "primary resistance" and "progressed or intolerant" for therapies.
 */
export function contextKey(c: Constraint, crit: { text: string; kind: string; start: number }): string {
  if (c.type === "diagnosis") return `${crit.kind === "exclusion" ? "x" : "i"}${otherBefore(c, crit) ? "o" : ""}`;
  if (c.type === "therapy") return `${PRIMARY_RESISTANCE.test(crit.text) ? "p" : ""}${/progress/i.test(crit.text) && /intoleran/i.test(crit.text) ? "b" : ""}`;
  return "";
}

const PRIMARY_RESISTANCE = /\bprimary\b[^.;]{0,30}\bresistan|\bprimary refractory\b/i;

// ---- helpers -----------------------------------------------------------------------

function notComputable(index: number, note: string): LeafResult {
  return { truth: "unknown", computable: false, evidence: { constraint: index, result: "unknown", note } };
}

function unknown(index: number, missing: string, question: Question, extra: Partial<Evidence> = {}): LeafResult {
  return { truth: "unknown", computable: true, evidence: { constraint: index, result: "unknown", missing, ...extra }, question };
}

function known(index: number, holds: boolean, ev: Partial<Evidence>): LeafResult {
  const truth: Truth = holds ? "true" : "false";
  return { truth, computable: true, evidence: { constraint: index, result: truth, ...ev } };
}

function negate(r: LeafResult, negated: boolean): LeafResult {
  if (!negated || (r.truth !== "true" && r.truth !== "false")) return r;
  const truth: Truth = r.truth === "true" ? "false" : "true";
  return { ...r, truth, evidence: { ...r.evidence, result: truth } };
}

const OP_TEXT: Record<ComparisonOp, string> = { ">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "=", range: "" };

export function compare(x: number, op: ComparisonOp, v: number, v2?: number): boolean {
  const eps = 1e-9 * Math.max(1, Math.abs(v));
  switch (op) {
    case ">":
      return x > v + eps;
    case ">=":
      return x >= v - eps;
    case "<":
      return x < v - eps;
    case "<=":
      return x <= v + eps;
    case "=":
      return Math.abs(x - v) <= eps;
    case "range":
      return x >= v - eps && x <= (v2 ?? v) + eps;
  }
}

function thresholdText(c: { op: ComparisonOp; value: number; value2?: number; outside?: boolean }, unit?: string): string {
  const u = unit && unit !== "1" ? ` ${unit}` : "";
  return c.op === "range" ? `${c.outside ? "outside " : ""}${c.value}–${c.value2}${u}` : `${OP_TEXT[c.op]} ${c.value}${u}`;
}

/** Whether x meets a numeric constraint's comparison (outside its range when it says so). */
function inRange(x: number, c: NumericConstraint): boolean {
  const within = compare(x, c.op, c.value, c.value2);
  return c.op === "range" && c.outside ? !within : within;
}

const round = (x: number) => Number(x.toPrecision(6));

// ---- numeric -----------------------------------------------------------------------

const LABEL: Record<string, string> = {
  ecog: "ECOG performance status",
  karnofsky: "Karnofsky performance status",
  "life-expectancy": "life expectancy",
  age: "age",
};

let labelOf: (v: string) => string | undefined = () => undefined;
function variableLabel(v: string): string {
  return LABEL[v] ?? labelOf(v) ?? v.replace(/-/g, " ");
}

/** Names of measurements (a score, an index, a count of days …) among mentions eligo has no variable for. */
const MEASUREMENT_NAME_RE = /^[A-Za-z][\w\s/()'’-]{2,60}$/;
// (a named one, of two words at least: "Zurich activity index", not "diameter" or "count")
const MEASUREMENT_WORD_RE = /^\S+\s.*\b(?:score|subscore|sub-score|index|scale|questionnaire|inventory|count|level|concentration|ratio|tit(?:er|re)|velocity|frequency|days|episodes|attacks|seizures|exacerbations|rate)\b/i;
const NOT_A_MEASUREMENT_RE = /^(?:visit|day|days|cycle|cycles|times?|no|no single|patients?|subjects?|participants?|moderate|severe|mild|grade|stage|phase|class|type|line|lines|dose|doses|age|years?|months?|weeks?)$/i;

export function evaluateNumeric(c: NumericConstraint, index: number, ctx: EvalContext): LeafResult {
  const { facts, k } = ctx;
  labelOf = (v) => k.labLabel(v);
  if (!c.variable) {
    // A measurement eligo has no variable for ("Mayo endoscopic subscore ≥ 2", "4 to 14 monthly migraine days"):
    // not known, and asked — a criterion must not pass on its other parts alone. Other unread mentions are shown only.
    const name = c.mention.trim().replace(/\s+/g, " ");
    if (MEASUREMENT_NAME_RE.test(name) && MEASUREMENT_WORD_RE.test(name) && !NOT_A_MEASUREMENT_RE.test(name)) {
      return unknown(index, name, { id: `observation-text:${name.toLowerCase()}`, text: `What is the patient's ${name}?` }, { threshold: thresholdText(c, c.unit), note: `"${name}" is not a variable eligo knows` });
    }
    return notComputable(index, `"${c.mention}" is not a variable eligo knows`);
  }
  const variable = k.canonicalVariable(c.variable);
  if (variable === "age") return evaluateAge(c, index, facts);
  if (c.relativeTo === "baseline") return notComputable(index, "threshold relative to baseline");

  const obs = facts.observations.get(variable);
  const label = variableLabel(variable);
  const unitHint = c.relativeTo || !c.unit || c.unit.startsWith("{") ? "" : ` (${c.unit.replace("mm[Hg]", "mmHg").replace("10*9", "10^9")})`;
  if (!obs) {
    return unknown(index, label, {
      id: `observation:${variable}`,
      text: questionForVariable(variable, unitHint),
    }, { threshold: c.relativeTo ? `${thresholdText(c)} × ${c.relativeTo}` : thresholdText(c, c.unit) });
  }
  const fact = `${obs.label} ${obs.value}${obs.unit && obs.unit !== "1" ? " " + obs.unit : ""}${obs.date ? ` (${obs.date})` : ""}`;

  if (c.relativeTo === "ULN" || c.relativeTo === "LLN") {
    const limit = c.relativeTo === "ULN" ? obs.uln : obs.lln;
    if (limit === undefined || limit === 0) {
      return unknown(index, `${c.relativeTo} of ${label} (the laboratory's reference range)`, {
        id: `range:${variable}`,
        text: `What is the ${c.relativeTo === "ULN" ? "upper" : "lower"} limit of normal of the laboratory for ${label}?`,
      }, { fact, threshold: `${thresholdText(c)} × ${c.relativeTo}` });
    }
    const ratio = round(obs.value / limit);
    const absolute = (m: number) => round(m * limit);
    const thr =
      c.op === "range"
        ? `${c.value}–${c.value2} × ${c.relativeTo} (${absolute(c.value)}–${absolute(c.value2 ?? c.value)} ${obs.unit ?? ""})`.trim()
        : `${OP_TEXT[c.op]} ${c.value} × ${c.relativeTo} (${c.relativeTo} ${limit} ${obs.unit ?? ""} → ${absolute(c.value)} ${obs.unit ?? ""})`.replace(/\s+\)/g, ")");
    return known(index, inRange(ratio, c), { fact, value: ratio, unit: `× ${c.relativeTo}`, threshold: thr });
  }

  let value = obs.value;
  let unit = obs.unit;
  let note: string | undefined;
  if (c.unit) {
    let converted = k.convert(obs.value, obs.unit ?? k.labUnit(variable), c.unit, variable);
    const canonical = k.labUnit(variable);
    if (converted === undefined && canonical?.startsWith(`${c.unit}/`)) {
      // "24-hour urine protein ≥ 1.0 g": the amount is per the variable's own period (g/(24.h)).
      converted = k.convert(obs.value, obs.unit ?? canonical, canonical, variable);
      if (converted !== undefined) note = `${c.unit} read as ${canonical}`;
    }
    // A score has no unit: a count recorded with one ("8 d" monthly migraine days, "3 {episodes}") is the number
    if (converted === undefined && c.unit === "{score}" && canonical === "{score}") converted = obs.value;
    if (converted === undefined) {
      return unknown(index, `${label} in a unit convertible to ${c.unit}`, {
        id: `observation:${variable}`,
        text: questionForVariable(variable, ` (${c.unit})`),
      }, { fact, threshold: thresholdText(c, c.unit), note: `cannot convert ${obs.unit ?? "(no unit)"} to ${c.unit}` });
    }
    value = converted;
    unit = c.unit;
  } else if (obs.unit && obs.unit !== "1") {
    note = `the criterion gives no unit; compared in ${obs.unit}`;
  }
  return known(index, inRange(value, c), {
    fact,
    value: round(value),
    unit,
    threshold: thresholdText(c, c.unit ?? (note ? obs.unit : undefined)),
    ...(note ? { note } : {}),
  });
}

function questionForVariable(variable: string, unitHint: string): string {
  switch (variable) {
    case "ecog":
      return "What is the patient's ECOG performance status?";
    case "karnofsky":
      return "What is the patient's Karnofsky performance status?";
    case "life-expectancy":
      return "What is the patient's life expectancy (months)?";
    default:
      return `What is the patient's latest ${variableLabel(variable)}${unitHint}?`;
  }
}

const AGE_UNIT_DAYS: Record<string, number> = { a: 365.25, mo: 365.25 / 12, wk: 7, d: 1, h: 1 / 24, min: 1 / 1440 };

function evaluateAge(c: NumericConstraint, index: number, f: PatientFacts): LeafResult {
  const unit = c.unit ?? "a";
  if (f.ageYears === undefined || f.ageDays === undefined) {
    return unknown(index, "age", { id: "age", text: "What is the patient's date of birth (or age)?" }, { threshold: thresholdText(c, unit) });
  }
  // Registry ages are in completed units: "70 Years" admits a patient of 70 years and 11 months.
  let x: number;
  if (unit === "a") x = f.ageYears;
  else if (AGE_UNIT_DAYS[unit]) x = Math.floor(f.ageDays / AGE_UNIT_DAYS[unit]);
  else return notComputable(index, `age unit ${unit} not understood`);
  const fact = f.patient.birthDate ? `age ${f.ageYears} years on ${f.asOf}` : `age ${f.ageYears} years`;
  return known(index, inRange(x, c), { fact, value: x, unit, threshold: thresholdText(c, unit) });
}

// ---- diagnosis ---------------------------------------------------------------------

const OTHER = /\b(other|another|additional|second|secondary|concomitant|prior|previous|history of)\b.*\b(malignan|cancer|tumou?r|carcinoma|neoplasm)/i;

/** "other kinds of malignancies", "an additional malignancy": the word "other" shortly before the mention. */
function otherBefore(c: DiagnosisConstraint, crit: EvalContext["criterion"]): boolean {
  if (!crit) return false;
  const i = c.mentionSpan[0] - crit.start;
  if (i < 0 || i > crit.text.length) return false;
  return /\b(other|another|additional|second|concomitant|concurrent)\b[^.;,()]{0,25}$/i.test(crit.text.slice(Math.max(0, i - 40), i));
}

/** The concept a diagnosis constraint names: its own id when the knowledge has it, else read from the mention. */
export function diagnosisConcept(c: DiagnosisConstraint, k: MatchKnowledge): string | undefined {
  if (c.concept && k.hasConcept(c.concept)) return c.concept;
  // No concept from the parser: only one the whole mention names ("listeria infection" is no
  // infection of any kind; the matcher compares its words instead).
  if (c.concept === null) return k.conceptExactly(c.mention);
  return k.conceptOf(c.mention) ?? k.conceptOf(c.concept.replace(/-/g, " "));
}

/** Words before a condition that do not make it a kind of its own ("active HCC", "known", "history of"). */
const GENERIC_BEFORE_CONDITION =
  /^(?:another|active|inactive|known|suspected|documented|confirmed|diagnosed|prior|previous|current|concurrent|other|any|all|the|a|an|of|with|without|and|or|no|not|untreated|treated|symptomatic|asymptomatic|uncontrolled|controlled|severe|serious|significant|clinically|stable|unstable|progressive|recurrent|relapsed|refractory|metastatic|advanced|chronic|acute|new|newly|histologically|cytologically|pathologically|radiologically|having|has|have|had|patients|subjects|participants|history|diagnosis|evidence|presence|including|excluding|except|such|as|e\.g|i\.e|for|to|in|on|by|from)$/i;

export function evaluateDiagnosis(c: DiagnosisConstraint, index: number, ctx: EvalContext): LeafResult {
  switch (c.aspect) {
    case "metastasis":
      return negate(evaluateMetastasis(c, index, ctx), c.negated);
    case "stage":
      return negate(evaluateStage(c, index, ctx), c.negated);
    case "measurable-disease": {
      const m = ctx.facts.patient.measurableDisease;
      const r =
        m === undefined
          ? unknown(index, "measurable disease", { id: "measurable-disease", text: "Does the patient have measurable disease (RECIST 1.1)?" })
          : known(index, m, { fact: m ? "measurable disease" : "no measurable disease" });
      return negate(r, c.negated);
    }
    default:
      return negate(evaluateCondition(c, index, ctx), c.negated);
  }
}

/** Statuses a recorded condition does not settle: whether it is uncontrolled, unstable or severe is for a clinician. */
const JUDGED_STATUS = /^(?:uncontrolled|unstable|severe|serious|significant|progressive|progressing|recurrent|relapsed|refractory)$/;

/** Does the patient have the condition named (or a more specific one)? */
export function evaluateCondition(c: DiagnosisConstraint, index: number, ctx: EvalContext): LeafResult {
  const { facts, k } = ctx;
  const concept = diagnosisConcept(c, k);
  const label = concept ? k.conceptLabel(concept) : c.mention;
  const qid = `condition:${concept ?? normaliseText(c.mention)}`;
  // Absent: not known. Present, even empty: the patient's complete list (an empty one: no condition).
  if (!facts.conditions) {
    return unknown(index, "diagnoses", { id: "diagnoses", text: "What are the patient's diagnoses (cancer type and histology, other conditions)?" });
  }
  // A criterion cannot deny the condition the trial studies (or a broader one): such a denial names a
  // narrower term the tables do not know ("inflammatory myofibroblastic sarcoma" read as "sarcoma").
  if (c.negated && concept && ctx.trialConcepts.some((t) => k.isA(t, concept))) {
    return notComputable(index, `"${c.mention}" read as ${label}, which would deny the condition the trial studies`);
  }
  // "Atrial fibrillation due to a reversible cause (e.g., thyrotoxicosis)" in an exclusion of an AF trial: the
  // cause is excluded, not the condition the trial studies
  if (concept && ctx.criterion?.kind === "exclusion" && !c.negated && ctx.trialConcepts.some((t) => k.isA(t, concept) || k.isA(concept, t))) {
    const after = ctx.criterion.text.slice(c.mentionSpan[1] - ctx.criterion.start, c.mentionSpan[1] - ctx.criterion.start + 40);
    if (/^[\s,]*(?:(?:that\s+is\s+)?(?:due|secondary|attributable)\s+to|caused\s+by|(?:associated|related)\s+(?:with|to))\b/i.test(after)) {
      return notComputable(index, `"${c.mention}" is the condition the trial studies; the criterion is about its cause`);
    }
    // "Sarcomatoid HCC", "hemiplegic migraine", "MDD with psychotic features" excluded from an HCC, migraine or MDD
    // trial: a kind of the studied condition the tables do not know — the condition itself is not what is excluded
    const at = c.mentionSpan[0] - ctx.criterion.start;
    const wordBefore = /([A-Za-z][A-Za-z-]{2,})\s+$/.exec(ctx.criterion.text.slice(Math.max(0, at - 30), at))?.[1];
    const kindBefore = wordBefore !== undefined && !GENERIC_BEFORE_CONDITION.test(wordBefore);
    const kindAfter = /^\s*(?:with|without)\s+(?!(?:a\s+|an\s+)?(?:history|prior|previous))[a-z]/i.test(after);
    // (only the studied condition itself or a kind of it: "another malignancy" in a prostate cancer trial is other cancers)
    if ((kindBefore || kindAfter) && ctx.trialConcepts.some((t) => k.isA(concept, t))) return notComputable(index, `"${c.mention}": a kind of the condition the trial studies that eligo cannot tell from the record`);
  }
  let pool = facts.conditions;
  // "Other malignancies": not the cancer this trial studies (a generic cancer concept in a criterion that says "other", or in a cancer trial's exclusion).
  const generic = concept !== undefined && (ctx.trialConcepts.some((t) => k.isA(t, concept)) || concept === "cancer" || concept === "solid-tumor");
  const denies = ctx.criterion?.kind === "exclusion" || c.negated;
  // In a cancer trial, an exclusion of cancer as such ("History of prior cancer within 3 years",
  // "prior malignancy active within 2 years") cannot mean the cancer the trial is for.
  const anyCancer = (concept === "cancer" || concept === "solid-tumor") && ctx.trialConcepts.some((t) => k.isA(t, "cancer"));
  if (generic && denies && (anyCancer || OTHER.test(c.mention) || otherBefore(c, ctx.criterion))) {
    pool = pool.filter((p) => !ctx.trialConcepts.some((t) => [...p.concepts].some((pc) => k.isA(pc, t) || k.isA(t, pc))));
  }
  if (ctx.exceptions?.length) {
    // (one excepted concept is enough: "solid tumour other than NSCLC" for an "NSCLC, adenocarcinoma")
    pool = pool.filter((p) => !p.concepts.length || !p.concepts.some((pc) => ctx.exceptions!.some((x) => k.isA(pc, x))));
  }
  // "History of active tuberculosis": ever active, so a resolved one counts
  const active = !c.status?.includes("history") && (c.status?.some((s) => /active|uncontrolled|progressing|symptomatic/.test(s)) ?? false);
  const statusOk = (s?: string) => !active || s === undefined || s === "active" || s === "recurrence" || s === "relapse";

  // "Myocardial infarction within 90 days": only a condition that began in the window, or is still present, counts
  const undated: ConditionFact[] = [];
  const outside: ConditionFact[] = [];
  if (c.window) {
    const holds = inWindow(c.window, facts.asOfDay);
    const kept: ConditionFact[] = [];
    for (const p of pool) {
      const w = holds(p);
      if (w) kept.push(p);
      else (w === undefined ? undated : outside).push(p);
    }
    pool = kept;
  }
  /** The patient has it, but not (or not known to be) in the window. */
  const outOfWindow = (matches: (p: ConditionFact) => boolean): LeafResult | undefined => {
    const u = undated.find(matches);
    if (u) return unknown(index, `when the patient's ${u.text} began`, { id: `onset:${normaliseText(u.text)}`, text: `When did the patient's ${u.text} begin (or is it still present)?` }, { fact: u.text });
    const o = outside.find(matches);
    return o ? known(index, false, { fact: o.text, note: `not ${c.window!.text}` }) : undefined;
  };

  if (concept) {
    // (a latent infection is not an active one: "active tuberculosis" against "latent tuberculosis")
    const hit = pool.find((p) => p.closure.has(concept) && !(active && p.concepts.some((pc) => pc.startsWith("latent-") && pc !== concept)));
    if (hit) {
      if (!statusOk(hit.clinicalStatus)) {
        return known(index, false, { fact: `${hit.text} (${hit.clinicalStatus})`, note: `not ${c.status?.join("/")}` });
      }
      // "Uncontrolled hypertension", "unstable angina-like …": having the condition does not say
      // it is uncontrolled (controlled hypertension on amlodipine is not excluded); ask.
      // (Only when no other status word settles it: "active or uncontrolled infection" is met by an active one.)
      const beyond = c.status?.find((s) => JUDGED_STATUS.test(s));
      // (the record may say so itself: "T2DM, uncontrolled", "poorly controlled hypertension")
      const recordSays =
        (beyond === "uncontrolled" && /\b(?:uncontrolled|poorly\s+controlled|not\s+(?:well\s+)?controlled|inadequately\s+controlled)\b/i.test(hit.text)) ||
        (beyond !== undefined && /^(?:progressive|progressing|recurrent|relapsed|refractory)$/.test(beyond) && new RegExp(`\\b${beyond.slice(0, 6)}`, "i").test(hit.text));
      if (recordSays) return known(index, true, { fact: hit.text });
      // "Grade ≥ 2 peripheral neuropathy": the patient's grade decides; without one, ask
      if (c.minGrade !== undefined) {
        const graded = pool.filter((p) => p.closure.has(concept));
        const withGrade = graded.filter((p) => p.grade !== undefined);
        const severe = withGrade.find((p) => p.grade! >= c.minGrade!);
        if (severe) return known(index, true, { fact: `${severe.text} (grade ${severe.grade})`, threshold: `grade ≥ ${c.minGrade}` });
        if (withGrade.length === graded.length) return known(index, false, { fact: withGrade.map((p) => `${p.text} (grade ${p.grade})`).join("; "), threshold: `grade ≥ ${c.minGrade}` });
        return unknown(index, `the grade of the patient's ${hit.text}`, { id: `${qid}:grade`, text: `What is the grade (CTCAE) of the patient's ${hit.text}?` }, { fact: hit.text });
      }
      if (beyond && !c.status!.some((s) => !JUDGED_STATUS.test(s) && s !== "history" && s !== "known")) {
        return unknown(index, `whether the patient's ${hit.text} is ${beyond}`, { id: `${qid}:${beyond}`, text: `Is the patient's ${hit.text} ${beyond}?` }, { fact: hit.text });
      }
      return known(index, true, { fact: hit.text });
    }
    const dated = outOfWindow((p) => p.closure.has(concept));
    if (dated) return dated;
    // The patient's diagnosis is a broader one: "lung cancer" against an NSCLC criterion.
    const broader = pool.find((p) => p.concepts.some((pc) => pc !== "cancer" && k.isA(concept, pc)));
    // A "metastatic X" concept is X with metastases: settled by the patient's metastases or stage.
    if (broader && /\bmetastatic\b/i.test(k.conceptName(concept))) {
      const f = facts;
      const stage4 = broader.stage ? /^IV/i.test(broader.stage) : undefined;
      const m1 = broader.tnm ? /M1/i.test(broader.tnm) : undefined;
      if (f.metastases?.length || stage4 || m1) return known(index, true, { fact: `${broader.text}${f.metastases?.length ? `, metastases: ${f.metastases.map((m) => m.site).join(", ")}` : `, stage ${broader.stage ?? broader.tnm}`}` });
      if (f.metastases !== undefined) return known(index, false, { fact: `${broader.text}, no metastases recorded`, note: `not ${label}` });
    }
    // "Diabetic nephropathy" against "type 1 diabetes" when the record also says "type 2 diabetes": the broader
    // diagnosis is that other kind, named elsewhere in the record — nothing to ask
    const explained =
      broader &&
      broader.concepts.some((pc) => pc !== "cancer" && k.isA(concept, pc) && pool.some((q) => q !== broader && q.concepts.some((qc) => qc !== pc && k.isA(qc, pc) && !k.isA(qc, concept) && !k.isA(concept, qc))));
    if (explained) return known(index, false, { fact: describeConditions(pool), note: `no ${label}` });
    if (broader) {
      return unknown(index, `whether the patient's ${broader.text} is ${label}`, {
        id: qid,
        text: `Is the patient's ${broader.text} a ${label}?`,
      }, { fact: broader.text });
    }
    return known(index, false, { fact: describeConditions(pool), note: `no ${label}` });
  }
  // Unknown to the tables: compare words ("nasopharyngeal carcinoma" ~ "nasopharyngeal neoplasms").
  const want = conditionWords(c.mention);
  if (want.size === 0) return notComputable(index, `"${c.mention}" names no condition eligo knows`);
  const hit = pool.find((p) => [...want].every((w) => p.words.has(w)));
  if (hit) return known(index, true, { fact: hit.text, note: "matched by words" });
  const dated = outOfWindow((p) => [...want].every((w) => p.words.has(w)));
  if (dated) return dated;
  return known(index, false, { fact: describeConditions(pool), note: `no ${c.mention}` });
}

/**
 * Whether a condition falls in a criterion's window: "within N" — it began in the window, or is
 * still present (active, recurring); "at least N since" — it began before the window's start.
 * Undefined when the record does not say when it began.
 */
function inWindow(w: TemporalWindow, asOfDay: number): (p: ConditionFact) => boolean | undefined {
  const cutoff = daysBefore(asOfDay, w);
  return (p) => {
    const present = p.clinicalStatus === "active" || p.clinicalStatus === "recurrence" || p.clinicalStatus === "relapse";
    if (w.relation === "within") {
      if (p.onsetDay !== undefined && p.onsetDay >= cutoff) return true;
      if (present) return true;
      return p.onsetDay !== undefined ? false : undefined;
    }
    return p.onsetDay !== undefined ? p.onsetDay <= cutoff : undefined;
  };
}

function describeConditions(pool: PatientFacts["conditions"]): string {
  return pool && pool.length ? `diagnoses: ${pool.map((p) => p.text).join("; ")}` : "no other diagnosis recorded";
}

const SITE_ALIASES: Record<string, string[]> = {
  cns: ["cns", "brain", "leptomeningeal", "meningeal", "spinal cord", "central nervous system"],
  brain: ["brain", "cerebral", "intracranial"],
  leptomeningeal: ["leptomeningeal", "meningeal", "carcinomatous meningitis"],
  liver: ["liver", "hepatic"],
  bone: ["bone", "skeletal", "osseous"],
  lung: ["lung", "pulmonary"],
};

function siteMatches(want: string | undefined, have: string): boolean {
  if (!want) return true;
  const w = normaliseText(want);
  const names = SITE_ALIASES[w] ?? [w];
  return names.some((n) => have.includes(n));
}

function evaluateMetastasis(c: DiagnosisConstraint, index: number, ctx: EvalContext): LeafResult {
  const mets = ctx.facts.metastases;
  const site = c.site ?? (c.concept && SITE_ALIASES[c.concept] ? c.concept : undefined);
  const label = site ? `${site} metastases` : "metastases";
  if (!mets) {
    return unknown(index, label, {
      id: `metastasis:${site ?? "any"}`,
      text: site ? `Does the patient have ${site} metastases (active or treated)?` : "Does the patient have metastatic disease, and where?",
    });
  }
  const hits = mets.filter((m) => siteMatches(site, m.site));
  if (!hits.length) return known(index, false, { fact: mets.length ? `metastases: ${mets.map((m) => m.site).join(", ")}` : "no metastases recorded", note: `no ${label}` });
  const wants = (c.status ?? []).map((s) => s.toLowerCase());
  const needActive = wants.some((s) => /active|untreated|progress|unstable|uncontrolled/.test(s));
  const needSymptomatic = wants.some((s) => /^symptomatic/.test(s));
  for (const m of hits) {
    const fact = `${m.site} metastases${m.active === false ? " (inactive)" : m.active ? " (active)" : ""}${m.treated ? " (treated)" : ""}${m.symptomatic ? " (symptomatic)" : ""}`;
    if (needActive) {
      const act = m.active ?? (m.treated ? false : undefined);
      if (act === undefined) {
        return unknown(index, `whether the ${m.site} metastases are active`, {
          id: `metastasis-active:${m.site}`,
          text: `Are the patient's ${m.site} metastases active (untreated or progressing)?`,
        }, { fact });
      }
      if (!act) continue;
    }
    if (needSymptomatic) {
      if (m.symptomatic === undefined) {
        return unknown(index, `whether the ${m.site} metastases are symptomatic`, {
          id: `metastasis-symptomatic:${m.site}`,
          text: `Are the patient's ${m.site} metastases symptomatic?`,
        }, { fact });
      }
      if (!m.symptomatic) continue;
    }
    return known(index, true, { fact });
  }
  return known(index, false, { fact: hits.map((m) => `${m.site} metastases`).join(", "), note: `not ${wants.join("/")}` });
}

const STAGES = ["0", "I", "IA", "IB", "IC", "II", "IIA", "IIB", "IIC", "III", "IIIA", "IIIB", "IIIC", "IV", "IVA", "IVB", "IVC"];

function stageRank(s: string): number | undefined {
  const i = STAGES.indexOf(s.toUpperCase().replace(/^STAGE\s*/, "").trim());
  return i < 0 ? undefined : i;
}

/** Stage of the patient's cancer: the stage text, else read from TNM ("M1" → IV). */
function patientStage(f: PatientFacts): { stage?: string; tnm?: string } | undefined {
  const cancers = (f.conditions ?? []).filter((c) => c.isCancer && (c.stage || c.tnm));
  if (!cancers.length) return undefined;
  // The most advanced recorded stage (order independent).
  return cancers
    .map((c) => ({ stage: c.stage, tnm: c.tnm }))
    .sort((a, b) => (stageRank(b.stage ?? "") ?? -1) - (stageRank(a.stage ?? "") ?? -1) || String(a.tnm).localeCompare(String(b.tnm)))[0];
}

function evaluateStage(c: DiagnosisConstraint, index: number, ctx: EvalContext): LeafResult {
  const want = (c.stage ?? c.mention).trim();
  const have = patientStage(ctx.facts);
  const q = { id: "stage", text: "What is the stage (and TNM) of the patient's cancer?" };
  const w = want.toLowerCase();
  if (/extensive|limited/.test(w)) {
    if (!have?.stage) return unknown(index, "stage", q);
    const kind = w.includes("extensive") ? "extensive" : "limited";
    return known(index, have.stage.toLowerCase().includes(kind), { fact: `stage ${have.stage}`, threshold: want });
  }
  if (/\bmetastatic\b/i.test(want)) {
    const f = ctx.facts;
    const stage4 = have?.stage ? (stageRank(have.stage) ?? 0) >= STAGES.indexOf("IV") : undefined;
    const m1 = have?.tnm ? /M1/i.test(have.tnm) : undefined;
    if (f.metastases?.length || stage4 || m1) return known(index, true, { fact: f.metastases?.length ? `metastases: ${f.metastases.map((x) => x.site).join(", ")}` : `stage ${have?.stage ?? have?.tnm}` });
    if (f.metastases !== undefined && (stage4 === false || m1 === false || !have)) return known(index, false, { fact: "no metastases recorded", threshold: "metastatic" });
    return unknown(index, "metastatic disease", { id: "metastasis:any", text: "Does the patient have metastatic disease, and where?" });
  }
  // "recurrent", "relapsed", "recurrent or metastatic": the record's diagnosis may say so; else ask
  if (/^(?:recurrent|relapsed|recurrence)$/i.test(w)) {
    const said = ctx.facts.conditions?.find((p) => /\b(?:recurren|relaps)/i.test(p.text));
    if (said) return known(index, true, { fact: said.text });
    return unknown(index, "whether the disease has recurred", { id: "recurrent-disease", text: "Has the patient's disease recurred (or relapsed) after earlier treatment?" });
  }
  const m = /(?:^|[0-9xX\s])M([01])/i.exec(want);
  if (m && !/^(stage\s*)?[IV]/i.test(want)) {
    if (!have) return unknown(index, "stage", q);
    const pm = /M([01])/i.exec(have.tnm ?? "")?.[1] ?? (have.stage && stageRank(have.stage) !== undefined ? (stageRank(have.stage)! >= 13 ? "1" : undefined) : undefined);
    if (pm === undefined) return unknown(index, "M category", q, { fact: `stage ${have.stage ?? have.tnm}` });
    return known(index, pm === m[1], { fact: have.tnm ? `TNM ${have.tnm}` : `stage ${have.stage}`, threshold: `M${m[1]}` });
  }
  // One stage, a range ("IIIB-IV"), or a list of them ("IIIB, IIIC, or IV"; "II/III"): any admits.
  const items = want.replace(/^stage\s*/i, "").split(/\s*(?:,\s*(?:or|and)\b|,|\bor\b|\band\b|\/)\s*/i).filter(Boolean);
  const ranges: Array<[number, number | undefined]> = [];
  for (const item of items) {
    const range = /^(?:stage\s*)?([0IV]+[A-C]?)\s*(?:-|–|to)\s*([0IV]+[A-C]?)$/i.exec(item) ?? /^(?:stage\s*)?([0IV]+[A-C]?)$/i.exec(item);
    const lo = range ? stageRank(range[1]) : undefined;
    if (!range || lo === undefined) return notComputable(index, `stage "${want}" not understood`);
    ranges.push([lo, range[2] ? stageRank(range[2]) : undefined]);
  }
  if (!ranges.length) return notComputable(index, `stage "${want}" not understood`);
  if (!have?.stage) return unknown(index, "stage", q);
  const r = stageRank(have.stage);
  if (r === undefined) return notComputable(index, `patient stage "${have.stage}" not understood`);
  let holds = false;
  let subStage = false;
  // A stage admits its sub-stages ("III" admits IIIB), by the roman part: "II" does not admit IIIB.
  const within = (s: string, of: string) => s === of || s.replace(/[A-C]$/, "") === of;
  for (const [lo, hi] of ranges) {
    if (hi !== undefined) {
      // A range admits the sub-stages of its ends: "III-IV" includes IVB.
      const hiTop = STAGES.findLastIndex((s) => within(s, STAGES[hi]));
      holds ||= r >= lo && r <= hiTop;
    } else {
      holds ||= within(STAGES[r], STAGES[lo]);
      // the patient's "III" against "IIIB": which sub-stage decides
      if (STAGES[lo] !== STAGES[r] && within(STAGES[lo], STAGES[r])) subStage = true;
    }
  }
  if (!holds && subStage) return unknown(index, `sub-stage of stage ${have.stage}`, q, { fact: `stage ${have.stage}` });
  return known(index, holds, { fact: `stage ${have.stage}`, threshold: `stage ${want}` });
}

// ---- therapy -----------------------------------------------------------------------

/** The drug class every medication belongs to ("any prescription or over-the-counter drugs"). */
const ANY_MEDICATION = "any-medication";

/** Procedure ids and the broader ones a record may use instead (procedures.json ids). */
const PROCEDURE_PARENT: Record<string, string> = {
  "major-surgery": "surgery",
  "minor-surgery": "surgery",
  "allogeneic-hsct": "hsct",
  "autologous-hsct": "hsct",
  "brain-radiotherapy": "radiotherapy",
  "live-vaccine": "vaccine",
};

interface Exposure {
  label: string;
  startDay?: number;
  endDay?: number;
  ongoing: boolean;
  med?: MedicationFact;
  /** The patient's record says it more broadly than asked (surgery vs major surgery). */
  vague?: boolean;
}

export function evaluateTherapy(c: TherapyConstraint, index: number, ctx: EvalContext): LeafResult {
  const { facts, k } = ctx;
  const target = c.concept ?? c.mention;
  let exposures: Exposure[] | undefined;
  let label: string;
  let qid: string;
  const classId = c.category === "class" || c.category === "procedure" ? (k.hasDrugClass(target) ? target : k.drugClassOf(target) ?? k.drugClassOf(c.mention)) : undefined;

  if (c.category === "procedure" && !classId) {
    const want = normaliseText(target).replace(/ /g, "-");
    label = want.replace(/-/g, " ");
    qid = `procedure:${want}`;
    if (c.sites?.length) label += ` (${c.sites.join(" or ")})`;
    if (facts.procedures) {
      exposures = [];
      for (const p of facts.procedures) {
        const exact = p.kind === want || PROCEDURE_PARENT[p.kind] === want;
        let vague = !exact && PROCEDURE_PARENT[want] === p.kind;
        if (!exact && !vague) continue;
        // "Previous prostate surgery": only a procedure at that site counts; one that names no site may.
        if (c.sites?.length) {
          const theirs = k.procedureSitesIn(`${p.site ?? ""} ${p.label}`);
          if (theirs.length && !theirs.some((x) => c.sites!.includes(x))) continue;
          if (!theirs.length) {
            // A named operation at no site the table knows ("appendectomy") is elsewhere; a bare "surgery" may be there.
            if (p.site || k.procedureOf(p.label) === undefined) continue;
            vague = true;
          }
        }
        exposures.push({ label: p.label, startDay: p.startDay, endDay: p.endDay, ongoing: false, vague });
      }
    }
  } else {
    let match: (m: MedicationFact) => boolean;
    if (c.category === "class" || classId) {
      const cls = classId ?? k.drugClassOf(target);
      if (!cls) return notComputable(index, `drug class "${c.mention}" not in eligo's drug-class table`);
      label = k.drugClassLabel(cls);
      qid = `therapy:${cls}`;
      // "any prescription or over-the-counter drugs": every medication (drug-classes.json's any-medication)
      match = cls === ANY_MEDICATION ? () => true : (m) => m.classes.has(cls);
    } else {
      const drug = k.normaliseDrug(target);
      // A "drug" that is really a class name ("antiangiogenic drugs").
      const cls = k.drugClassOf(target);
      label = drug;
      qid = `therapy:${cls ?? drug}`;
      match = cls ? (m) => m.classes.has(cls) || m.drug === drug : (m) => m.drug === drug || m.drug.split("+").includes(drug);
    }
    if (facts.medications) {
      exposures = facts.medications
        .filter(match)
        .map((m) => ({ label: m.label, startDay: m.startDay, endDay: m.ongoing ? facts.asOfDay : m.endDay, ongoing: m.ongoing, med: m }));
    }
    // Vaccines are recorded as immunizations (procedures), not medications.
    const asProcedure = qid.slice("therapy:".length);
    if (/vaccine/.test(asProcedure) && facts.procedures) {
      exposures ??= [];
      for (const p of facts.procedures) if (p.kind === asProcedure) exposures.push({ label: p.label, startDay: p.startDay, endDay: p.endDay, ongoing: false });
    }
  }

  if (!exposures) {
    return negate(
      unknown(index, `history of ${label}`, {
        id: qid,
        text: c.category === "procedure" && !classId ? `Has the patient had ${label} (when)?` : `Has the patient received ${label} (which, when, outcome)?`,
      }),
      c.negated,
    );
  }

  // Timing: prior use means started before the evaluation date; concurrent means ongoing.
  let pool = exposures.filter((e) => e.startDay === undefined || e.startDay <= facts.asOfDay);
  if (ctx.exceptions?.length) {
    pool = pool.filter((e) => !e.med || !ctx.exceptions!.some((x) => e.med!.drug === x || e.med!.classes.has(x)));
  }
  const exposureFact = (es: Exposure[]) => (es.length ? es.map((e) => e.label).join(", ") : `no ${label} recorded`);
  // The day an exposure last counted (today while it goes on), and the window's first day.
  const lastDay = (e: Exposure) => (e.ongoing ? facts.asOfDay : (e.endDay ?? e.startDay));
  const cutoff = c.window ? daysBefore(facts.asOfDay, c.window) : 0;
  const askHalfLives = (count: number, es: Exposure[]) =>
    unknown(index, `whether ${count} half-lives of ${label} have passed`, { id: `${qid}:half-lives`, text: `Was the patient's last dose of ${label} more than ${count} half-lives ago?` }, { fact: exposureFact(es) });
  const askDates = (es: Exposure[]) => unknown(index, `dates of ${label}`, { id: `${qid}:dates`, text: `When did the patient last receive ${label}?` }, { fact: exposureFact(es) });

  // A washout ("at least 4 weeks since prior chemotherapy", "≥ 14 days after any radiotherapy"):
  // no exposure may end inside the last 4 weeks; a patient who never had it meets it.
  if (c.window?.relation === "at-least-since" && !c.line && c.minCycles === undefined && !c.dose) {
    const recent = pool.filter((e) => (lastDay(e) ?? -Infinity) > cutoff);
    const undated = pool.filter((e) => lastDay(e) === undefined);
    if (!recent.length && undated.length) return askDates(undated);
    const note = `${spanText(c.window)} or more since the last`;
    // "… or 5 half-lives, whichever is longer": long enough by days may still be too soon by half-lives (and the reverse)
    const half = c.window.halfLives;
    if (half && (half.whichever === "longer" ? !recent.length && pool.some((e) => (lastDay(e) ?? -Infinity) > facts.asOfDay - half.count * LONGEST_HALF_LIFE_DAYS) : recent.length)) {
      return askHalfLives(half.count, recent.length ? recent : pool);
    }
    // Not negated: a washout's "no" belongs to what follows it ("more than 4 weeks since prior and no concurrent finasteride").
    return known(index, recent.length === 0, { fact: recent.length ? exposureFact(recent) : pool.length ? `${exposureFact(pool)}, ended before` : exposureFact(pool), note });
  }

  if (c.timing === "concurrent") pool = pool.filter((e) => e.ongoing);
  // "on a beta-blocker at a stable dose for at least 4 weeks": taken since before the duration's start
  if (c.minDuration && pool.length) {
    const since = daysBefore(facts.asOfDay, c.minDuration);
    // taken that long: up to now when ongoing, or over the course when it ended ("of adequate duration (≥ 6 weeks)")
    const longEnough = pool.filter((e) => {
      if (e.startDay === undefined) return false;
      const last = e.ongoing ? undefined : lastDay(e);
      return last === undefined ? e.startDay <= since : e.startDay <= daysBefore(last, c.minDuration!);
    });
    const duration = `${spanText(c.minDuration)} or more`;
    if (c.minDrugs !== undefined) {
      // "at least 2 antidepressants of adequate duration": that many different drugs, each taken that long
      const drugs = new Set(longEnough.map((e) => e.med?.drug ?? e.label));
      if (drugs.size >= c.minDrugs) return negate(known(index, true, { fact: exposureFact(longEnough), threshold: `≥ ${c.minDrugs} different, ${duration} each` }), c.negated);
      const undated = pool.filter((e) => e.startDay === undefined);
      if (undated.length) return negate(unknown(index, `when ${label} began`, { id: `${qid}:start`, text: `Since when has the patient taken ${label}?` }, { fact: exposureFact(undated) }), c.negated);
      return negate(known(index, false, { fact: exposureFact(pool), threshold: `≥ ${c.minDrugs} different, ${duration} each` }), c.negated);
    }
    if (longEnough.length) return negate(known(index, true, { fact: exposureFact(longEnough), threshold: duration }), c.negated);
    const undated = pool.filter((e) => e.startDay === undefined);
    if (undated.length) return negate(unknown(index, `when ${label} began`, { id: `${qid}:start`, text: `Since when has the patient taken ${label}?` }, { fact: exposureFact(undated) }), c.negated);
    return negate(known(index, false, { fact: `${exposureFact(pool)}, started less than ${spanText(c.minDuration)} ago`, threshold: duration }), c.negated);
  }

  // Window: "within 4 weeks" → last exposure on or after asOf − 4 weeks.
  if (c.window) {
    // ("at least 14 and no more than 42 days before": the window also ends 14 days ago)
    const nearEnd = c.window.relation === "within" && c.window.atLeast ? daysBefore(facts.asOfDay, c.window.atLeast) : Infinity;
    const inWindow = pool.filter((e) => {
      const last = lastDay(e);
      return last !== undefined && (c.window!.relation === "within" ? last >= cutoff && last <= nearEnd : last <= cutoff);
    });
    const half = c.window.halfLives;
    // "within 28 days or 5 half-lives, whichever is longer": before the 28 days may still be within 5 half-lives; "shorter": within them may be outside
    if (half && c.window.relation === "within" && (half.whichever === "longer" ? !inWindow.length && pool.some((e) => (lastDay(e) ?? -Infinity) > facts.asOfDay - half.count * LONGEST_HALF_LIFE_DAYS) : inWindow.length)) {
      return negate(askHalfLives(half.count, inWindow.length ? inWindow : pool), c.negated);
    }
    if (inWindow.length) pool = inWindow;
    else if (pool.some((e) => lastDay(e) === undefined)) return negate(askDates(pool), c.negated);
    else if (pool.length && !c.line && c.minDrugs === undefined && c.minCycles === undefined && !c.dose) {
      // (say what was recorded, and that it is outside the window, not that nothing was)
      return negate(known(index, false, { fact: `${exposureFact(pool)}, outside the window`, note: spanText(c.window) }), c.negated);
    } else pool = [];
  }

  if (pool.some((e) => e.vague) && !pool.some((e) => !e.vague)) {
    return negate(unknown(index, `whether it was ${label}`, { id: qid, text: `Was the patient's ${pool[0].label} a ${label}?` }, { fact: exposureFact(pool) }), c.negated);
  }

  if (c.minDrugs !== undefined) {
    // "more than 1 TNF antagonist": that many different drugs of the class
    const drugs = new Set(pool.map((e) => e.med?.drug ?? e.label));
    return negate(known(index, drugs.size >= c.minDrugs, { fact: exposureFact(pool), threshold: `≥ ${c.minDrugs} different` }), c.negated);
  }
  if (c.line) {
    // "Primary resistance" / "refractory": progression as the best response, not progression after a benefit.
    const primary = PRIMARY_RESISTANCE.test(ctx.criterion?.text ?? "");
    // "progressed through or become intolerant to": either outcome counts (the parser may keep only one).
    const both = /progress/i.test(ctx.criterion?.text ?? "") && /intoleran/i.test(ctx.criterion?.text ?? "");
    if (both && (c.line.outcome === "intolerant" || c.line.outcome === "progressed")) c = { ...c, line: { ...c.line, outcome: "failed" } };
    const r = evaluateLine(c, index, pool, label, qid, primary, facts.medications ?? []);
    return negate(r, c.negated);
  }
  if (c.minCycles !== undefined && pool.length) {
    const cycles = pool.map((e) => e.med?.med.cycles);
    if (cycles.some((x) => x === undefined) && !cycles.some((x) => (x ?? 0) >= c.minCycles!)) {
      return negate(unknown(index, `cycles of ${label}`, { id: `${qid}:cycles`, text: `How many cycles of ${label} did the patient receive?` }, { fact: exposureFact(pool) }), c.negated);
    }
    pool = pool.filter((e) => (e.med?.med.cycles ?? 0) >= c.minCycles!);
  }
  if (c.dose && pool.length) {
    const d = c.dose;
    // Corticosteroid limits are prednisone-equivalent mg/d (the parser converts "4 mg/day dexamethasone"): so is each dose taken.
    const steroid = d.unit === "mg/d" && (k.prednisoneFactor(c.concept ?? "") !== null || (c.concept ?? "") === "corticosteroid" || k.drugClassAncestors(c.concept ?? "").includes("corticosteroid"));
    const doses = pool
      .map((e) => {
        const dose = e.med?.med.dose;
        const factor = steroid && dose && e.med ? k.prednisoneFactor(e.med.drug) : null;
        return dose && factor !== null && /^mg(?:\/d)?$/.test(dose.unit) ? { value: dose.value * factor, unit: "mg/d" } : dose;
      })
      .filter((x) => x !== undefined);
    if (!doses.length) {
      return negate(unknown(index, `dose of ${label}`, { id: `${qid}:dose`, text: `What daily dose of ${label} does the patient take?` }, { fact: exposureFact(pool) }), c.negated);
    }
    const ok = doses.some((x) => {
      const v = k.convert(x.value, x.unit, d.unit) ?? (normaliseText(x.unit) === normaliseText(d.unit) ? x.value : undefined);
      return v !== undefined && compare(v, d.op, d.value);
    });
    return negate(known(index, ok, { fact: exposureFact(pool), threshold: `dose ${OP_TEXT[d.op]} ${d.value} ${d.unit}` }), c.negated);
  }
  return negate(known(index, pool.length > 0, { fact: exposureFact(pool) }), c.negated);
}

/**
 * Half-lives of the drugs such washouts name (antibodies ~3–4 weeks, amiodarone ~2 months) are
 * under 60 days: a last dose longer ago than that many half-lives is past the window whatever
 * the drug (bisphosphonates, whose bone half-life is years, are not dosed against washouts).
 */
const LONGEST_HALF_LIFE_DAYS = 60;

function evaluateLine(c: TherapyConstraint, index: number, pool: Exposure[], label: string, qid: string, primaryResistance = false, allMeds: MedicationFact[] = []): LeafResult {
  const line = c.line!;
  const outcome = line.outcome ?? "received";
  // A later line of therapy says the disease came back after this one (a course "completed", then a new line)
  const laterLine = (m: MedicationFact): boolean =>
    allMeds.some((o) => {
      if (o === m || o.med.setting === "adjuvant" || o.med.setting === "neoadjuvant" || o.med.line === 0) return false;
      if (m.med.line !== undefined && o.med.line !== undefined) return o.med.line > m.med.line;
      return o.startDay !== undefined && m.startDay !== undefined && o.startDay > (m.endDay ?? m.startDay);
    });
  const counts = (m: MedicationFact | undefined): boolean | undefined => {
    if (!m) return outcome === "received";
    const med = m.med;
    if (primaryResistance) return med.bestResponse === "PD" ? true : med.bestResponse ? false : undefined;
    // (a completed course followed by another line: the disease progressed after it; with none, not known)
    const progressed = med.reasonStopped === "progression" || med.bestResponse === "PD" || (med.reasonStopped === "completed" && laterLine(m));
    if ((outcome === "progressed" || outcome === "failed") && med.reasonStopped === "completed" && !progressed) return undefined;
    const intolerant = med.reasonStopped === "toxicity";
    switch (outcome) {
      case "received":
        return true;
      case "progressed":
        return progressed ? true : med.reasonStopped || med.bestResponse ? false : undefined;
      case "intolerant":
        return intolerant ? true : med.reasonStopped ? false : undefined;
      case "failed":
        return progressed || intolerant ? true : med.reasonStopped || med.bestResponse ? false : undefined;
    }
  };
  // Lines: the recorded line number, else regimens grouped by start date.
  const lines = new Map<string, boolean | undefined>();
  for (const e of pool) {
    const m = e.med?.med;
    if (m?.line === 0 || m?.setting === "adjuvant" || m?.setting === "neoadjuvant") continue; // perioperative therapy is not a line
    const key = m?.line !== undefined ? `line ${m.line}` : `start ${e.startDay ?? e.label}`;
    const v = counts(e.med);
    if (!lines.has(key)) lines.set(key, v);
    else {
      const prev = lines.get(key);
      lines.set(key, prev === true || v === true ? true : prev === undefined || v === undefined ? undefined : false);
    }
  }
  const yes = [...lines.values()].filter((v) => v === true).length;
  const maybe = [...lines.values()].filter((v) => v === undefined).length;
  const min = line.min ?? 1;
  const max = line.max ?? Infinity;
  const fact = pool.length ? pool.map((e) => `${e.label}${e.med?.med.line !== undefined ? ` (line ${e.med.med.line}` : " ("}${e.med?.med.reasonStopped ? `, stopped: ${e.med.med.reasonStopped}` : ""})`.replace(" ()", "").replace("(, ", "(")).join("; ") : `no ${label} recorded`;
  const threshold = `${outcome} ${min}${max === Infinity ? "+" : max === min ? "" : `–${max}`} line(s) of ${label}`;
  const lo = yes;
  const hi = yes + maybe;
  if (lo >= min && hi <= max) return known(index, true, { fact, value: yes, threshold });
  if (hi < min || lo > max) return known(index, false, { fact, value: yes, threshold });
  return unknown(
    index,
    `outcome of ${label}`,
    primaryResistance
      ? { id: `${qid}:best-response`, text: `What was the best response to ${label} (CR, PR, SD, PD)?` }
      : pool.some((e) => e.med?.med.reasonStopped === "completed")
        ? { id: `${qid}:outcome`, text: `Did the disease progress or recur after the patient's ${label}?` }
        : { id: `${qid}:outcome`, text: `How did the patient's ${label} end (progression, intolerance, completed)?` },
    { fact, threshold },
  );
}

// ---- biomarker ---------------------------------------------------------------------

function statusClass(s: string): "negative" | "positive" | "high" | "low" | undefined {
  const t = s.toLowerCase();
  if (/wild|negative|not detected|not present|\bwt\b|absent|no mutation|normal|mss|proficient|pmmr/.test(t)) return "negative";
  if (/msi-?h|high|tmb-h/.test(t)) return "high";
  if (/\blow\b|msi-?l/.test(t)) return "low";
  // ("Present": the LOINC answer LA9633-4 a genomic report gives for a variant found)
  if (/mutat|positive|detected|\bpresent\b|amplif|fusion|rearrang|deletion|insertion|duplication|\bitd\b|\btkd\b|substitution|variant|exon|l858r|t790m|v600|overexpress|dmmr|deficient/.test(t)) return "positive";
  return undefined;
}

/** Words of a variant asked for that say only that it is a variant ("G12C mutation", "V600E-mutant"). */
const GENERIC_VARIANT_WORDS = new Set(["mutation", "mutations", "mutated", "mutant", "positive", "variant", "variants", "alteration", "alterations", "altered", "detected", "activating", "sensitising", "sensitizing"]);

export function evaluateBiomarker(c: BiomarkerConstraint, index: number, ctx: EvalContext): LeafResult {
  const key = markerKey(c.marker);
  const b = ctx.facts.biomarkers.get(key);
  const q = { id: `biomarker:${key}`, text: `What is the patient's ${c.marker} status${c.op ? " (level)" : ""}?` };
  if (!b) return negate(unknown(index, `${c.marker} status`, q), c.negated);
  const fact = `${b.marker} ${[b.status, b.variant, b.value !== undefined ? `${b.value}${b.unit ?? ""}` : undefined].filter(Boolean).join(" ")}${b.date ? ` (${b.date})` : ""}`;
  if (c.op && c.value !== undefined) {
    if (b.value === undefined) return negate(unknown(index, `${c.marker} level`, q, { fact }), c.negated);
    return negate(known(index, compare(b.value, c.op, c.value), { fact, value: b.value, unit: b.unit ?? c.unit, threshold: thresholdText({ op: c.op, value: c.value }, c.unit) }), c.negated);
  }
  if (!c.status) {
    // "EGFR-positive" without a status word is parsed as the marker alone: a tested, positive result.
    const cls = b.status ? statusClass(b.status) : undefined;
    if (cls === undefined) return negate(notComputable(index, `${c.marker} result "${b.status ?? ""}" not understood`), c.negated);
    return negate(known(index, cls === "positive" || cls === "high", { fact }), c.negated);
  }
  const want = statusClass(c.status);
  const haveText = [b.status, b.variant].filter(Boolean).join(" ");
  const have = haveText ? statusClass(haveText) : undefined;
  if (!want) return negate(notComputable(index, `${c.marker} status "${c.status}" not understood`), c.negated);
  if (!have) {
    if (b.value !== undefined && (want === "high" || want === "low")) return negate(notComputable(index, `${c.marker} cut-off for "${c.status}" not stated`), c.negated);
    return negate(unknown(index, `${c.marker} status`, q, { fact }), c.negated);
  }
  // A specific variant asked ("exon 19 deletion"): the patient's variant must name it.
  const specific = normaliseText(c.status);
  if (want === "positive" && !/^(mutated|mutation|mutant|positive|detected|amplified|amplification|fusion|rearranged|rearrangement|alteration|altered)$/.test(specific)) {
    if (have !== "positive") return negate(known(index, false, { fact, threshold: c.status }), c.negated);
    if (!b.variant && !b.status) return negate(unknown(index, `${c.marker} variant`, q, { fact }), c.negated);
    // "G12C mutation" against "mutated, G12C": the variant's own words, in any order, without the generic ones
    const haveNorm = normaliseText(haveText);
    const haveWords = new Set(haveNorm.split(" "));
    // "V600E or V600K", "G12C/G12D", "V600E/K": alternatives, any of which is the variant asked for
    const written = c.status.replace(/\b([A-Z])(\d+)([A-Z])\/([A-Z])\b/g, "$1$2$3 or $1$2$4").replace(/\s*\/\s*/g, " or ");
    const alternatives = normaliseText(written).split(/ (?:or|and or) /);
    const holds = alternatives.some((alt) => {
      const variantWords = alt.split(" ").filter((w) => w && !GENERIC_VARIANT_WORDS.has(w));
      // (none left, "sensitising mutation": any positive result is one)
      return haveNorm.includes(alt) || variantWords.every((w) => haveWords.has(w));
    });
    if (!holds && !b.variant) return negate(unknown(index, `${c.marker} variant`, { id: `${q.id}:variant`, text: `Which ${c.marker} variant does the patient have?` }, { fact }), c.negated);
    return negate(known(index, holds, { fact, threshold: c.status }), c.negated);
  }
  return negate(known(index, have === want, { fact, threshold: c.status }), c.negated);
}

// ---- demographic -------------------------------------------------------------------

export function evaluateDemographic(c: DemographicConstraint, index: number, ctx: EvalContext): LeafResult {
  const f = ctx.facts;
  const p = f.patient;
  const sexQ = { id: "sex", text: "What is the patient's sex?" };
  switch (c.aspect) {
    case "sex": {
      if (!c.sex) return notComputable(index, "sex not stated");
      if (!f.sex) return negate(unknown(index, "sex", sexQ), c.negated);
      return negate(known(index, f.sex === c.sex, { fact: `sex ${f.sex}`, threshold: c.sex }), c.negated);
    }
    case "pregnancy":
    case "lactation":
    case "childbearing-potential": {
      if (f.sex === "male") return negate(known(index, false, { fact: "male" }), c.negated);
      const value = c.aspect === "pregnancy" ? p.pregnant : c.aspect === "lactation" ? p.lactating : p.childbearingPotential;
      const word = c.aspect === "pregnancy" ? "pregnant" : c.aspect === "lactation" ? "breastfeeding" : "of childbearing potential";
      if (value === undefined) {
        if (c.aspect === "childbearing-potential" || !f.sex) {
          if (!f.sex) return negate(unknown(index, "sex", sexQ), c.negated);
        }
        if (c.aspect !== "childbearing-potential" && p.childbearingPotential === false) {
          return negate(known(index, false, { fact: "not of childbearing potential" }), c.negated);
        }
        return negate(unknown(index, word, { id: c.aspect, text: `Is the patient ${word}?` }), c.negated);
      }
      return negate(known(index, value, { fact: value ? word : `not ${word}` }), c.negated);
    }
    case "contraception":
      return notComputable(index, "agreement to contraception is asked at consent");
  }
}
