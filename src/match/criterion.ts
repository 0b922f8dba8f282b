/**
 * One criterion against the patient: constraints evaluated, qualified thresholds applied
 * only where they apply, combined through `Criterion.logic` in three-valued (Kleene)
 * logic, then read by the criterion's kind: an inclusion passes when its statement holds,
 * an exclusion FAILS when it holds (the patient has what it excludes).
 *
 * Qualified thresholds. "ALT ≤ 2.5 × ULN; if liver metastases ALT ≤ 5 × ULN": the
 * qualified constraint replaces the unqualified one on the same variable for patients the
 * qualifier describes, and does not apply to the others. "male QTc ≥ 450 ms; female QTc
 * ≥ 470 ms": each applies to its sex only. When whether a qualifier applies is unknown
 * (liver metastases not recorded), every possibility is evaluated: the same status in all
 * of them settles the criterion; otherwise it is unknown, with the qualifier's question.
 */
import type { Constraint, Criterion, Logic, NumericConstraint, Qualifier } from "../criteria/types.js";
import { contextKey, diagnosisConcept, evaluateConstraint, type EvalContext, type Evidence, type LeafResult, type Question, type Truth } from "./evaluate.js";
import { normaliseText } from "./knowledge.js";
import { constraintStart } from "../criteria/clinical/index.js";
import { isMetastasisSite } from "../criteria/clinical/diagnosis.js";
import { drugClass } from "../criteria/clinical/knowledge.js";

export type CriterionStatus = "pass" | "fail" | "unknown";

export interface CriterionResult {
  kind: Criterion["kind"];
  text: string;
  status: CriterionStatus;
  evidence: Evidence[];
  constraints: Constraint[];
  /** Under a cohort's title ("Neonates:"): which, and whether it is the patient's (else the criterion does not count). */
  cohort?: { title: string; applies: boolean };
}

/** The result plus what the trial verdict needs and the JSON output does not show. */
export interface EvaluatedCriterion {
  result: CriterionResult;
  /** False when nothing the patient could tell would settle it (judgement, unparsed text). */
  computable: boolean;
  questions: Question[];
}

type Applies = "yes" | "no" | "unknown";

/**
 * A qualifier fact: its id, whether it holds for the patient, and which value of the fact
 * makes it hold (the "sex" fact is true for male: a male and a female qualifier share it).
 */
interface QualifierFact {
  id: string;
  question: Question;
  holds: boolean | undefined;
  polarity: boolean;
}

function qualifierFact(q: Qualifier, ctx: EvalContext, leaves: LeafResult[]): QualifierFact | undefined {
  const f = ctx.facts;
  if (q.when !== undefined) {
    // "if urine protein ≥ 2+, 24-hour urine protein ≤ 1 g": the condition is another constraint's truth
    const l = leaves[q.when];
    if (!l) return undefined;
    const question = l.question ?? { id: `when:${q.when}`, text: `Is it so that ${q.text.replace(/^(?:if|when)\s+/i, "")}?` };
    return { id: question.id, question, holds: l.truth === "true" ? true : l.truth === "false" ? false : undefined, polarity: true };
  }
  if (q.sex) {
    return { id: "sex", question: { id: "sex", text: "What is the patient's sex?" }, holds: f.sex === undefined ? undefined : f.sex === q.sex, polarity: q.sex === "male" };
  }
  if (q.age) {
    // "PSA between 2.5 and 10 if 50-60 years of age": the threshold applies at those ages
    const a = q.age;
    const l = evaluateConstraint({ type: "numeric", variable: "age", mention: q.text, mentionSpan: q.span, op: a.op, value: a.value, ...(a.value2 !== undefined ? { value2: a.value2 } : {}), valueSpan: q.span, unit: a.unit }, -1, ctx);
    const question = l.question ?? { id: "age", text: "What is the patient's date of birth (or age)?" };
    return { id: `age:${a.op}:${a.value}:${a.value2 ?? ""}:${a.unit}`, question, holds: l.truth === "true" ? true : l.truth === "false" ? false : undefined, polarity: true };
  }
  if (q.condition && (q.medication || (q.unless && drugClass(q.condition)))) {
    // "INR ≤ 1.5 unless on anticoagulants": the threshold applies when the patient takes none of the
    // class; "eGFR ≥ 45 for patients on metformin": when the patient takes it
    const cls = q.condition;
    const applies = !q.unless;
    const question = { id: `taking:${cls}`, text: `Is the patient currently taking ${cls === "anticoagulant" ? "an anticoagulant" : cls}?` };
    const taking = f.medications?.some((m) => m.ongoing && (m.drug === cls || m.classes.has(cls)));
    if (taking) return { id: question.id, question, holds: applies, polarity: applies };
    if (f.medications !== undefined) return { id: question.id, question, holds: !applies, polarity: applies };
    return { id: question.id, question, holds: undefined, polarity: applies };
  }
  if (q.condition) {
    // "liver-metastases" or a bare site ("liver") asks about metastases; "gilbert-syndrome",
    // "bone marrow involvement" about the condition itself. With "unless" ("bilirubin ≤ 1.5 ×
    // ULN unless Gilbert's syndrome") the threshold applies when the patient does not have it.
    const applies = !q.unless;
    const isMetastasis = /metastas/i.test(q.condition) || isMetastasisSite(q.condition.replace(/-/g, " "));
    const want = normaliseText(q.condition.replace(/\bmetastas[ie]s\b/gi, ""));
    const site = want || normaliseText(q.condition);
    const question = isMetastasis
      ? { id: `metastasis:${site}`, text: `Does the patient have ${site} metastases (active or treated)?` }
      : { id: `condition:${site}`, text: `Does the patient have ${site}?` };
    // ("liver-or-bone-metastases": either site)
    const sites = site.split(/\s+(?:or|and)\s+/);
    const inMets = f.metastases?.some((m) => sites.some((st) => m.site.includes(st) || (st === "liver" && m.site.includes("hepatic"))));
    if (inMets) return { id: question.id, question, holds: applies, polarity: applies };
    // A condition that is not a metastasis site ("Gilbert's syndrome"): look in the diagnoses.
    const concept = ctx.k.conceptOf(q.condition.replace(/-/g, " "));
    const inConditions = f.conditions?.some((c) => (concept !== undefined && c.closure.has(concept)) || normaliseText(c.text).includes(site));
    if (inConditions) return { id: question.id, question, holds: applies, polarity: applies };
    // Absent when the list that would hold it is known (metastases for a site, diagnoses else).
    if ((isMetastasis ? f.metastases : f.conditions) !== undefined) return { id: question.id, question, holds: !applies, polarity: applies };
    return { id: question.id, question, holds: undefined, polarity: applies };
  }
  return undefined;
}

const NO_QUALIFIERS: undefined[] = [];
const NO_ASSIGNMENT = new Map<string, boolean>();
const NO_IDS: string[] = [];

/** The criterion's truth when qualifiers decide which thresholds apply, under one assignment of the unknown qualifier facts. */
function truthUnder(
  assign: Map<string, boolean>,
  logic: Logic,
  leaves: LeafResult[],
  qual: Array<QualifierFact | undefined | "unreadable">,
  overriddenBy: number[][],
  anyComputable: boolean,
): Truth {
  const applies = (i: number): Applies => {
    const q = qual[i];
    if (q === "unreadable") return "unknown";
    if (q) {
      const h = q.holds ?? (assign.has(q.id) ? assign.get(q.id) === q.polarity : undefined);
      return h === true ? "yes" : h === false ? "no" : "unknown";
    }
    for (const j of overriddenBy[i]) if (applies(j) === "yes") return "no";
    return "yes";
  };
  return combine(logic, (i) => {
    const a = applies(i);
    if (a === "no") return "na";
    // What no patient fact can settle (investigator's judgement, an unknown variable) is left to
    // the investigator when the criterion has something computable: it is shown, not counted.
    if (!leaves[i].computable && anyComputable) return "na";
    if (a === "unknown") return leaves[i].truth === "na" ? "na" : "unknown";
    return leaves[i].truth;
  });
}

/** combine() over leaf results without qualifiers (the common case), with no closure per call. */
function combineLeaves(logic: Logic, leaves: LeafResult[], anyComputable: boolean): Truth {
  let sawTrue = false;
  let sawFalse = false;
  let sawUnknown = false;
  let any = false;
  for (const a of logic.args) {
    let v: Truth;
    if (typeof a === "number") {
      const l = leaves[a];
      v = !l.computable && anyComputable ? "na" : l.truth;
    } else v = combineLeaves(a, leaves, anyComputable);
    if (v === "na") continue;
    any = true;
    if (v === "true") sawTrue = true;
    else if (v === "false") sawFalse = true;
    else sawUnknown = true;
  }
  if (!any) return "na";
  if (logic.op === "and") return sawFalse ? "false" : sawUnknown ? "unknown" : "true";
  return sawTrue ? "true" : sawUnknown ? "unknown" : "false";
}

const sameDirection = (a: NumericConstraint, b: NumericConstraint) =>
  (a.op.startsWith("<") && b.op.startsWith("<")) || (a.op.startsWith(">") && b.op.startsWith(">")) || a.op === b.op;

/**
 * "The following histologies are excluded: A, B, C" inside an inclusion criterion: the
 * terms after such words, to the end of the sentence, are denied.
 */
function withTextDenials(criterion: Criterion): Criterion {
  if (criterion.kind === "exclusion") return criterion;
  const re = /\b(?:are|is|will be)\s+(?:excluded|not\s+(?:eligible|allowed|permitted|included))\b|\bexcept(?:ing)?\b|\bexcluding\b/gi;
  const ranges: Array<[number, number]> = [];
  for (let m = re.exec(criterion.text); m; m = re.exec(criterion.text)) {
    const from = m.index + m[0].length;
    const dot = criterion.text.slice(from).search(/\.(\s|$)|;/);
    const to = dot < 0 ? criterion.text.length : from + dot;
    // "…; fibrolamellar and mixed hepatocellular-cholangiocarcinoma are excluded.": what is denied stands before the words
    if (/^[\s.)]*$/.test(criterion.text.slice(from, to)) && /^(?:are|is|will)/i.test(m[0])) {
      const before = criterion.text.slice(0, m.index);
      const start = Math.max(before.lastIndexOf(";"), before.search(/\.\s[^.]*$/)) + 1;
      ranges.push([criterion.span[0] + start, criterion.span[0] + m.index]);
    } else ranges.push([criterion.span[0] + from, criterion.span[0] + to]);
  }
  if (!ranges.length) return criterion;
  const constraints = criterion.constraints.map((c) =>
    (c.type === "diagnosis" || c.type === "therapy") && !c.exception && ranges.some(([a, b]) => c.mentionSpan[0] >= a && c.mentionSpan[0] < b) ? { ...c, negated: !c.negated } : c,
  );
  return { ...criterion, constraints };
}

/** What a criterion's evaluation needs that does not depend on the patient: computed once per criterion. */
interface Plan {
  criterion: Criterion;
  isException: boolean[];
  exceptions: string[];
  logic: Logic;
  examples: Set<number>;
  wocbp: number;
  /** Diagnoses and biomarkers that say whom an inclusion criterion is for ("Participants with hepatitis B must have …"). */
  subjects: number[];
  overriddenBy: number[][];
  hasQualifier: boolean;
  info: { text: string; kind: string; start: number };
  /** Per constraint: a key under which its result can be shared by every criterion (of any trial) saying the same. */
  keys: string[];
  /** Id of the whole criterion as parsed plus (when it has a diagnosis constraint) the trial's condition concepts: equal ids mean equal results for one patient. */
  signature: number;
}

/**
 * Signatures interned to small ids, so that looking a criterion up in a patient's memo
 * hashes a number, not a long string. Grows with the distinct criteria seen (as the plans do).
 */
const signatureIds = new Map<string, number>();
function signatureId(s: string): number {
  let id = signatureIds.get(s);
  if (id === undefined) signatureIds.set(s, (id = signatureIds.size));
  return id;
}

const plans = new WeakMap<Criterion, Plan>();

function planOf(input: Criterion, ctx: EvalContext): Plan {
  // A criterion object belongs to one trial: its plan never changes.
  let plan = plans.get(input);
  if (plan) return plan;
  const criterion = withTextDenials(input);
  const cs = criterion.constraints;
  const isExc = cs.map((c) => (c.type === "diagnosis" || c.type === "therapy") && c.exception === true);
  const exceptions = cs.filter((_, i) => isExc[i]).map((c) => exceptionConcept(c, ctx)).filter((x): x is string => Boolean(x));
  const overriddenBy: number[][] = cs.map(() => []);
  cs.forEach((c, i) => {
    if (c.type !== "numeric" || !c.variable || c.qualifier) return;
    cs.forEach((d, j) => {
      if (d.type === "numeric" && d.qualifier && d.variable === c.variable && (d.relativeTo ?? "") === (c.relativeTo ?? "") && sameDirection(c, d)) {
        overriddenBy[i].push(j);
      }
    });
  });
  const info = { text: criterion.text, kind: criterion.kind, start: criterion.span[0] };
  const excKey = exceptions.join(",");
  const trialKey = ctx.trialConcepts.join(",");
  const keys = cs.map((c) => `${c.type}|${contextKey(c, info)}|${excKey}|${c.type === "diagnosis" ? trialKey : ""}|${constraintKey(c)}`);
  plan = {
    criterion,
    isException: isExc,
    exceptions,
    logic: effectiveLogic(criterion, ctx),
    examples: new Set(exampleConstraints(cs, ctx, criterion)),
    wocbp: cs.findIndex((c) => c.type === "demographic" && c.aspect === "childbearing-potential" && !c.negated),
    subjects: criterion.kind === "exclusion" ? [] : subjectConstraints(cs, ctx),
    overriddenBy,
    hasQualifier: cs.some((c) => c.type === "numeric" && c.qualifier !== undefined),
    info,
    keys,
    // The trial's conditions matter only to diagnosis constraints ("other malignancies").
    signature: signatureId(`${cs.some((c) => c.type === "diagnosis") ? trialKey : "-"}|${JSON.stringify(input)}`),
  };
  plans.set(input, plan);
  return plan;
}

/**
 * The diagnoses and biomarkers a criterion's lead-in names as whom it is for (the parser's `subject`), except
 * the condition the trial studies or a broader one ("Patients with NSCLC must have measurable
 * disease" still requires NSCLC in a lung cancer trial), and cancer as such in a cancer trial.
 */
function subjectConstraints(cs: Constraint[], ctx: EvalContext): number[] {
  const out: number[] = [];
  cs.forEach((c, i) => {
    if (c.type === "biomarker" && c.subject) {
      out.push(i);
      return;
    }
    if (c.type !== "diagnosis" || !c.subject || c.negated || c.exception) return;
    const concept = c.aspect === "condition" || c.aspect === "histology" ? diagnosisConcept(c, ctx.k) : undefined;
    if (concept && ctx.trialConcepts.some((t) => ctx.k.isA(t, concept) || ctx.k.isA(concept, t))) return;
    if ((concept === "cancer" || concept === "solid-tumor") && ctx.trialConcepts.some((t) => ctx.k.isA(t, "cancer"))) return;
    out.push(i);
  });
  return out;
}

/**
 * The patient's drugs, conditions and procedures that a criterion's text names, as whole
 * words ("dupilumab", "Dupixent", "schizophrenia", "appendectomy"): names of 4 letters or more,
 * as the patient's record writes them or as the tables name the drug or condition; not the
 * condition the trial studies.
 */
export function patientFactsNamedIn(text: string, ctx: EvalContext): string[] {
  const lower = ` ${normaliseText(text)} `;
  const out = new Set<string>();
  for (const f of namesOfFacts(ctx)) {
    // (not the condition the trial studies, which its criteria name all the time)
    if (f.concepts?.some((pc) => ctx.trialConcepts.some((tc) => ctx.k.isA(pc, tc)))) continue;
    const hit = f.names.find((n) => lower.includes(` ${n.normalised} `));
    if (hit) out.add(`${f.kind} ${hit.written}`);
  }
  return [...out];
}

interface NamedFact {
  kind: "medication" | "condition" | "procedure";
  /** Its names (4 letters or more), as written and normalised, in the order tried. */
  names: Array<{ written: string; normalised: string }>;
  concepts?: string[];
}
/** The patient's names, normalised once per patient (every unread criterion of every trial looks them up). */
const namedFactsCache = new WeakMap<EvalContext["facts"], NamedFact[]>();

function namesOfFacts(ctx: EvalContext): NamedFact[] {
  let list = namedFactsCache.get(ctx.facts);
  if (list) return list;
  const names = (ws: Array<string | undefined>) =>
    ws.flatMap((w) => (w ? [{ written: w, normalised: normaliseText(w) }] : [])).filter((n) => n.normalised.length >= 4);
  list = [
    ...(ctx.facts.medications ?? []).map((m): NamedFact => ({ kind: "medication", names: names([m.med.name, m.label, m.drug]) })),
    ...(ctx.facts.conditions ?? []).map((c): NamedFact => ({ kind: "condition", names: names([c.text, ...c.concepts.map((id) => ctx.k.conceptLabel(id))]), concepts: c.concepts })),
    ...(ctx.facts.procedures ?? []).map((p): NamedFact => ({ kind: "procedure", names: names([p.label]) })),
  ];
  namedFactsCache.set(ctx.facts, list);
  return list;
}

/** The constraint without its spans: equal keys mean equal statements. */
function constraintKey(c: Constraint): string {
  return JSON.stringify(c, (k, v) => (k === "mentionSpan" || k === "valueSpan" || k === "value2Span" || k === "unitSpan" || k === "span" || k === "text" ? undefined : v));
}

export function evaluateCriterion(input: Criterion, ctx: EvalContext): EvaluatedCriterion {
  // Nothing computable was read from it: it is for a human to judge. Shown as unknown
  // (never as a pass eligo did not check), and not counted against "eligible" — unless it
  // names one of the patient's own drugs, conditions or procedures ("Prior treatment with
  // dupilumab" for a patient on dupilumab): then it may well decide, and "eligible" would be a
  // guess. It counts as unknown and asks.
  // (likewise a criterion read only as text for a human: "Corticosteroids allowed if ≤ 10 mg/day prednisone" for a patient on prednisone)
  const onlyJudgement = input.constraints.length > 0 && input.constraints.every((c) => c.type === "judgement");
  if (!input.constraints.length || onlyJudgement) {
    const named = patientFactsNamedIn(input.text, ctx);
    if (named.length) {
      return {
        result: {
          kind: input.kind,
          text: input.text,
          status: "unknown",
          evidence: [{ constraint: -1, result: "unknown", note: `names the patient's ${named.join(", ")}, but eligo could not read it: left for a human reader` }],
          constraints: input.constraints,
        },
        computable: true,
        questions: [{ id: `read:${normaliseText(input.text).slice(0, 80)}`, text: `Does this criterion exclude or admit the patient (${named.join(", ")})? "${input.text.trim().slice(0, 200)}"` }],
      };
    }
    if (!onlyJudgement) return {
      result: {
        kind: input.kind,
        text: input.text,
        status: "unknown",
        evidence: [{ constraint: -1, result: "unknown", note: "no computable constraint found in this criterion: left for a human reader" }],
        constraints: [],
      },
      computable: false,
      questions: [],
    };
  }
  const plan = planOf(input, ctx);
  const critMemo = ctx.criterionMemo as Map<number, EvaluatedCriterion> | undefined;
  if (critMemo) {
    const hit = critMemo.get(plan.signature);
    if (hit) return hit;
    const r = evaluatePlanned(plan, ctx);
    critMemo.set(plan.signature, r);
    return r;
  }
  return evaluatePlanned(plan, ctx);
}

function evaluatePlanned(plan: Plan, ctx: EvalContext): EvaluatedCriterion {
  const criterion = plan.criterion;
  const cs = criterion.constraints;
  let cctx: EvalContext | undefined; // built only when a constraint has to be evaluated (not found in the memo)
  const memo = ctx.memo;
  const leaves: LeafResult[] = new Array(cs.length);
  for (let i = 0; i < cs.length; i++) {
    if (plan.isException[i]) {
      leaves[i] = { truth: "na", computable: true, evidence: { constraint: i, result: "na", note: "named as an exception" } };
      continue;
    }
    let r = memo?.get(plan.keys[i]);
    if (!r) {
      cctx ??= { ...ctx, criterion: plan.info, ...(plan.exceptions.length ? { exceptions: plan.exceptions } : {}) };
      r = evaluateConstraint(cs[i], i, cctx);
      memo?.set(plan.keys[i], r);
    } else if (r.evidence.constraint !== i) r = { ...r, evidence: { ...r.evidence, constraint: i } };
    // a rescue after "unless" in an exclusion: the exclusion holds when it does not
    const c = cs[i];
    if ((c.type === "numeric" || c.type === "therapy") && c.unless && (r.truth === "true" || r.truth === "false")) {
      const truth = r.truth === "true" ? "false" : "true";
      r = { ...r, truth, evidence: { ...r.evidence, result: truth, note: [r.evidence.note, "unless: the exclusion does not apply when this holds"].filter(Boolean).join("; ") } };
    }
    leaves[i] = r;
  }
  let anyComputable = false;
  for (const l of leaves) if (l.computable && l.truth !== "na") anyComputable = true;
  // Qualifier facts per constraint, and the defaults they override.
  const qual: Array<QualifierFact | undefined | "unreadable"> = plan.hasQualifier
    ? cs.map((c) => (c.type === "numeric" && c.qualifier ? (qualifierFact(c.qualifier, ctx, leaves) ?? "unreadable") : undefined))
    : NO_QUALIFIERS;

  // Unknown qualifier facts: evaluate under every assignment (there are few).
  const unknownFacts = new Map<string, QualifierFact>();
  if (plan.hasQualifier) for (const q of qual) if (q && q !== "unreadable" && q.holds === undefined) unknownFacts.set(q.id, q);
  const factIds = plan.hasQualifier ? [...unknownFacts.keys()].sort().slice(0, 4) : NO_IDS;

  const logic = plan.logic;
  // An example the patient has is the broader term had ("significant cardiovascular disease, such as myocardial infarction"):
  // the broader term's leaf holds, whatever it would ask
  const exampleHeld = [...plan.examples].find((i) => leaves[i].truth === "true" && !plan.isException[i]);
  if (exampleHeld !== undefined) {
    for (let j = 0; j < cs.length; j++) {
      if (plan.examples.has(j) || cs[j].type !== cs[exampleHeld].type || leaves[j].truth !== "unknown") continue;
      if (cs[j].type === "diagnosis" || cs[j].type === "therapy") leaves[j] = { ...leaves[exampleHeld], evidence: { ...leaves[exampleHeld].evidence, constraint: j, note: "an example of it" } };
    }
  }
  for (const i of plan.examples) leaves[i] = { ...leaves[i], truth: "na", evidence: { ...leaves[i].evidence, result: "na", note: "an example of a broader term in the same criterion" } };

  // "Women of childbearing potential must …": the rest applies only to them. Alone in a
  // lead-in ("For women of childbearing potential: agreeable to use one of the following:"),
  // it says to whom the items under it apply: no requirement of its own.
  const wocbp = plan.wocbp;
  if (wocbp >= 0 && (cs.length > 1 || /^\s*(?:for|in|if)\b/i.test(criterion.text) || /:\s*$/.test(criterion.text))) {
    const w = leaves[wocbp];
    leaves[wocbp] = { ...w, truth: "na", evidence: { ...w.evidence, note: "the condition under which the criterion applies" } };
    if (w.truth === "false") {
      return {
        result: { kind: criterion.kind, text: criterion.text, status: "pass", evidence: [{ ...w.evidence, note: "does not apply: not of childbearing potential" }], constraints: cs },
        computable: true,
        questions: [],
      };
    }
  }

  // "Participants with hepatitis B infection must have HBV DNA < 500 IU/mL": the rest applies only
  // to them. A patient without the condition is outside the criterion; with it, the rest decides.
  let subjectUnknown: LeafResult | undefined;
  if (plan.subjects.length) {
    let inGroup: Truth = "false";
    for (const i of plan.subjects) {
      const t = leaves[i].truth;
      if (t === "true") inGroup = "true";
      else if (t === "unknown" && inGroup !== "true") {
        inGroup = "unknown";
        subjectUnknown ??= leaves[i];
      }
    }
    // "Compensated liver disease; participants with cirrhosis must be Child-Pugh A": what stands before the
    // subject's clause is asked of everyone; only the rest is theirs
    const subjectAt = Math.min(...plan.subjects.map((i) => constraintStart(cs[i])));
    const clauseAt = criterion.text.slice(0, subjectAt - criterion.span[0]).search(/[.;]\s+[^.;]*$/);
    const scopeFrom = clauseAt < 0 ? -Infinity : criterion.span[0] + clauseAt;
    const everyone = cs.map((c, i) => !plan.subjects.includes(i) && constraintStart(c) < scopeFrom);
    if (inGroup === "false" && everyone.some(Boolean)) {
      for (let i = 0; i < cs.length; i++) if (!everyone[i]) leaves[i] = { ...leaves[i], truth: "na", evidence: { ...leaves[i].evidence, note: plan.subjects.includes(i) ? "whom the rest of the criterion is for" : "not for this patient" } };
    } else if (inGroup === "false") {
      const named = plan.subjects.map((i) => (cs[i] as { mention: string }).mention).join(", ");
      return {
        result: { kind: criterion.kind, text: criterion.text, status: "pass", evidence: [{ ...leaves[plan.subjects[0]].evidence, note: `does not apply: the patient does not have ${named}` }], constraints: cs },
        computable: true,
        questions: [],
      };
    }
    if (inGroup === "true") subjectUnknown = undefined;
    for (const i of plan.subjects) leaves[i] = { ...leaves[i], truth: "na", evidence: { ...leaves[i].evidence, note: "whom the criterion is for" } };
    // nothing else computable: what it asks of them is for a human to read
    if (!leaves.some((l, i) => !plan.subjects.includes(i) && l.computable && l.truth !== "na")) {
      return {
        result: {
          kind: criterion.kind,
          text: criterion.text,
          status: "unknown",
          evidence: leaves.map((l) => l.evidence).concat([
            { constraint: -1, result: "unknown", note: `${subjectUnknown ? "may apply to the patient" : "applies to the patient"}; what it asks of them could not be read: left for a human reader` },
          ]),
          constraints: cs,
        },
        // it may decide (the patient is, or may be, one of those it is for): counted as unknown, and asked
        computable: true,
        questions: subjectUnknown?.question
          ? [subjectUnknown.question]
          : [{ id: `read:${normaliseText(criterion.text).slice(0, 80)}`, text: `Does the patient meet this criterion? "${criterion.text.trim().slice(0, 200)}"` }],
      };
    }
  }

  let truth: Truth;
  const askQualifiers: Question[] = [];
  if (!plan.hasQualifier) truth = combineLeaves(logic, leaves, anyComputable);
  else if (!factIds.length) truth = truthUnder(NO_ASSIGNMENT, logic, leaves, qual, plan.overriddenBy, anyComputable);
  else {
    const outcomes = new Set<Truth>();
    for (let mask = 0; mask < 1 << factIds.length; mask++) {
      const assign = new Map(factIds.map((id, b) => [id, Boolean(mask & (1 << b))]));
      outcomes.add(truthUnder(assign, logic, leaves, qual, plan.overriddenBy, anyComputable));
    }
    // Decided when every assignment gives the same status: "INR ≤ 1.5 unless on anticoagulants"
    // passes a patient with INR 1.0 whether the threshold applies (true) or not (na).
    const statuses = new Set([...outcomes].map((t) => statusOf(criterion.kind, t)));
    if (outcomes.size === 1) truth = [...outcomes][0];
    else if (statuses.size === 1 && !statuses.has("unknown")) truth = [...outcomes].find((t) => t !== "na") ?? "na";
    else {
      truth = "unknown";
      for (const id of factIds) askQualifiers.push(unknownFacts.get(id)!.question);
    }
  }

  // whether the patient is one of those the criterion is for is unknown: only a pass settles it
  if (subjectUnknown && statusOf(criterion.kind, truth) !== "pass") {
    truth = "unknown";
    askQualifiers.push(...(subjectUnknown.question ? [subjectUnknown.question] : []));
  }
  const status = statusOf(criterion.kind, truth);
  const questions: Question[] = [];
  if (status === "unknown") {
    for (const q of askQualifiers) pushQuestion(questions, q);
    for (const l of leaves) if (l.truth === "unknown" && l.question) pushQuestion(questions, l.question);
  }
  const computable = status !== "unknown" || questions.length > 0;
  const evidence: Evidence[] = new Array(leaves.length);
  for (let i = 0; i < leaves.length; i++) evidence[i] = plan.hasQualifier ? annotate(leaves[i], qual[i]) : leaves[i].evidence;
  // A conditional threshold's condition ("if urine protein ≥ 2+") is no requirement: say what it is.
  for (const c of cs) {
    const k = c.type === "numeric" ? c.qualifier?.when : undefined;
    if (k !== undefined && evidence[k]) evidence[k] = { ...evidence[k], note: "the condition under which another threshold applies" };
  }
  if (!cs.length) evidence.push({ constraint: -1, result: "unknown", note: "no computable constraint found in this criterion" });
  return {
    result: { kind: criterion.kind, text: criterion.text, status, evidence, constraints: cs },
    computable,
    questions,
  };
}

/**
 * The logic to apply. The parser gives logic for numeric constraints and ANDs the clinical
 * ones after them. Where it did not combine them itself, the words between constraints
 * decide: in an exclusion, list separators (";", ",", "or", "including") make alternatives,
 * any of which excludes, and "and" binds ("hypertension, and SBP ≥ 150"); in an inclusion,
 * "or" / "/" between two constraints makes them alternatives, everything else must hold.
 * AND binds tighter than OR. A denied term ("… without haemorrhage") is a condition, ANDed.
 */
export function effectiveLogic(criterion: Criterion, ctx: EvalContext): Logic {
  void ctx;
  const cs = criterion.constraints;
  const given = criterion.logic;
  // "…, unless 24-hour urine protein < 1 g": the rescue binds to what it rescues, whatever the commas
  if (cs.some((c) => (c.type === "numeric" || c.type === "therapy") && c.unless)) return given ?? { op: "and", args: cs.map((_, i) => i) };
  const isNumericOnly = (l: Logic | number): boolean =>
    typeof l === "number" ? cs[l]?.type === "numeric" : l.args.every(isNumericOnly);
  // Units: the parser's numeric sub-logics (or single numerics), then each clinical constraint.
  let numericUnits: Array<Logic | number>;
  if (!given) numericUnits = cs.flatMap((c, i) => (c.type === "numeric" ? [i] : []));
  else {
    const rest = given.args.filter((a): a is number => typeof a === "number" && cs[a]?.type !== "numeric");
    const numericArgs = given.args.filter((a) => !rest.includes(a as number));
    const flat = given.op === "and" && numericArgs.every(isNumericOnly);
    if (flat && numericArgs.length === 1 && typeof numericArgs[0] !== "number" && numericArgs[0].op === "and" && rest.length) {
      numericUnits = numericArgs[0].args;
    } else if (flat) numericUnits = numericArgs;
    else if (isNumericOnly(given)) numericUnits = given.op === "and" ? given.args : [given];
    else return given; // the parser combined the clinical constraints itself
    if (criterion.kind !== "exclusion" && rest.length === 0) return given;
  }
  const start = criterion.span[0];
  const spanOf = (u: Logic | number): [number, number] => {
    const idx = typeof u === "number" ? [u] : leavesOf(u);
    let a = Infinity;
    let b = -Infinity;
    for (const i of idx) {
      const c = cs[i];
      // A numeric with a qualifier ("men ≥ 450 ms, women ≥ 470 ms") shares its mention with its siblings: start at the qualifier.
      const q = c.type === "numeric" ? c.qualifier?.span : undefined;
      const ss = c.type === "judgement" ? [c.span] : ([q ?? c.mentionSpan, (c as NumericConstraint).valueSpan, (c as NumericConstraint).unitSpan].filter(Boolean) as Array<[number, number]>);
      for (const [x, y] of ss) (a = Math.min(a, x)), (b = Math.max(b, y));
    }
    return [a, b];
  };
  const excl = criterion.kind === "exclusion";
  const isDenied = (c: Constraint) => excl && (c as { negated?: boolean }).negated === true;
  const clinical = cs.flatMap((c, i) => (c.type !== "numeric" && c.type !== "judgement" && !isDenied(c) ? [i] : []));
  const denied = cs.flatMap((c, i) => (c.type !== "numeric" && c.type !== "judgement" && isDenied(c) ? [i] : []));
  const judgements = cs.flatMap((c, i) => (c.type === "judgement" ? [i] : []));
  const units = [...numericUnits, ...clinical].map((u) => ({ u, span: spanOf(u) })).sort((x, y) => x.span[0] - y.span[0] || x.span[1] - y.span[1]);
  if (units.length < 2 || !Number.isFinite(units[0].span[0])) {
    return { op: "and", args: [...units.map((x) => x.u), ...denied, ...judgements] };
  }
  const typeOf = (u: Logic | number) => (typeof u === "number" ? cs[u].type : "numeric");
  // Sentences (inclusion: each must hold) → alternatives (OR) → runs that must hold together (AND).
  const sentences: Array<Array<Array<Logic | number>>> = [[[units[0].u]]];
  for (let j = 1; j < units.length; j++) {
    const between = criterion.text.slice(Math.max(0, units[j - 1].span[1] - start), Math.max(0, units[j].span[0] - start));
    const sentence = sentences[sentences.length - 1];
    if (!excl && /[.;]\s|[.;]$|^\s*[.;]|\d\)/.test(between)) {
      sentences.push([[units[j].u]]);
      continue;
    }
    // "EGFR/ALK/ROS1 wild type": a slash between markers lists what must all hold.
    const markers = typeOf(units[j - 1].u) === "biomarker" && typeOf(units[j].u) === "biomarker" && !/\bor\b|[;,]/.test(between);
    // "Never received A or B": a denial distributes over "or" (not A and not B).
    const denial = (u: Logic | number) => typeof u === "number" && (cs[u] as { negated?: boolean }).negated === true;
    const deniedList = denial(units[j - 1].u) && denial(units[j].u) && /\bor\b|\/|,/.test(between) && !/[.;]/.test(between);
    if (!markers && !deniedList && joinsAsAlternative(between, excl)) sentence.push([units[j].u]);
    else sentence[sentence.length - 1].push(units[j].u);
  }
  const run = (g: Array<Logic | number>): Logic | number => (g.length === 1 ? g[0] : { op: "and", args: g });
  const alt = (s: Array<Array<Logic | number>>): Logic | number => (s.length === 1 ? run(s[0]) : { op: "or", args: s.map(run) });
  const core: Logic | number = sentences.length === 1 ? alt(sentences[0]) : { op: "and", args: sentences.map(alt) };
  return { op: "and", args: [core, ...denied, ...judgements] };
}

function joinsAsAlternative(between: string, exclusion: boolean): boolean {
  // Sentence ends and numbered items ("…).2)Arrhythmias") separate items like ";".
  if (exclusion && (/;/.test(between) || /\.\s|\.$|^\.|\d\)/.test(between))) return true;
  // "… (including …) and ≥ 2 congestive heart failure": "and" after a closed parenthesis continues the list.
  if (exclusion && /\bincluding\b|\bsuch as\b|\be\.g\.|\band\s+(patients?|those|subjects?|people|participants?)\b|\)\s*and\b/i.test(between)) return true;
  const word = /\b(and|or|with|without|for|in)\b/i.exec(between)?.[1]?.toLowerCase();
  if (word) return word === "or";
  if (/\//.test(between)) return true;
  return exclusion && /[,;]/.test(between);
}

function leavesOf(l: Logic): number[] {
  return l.args.flatMap((a) => (typeof a === "number" ? [a] : leavesOf(a)));
}

/**
 * Constraints that are examples of a broader one in the same criterion ("soft tissue
 * sarcoma, such as leiomyosarcoma, synovial sarcoma"; "immune checkpoint inhibitors
 * (PD-1 or PD-L1)"): the broader term decides; the examples count for nothing.
 */
function exampleConstraints(cs: Constraint[], ctx: EvalContext, criterion: Criterion): number[] {
  const k = ctx.k;
  const out: number[] = [];
  // "fluoropyrimidine-, oxaliplatin- and irinotecan-based chemotherapy": names hyphenated onto the
  // broader term say which it must be — each is required, none is an example
  const modifies = (c: Constraint) => "mentionSpan" in c && /^-(?:\s|,|based\b|containing\b)/i.test(criterion.text.slice(c.mentionSpan[1] - criterion.span[0], c.mentionSpan[1] - criterion.span[0] + 12));
  const conceptOf = (c: Constraint): string | undefined => {
    if (c.type === "diagnosis" && (c.aspect === "condition" || c.aspect === "histology") && !c.exception) return c.concept ?? undefined;
    if (c.type === "therapy" && c.category !== "procedure" && !c.exception) return c.concept ?? undefined;
    return undefined;
  };
  const isBroader = (a: string, b: string, type: string) =>
    a !== b && (type === "diagnosis" ? k.isA(b, a) : k.drugClassesOf(b).has(a) || k.drugClassAncestors(b).includes(a));
  // "Clinically significant cardiovascular disease: myocardial infarction …, NYHA III–IV heart failure": after a colon
  // (or "defined as", "i.e.") the list says what the broader term means here — the list decides, not the term
  const defined = new Set<number>();
  const textAt = (a: number, b: number) => criterion.text.slice(a - criterion.span[0], b - criterion.span[0]);
  cs.forEach((c, i) => {
    const ci = conceptOf(c);
    if (!ci || (c as { negated?: boolean }).negated || modifies(c)) return;
    let broader = false;
    cs.forEach((d, j) => {
      if (j === i || d.type !== c.type || (d as { negated?: boolean }).negated) return;
      const cj = conceptOf(d);
      if (cj === undefined || !isBroader(cj, ci, c.type) || !("mentionSpan" in d) || !("mentionSpan" in c)) return;
      const between = d.mentionSpan[1] <= c.mentionSpan[0] ? textAt(d.mentionSpan[1], c.mentionSpan[0]) : "";
      // "at least 3 prior lines of therapy, including a proteasome inhibitor and an anti-CD38 antibody": what the lines
      // must include is required, not an example of them
      if (criterion.kind !== "exclusion" && d.type === "therapy" && d.line && !(c as { line?: unknown }).line && /\b(?:including|incl\.?|comprising|include[ds]?)\b/i.test(between)) return;
      // "Active tuberculosis, or latent tuberculosis": an alternative to the broader term as qualified, not an example of it
      if (/\bor\b/i.test(between) && !/[(:]|\b(?:e\.\s?g\.?|such\s+as|including|for\s+example|i\.\s?e\.?)\b/i.test(between) && (d as { status?: string[] }).status?.length) return;
      // (in an inclusion the broader term still decides: "large B-cell lymphoma: DLBCL NOS, HGBL, …, transformed FL" is met by any of them)
      if (criterion.kind === "exclusion" && /^[^.;]{0,40}?(?::|\bdefined\s+as\b|\bi\.\s?e\.?|\bnamely\b|\bspecifically\b)/i.test(between) && !/\b(?:e\.\s?g\.?|such\s+as|including|for\s+example)\b/i.test(between)) defined.add(j);
      else broader = true;
    });
    if (broader) out.push(i);
  });
  // (a defined term's items are not its examples)
  return defined.size ? [...defined, ...out.filter((i) => !cs.some((d, j) => defined.has(j) && conceptOf(d) !== undefined && isBroader(conceptOf(d)!, conceptOf(cs[i])!, cs[i].type)))] : out;
}

function exceptionConcept(c: Constraint, ctx: EvalContext): string | undefined {
  if (c.type === "diagnosis") return c.concept ?? ctx.k.conceptOf(c.mention);
  if (c.type === "therapy") return c.concept ?? ctx.k.drugClassOf(c.mention) ?? ctx.k.normaliseDrug(c.mention);
  return undefined;
}

function annotate(l: LeafResult, q: QualifierFact | undefined | "unreadable"): Evidence {
  if (!q) return l.evidence;
  if (q === "unreadable") return { ...l.evidence, note: [l.evidence.note, "qualifier not understood"].filter(Boolean).join("; ") };
  if (q.holds === false) return { ...l.evidence, result: "na", note: "does not apply to this patient" };
  return l.evidence;
}

function pushQuestion(list: Question[], q: Question): void {
  if (!list.some((x) => x.id === q.id)) list.push(q);
}

export function statusOf(kind: Criterion["kind"], truth: Truth): CriterionStatus {
  if (truth === "unknown") return "unknown";
  if (truth === "na") return "pass";
  const holds = truth === "true";
  return kind === "exclusion" ? (holds ? "fail" : "pass") : holds ? "pass" : "fail";
}

/** Kleene three-valued logic with "na" (not applicable) neutral in both AND and OR. */
export function combine(logic: Logic, leaf: (i: number) => Truth): Truth {
  const vals = logic.args.map((a) => (typeof a === "number" ? leaf(a) : combine(a, leaf))).filter((v) => v !== "na");
  if (!vals.length) return "na";
  if (logic.op === "and") {
    if (vals.includes("false")) return "false";
    if (vals.includes("unknown")) return "unknown";
    return "true";
  }
  if (vals.includes("true")) return "true";
  if (vals.includes("unknown")) return "unknown";
  return "false";
}
