/** Evaluators, one constraint type at a time, on hand-built constraints and patients. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type {
  BiomarkerConstraint,
  DemographicConstraint,
  DiagnosisConstraint,
  NumericConstraint,
  PrognosisConstraint,
  TherapyConstraint,
} from "../criteria/types.js";
import type { Patient } from "../model/patient.js";
import { evaluateConstraint, type EvalContext } from "./evaluate.js";
import { patientFacts } from "./facts.js";
import { matchKnowledge } from "./knowledge.js";

const k = matchKnowledge();
const AS_OF = "2026-11-01";
const ctx = (p: Patient, trialConcepts: string[] = []): EvalContext => ({ facts: patientFacts(p, AS_OF, k), k, trialConcepts });
const S: [number, number] = [0, 0];

const num = (variable: string, op: NumericConstraint["op"], value: number, extra: Partial<NumericConstraint> = {}): NumericConstraint => ({
  type: "numeric", variable, mention: variable, mentionSpan: S, op, value, valueSpan: S, ...extra,
});
const dx = (concept: string | null, mention: string, extra: Partial<DiagnosisConstraint> = {}): DiagnosisConstraint => ({
  type: "diagnosis", aspect: "condition", concept, mention, mentionSpan: S, negated: false, ...extra,
});
const rx = (category: TherapyConstraint["category"], concept: string, extra: Partial<TherapyConstraint> = {}): TherapyConstraint => ({
  type: "therapy", category, concept, mention: concept, mentionSpan: S, timing: "prior", negated: false, ...extra,
});
const bm = (marker: string, extra: Partial<BiomarkerConstraint> = {}): BiomarkerConstraint => ({
  type: "biomarker", marker, mention: marker, mentionSpan: S, negated: false, ...extra,
});
const demo = (aspect: DemographicConstraint["aspect"], extra: Partial<DemographicConstraint> = {}): DemographicConstraint => ({
  type: "demographic", aspect, mention: aspect, mentionSpan: S, negated: false, ...extra,
});
const truth = (c: Parameters<typeof evaluateConstraint>[0], p: Patient, trialConcepts: string[] = []) => evaluateConstraint(c, 0, ctx(p, trialConcepts));

test("numeric: haemoglobin in g/dL against a g/L threshold is converted, with the evidence in the criterion's unit", () => {
  const p: Patient = { observations: [{ variable: "hemoglobin", value: 8.4, unit: "g/dL", date: "2026-10-01" }] };
  const r = truth(num("hemoglobin", ">=", 90, { unit: "g/L" }), p);
  assert.equal(r.truth, "false");
  assert.equal(r.evidence.value, 84);
  assert.equal(r.evidence.unit, "g/L");
  assert.equal(truth(num("hemoglobin", ">=", 80, { unit: "g/L" }), p).truth, "true");
});

test("numeric: molar ↔ mass units through the molar mass (creatinine mg/dL vs µmol/L)", () => {
  const p: Patient = { observations: [{ code: { system: "loinc", code: "2160-0" }, value: 1.0, unit: "mg/dL" }] };
  const r = truth(num("creatinine", "<=", 100, { unit: "umol/L" }), p);
  assert.equal(r.truth, "true");
  assert.ok(Math.abs(r.evidence.value! - 88.4) < 0.1);
});

test("numeric: ×ULN uses the observation's own reference range; no range → unknown with a question", () => {
  const p: Patient = { observations: [{ variable: "alt", value: 120, unit: "U/L", referenceRange: { high: 40 } }] };
  assert.equal(truth(num("alt", "<=", 2.5, { relativeTo: "ULN" }), p).truth, "false");
  const r = truth(num("alt", "<=", 5, { relativeTo: "ULN" }), p);
  assert.equal(r.truth, "true");
  assert.equal(r.evidence.value, 3);
  const noRange = truth(num("alt", "<=", 2.5, { relativeTo: "ULN" }), { observations: [{ variable: "alt", value: 120, unit: "U/L" }] });
  assert.equal(noRange.truth, "unknown");
  assert.equal(noRange.question?.id, "range:alt");
});

test("numeric: ULN given in another unit than the value is converted first", () => {
  const p: Patient = { observations: [{ variable: "total-bilirubin", value: 1.2, unit: "mg/dL", referenceRange: { high: 21, unit: "umol/L" } }] };
  const r = truth(num("total-bilirubin", "<=", 1.5, { relativeTo: "ULN" }), p);
  assert.equal(r.truth, "true");
  assert.ok(Math.abs(r.evidence.value! - 0.97) < 0.02);
});

test("numeric: a missing observation is unknown with the question to ask; unknown variables are not computable", () => {
  const r = truth(num("platelets", ">=", 100, { unit: "10*9/L" }), {});
  assert.equal(r.truth, "unknown");
  assert.equal(r.computable, true);
  assert.match(r.question!.text, /platelet/i);
  const ecog = truth(num("ecog", "<=", 1), {});
  assert.equal(ecog.question?.text, "What is the patient's ECOG performance status?");
  const odd = evaluateConstraint({ ...num("x", ">", 1), variable: null }, 0, ctx({}));
  assert.equal(odd.computable, false);
});

test("numeric: observations after the evaluation date are not known then; the latest before it counts", () => {
  const p: Patient = {
    observations: [
      { variable: "hemoglobin", value: 80, unit: "g/L", date: "2026-09-01" },
      { variable: "hemoglobin", value: 120, unit: "g/L", date: "2026-10-01" },
      { variable: "hemoglobin", value: 70, unit: "g/L", date: "2026-12-01" },
    ],
  };
  assert.equal(truth(num("hemoglobin", ">=", 90, { unit: "g/L" }), p).evidence.value, 120);
});

test("numeric age: completed years from the birth date at --as-of; registry maxima include the whole year", () => {
  const p: Patient = { birthDate: "1956-03-01" };
  assert.equal(truth(num("age", "<=", 70, { unit: "a" }), p).truth, "true"); // 70 y 8 m
  assert.equal(truth(num("age", ">=", 71, { unit: "a" }), p).truth, "false");
  assert.equal(truth(num("age", ">=", 18, { unit: "a" }), {}).truth, "unknown");
  assert.equal(truth(num("age", "range", 18, { unit: "a", value2: 65 }), { age: 66 }).truth, "false");
});

test("diagnosis: hierarchy and synonyms (NSCLC ⊂ lung cancer; NPC text vs 'Nasopharyngeal Neoplasms'; SCLC is not NSCLC)", () => {
  const nsclc: Patient = { conditions: [{ text: "lung adenocarcinoma" }] };
  assert.equal(truth(dx("nsclc", "NSCLC"), nsclc).truth, "true");
  assert.equal(truth(dx("lung-cancer", "lung cancer"), nsclc).truth, "true");
  const sclc: Patient = { conditions: [{ text: "small cell lung cancer" }] };
  assert.equal(truth(dx("nsclc", "non-small cell lung cancer"), sclc).truth, "false");
  const npc: Patient = { conditions: [{ text: "nasopharyngeal carcinoma" }] };
  assert.equal(truth(dx(null, "Nasopharyngeal Neoplasms"), npc).truth, "true");
  // A broader diagnosis against a narrower criterion asks.
  const lung: Patient = { conditions: [{ text: "lung cancer" }] };
  const r = truth(dx("nsclc", "NSCLC"), lung);
  assert.equal(r.truth, "unknown");
  assert.match(r.question!.text, /non-small cell/i);
  // Codes: ICD-10 C34 is lung cancer.
  assert.equal(truth(dx("lung-cancer", "lung cancer"), { conditions: [{ codes: [{ system: "icd10", code: "C34.1" }] }] }).truth, "true");
});

test("diagnosis: a present list is complete (closed world), an absent one unknown; negation flips", () => {
  const p: Patient = { conditions: [{ text: "colon cancer" }] };
  assert.equal(truth(dx("hiv-infection", "HIV"), p).truth, "false");
  assert.equal(truth(dx("hiv-infection", "HIV", { negated: true }), p).truth, "true");
  assert.equal(truth(dx("hiv-infection", "HIV"), {}).truth, "unknown");
});

test("diagnosis: 'other malignancy' does not count the cancer the trial studies", () => {
  const c = dx("cancer", "other malignancies");
  const inExclusion = (p: Patient) =>
    evaluateConstraint(c, 0, { ...ctx(p, ["colorectal-cancer"]), criterion: { text: "Other malignancies within 5 years", kind: "exclusion", start: 0 } });
  assert.equal(inExclusion({ conditions: [{ text: "colorectal cancer" }] }).truth, "false");
  assert.equal(inExclusion({ conditions: [{ text: "colorectal cancer" }, { text: "breast cancer" }] }).truth, "true");
  // Outside an exclusion (an inclusion naming the cancer), the studied cancer counts.
  assert.equal(truth(c, { conditions: [{ text: "colorectal cancer" }] }, ["colorectal-cancer"]).truth, "true");
});

test("diagnosis: metastases by site (CNS includes brain), active status, unknown when no record says", () => {
  const p: Patient = { conditions: [{ text: "NSCLC", metastases: [{ site: "brain", active: false, treated: true }] }] };
  assert.equal(truth(dx(null, "CNS metastases", { aspect: "metastasis", site: "cns" }), p).truth, "true");
  assert.equal(truth(dx(null, "active brain metastases", { aspect: "metastasis", site: "brain", status: ["active"] }), p).truth, "false");
  assert.equal(truth(dx(null, "liver metastases", { aspect: "metastasis", site: "liver" }), p).truth, "false");
  const unknown = truth(dx(null, "brain metastases", { aspect: "metastasis", site: "brain" }), { conditions: [{ text: "NSCLC" }] });
  assert.equal(unknown.truth, "unknown");
  assert.equal(unknown.question?.id, "metastasis:brain");
});

test("diagnosis: stage ranges and TNM", () => {
  const p: Patient = { conditions: [{ text: "NSCLC", stage: "IIIB", tnm: "T3N2M0" }] };
  assert.equal(truth(dx(null, "stage III-IV", { aspect: "stage", stage: "III-IV" }), p).truth, "true");
  assert.equal(truth(dx(null, "stage IV", { aspect: "stage", stage: "IV" }), p).truth, "false");
  assert.equal(truth(dx(null, "M1", { aspect: "stage", stage: "T1-4N0-2M1" }), p).truth, "false");
});

test("therapy: drug classes (bevacizumab is an antiangiogenic, nivolumab an anti-PD-1), brand names and RxNorm codes", () => {
  const p: Patient = { medications: [{ name: "Avastin", start: "2025-01-01", end: "2025-06-01" }, { codes: [{ system: "rxnorm", code: "1597876" }], start: "2025-07-01" }] };
  assert.equal(truth(rx("class", "antiangiogenic"), p).truth, "true");
  assert.equal(truth(rx("class", "anti-pd-1"), p).truth, "true");
  assert.equal(truth(rx("class", "anti-pd-l1"), p).truth, "false");
  assert.equal(truth(rx("drug", "bevacizumab"), p).truth, "true");
  assert.equal(truth(rx("class", "anti-pd-1"), {}).truth, "unknown");
});

test("therapy: windows relative to --as-of (within / at least since) and concurrent use", () => {
  const p: Patient = { medications: [{ name: "docetaxel", start: "2026-08-01", end: "2026-10-20" }] };
  const within = (amount: number, unit: "week" | "month") =>
    rx("class", "chemotherapy", { window: { relation: "within", amount, unit, text: "", span: S } });
  assert.equal(truth(within(4, "week"), p).truth, "true"); // 12 days before 2026-11-01
  assert.equal(truth(within(1, "week"), p).truth, "false");
  assert.equal(truth(rx("class", "chemotherapy", { window: { relation: "at-least-since", amount: 1, unit: "week", text: "", span: S } }), p).truth, "true");
  assert.equal(truth(rx("class", "chemotherapy", { timing: "concurrent" }), p).truth, "false");
});

test("therapy: lines of therapy with outcomes", () => {
  const p: Patient = {
    medications: [
      { name: "cisplatin", line: 1, reasonStopped: "progression" },
      { name: "pemetrexed", line: 1, reasonStopped: "progression" },
      { name: "docetaxel", line: 2, reasonStopped: "toxicity" },
    ],
  };
  assert.equal(truth(rx("class", "platinum", { line: { min: 1, outcome: "failed" } }), p).truth, "true");
  assert.equal(truth(rx("class", "chemotherapy", { line: { min: 2, outcome: "failed" } }), p).truth, "true");
  assert.equal(truth(rx("class", "chemotherapy", { line: { min: 2, outcome: "progressed" } }), p).truth, "false");
  assert.equal(truth(rx("class", "chemotherapy", { line: { max: 1 } }), p).truth, "false");
  const noOutcome = truth(rx("class", "platinum", { line: { min: 1, outcome: "failed" } }), { medications: [{ name: "carboplatin", line: 1 }] });
  assert.equal(noOutcome.truth, "unknown");
});

test("therapy: procedures (major surgery) and live vaccines recorded as immunizations", () => {
  const p: Patient = { procedures: [{ kind: "major-surgery", start: "2026-10-15" }, { kind: "live-vaccine", start: "2026-10-20" }] };
  const w = (weeks: number) => ({ relation: "within" as const, amount: weeks, unit: "week" as const, text: "", span: S });
  assert.equal(truth(rx("procedure", "major-surgery", { window: w(4) }), p).truth, "true");
  assert.equal(truth(rx("class", "live-vaccine", { window: w(4) }), p).truth, "true");
  assert.equal(truth(rx("procedure", "radiotherapy"), p).truth, "false");
});

test("biomarkers: wild-type / negative agree, variants, numeric levels, unknown when untested", () => {
  const p: Patient = { biomarkers: [{ marker: "EGFR", status: "mutated", variant: "exon 19 deletion" }, { marker: "ALK", status: "negative" }, { marker: "PD-L1", value: 60, unit: "%" }] };
  assert.equal(truth(bm("EGFR", { status: "wild-type" }), p).truth, "false");
  assert.equal(truth(bm("EGFR", { status: "exon 19 deletion" }), p).truth, "true");
  assert.equal(truth(bm("ALK", { status: "wild-type" }), p).truth, "true");
  assert.equal(truth(bm("PDL1", { op: ">=", value: 50, unit: "%" }), p).truth, "true");
  const ros1 = truth(bm("ROS1", { status: "negative" }), p);
  assert.equal(ros1.truth, "unknown");
  assert.equal(ros1.question?.text, "What is the patient's ROS1 status?");
});

test("demographics: sex, pregnancy and lactation (false for men), contraception left to consent", () => {
  assert.equal(truth(demo("sex", { sex: "female" }), { sex: "male" }).truth, "false");
  assert.equal(truth(demo("pregnancy"), { sex: "male" }).truth, "false");
  assert.equal(truth(demo("pregnancy"), { sex: "female" }).truth, "unknown");
  assert.equal(truth(demo("pregnancy"), { sex: "female", pregnant: true }).truth, "true");
  assert.equal(truth(demo("lactation", { negated: true }), { sex: "female", lactating: false }).truth, "true");
  assert.equal(truth(demo("contraception"), { sex: "female" }).computable, false);
});

test("prognosis: life expectancy in weeks or months against the patient's estimate in months; none → a question", () => {
  const le = (op: PrognosisConstraint["op"], value: number, unit: string): PrognosisConstraint => ({
    type: "prognosis", variable: "life-expectancy", mention: "life expectancy", mentionSpan: S, op, value, valueSpan: S, unit,
  });
  const p: Patient = { lifeExpectancyMonths: 2 };
  assert.equal(truth(le(">=", 3, "mo"), p).truth, "false");
  assert.equal(truth(le(">=", 8, "wk"), p).truth, "true"); // 8 weeks ≈ 1.84 months
  assert.equal(truth(le(">=", 12, "wk"), p).truth, "false"); // 12 weeks ≈ 2.76 months
  assert.equal(truth(le("<", 1, "a"), p).truth, "true");
  const unknown = truth(le(">=", 3, "mo"), {});
  assert.equal(unknown.truth, "unknown");
  assert.match(unknown.question?.text ?? JSON.stringify(unknown), /life expectancy/i);
});

test("age: an age in whole years against a threshold in months counts the whole years (1 year is 12 months, not 11)", () => {
  const r = truth(num("age", ">=", 12, { unit: "mo" }), { age: 1 });
  assert.equal(r.truth, "true");
  assert.equal(r.evidence.value, 12);
  assert.equal(truth(num("age", "<", 12, { unit: "mo" }), { age: 1 }).truth, "false");
});

test("numeric: a percentage threshold written as a fraction of 1 (EF < 0.40) compares with a patient's percentage", () => {
  const p: Patient = { observations: [{ variable: "lvef", value: 35, unit: "%" }] };
  assert.equal(truth(num("lvef", "<", 0.4, { unit: "1" }), p).truth, "true");
  assert.equal(truth(num("lvef", ">=", 0.5, { unit: "1" }), p).truth, "false");
});

test("diagnosis: stage lists admit any item, and a stage admits its own sub-stages only (II is not IIIB)", () => {
  const stage = (want: string, have: string) => truth(dx(null, `stage ${want}`, { aspect: "stage", stage: want }), { conditions: [{ text: "ovarian cancer", stage: have }] }).truth;
  assert.equal(stage("IIIB, IIIC, or IV", "IV"), "true");
  assert.equal(stage("IIIB, IIIC, or IV", "IIIA"), "false");
  assert.equal(stage("II, III, and IV", "IIIA"), "true");
  assert.equal(stage("III or IV", "II"), "false");
  assert.equal(stage("II", "IIIB"), "false");
  assert.equal(stage("I-II", "IIIC"), "false");
  assert.equal(stage("I-II", "IIB"), "true");
  assert.equal(stage("III-IV", "IVB"), "true");
  assert.equal(stage("IIIB", "III"), "unknown");
});
