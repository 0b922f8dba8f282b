/**
 * The criteria pipeline: segment → tokenise → parse → normalise.
 *
 *   segmentCriteria (./segment.ts)   text → criteria with kind, depth, parent, span
 *   tokenize (./tokenize.ts)         numbers, comparators, units, ULN (lexical patterns)
 *   extractNumeric (./numeric.ts)    one criterion → numeric constraints + logic
 *   extractClinicalConstraints       one criterion → diagnosis/therapy/biomarker/… (./clinical/)
 *   normalise                        units → UCUM (./units.ts), variables → lab table ids
 *
 * `parseEligibility(study)` adds the eligibility module's minimum/maximum age and sex as
 * `source: "module"` criteria.
 */
import fs from "node:fs";
import { ageToDays } from "../model/age.js";
import { resultAlternatives } from "./alternatives.js";
import type { Study } from "../model/study.js";
import { constraintStart, extractClinicalConstraints } from "./clinical/index.js";
import { findVariables, isTimeVariable, labTableVersion, variableById } from "./lexicon.js";
import { extractNumeric, type NumericSubject } from "./numeric.js";
import { normaliseCriteriaText, withComparisonWrapsJoined, withoutPageFurniture } from "./normalise-text.js";
import { inferDeniedItems, inferMisplacedExclusions } from "./polarity.js";
import { segmentCriteria, type Segment } from "./segment.js";
import type { Constraint, Criterion, DiagnosisConstraint, Logic, NumericConstraint, ParsedCriteria, PrognosisConstraint, TherapyConstraint } from "./types.js";

/** Bump when the output for some input changes: stored results from other versions are re-parsed. */
export const PARSER_CODE_VERSION = "1.41.0";

export interface ParseOptions {
  /** Called when the clinical extractor throws on a criterion; by default the criterion keeps its numeric constraints only. */
  onClinicalError?: (error: Error, criterionText: string) => void;
  /** Let a throw from the clinical extractor propagate (tests). */
  strict?: boolean;
  /** Skip the clinical extractor (numeric constraints only). */
  numericOnly?: boolean;
}

/** Parses an eligibility text into criteria with constraints (spans are offsets into `text`). */
export function parseCriteria(source: string, opts: ParseOptions = {}): Criterion[] {
  // Same length as the source: every span below is an offset into the source too.
  const text = normaliseCriteriaText(source);
  const segments = segmentCriteria(text);
  const criteria: Criterion[] = [];
  // a parent's subject, worked out once for all its items (null: it names none)
  const subjects = new Map<number, NumericSubject | null>();
  const subjectFor = (parent: number) => {
    let s = subjects.get(parent);
    if (s === undefined) subjects.set(parent, (s = subjectOf(segments[parent]) ?? null));
    return s ?? undefined;
  };
  for (const seg of segments) {
    seg.text = withoutPageFurniture(seg.text);
    const { constraints: numeric, logic } = extractNumeric(withComparisonWrapsJoined(seg.text), seg.span[0], seg.parent !== undefined ? subjectFor(seg.parent) : undefined);
    let clinical: Constraint[] = [];
    if (!opts.numericOnly) {
      if (opts.strict) clinical = extractClinicalConstraints(seg.text, seg.span[0]);
      else {
        try {
          clinical = extractClinicalConstraints(seg.text, seg.span[0]);
        } catch (e) {
          opts.onClinicalError?.(e as Error, seg.text);
        }
      }
    }
    if (!opts.numericOnly) clinical = requirementsOnly(clinical, numeric, seg.text, seg.span[0], seg.kind);
    // "No history of any of the following: A, B" listed under Exclusion Criteria: the author excludes A and B
    // (read literally it would exclude everyone without them)
    if (seg.kind === "exclusion" && clinical.length) clinical = withDeniedListUnderExclusion(clinical, seg.text, seg.span[0]);
    // "AST ≤ 2.5 × ULN (≤ 5 × ULN with liver metastases)": the metastases say whom a threshold is for, they are not asked for
    if (clinical.length && numeric.some((n) => n.qualifier?.condition)) clinical = clinical.filter((c) => !(c.type === "diagnosis" && insideQualifier(c.mentionSpan, numeric)));
    // "Uncontrolled hypertension (systolic ≥ 160 mmHg or diastolic ≥ 100 mmHg)": the bracket's values define the condition
    if (clinical.length && numeric.length) clinical = clinical.filter((c) => !(c.type === "diagnosis" && definedByBracket(c, numeric, seg.text, seg.span[0])));
    // "Relapse after ASCT, or not eligible for or declined ASCT": an alternative only a human can judge
    const ineligible = !opts.numericOnly && !logic && seg.text.includes(" or ") && MAY_STATE_INELIGIBLE.test(seg.text) ? INELIGIBLE_ALTERNATIVE_RE.exec(seg.text) : null;
    if (ineligible && clinical.some((c) => constraintStart(c) < seg.span[0] + ineligible.index)) {
      const words = ineligible[1].trim();
      const at = seg.span[0] + ineligible.index + ineligible[0].indexOf(ineligible[1]);
      clinical = clinical.filter((c) => constraintStart(c) < at).concat([{ type: "judgement", aspect: "alternative", text: words, span: [at, at + words.length] }]);
    }
    // concat, not push: pushing objects onto an empty (small-integer) array deoptimised this function
    const constraints: Constraint[] = asPrognosis(numeric).concat(clinical);
    const crit: Criterion = { kind: seg.kind, depth: seg.depth, text: seg.text, span: seg.span, constraints, source: "text" };
    if (seg.parent !== undefined) crit.parent = seg.parent;
    const rescue = logic || numeric.length < 2 ? undefined : unlessRescue(numeric, seg.text, seg.span[0], seg.kind);
    const treatedRescue = !logic && !rescue && clinical.length > 1 && seg.text.includes("unless") ? unlessTreated(asPrognosis(numeric).concat(clinical), seg.text, seg.span[0]) : undefined;
    // (an exclusion's list is alternatives already: the matcher reads its separators)
    const full = (ineligible && constraints.length > 1 && constraints[constraints.length - 1].type === "judgement" ? { op: "or" as const, args: constraints.map((_, i) => i) } : undefined) ?? treatedRescue ?? (seg.kind !== "exclusion" && !logic ? anyOfList(constraints, seg.text, seg.span[0]) : undefined) ?? (logic ? withClauseOnLastAlternative(logic, constraints, numeric.length, seg.text, seg.span[0]) : undefined) ?? withRest(logic ?? rescue, numeric.length, constraints.length) ?? resultAlternatives(constraints, seg.text, seg.span[0]);
    if (full) crit.logic = full;
    criteria.push(crit);
  }
  inferMisplacedExclusions(criteria);
  inferDeniedItems(criteria);
  if (text !== source) restoreSourceText(criteria, source, text);
  return criteria;
}

/** The span widened to the end of a character reference it ends inside ("&sup3;", "&#8805;"). */
function overReference(source: string, span: [number, number]): [number, number] {
  const [a, b] = span;
  const amp = source.lastIndexOf("&", b - 1);
  if (amp < a || amp < b - 9) return span;
  const semi = source.indexOf(";", amp);
  if (semi < b || semi - amp > 9 || !/^&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,7});$/.test(source.slice(amp, semi + 1))) return span;
  return [a, semi + 1];
}

const isSpan = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && typeof v[0] === "number" && typeof v[1] === "number";

/**
 * Texts shown with a span (a criterion's text, a mention, a qualifier's or a window's text) as the
 * source has them, where the parser read a normalised copy (normalise-text.ts): the user sees
 * "Age&nbsp;≥ 18" highlighted where it stands, not "Age ≥ 18". Only texts that are exactly the
 * normalised slice of their span are replaced.
 */
const collapsed = (s: string) => s.replace(/\s+/g, " ").trimEnd();

function restoreSourceText(criteria: Criterion[], source: string, text: string): void {
  const visit = (o: unknown, depth: number): void => {
    if (depth > 4 || o === null || typeof o !== "object") return;
    if (Array.isArray(o)) {
      for (const x of o) visit(x, depth + 1);
      return;
    }
    const r = o as Record<string, unknown>;
    // a span that ends inside a character reference ("/mm&sup3;" read as "/mm³" + padding) ends after it
    for (const [key, v] of Object.entries(r)) if (isSpan(v) && key.endsWith("pan")) r[key] = overReference(source, v);
    for (const [field, spanField] of [["text", "span"], ["mention", "mentionSpan"]] as const) {
      const span = r[spanField];
      if (typeof r[field] === "string" && isSpan(span)) {
        if (r[field] === text.slice(span[0], span[1])) r[field] = source.slice(span[0], span[1]);
        // (a mention read from the text with its line breaks joined: "\r\n" read as spaces)
        else if (source.slice(span[0], span[1]).startsWith(r[field] as string) || collapsed(r[field] as string) === collapsed(text.slice(span[0], span[1]))) r[field] = source.slice(span[0], span[1]);
      }
    }
    for (const v of Object.values(r)) if (v !== null && typeof v === "object" && !isSpan(v)) visit(v, depth + 1);
  };
  visit(criteria, 0);
}

/**
 * The measurement a title names, for the items under it that do not name one: "Age" over
 * "* 18 and over", "Life expectancy" over "* At least 3 months" (PDQ-style records). Only a
 * title that is nothing but the name.
 */
function subjectOf(parent: Segment): NumericSubject | undefined {
  const title = parent.text.replace(/[\s:]+$/, "");
  if (!title || title.length > 40) return undefined;
  if (/^age$/i.test(title)) return { id: "age", span: [parent.span[0], parent.span[0] + title.length], text: title };
  const vars = findVariables(title);
  if (vars.length !== 1 || vars[0].start !== 0 || vars[0].end !== title.length) return undefined;
  return { id: vars[0].id, span: [parent.span[0], parent.span[0] + title.length], text: title };
}

/**
 * The numeric grammar's comparisons of a time variable (life expectancy; a gestational age
 * written in weeks or days) are prognosis constraints; same places, so the logic's indices hold.
 * A gestational age written without a unit ("gestational age 26-34") is read as a value.
 */
function asPrognosis(numeric: NumericConstraint[]): Constraint[] {
  let out: Constraint[] | undefined;
  for (let i = 0; i < numeric.length; i++) {
    const c = numeric[i];
    if (c.variable === null || !isTimeVariable(c.variable)) continue;
    if (c.unit === undefined && variableById(c.variable)?.temporal) continue;
    out ??= (numeric as Constraint[]).slice();
    const { type: _numeric, variable, relativeTo: _relative, ...rest } = c;
    out[i] = { type: "prognosis", variable, ...rest } satisfies PrognosisConstraint;
  }
  return out ?? numeric;
}

/**
 * The clinical constraints a criterion requires or excludes, without those its words show to
 * be something else: a condition in a measurement's name, a drug in a threshold's qualifier, a
 * preference or a permission (kept as text for a human), a "For patients receiving …:" lead-in.
 */
function requirementsOnly(clinical: Constraint[], numeric: NumericConstraint[], text: string, offset: number, kind: Criterion["kind"]): Constraint[] {
  let out = clinical;
  if (out.length && numeric.length) out = withoutQualifierDrugs(withoutInstrumentConditions(out, numeric, text, offset), numeric);
  const preference = text.includes("riorit") || text.includes("referen") ? PREFERENCE_RE.exec(text) : null;
  const subjectLead = preference ? null : (SUBJECT_LEAD.exec(text) ?? subjectLeadAfterClause(text));
  // "Patients with HIV are allowed if CD4 ≥ 350" is a conditional requirement, not a permission
  if (subjectLead) out = withSubjectsMarked(out, text, offset, subjectLead);
  else out = preference ? withPreferenceForHuman(out, text, offset, preference) : withPermissionForHuman(out, text, offset, kind);
  if (out.some((c) => c.type === "therapy" && c.dose)) out = withConditionalDoseCaps(out, text, kind);
  return withoutForWhomLead(withEligibleIfExceptions(out, text, offset), text, offset);
}

/**
 * A later sentence that admits some ("Symptomatic or untreated brain metastases. Subjects with
 * treated brain metastases are eligible if stable for ≥ 4 weeks"): the conditions it names are
 * exceptions to the criterion, not more of what it excludes or requires.
 */
const ELIGIBLE_IF_SENTENCE =
  /[.;]\s+(?:(?:however|but),?\s+)?(?:patients?|subjects?|participants?|those|individuals?|people)\s+(?:who\s+(?:have|had)\s+|with\s+)([^.;:]{2,150}?)[\s,]+(?:(?:are|is)\s+(?:also\s+)?(?:eligible|allowed|permitted|acceptable)|(?:may|can|will)\s+(?:also\s+)?(?:be\s+)?(?:eligible|included|enrolled|allowed|permitted|participate))\b/gi;

function withEligibleIfExceptions(clinical: Constraint[], text: string, offset: number): Constraint[] {
  if (!clinical.length || !/eligible|allowed|permitted|acceptable|included|enrolled|participate/i.test(text)) return clinical;
  let out = clinical;
  ELIGIBLE_IF_SENTENCE.lastIndex = 0;
  for (let m = ELIGIBLE_IF_SENTENCE.exec(text); m; m = ELIGIBLE_IF_SENTENCE.exec(text)) {
    const from = offset + m.index + m[0].indexOf(m[1]);
    const to = from + m[1].length;
    out = out.map((c) =>
      c.type === "diagnosis" && (c.aspect === "condition" || c.aspect === "metastasis") && !c.negated && c.mentionSpan[0] >= from && c.mentionSpan[1] <= to ? { ...c, exception: true } : c,
    );
  }
  return out;
}

/**
 * "Participants with hepatitis B infection must have …", "Patients with treated brain metastases
 * are eligible if …", "Subjects who have diabetes should …": the words between the people and
 * the verb say whom the rest of the criterion is for (group 1).
 */
const SUBJECT_LEAD =
  /^\s*(?:(?:all|any)\s+)?(?:patients?|subjects?|participants?|those|individuals?|people|persons?|women|men|children|adults|candidates)\s+(?:who\s+(?:have|had|are|were)\s+|with\s+|having\s+|diagnosed\s+with\s+|whose\s+(?:tumou?rs?|cancers?|disease)\s+(?:harbou?rs?|ha(?:ve|s)|carry|carries|contains?|are|is|express(?:es)?|tests?\s+positive\s+for)\s+)([^;:]{2,150}?)[\s,]+(?:must|should|shall|needs?\s+to|ha(?:ve|s)\s+to|(?:are|is)\s+(?:only\s+)?(?:eligible|allowed|permitted|included|acceptable)|(?:may|can|will)\s+(?:only\s+)?(?:be\s+)?(?:eligible|included|enrolled|enroll|participate|allowed|permitted))\b(?!\s+(?:not|be\s+excluded|excluded)\b)/i;

/**
 * "Compensated liver disease; participants with cirrhosis must be Child-Pugh class A": a subject
 * lead-in after a clause of its own. Its match is shifted to the text's positions, so that only
 * what it names is marked; what comes before it is asked of everyone (the matcher scopes it).
 */
function subjectLeadAfterClause(text: string): RegExpExecArray | null {
  if (!text.includes(". ") && !text.includes("; ")) return null;
  if (!/[;.]\s+(?:(?:all|any)\s+)?(?:patients?|subjects?|participants?|those|individuals?|people|persons?|women|men|children|adults|candidates)\s/i.test(text)) return null;
  const re = /[;.]\s+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index + m[0].length;
    const lead = SUBJECT_LEAD.exec(text.slice(at));
    // (a lead with nothing after its verb, "Participants with treated CNS metastases are eligible.", is an exception: withEligibleIfExceptions)
    if (lead && !/^[\s.;,]*$/.test(text.slice(at + lead.index + lead[0].length))) {
      lead.index += at;
      return lead;
    }
  }
  return null;
}

/**
 * The conditions, histologies and metastases named in a subject lead-in (SUBJECT_LEAD's group 1)
 * are marked `subject`. With nothing after the verb ("Patients with HIV are eligible.") the
 * sentence permits and requires nothing: they are dropped, and it is kept for a human.
 */
function withSubjectsMarked(clinical: Constraint[], text: string, offset: number, lead: RegExpExecArray): Constraint[] {
  const from = offset + lead.index + lead[0].indexOf(lead[1]);
  const to = from + lead[1].length;
  const named = (c: Constraint) =>
    ((c.type === "diagnosis" && (c.aspect === "condition" || c.aspect === "histology" || c.aspect === "metastasis") && !c.exception) || c.type === "biomarker") &&
    !c.negated &&
    c.mentionSpan[0] >= from &&
    c.mentionSpan[1] <= to;
  if (/^[\s.;,]*$/.test(text.slice(lead.index + lead[0].length))) {
    if (!clinical.some(named)) return clinical;
    const words = text.trim();
    const at = offset + text.indexOf(words);
    return [...clinical.filter((c) => !named(c)), { type: "judgement", aspect: "other", text: words, span: [at, at + words.length] }];
  }
  return clinical.map((c) => (named(c) && (c.type === "diagnosis" || c.type === "biomarker") ? { ...c, subject: true } : c));
}

/** Words that make a name an instrument's: "Hamilton Depression Rating Scale", "Psoriasis Area and Severity Index". */
const INSTRUMENT_AFTER_RE = /^[\s'’-]*(?:[A-Za-z'’-]+\s+){0,4}?(?:scales?|scores?|index|indices|questionnaires?|inventory|instrument|ratings?)\b/i;

/**
 * A condition named inside a measurement's name is the measurement's, not the patient's
 * diagnosis: "Hamilton Depression Rating Scale > 20" does not say the patient is depressed,
 * nor "NIH Stroke Scale ≥ 6" that a stroke is required or excluded, nor "Hepatitis B virus
 * DNA > 2000 IU/mL" that every hepatitis B is. Such a condition is dropped when it lies within
 * the mention of a known measurement (one of the lab/score table) or is followed there by an
 * instrument word (scale, score, index, questionnaire…). Other diagnoses stay.
 */
function withoutInstrumentConditions(clinical: Constraint[], numeric: NumericConstraint[], text: string, offset: number): Constraint[] {
  return clinical.filter((c) => {
    if (c.type !== "diagnosis" || c.aspect !== "condition") return true;
    const [s, e] = c.mentionSpan;
    return !numeric.some((n) => {
      const [ms, me] = n.mentionSpan;
      if (s < ms || e > me || n.variable === "age") return false;
      return n.variable !== null || INSTRUMENT_AFTER_RE.test(text.slice(e - offset, me - offset));
    });
  });
}

/**
 * A drug that says whom a threshold is for ("≥ 45 for patients taking metformin", "unless on
 * anticoagulants") is the threshold's qualifier (qualifier.medication), not a therapy the
 * criterion asks for or excludes.
 */
function withoutQualifierDrugs(clinical: Constraint[], numeric: NumericConstraint[]): Constraint[] {
  const spans = numeric.filter((n) => n.qualifier?.medication).map((n) => n.qualifier!.span);
  if (!spans.length) return clinical;
  return clinical.filter((c) => c.type !== "therapy" || !spans.some(([s, e]) => c.mentionSpan[0] >= s && c.mentionSpan[1] <= e));
}

/** "For patients receiving anticoagulation:", "In subjects with diabetes,": whom the rest of the criterion is for. */
const FOR_WHOM_LEAD = /^\s*(?:for|in)\s+(?:patients?|subjects?|participants?|those|people|individuals)\s+(?:who\s+(?:are|have|had)\s+)?(?:receiving|on|taking|treated\s+with|using|with|having)\b[^:;,.]{1,80}[:,]/i;

/**
 * The drug or condition of a "For patients receiving anticoagulation: stable regimen" lead-in
 * says whom the criterion is for, not what it requires or excludes: its therapies and diagnoses
 * are dropped (what follows is kept; where it is a threshold, the numeric reader has the lead-in
 * as its qualifier).
 */
function withoutForWhomLead(clinical: Constraint[], text: string, offset: number): Constraint[] {
  if (!clinical.some(isTherapyOrDiagnosis)) return clinical;
  const m = FOR_WHOM_LEAD.exec(text);
  if (!m) return clinical;
  const end = offset + m[0].length;
  return clinical.filter((c) => !((c.type === "therapy" || c.type === "diagnosis") && c.mentionSpan[0] < end));
}

const isTherapyOrDiagnosis = (c: Constraint) => c.type === "therapy" || c.type === "diagnosis";

/** "Priority will be given to …", "preference shall be given to …", "… will be prioritised". */
const PREFERENCE_RE = /\b(?:(?:priority|preference)\s+(?:will|shall|may|is|would|can)\s+be\s+given\b|(?:will|shall|may)\s+be\s+prioriti[sz]ed\b)/i;
/** Words every permission has (as substrings, the cheapest test): most criteria are not tried against PERMISSION_RE. */
const PERMISSION_WORDS = ["allowed", "permitted", "acceptable", "excluded", "considered", "receiving", "continue", "remain", "included", "enrolled", "Allowed", "Permitted"];
/**
 * A permission: what it allows is neither required nor excluded ("Patients could be receiving
 * concomitant chemotherapy", "… in the past are not excluded", "… may be considered", "prior
 * radiotherapy is allowed").
 */
const PERMISSION_RE =
  /(?<=\([^()]{1,40}\s)(?:permitted|allowed)(?=\s*\))|\b(?:(?:could|may|can)\s+(?:be\s+)?(?:receiving|continue|remain\s+on)|(?:is|are|will\s+be)\s+not\s+excluded|(?:may|can|could)\s+be\s+(?:considered|included|enrolled|allowed|permitted)|(?:is|are)\s+(?:allowed|permitted|acceptable)|(?:will\s+)?not\s+be\s+excluded)\b/i;

/**
 * A preference is no requirement: "…, Priority will be given to subjects with HER2 positive
 * solid tumor" does not exclude HER2-negative patients. The clinical constraints read from the
 * preference on are dropped, and the preference is kept as text for a human (judgement).
 */
function withPreferenceForHuman(clinical: Constraint[], text: string, offset: number, m: RegExpExecArray): Constraint[] {
  const at = offset + m.index;
  const kept = clinical.filter((c) => constraintStart(c) < at);
  kept.push({ type: "judgement", aspect: "other", text: text.slice(m.index).trimEnd(), span: [at, offset + text.trimEnd().length] });
  return kept;
}

/**
 * A permission's sentence ("Patients could be receiving concomitant chemotherapy or radiotherapy")
 * requires and excludes nothing: its therapies and diagnoses are dropped and the sentence is kept
 * as text for a human (judgement). Other sentences of the criterion keep theirs.
 */
function withPermissionForHuman(clinical: Constraint[], text: string, offset: number, kind: Criterion["kind"]): Constraint[] {
  // only therapies and diagnoses are dropped: without one there is nothing to look for
  if (!clinical.some(isTherapyOrDiagnosis) || !PERMISSION_WORDS.some((w) => text.includes(w))) return clinical;
  const m = PERMISSION_RE.exec(text);
  if (!m) return clinical;
  // the clause around it: from a sentence break, a bracket or "but" before it to the next break or closing bracket
  const before = text.slice(0, m.index);
  const butAt = Math.max(before.lastIndexOf(" but "), before.lastIndexOf(" however "));
  // (a bracket closed before the permission is part of its subject: "Antiplatelet agents (aspirin, clopidogrel) are permitted")
  const openAt = (o: string, c: string) => {
    const i = before.lastIndexOf(o);
    return i >= 0 && before.indexOf(c, i) < 0 ? i : -1;
  };
  // ("Note: …", "except …, which are allowed": the note or the exception is what is permitted)
  const noteAt = before.search(/\bnote\s*:(?![^]*\bnote\s*:)/i);
  const exceptAt = before.search(/\bexcept(?![^]*\bexcept)/i);
  const sStart = Math.max(before.lastIndexOf(". "), before.lastIndexOf("; "), before.lastIndexOf("\n"), openAt("(", ")"), openAt("[", "]"), butAt >= 0 ? butAt + 1 : -1, noteAt - 1, exceptAt - 1) + 1;
  const afterIdx = text.slice(m.index).search(/[.;)\]](?:\s|$)|\n|\)/);
  const sEnd = afterIdx < 0 ? text.length : m.index + afterIdx;
  const [a, b] = [offset + sStart, offset + sEnd];
  const kept = clinical.filter((c) => (c.type !== "therapy" && c.type !== "diagnosis") || constraintStart(c) < a || constraintStart(c) >= b);
  if (kept.length === clinical.length) return clinical;
  // "Oral corticosteroids are allowed if ≤ 10 mg/day prednisone": a permission up to a dose excludes more than that dose
  // (one dose in the clause: a list of doses of several drugs is left for a human)
  const capped: Constraint[] = [];
  const doses = text.slice(sStart, sEnd).match(/\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|μg|g)\b/gi) ?? [];
  for (const c of doses.length === 1 ? clinical : []) {
    if (c.type !== "therapy" || !c.dose || (c.dose.op !== "<=" && c.dose.op !== "<") || constraintStart(c) < a || constraintStart(c) >= b) continue;
    capped.push(capDose(c, kind));
  }
  if (capped.length) return kept.concat(withoutDoseReferences(capped));
  const clause = text.slice(sStart, sEnd);
  const words = clause.trim();
  const at = a + (clause.length - clause.trimStart().length);
  kept.push({ type: "judgement", aspect: "other", text: words, span: [at, at + words.length] });
  return kept;
}

/**
 * A dose up to which a drug is allowed, as what is excluded: more than that dose, taken now. How
 * long it has been stable ("stable for ≥ 2 weeks") is not what the criterion turns on, and is dropped.
 */
function capDose(c: TherapyConstraint, kind: Criterion["kind"]): TherapyConstraint {
  const { window: _w, minDuration: _d, ...rest } = c;
  return { ...rest, timing: "concurrent", dose: { ...c.dose!, op: c.dose!.op === "<=" ? ">" : ">=" }, negated: kind !== "exclusion" };
}

/** "≤ 20 mg/day prednisone (or equivalent)" with "corticosteroids": the named steroid is the dose's unit, the class is what is capped. */
function withoutDoseReferences(capped: Constraint[]): Constraint[] {
  if (!capped.some((c) => c.type === "therapy" && c.category === "class")) return capped;
  return capped.filter((c) => !(c.type === "therapy" && c.category === "drug"));
}

/**
 * "Corticosteroids, if used, at a stable dose not exceeding 4 mg/day dexamethasone (or
 * equivalent)": a use that is allowed up to a dose — capped as a permission is.
 */
const IF_USED_RE = /\b(?:if|when|where)\s+(?:used|receiving|taking|on|given|required|needed|administered|applicable)\b/i;
function withConditionalDoseCaps(clinical: Constraint[], text: string, kind: Criterion["kind"]): Constraint[] {
  if (!IF_USED_RE.test(text)) return clinical;
  const doses = text.match(/\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|μg|g)\b/gi) ?? [];
  if (doses.length !== 1) return clinical;
  const capped: Constraint[] = [];
  const rest: Constraint[] = [];
  for (const c of clinical) {
    if (c.type === "therapy" && c.dose && (c.dose.op === "<=" || c.dose.op === "<")) capped.push(capDose(c, kind));
    else if (c.type === "therapy" && c.dose) continue; // the same steroid read as a requirement of a higher dose
    else rest.push(c);
  }
  return capped.length ? rest.concat(withoutDoseReferences(capped)) : clinical;
}

/**
 * "Serum creatinine ≤ 1.5 × ULN, unless creatinine clearance ≥ 60 mL/min", "urine protein ≥ 2+,
 * unless 24-hour urine protein < 1 g": the comparisons after "unless" rescue the ones before it in
 * the same sentence. In an inclusion they are an alternative (the logic returned); in an exclusion
 * they are marked `unless` (the exclusion holds when they do not).
 */
function unlessRescue(numeric: NumericConstraint[], text: string, offset: number, kind: Criterion["kind"]): Logic | undefined {
  if (!text.includes("unless")) return undefined;
  const m = /\bunless\b/.exec(text);
  if (!m) return undefined;
  const at = offset + m.index;
  const sentenceEnd = (() => {
    const rest = text.slice(m.index).search(/[.;](?:\s|$)/);
    return offset + (rest < 0 ? text.length : m.index + rest);
  })();
  const sentenceStart = offset + Math.max(text.lastIndexOf(";", m.index), text.slice(0, m.index).search(/\.\s[^.]*$/)) + 1;
  const before: number[] = [];
  const after: number[] = [];
  numeric.forEach((c, i) => {
    const v = c.valueSpan[0];
    if (v >= sentenceStart && v < at) before.push(i);
    else if (v > at && v < sentenceEnd && !c.qualifier) after.push(i);
  });
  if (!before.length || !after.length || before.length + after.length !== numeric.length) return undefined;
  if (kind === "exclusion") {
    for (const i of after) numeric[i].unless = true;
    return undefined;
  }
  const group = (xs: number[]): Logic | number => (xs.length === 1 ? xs[0] : { op: "and", args: xs });
  return { op: "or", args: [group(before), group(after)] };
}

/**
 * "Measurable disease, defined by any of: serum M-protein ≥ 0.5 g/dL; urine M-protein ≥ 200 mg/24 h;
 * …", "Increased bleeding risk, defined by at least one of: age ≥ 75 years; HAS-BLED ≥ 3; …": the
 * items after the words are alternatives; what stands before them is asked as well.
 */
const ANY_OF_RE = /\b(?:any|(?:at\s+least\s+)?one|either)\s+of(?:\s+the\s+following)?(?:\s+(?:criteria|conditions|features))?\s*[:(]?/i;
function anyOfList(constraints: Constraint[], text: string, offset: number): Logic | undefined {
  if (constraints.length < 2 || !text.includes(" of")) return undefined;
  const m = ANY_OF_RE.exec(text);
  if (!m) return undefined;
  const at = offset + m.index + m[0].length;
  const items: number[] = [];
  const rest: number[] = [];
  constraints.forEach((c, i) => (constraintStart(c) >= at ? items : rest).push(i));
  if (items.length < 2) return undefined;
  // "No history of any of the following: A, B, C": a denial of each — they all hold together
  if (/\b(?:no|not|never|without|none|free\s+of|absence\s+of)\b/i.test(text.slice(0, m.index)) || items.some((i) => (constraints[i] as { negated?: boolean }).negated)) return undefined;
  const alternatives: Logic = { op: "or", args: items };
  return rest.length ? { op: "and", args: [...rest, alternatives] } : alternatives;
}

const DENIED_LIST_UNDER_EXCLUSION_RE = /^\s*(?:no|not|without|absence\s+of|free\s+of)\b[^.;:]*\bof\s+the\s+following\b[^.;:]{0,30}:/i;
function withDeniedListUnderExclusion(clinical: Constraint[], text: string, offset: number): Constraint[] {
  const m = DENIED_LIST_UNDER_EXCLUSION_RE.exec(text);
  if (!m) return clinical;
  const at = offset + m.index + m[0].length;
  return clinical.map((c) => ((c.type === "diagnosis" || c.type === "therapy") && c.negated && constraintStart(c) >= at ? { ...c, negated: false } : c));
}

/**
 * "Active tuberculosis, or latent tuberculosis unless treated with ≥ 4 weeks of prophylaxis (e.g., isoniazid)":
 * the therapies after "unless … treated" rescue the last item before it (marked `unless`); the items
 * before it joined by "or" stay alternatives. The logic over `constraints` (their final order), or undefined.
 */
function unlessTreated(constraints: Constraint[], text: string, offset: number): Logic | undefined {
  const m = /\bunless\s+(?:(?:previously|adequately|already|successfully)\s+)?(?:treated|receiving|on|taking)\b/i.exec(text);
  if (!m) return undefined;
  const u = offset + m.index;
  const stop = text.slice(m.index).search(/[.;](?:\s|$)/);
  const end = offset + (stop < 0 ? text.length : m.index + stop);
  const rescue: number[] = [];
  const before: number[] = [];
  const rest: number[] = [];
  constraints.forEach((c, i) => {
    const s = constraintStart(c);
    if (s > u && s < end && c.type === "therapy" && !c.exception && !c.negated) rescue.push(i);
    else if (s < u && c.type !== "judgement") before.push(i);
    else rest.push(i);
  });
  if (!rescue.length || !before.length) return undefined;
  for (const i of rescue) (constraints[i] as TherapyConstraint).unless = true;
  const last = before[before.length - 1];
  const startOf = (i: number) => constraintStart(constraints[i]);
  const alternatives = before.length > 1 && /\bor\b/i.test(text.slice(startOf(before[before.length - 2]) - offset, startOf(last) - offset));
  const rescued: Logic = { op: "and", args: [last, ...rescue] };
  const core: Logic = alternatives ? { op: "or", args: [...before.slice(0, -1), rescued] } : { op: "and", args: [...before.slice(0, -1), rescued] };
  return rest.length ? { op: "and", args: [core, ...rest] } : core;
}

const MAY_STATE_INELIGIBLE = { test: (t: string) => t.includes("ligible") || t.includes("eclin") || t.includes("efus") || t.includes("unfit") || t.includes("unwilling") || t.includes("candidate") || t.includes("suitable") || t.includes("not fit") };
const INELIGIBLE_ALTERNATIVE_RE = /,?\s+or\s+((?:(?:is|are|was|were|be)\s+)?(?:not\s+(?:eligible|a\s+candidate|suitable|fit)|ineligible|unfit|unsuitable|declined|refused|unwilling)\b[^.;]*)/i;

function insideQualifier(span: [number, number], numeric: NumericConstraint[]): boolean {
  return numeric.some((n) => n.qualifier?.condition && n.qualifier.span[0] <= span[0] && span[1] <= n.qualifier.span[1]);
}

/**
 * A condition followed by a bracket of measured thresholds that define it ("Uncontrolled
 * hypertension (SBP ≥ 160 or DBP ≥ 100)", "anaemia (haemoglobin < 9 g/dL)"): the thresholds are
 * what is asked; the condition's name adds nothing a record could settle better (and ANDed with
 * them it asked for a recorded diagnosis as well).
 */
function definedByBracket(c: DiagnosisConstraint, numeric: NumericConstraint[], text: string, offset: number): boolean {
  if (c.aspect !== "condition" || c.negated || c.exception || c.window || c.minGrade !== undefined) return false;
  const end = c.mentionSpan[1] - offset;
  const lead = /^\s*\(\s*(?:defined\s+as\s*:?\s*|i\.\s?e\.,?\s*|e\.\s?g\.,?\s*)?/i.exec(text.slice(end, end + 30));
  if (!lead) return false;
  const open = end + lead[0].length;
  let depth = 1;
  let close = end + lead[0].indexOf("(") + 1;
  for (; close < text.length && depth > 0; close++) {
    if (text[close] === "(") depth++;
    else if (text[close] === ")") depth--;
  }
  if (depth !== 0) return false;
  const inside = numeric.filter((n) => n.mentionSpan[0] - offset >= open - 1 && n.valueSpan[1] - offset <= close);
  // the bracket opens with a measurement
  return inside.length > 0 && inside.some((n) => n.mentionSpan[0] - offset - open <= 2) && inside.every((n) => !n.qualifier?.condition);
}

/**
 * "BMI ≥ 30 kg/m², or ≥ 27 kg/m² with at least one weight-related comorbidity (hypertension,
 * dyslipidaemia, …)": the conditions after the last alternative's "with" belong to it — any one
 * of them after "at least one" / "any of", all of them otherwise. The logic, or undefined when
 * the criterion is not written so.
 */
function withClauseOnLastAlternative(logic: Logic, constraints: Constraint[], n: number, text: string, offset: number): Logic | undefined {
  if (typeof logic === "number" || logic.op !== "or" || constraints.length === n) return undefined;
  const last = logic.args[logic.args.length - 1];
  if (typeof last !== "number") return undefined;
  const b = constraints[last];
  if (b.type !== "numeric") return undefined;
  const rest: number[] = [];
  for (let i = n; i < constraints.length; i++) rest.push(i);
  const end = b.valueSpan[1] - offset;
  const firstStart = Math.min(...rest.map((i) => constraintStart(constraints[i]) - offset));
  if (firstStart < end) return undefined;
  const between = text.slice(end, firstStart);
  const m = /^\s*(?:[\p{L}/²³0-9.]+\s*)?,?\s*(?:with|and|plus|in\s+the\s+presence\s+of)\b([^.;]*)$/iu.exec(between);
  if (!m) return undefined;
  const anyOne = /\b(?:at\s+least\s+(?:one|1)|one\s+or\s+more|any\s+(?:one\s+)?of|one\s+of|either)\b/i.test(m[1]);
  const group: Logic | number = rest.length === 1 ? rest[0] : { op: anyOne ? "or" : "and", args: rest };
  return { op: "or", args: [...logic.args.slice(0, -1), { op: "and", args: [last, group] }] };
}

/** Numeric logic covers the first n constraints; the others (clinical) are ANDed with it. */
function withRest(logic: Logic | undefined, n: number, total: number): Logic | undefined {
  if (!logic) return undefined;
  if (total === n) return logic;
  const rest: number[] = [];
  for (let i = n; i < total; i++) rest.push(i);
  return { op: "and", args: [logic, ...rest] };
}

const MODULE_SEX: Record<string, "male" | "female" | undefined> = { MALE: "male", FEMALE: "female" };

/**
 * The eligibility module's structured fields as criteria: minimum age (≥), maximum age (≤)
 * and sex (when not ALL). Spans point into the field text they came from: they are
 * [0, length) of that field, since the field is not part of the criteria text.
 */
export function moduleCriteria(study: Study): Criterion[] {
  const elig = study.protocolSection?.eligibilityModule;
  if (!elig) return [];
  const out: Criterion[] = [];
  const ages: Array<[string | undefined, ">=" | "<=", string]> = [
    [elig.minimumAge, ">=", "Minimum age"],
    [elig.maximumAge, "<=", "Maximum age"],
  ];
  for (const [txt, op, label] of ages) {
    if (!txt || ageToDays(txt) === undefined) continue;
    const m = /^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?/i.exec(txt)!;
    const unit = { year: "a", month: "mo", week: "wk", day: "d", hour: "h", minute: "min" }[m[2].toLowerCase()]!;
    const valueStart = txt.indexOf(m[1]);
    const c: NumericConstraint = {
      type: "numeric",
      variable: "age",
      mention: label,
      mentionSpan: [0, txt.length],
      op,
      value: Number(m[1]),
      valueSpan: [valueStart, valueStart + m[1].length],
      unit,
    };
    out.push({ kind: "inclusion", depth: 0, text: `${label}: ${txt}`, span: [0, txt.length], constraints: [c], source: "module" });
  }
  const sex = elig.sex ? MODULE_SEX[elig.sex] : undefined;
  if (sex && elig.sex) {
    out.push({
      kind: "inclusion",
      depth: 0,
      text: `Sex: ${elig.sex}`,
      span: [0, elig.sex.length],
      constraints: [{ type: "demographic", aspect: "sex", sex, mention: elig.sex, mentionSpan: [0, elig.sex.length], negated: false }],
      source: "module",
    });
  }
  return out;
}

/** Knowledge tables whose change changes the parse (the clinical extractor's too). */
const CLINICAL_TABLES = ["drug-classes", "conditions", "procedures"];
let version: string | undefined;

/**
 * The version stored with parsed criteria: parser code and the versions of the knowledge
 * tables the parse depends on, so editing a table re-parses stored studies.
 */
export function parserVersion(): string {
  if (version) return version;
  const parts = [PARSER_CODE_VERSION, `labs.${labTableVersion()}`];
  for (const name of CLINICAL_TABLES) {
    try {
      const t = JSON.parse(fs.readFileSync(new URL(`../../data/knowledge/${name}.json`, import.meta.url), "utf8")) as { version?: string };
      if (t.version) parts.push(`${name}.${t.version}`);
    } catch (e) {
      // a table the clinical extractor does not ship (yet) does not version the parse
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`data/knowledge/${name}.json: ${(e as Error).message}`);
    }
  }
  return (version = parts.join("+"));
}

/** A study's criteria: the eligibility text's, then the module's age and sex. */
export function parseEligibility(study: Study, opts: ParseOptions = {}): ParsedCriteria {
  const text = study.protocolSection?.eligibilityModule?.eligibilityCriteria ?? "";
  return { parserVersion: parserVersion(), criteria: [...parseCriteria(text, opts), ...moduleCriteria(study)] };
}
