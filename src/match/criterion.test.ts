/** Criterion-level evaluation: kinds, qualified thresholds, "or" logic, list semantics, verdicts and questions. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Constraint, Criterion, NumericConstraint } from "../criteria/types.js";
import { parseCriteria } from "../criteria/parse.js";
import type { Patient } from "../model/patient.js";
import { combine, evaluateCriterion } from "./criterion.js";
import type { EvalContext, Truth } from "./evaluate.js";
import { patientFacts } from "./facts.js";
import { matchKnowledge } from "./knowledge.js";
import { evaluateTrial, moduleCriteria, type MatchableTrial } from "./trial.js";

const k = matchKnowledge();
const AS_OF = "2026-11-01";
const ctx = (p: Patient): EvalContext => ({ facts: patientFacts(p, AS_OF, k), k, trialConcepts: [] });
const S: [number, number] = [0, 0];
const num = (variable: string, op: NumericConstraint["op"], value: number, extra: Partial<NumericConstraint> = {}): NumericConstraint => ({
  type: "numeric", variable, mention: variable, mentionSpan: S, op, value, valueSpan: S, ...extra,
});
const crit = (kind: Criterion["kind"], constraints: Constraint[], extra: Partial<Criterion> = {}): Criterion => ({
  kind, depth: 0, text: "criterion", span: [0, 9], constraints, ...extra,
});

test("an inclusion passes when its statement holds; an exclusion fails when the patient has what it excludes", () => {
  const p: Patient = { observations: [{ variable: "qtc", value: 480, unit: "ms" }] };
  assert.equal(evaluateCriterion(crit("inclusion", [num("qtc", "<", 470, { unit: "ms" })]), ctx(p)).result.status, "fail");
  assert.equal(evaluateCriterion(crit("exclusion", [num("qtc", ">=", 470, { unit: "ms" })]), ctx(p)).result.status, "fail");
  assert.equal(evaluateCriterion(crit("exclusion", [num("qtc", ">=", 500, { unit: "ms" })]), ctx(p)).result.status, "pass");
  const unknown = evaluateCriterion(crit("exclusion", [num("qtc", ">=", 500, { unit: "ms" })]), ctx({}));
  assert.equal(unknown.result.status, "unknown");
  assert.equal(unknown.computable, true);
  assert.equal(unknown.questions.length, 1);
});

test("conditional ×ULN threshold: 5 × ULN replaces 2.5 × ULN only for patients with liver metastases", () => {
  const c = crit("inclusion", [
    num("alt", "<=", 2.5, { relativeTo: "ULN" }),
    num("alt", "<=", 5, { relativeTo: "ULN", qualifier: { text: "if liver metastases", span: S, condition: "liver" } }),
  ]);
  const alt = (value: number) => ({ variable: "alt", value, unit: "U/L", referenceRange: { high: 40 } });
  const withMets: Patient = { conditions: [{ text: "colon cancer", metastases: [{ site: "liver" }] }], observations: [alt(160)] };
  const without: Patient = { conditions: [{ text: "colon cancer", metastases: [] }], observations: [alt(160)] };
  const notKnown: Patient = { conditions: [{ text: "colon cancer" }], observations: [alt(160)] };
  assert.equal(evaluateCriterion(c, ctx(withMets)).result.status, "pass");
  assert.equal(evaluateCriterion(c, ctx(without)).result.status, "fail");
  const u = evaluateCriterion(c, ctx(notKnown));
  assert.equal(u.result.status, "unknown");
  assert.deepEqual(u.questions.map((q) => q.id), ["metastasis:liver"]);
  // Low enough for both thresholds: liver metastases do not matter.
  assert.equal(evaluateCriterion(c, ctx({ ...notKnown, observations: [alt(60)] })).result.status, "pass");
  assert.equal(evaluateCriterion(c, ctx({ ...withMets, observations: [alt(220)] })).result.status, "fail");
});

test("sex-specific QTc: each threshold applies to its sex; unknown sex asks only when it matters", () => {
  const c = crit("exclusion", [
    num("qtc", ">=", 450, { unit: "ms", qualifier: { text: "male", span: S, sex: "male" } }),
    num("qtc", ">=", 470, { unit: "ms", qualifier: { text: "female", span: S, sex: "female" } }),
  ], { logic: { op: "or", args: [0, 1] } });
  const q = (sex: Patient["sex"], value: number): Patient => ({ ...(sex ? { sex } : {}), observations: [{ variable: "qtc", value, unit: "ms" }] });
  assert.equal(evaluateCriterion(c, ctx(q("male", 455))).result.status, "fail");
  assert.equal(evaluateCriterion(c, ctx(q("female", 455))).result.status, "pass");
  assert.equal(evaluateCriterion(c, ctx(q("female", 475))).result.status, "fail");
  assert.equal(evaluateCriterion(c, ctx(q(undefined, 455))).result.status, "unknown");
  assert.equal(evaluateCriterion(c, ctx(q(undefined, 480))).result.status, "fail");
  assert.equal(evaluateCriterion(c, ctx(q(undefined, 400))).result.status, "pass");
});

test("'or' logic from the parser: creatinine ≤ 1.5 × ULN or clearance ≥ 60 mL/min", () => {
  const c = crit("inclusion", [num("creatinine", "<=", 1.5, { relativeTo: "ULN" }), num("creatinine-clearance", ">=", 60, { unit: "mL/min" })], {
    logic: { op: "or", args: [0, 1] },
  });
  const p: Patient = { observations: [{ variable: "creatinine", value: 150, unit: "umol/L", referenceRange: { high: 90 } }, { variable: "creatinine-clearance", value: 70, unit: "mL/min" }] };
  assert.equal(evaluateCriterion(c, ctx(p)).result.status, "pass");
  assert.equal(evaluateCriterion({ ...c, logic: undefined }, ctx(p)).result.status, "fail");
});

test("lists in an exclusion are alternatives: any drug named excludes", () => {
  const text = "have used penpulimab or other anti-PD-1, anti-PD-L1, anti-CTLA-4 antibodies";
  const at = (word: string): [number, number] => [text.indexOf(word), text.indexOf(word) + word.length];
  const c: Criterion = {
    kind: "exclusion", depth: 0, text, span: [0, text.length],
    constraints: [
      { type: "therapy", category: "drug", concept: "penpulimab", mention: "penpulimab", mentionSpan: at("penpulimab"), timing: "prior", negated: false },
      { type: "therapy", category: "class", concept: "anti-pd-1", mention: "anti-PD-1", mentionSpan: at("anti-PD-1"), timing: "prior", negated: false },
      { type: "therapy", category: "class", concept: "anti-pd-l1", mention: "anti-PD-L1", mentionSpan: at("anti-PD-L1"), timing: "prior", negated: false },
      { type: "therapy", category: "class", concept: "anti-ctla-4", mention: "anti-CTLA-4", mentionSpan: at("anti-CTLA-4"), timing: "prior", negated: false },
    ],
  };
  assert.equal(evaluateCriterion(c, ctx({ medications: [{ name: "atezolizumab" }] })).result.status, "fail");
  assert.equal(evaluateCriterion(c, ctx({ medications: [{ name: "docetaxel" }] })).result.status, "pass");
});

test("judgement-only criteria are unknown but not computable: they do not keep a trial from 'eligible'", () => {
  const j = crit("inclusion", [{ type: "judgement", aspect: "consent", text: "signed consent", span: S }]);
  const e = evaluateCriterion(j, ctx({}));
  assert.equal(e.result.status, "unknown");
  assert.equal(e.computable, false);
  const trial: MatchableTrial = { nctId: "NCT00000001", briefTitle: "t", overallStatus: "RECRUITING", conditions: [], conditionConcepts: [], criteria: [j] };
  assert.equal(evaluateTrial(trial, patientFacts({}, AS_OF, k), k).verdict, "eligible");
});

test("the trial's own conditions, age range and sex are criteria", () => {
  const mod = moduleCriteria({ conditions: ["Non-small Cell Lung Cancer"], minimumAge: "18 Years", maximumAge: "75 Years", sex: "FEMALE" }, k);
  const trial: MatchableTrial = { nctId: "NCT00000002", briefTitle: "t", overallStatus: "RECRUITING", conditions: ["Non-small Cell Lung Cancer"], conditionConcepts: mod.concepts, criteria: mod.criteria };
  const run = (p: Patient) => evaluateTrial(trial, patientFacts(p, AS_OF, k), k);
  const ok = run({ birthDate: "1960-01-01", sex: "female", conditions: [{ text: "lung adenocarcinoma" }] });
  assert.equal(ok.verdict, "eligible");
  assert.ok(ok.score > 0.9, String(ok.score));
  assert.equal(run({ birthDate: "1960-01-01", sex: "female", conditions: [{ text: "small cell lung cancer" }] }).verdict, "ineligible");
  assert.equal(run({ birthDate: "1940-01-01", sex: "female", conditions: [{ text: "NSCLC" }] }).verdict, "ineligible");
  assert.equal(run({ birthDate: "1960-01-01", sex: "male", conditions: [{ text: "NSCLC" }] }).verdict, "ineligible");
  const possible = run({ sex: "female", conditions: [{ text: "NSCLC" }] });
  assert.equal(possible.verdict, "possible");
  assert.deepEqual(possible.questions.map((q) => q.id), ["age"]);
});

test("healthy volunteers, prevention and screening trials do not require the condition studied; an empty condition list is 'none', not unknown", () => {
  const trialOf = (extra: { healthyVolunteers?: boolean; primaryPurpose?: string }, conditions = ["Rheumatoid Arthritis"]) => {
    const mod = moduleCriteria({ conditions, minimumAge: "18 Years", ...extra }, k);
    const excl = parseCriteria("Exclusion Criteria:\n- History of epilepsy", { numericOnly: false });
    return { nctId: "NCT00000003", briefTitle: "t", overallStatus: "RECRUITING", conditions, conditionConcepts: mod.concepts, criteria: [...mod.criteria, ...excl] } satisfies MatchableTrial;
  };
  const healthy: Patient = { birthDate: "1990-01-01", conditions: [] };
  const run = (t: MatchableTrial, p: Patient) => evaluateTrial(t, patientFacts(p, AS_OF, k), k);
  // the condition is required of patients in a treatment trial: an empty list fails it, and the exclusion passes
  const treatment = run(trialOf({}), healthy);
  assert.equal(treatment.verdict, "ineligible");
  assert.deepEqual(treatment.criteria.map((c) => c.status), ["fail", "pass", "pass"]);
  for (const t of [trialOf({ healthyVolunteers: true }), trialOf({ primaryPurpose: "PREVENTION" }), trialOf({ primaryPurpose: "SCREENING" }), trialOf({}, ["Healthy Volunteers"])]) {
    const r = run(t, healthy);
    assert.ok(!r.criteria.some((c) => c.text.startsWith("Condition studied")), "no condition criterion");
    assert.equal(r.verdict, "eligible");
  }
  // a patient whose conditions are not known at all is asked
  assert.equal(run(trialOf({ healthyVolunteers: true }), { birthDate: "1990-01-01" }).verdict, "possible");
  // and one with the excluded condition is not eligible
  assert.equal(run(trialOf({ healthyVolunteers: true }), { birthDate: "1990-01-01", conditions: [{ text: "seizure disorder" }] }).verdict, "ineligible");
});

const truthArb = fc.constantFrom<Truth>("true", "false", "unknown", "na");

test("property: Kleene combination does not depend on the order of its arguments", () => {
  fc.assert(
    fc.property(fc.array(truthArb, { minLength: 1, maxLength: 8 }), fc.constantFrom<"and" | "or">("and", "or"), fc.infiniteStream(fc.nat()), (vals, op, seeds) => {
      const idx = vals.map((_, i) => i);
      const shuffled = [...idx];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = (seeds.next().value as number) % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      assert.equal(combine({ op, args: idx }, (i) => vals[i]), combine({ op, args: shuffled }, (i) => vals[i]));
    }),
  );
});

test("a denial distributes over 'or' in an inclusion: 'Never received pembrolizumab or nivolumab' excludes a patient who had either", () => {
  const text = "Never received pembrolizumab or nivolumab";
  const drug = (name: string, at: number): Constraint => ({
    type: "therapy", category: "drug", concept: name, mention: name, mentionSpan: [at, at + name.length], timing: "prior", negated: true,
  });
  const c = crit("inclusion", [drug("pembrolizumab", 15), drug("nivolumab", 32)], { text, span: [0, text.length] });
  const had = (name: string): Patient => ({ medications: [{ name, start: "2025-01-01", end: "2025-06-01" }] });
  assert.equal(evaluateCriterion(c, ctx(had("nivolumab"))).result.status, "fail");
  assert.equal(evaluateCriterion(c, ctx(had("pembrolizumab"))).result.status, "fail");
  assert.equal(evaluateCriterion(c, ctx(had("capecitabine"))).result.status, "pass");
});

test("a criterion from which nothing computable was read is unknown, for a human, and does not block 'eligible'", () => {
  const r = evaluateCriterion(crit("exclusion", [], { text: "Tumour vessels invading the great vessels on imaging" }), ctx({}));
  assert.equal(r.result.status, "unknown");
  assert.equal(r.computable, false);
  assert.deepEqual(r.questions, []);
});

test("a threshold qualified by a condition in its own words: unknown until asked, then decided by the patient's conditions", () => {
  const c = parseCriteria("Inclusion Criteria:\n- Platelets ≥ 100 × 10^9/L (≥ 75 × 10^9/L if bone marrow involvement)")[0];
  const obs = [{ variable: "platelets", value: 80, unit: "10*9/L" }];
  const open = evaluateCriterion(c, ctx({ observations: obs }));
  assert.equal(open.result.status, "unknown");
  assert.deepEqual(open.questions.map((q) => q.text), ["Does the patient have bone marrow involvement?"]);
  assert.equal(evaluateCriterion(c, ctx({ observations: obs, conditions: [{ text: "lymphoma with bone marrow involvement" }] })).result.status, "pass");
  assert.equal(evaluateCriterion(c, ctx({ observations: [{ variable: "platelets", value: 60, unit: "10*9/L" }] })).result.status, "fail");
});

test("a threshold that applies unless the patient takes anticoagulants; decided without asking when either way gives the same status", () => {
  const c = parseCriteria("Inclusion Criteria:\n- INR ≤ 1.5 × ULN unless the patient is receiving anticoagulant therapy")[0];
  const inr = (value: number) => [{ variable: "inr", value, unit: "{INR}", referenceRange: { high: 1.1 } }];
  assert.equal(evaluateCriterion(c, ctx({ observations: inr(2.5), medications: [{ name: "warfarin", start: "2026-01-01" }] })).result.status, "pass");
  assert.equal(evaluateCriterion(c, ctx({ observations: inr(2.5), medications: [] })).result.status, "fail");
  const open = evaluateCriterion(c, ctx({ observations: inr(2.5) }));
  assert.equal(open.result.status, "unknown");
  assert.deepEqual(open.questions.map((q) => q.text), ["Is the patient currently taking an anticoagulant?"]);
  assert.equal(evaluateCriterion(c, ctx({ observations: inr(1.0) })).result.status, "pass");
});

test("a threshold that applies unless the patient has a condition: 'bilirubin ≤ 1.5 × ULN unless Gilbert's syndrome'", () => {
  const c = parseCriteria("Inclusion Criteria:\n- Total bilirubin ≤ 1.5 × ULN (unless documented Gilbert's syndrome)")[0];
  const bili = (value: number) => [{ variable: "total-bilirubin", value, unit: "mg/dL", referenceRange: { high: 1.2 } }];
  assert.equal(evaluateCriterion(c, ctx({ observations: bili(3.0), conditions: [{ text: "Gilbert syndrome" }] })).result.status, "pass");
  const open = evaluateCriterion(c, ctx({ observations: bili(3.0) }));
  assert.equal(open.result.status, "unknown");
  assert.deepEqual(open.questions.map((q) => q.text), ["Does the patient have gilbert syndrome?"]);
  assert.equal(evaluateCriterion(c, ctx({ observations: bili(3.0), conditions: [{ text: "hypertension" }] })).result.status, "fail");
  assert.equal(evaluateCriterion(c, ctx({ observations: bili(1.0) })).result.status, "pass");
});

test("a conditional threshold: 'urine protein < 2+; if ≥ 2+, 24-hour urine protein ≤ 1 g' — the 24-hour quantity decides only above the grade", () => {
  for (const text of [
    "Inclusion Criteria:\n- Urine routine: urine protein < 2+; if urine protein ≥ 2+, 24-hour urine protein must be ≤ 1 g",
    "Inclusion Criteria:\n- Urine protein < 2+ (if ≥ 2+, 24h urine protein < 1.0 g)",
  ]) {
    const c = parseCriteria(text)[0];
    const dip = (value: number) => ({ variable: "urine-protein-dipstick", value, unit: "{dipstick}" });
    const day = (value: number) => ({ variable: "urine-protein-24h", value, unit: "g/(24.h)" });
    const status = (observations: Array<{ variable: string; value: number; unit: string }>) => evaluateCriterion(c, ctx({ observations })).result.status;
    assert.equal(status([dip(1)]), "pass", text);
    const cond = c.constraints.findIndex((k) => k.type === "numeric" && k.op === ">=" && k.variable === "urine-protein-dipstick");
    assert.equal(evaluateCriterion(c, ctx({ observations: [dip(1)] })).result.evidence[cond].note, "the condition under which another threshold applies");
    assert.equal(status([dip(3), day(0.5)]), "pass", text);
    assert.equal(status([dip(3), day(2)]), "fail", text);
    const open = evaluateCriterion(c, ctx({ observations: [dip(3)] }));
    assert.equal(open.result.status, "unknown", text);
    assert.ok(open.questions.some((q) => /24/.test(q.text) || /urine protein/i.test(q.text)), JSON.stringify(open.questions));
    assert.equal(status([]), "unknown", text);
  }
});

test("a trial whose record gives no criteria at all is possible, not eligible: nothing was checked", () => {
  const trial: MatchableTrial = { nctId: "NCT00465816", briefTitle: "t", overallStatus: null, conditions: [], conditionConcepts: [], criteria: [] };
  const r = evaluateTrial(trial, patientFacts({ birthDate: "1960-01-01" }, AS_OF, k), k);
  assert.equal(r.verdict, "possible");
  assert.deepEqual(r.questions, []);
});

test("thresholds by age: 'PSA between 2.5 and 10 if 50-60 years of age; or between 3.0 and 10 if over age 60'", () => {
  const c = parseCriteria("Inclusion Criteria:\n- Have a PSA between 2.5 and 10 if 50-60 years of age; or a PSA between 3.0 and 10 if over age 60.")[0];
  assert.deepEqual(
    c.constraints.map((k) => (k.type === "numeric" ? k.qualifier?.age : undefined)),
    [{ op: "range", value: 50, value2: 60, unit: "a" }, { op: ">", value: 60, unit: "a" }],
  );
  const psa = (value: number) => [{ variable: "psa", value, unit: "ng/mL" }];
  const run = (birthDate: string | undefined, value: number) => evaluateCriterion(c, ctx({ ...(birthDate ? { birthDate } : {}), observations: psa(value) })).result.status;
  assert.equal(run("1970-06-01", 2.8), "pass"); // 56: 2.5-10
  assert.equal(run("1960-06-01", 2.8), "fail"); // 66: 3.0-10
  assert.equal(run("1960-06-01", 5), "pass");
  assert.equal(run("1970-06-01", 12), "fail");
  const open = evaluateCriterion(c, ctx({ observations: psa(2.8) }));
  assert.equal(open.result.status, "unknown");
  assert.ok(open.questions.some((q) => q.id === "age"));
});

test("a threshold for patients on a drug: 'eGFR ≥ 30 mL/min (≥ 45 for patients taking metformin)'", () => {
  const c = parseCriteria("Inclusion Criteria:\n- eGFR ≥ 30 mL/min/1.73 m2 (≥ 45 for patients taking metformin)")[0];
  const egfr = [{ variable: "egfr", value: 40, unit: "mL/min/{1.73_m2}" }];
  assert.equal(evaluateCriterion(c, ctx({ observations: egfr, medications: [{ name: "metformin", start: "2025-01-01" }] })).result.status, "fail");
  assert.equal(evaluateCriterion(c, ctx({ observations: egfr, medications: [] })).result.status, "pass");
  const open = evaluateCriterion(c, ctx({ observations: egfr }));
  assert.equal(open.result.status, "unknown");
  assert.deepEqual(open.questions.map((q) => q.text), ["Is the patient currently taking metformin?"]);
});

test("a criterion eligo could not read that names the patient's own drug or condition blocks 'eligible' and asks; others are left for a human", () => {
  const unread = crit("exclusion", [], { text: "Prior treatment with Zorbatamab-X or participation in its extension study" });
  const p: Patient = { medications: [{ name: "Zorbatamab-X", start: "2023-01-01", end: "2023-06-01" }], conditions: [{ text: "Frobnitz syndrome" }] };
  const e = evaluateCriterion(unread, ctx(p));
  assert.equal(e.result.status, "unknown");
  assert.equal(e.computable, true, "it counts against 'eligible'");
  assert.match(e.result.evidence[0].note ?? "", /medication Zorbatamab-X/);
  assert.equal(e.questions.length, 1);
  const byCondition = evaluateCriterion(crit("exclusion", [], { text: "History of Frobnitz syndrome requiring admission" }), ctx(p));
  assert.equal(byCondition.computable, true);
  // nothing of the patient's named: a human's to read, as before
  const other = evaluateCriterion(crit("exclusion", [], { text: "Unable to attend study visits" }), ctx(p));
  assert.equal(other.computable, false);
  assert.deepEqual(other.questions, []);
  // the condition the trial studies is named everywhere: it does not count
  const own = { ...ctx({ conditions: [{ text: "nasopharyngeal carcinoma" }] }), trialConcepts: ["npc"] };
  assert.equal(evaluateCriterion(crit("exclusion", [], { text: "Progression within 6 months after therapy of nasopharyngeal carcinoma" }), own).computable, false);
});

test("in a cancer trial, an exclusion of cancer as such is about other cancers than the one the trial is for", () => {
  const mod = moduleCriteria({ conditions: ["Breast Cancer"] }, k);
  for (const t of ["History of prior cancer within 3 years", "Prior malignancy active within the previous 2 years", "Other malignancy within 5 years"]) {
    const trial: MatchableTrial = { nctId: "NCT00000004", briefTitle: "t", overallStatus: "RECRUITING", conditions: ["Breast Cancer"], conditionConcepts: mod.concepts, criteria: [...mod.criteria, ...parseCriteria(`Exclusion Criteria:\n- ${t}`)] };
    const status = (conditions: Patient["conditions"]) => evaluateTrial(trial, patientFacts({ birthDate: "1970-01-01", conditions }, AS_OF, k), k).criteria.map((c) => c.status);
    assert.deepEqual(status([{ text: "breast cancer" }]), ["pass", "pass"], t);
    assert.deepEqual(status([{ text: "breast cancer" }, { text: "colon cancer", onset: "2025-01-01" }]), ["pass", "fail"], t);
  }
});

test("a lead-in 'For women of childbearing potential: … one of the following:' is no requirement: it passes those it does not concern", () => {
  const [lead] = parseCriteria("Inclusion Criteria:\n- For women of childbearing potential: agreeable to use one of the following:\n  - hormonal methods");
  const status = (p: Patient) => evaluateCriterion(lead, ctx({ birthDate: "1980-01-01", ...p })).result.status;
  assert.equal(status({ sex: "male" }), "pass");
  assert.equal(status({ sex: "female", childbearingPotential: false }), "pass");
  assert.equal(status({ sex: "female", childbearingPotential: true }), "pass");
  // stated as a requirement, it is one
  const [req] = parseCriteria("Inclusion Criteria:\n- Women of childbearing potential");
  assert.equal(evaluateCriterion(req, ctx({ birthDate: "1980-01-01", sex: "male" })).result.status, "fail");
});

test("having a condition does not say it is uncontrolled, unstable or clinically significant: such an exclusion asks", () => {
  const status = (criterion: string, conditions: Patient["conditions"]) => {
    const [c] = parseCriteria(`Exclusion Criteria:\n- ${criterion}`);
    return evaluateCriterion(c, ctx({ birthDate: "1960-01-01", conditions })).result.status;
  };
  const htn = [{ text: "essential hypertension", clinicalStatus: "active" as const }];
  assert.equal(status("Uncontrolled hypertension", htn), "unknown");
  assert.equal(status("poorly controlled or severe cardiovascular disease", htn), "unknown");
  assert.equal(status("clinically significant cardiovascular disease", htn), "unknown");
  // a history, or the plain condition, is settled by having it
  assert.equal(status("History of hypertension", htn), "fail");
  assert.equal(status("Hypertension", htn), "fail");
  // and not having it passes
  assert.equal(status("Uncontrolled hypertension", [{ text: "asthma" }]), "pass");
});

test("a surgery or radiotherapy at a named site counts only at that site; a kind of infection the table lacks is that kind", () => {
  const status = (criterion: string, p: Patient) => {
    const [c] = parseCriteria(`Exclusion Criteria:\n- ${criterion}`);
    return evaluateCriterion(c, ctx({ birthDate: "1950-01-01", sex: "male", ...p })).result.status;
  };
  assert.equal(status("Previous prostate surgery", { procedures: [{ kind: "surgery", name: "appendectomy", start: "1990-01-01" }] }), "pass");
  assert.equal(status("Previous prostate surgery", { procedures: [{ kind: "surgery", name: "radical prostatectomy", start: "2020-01-01" }] }), "fail");
  assert.equal(status("Previous prostate surgery", { procedures: [{ kind: "surgery", start: "2020-01-01" }] }), "unknown");
  assert.equal(status("Prior radiotherapy to the chest", { procedures: [{ kind: "radiotherapy", site: "pelvis", start: "2020-01-01" }] }), "pass");
  assert.equal(status("Prior radiotherapy to the chest", { procedures: [{ kind: "radiotherapy", site: "lung", start: "2020-01-01" }] }), "fail");
  // without a site, any surgery counts, as before
  assert.equal(status("Prior surgery", { procedures: [{ kind: "surgery", name: "appendectomy", start: "1990-01-01" }] }), "fail");
  assert.equal(status("active tuberculosis or listeria infection", { conditions: [{ text: "chronic hepatitis B", clinicalStatus: "active" }] }), "pass");
  assert.equal(status("active infection", { conditions: [{ text: "chronic hepatitis B", clinicalStatus: "active" }] }), "fail");
  assert.equal(status("listeria infection", { conditions: [{ text: "listeria infection" }] }), "fail");
});

test("a washout ('at least 4 weeks since prior chemotherapy', '≥14 days prior') is met by a patient who never had it, failed by a recent exposure", () => {
  const status = (criterion: string, p: Patient) => {
    const [c] = parseCriteria(`Inclusion Criteria:\n- ${criterion}`);
    return evaluateCriterion(c, ctx({ birthDate: "1960-01-01", ...p })).result.status;
  };
  const recentChemo: Patient = { medications: [{ name: "carboplatin", start: "2026-10-20", end: "2026-10-25" }] };
  const oldChemo: Patient = { medications: [{ name: "carboplatin", start: "2025-01-10", end: "2025-03-25" }, ...(recentChemo.medications ?? [])].slice(0, 1) };
  for (const c of ["At least 4 weeks since prior chemotherapy", "More than 28 days since last chemotherapy"]) {
    assert.equal(status(c, { medications: [] }), "pass", c);
    assert.equal(status(c, recentChemo), "fail", c);
    assert.equal(status(c, oldChemo), "pass", c);
  }
  const rt = (start: string, end: string): Patient => ({ procedures: [{ kind: "radiotherapy", start, end }] });
  assert.equal(status("Completed any radiotherapy ≥14 days prior to enrollment", rt("2026-10-20", "2026-10-25")), "fail");
  assert.equal(status("Completed any radiotherapy ≥14 days prior to enrollment", rt("2026-09-01", "2026-09-20")), "pass");
  assert.equal(status("Completed any radiotherapy ≥14 days prior to enrollment", { procedures: [] }), "pass");
  // prevention or risk of a disease is not the disease
  const [prev] = parseCriteria("Inclusion Criteria:\n- Require treatment for the prevention of systemic fungal infection");
  assert.ok(!prev.constraints.some((k) => k.type === "diagnosis"));
});

test("items under 'at least one of the following:' (or joined by 'or') are alternatives: one passing is enough", () => {
  for (const text of [
    "Inclusion Criteria:\n- Participants must meet at least one of the following: 1) epilepsy, 2) obstructive sleep apnea, 3) migraine\n- Age ≥ 18 years",
    "Inclusion Criteria:\n- Dysregulation as evidenced by 1) epilepsy and/or 2) obstructive sleep apnea and/or 3) migraine\n- Age ≥ 18 years",
  ]) {
    const criteria = parseCriteria(text);
    assert.deepEqual(criteria.map((c) => c.depth), [0, 1, 1, 1, 0], "the inline items are the lead-in's");
    const run = (conditions?: Patient["conditions"]) => evaluateTrial({ nctId: "NCT00000005", briefTitle: "t", overallStatus: "RECRUITING", conditions: [], conditionConcepts: [], criteria }, patientFacts({ birthDate: "1980-01-01", ...(conditions ? { conditions } : {}) }, AS_OF, k), k);
    assert.equal(run([{ text: "migraine" }]).verdict, "eligible");
    assert.deepEqual(run([{ text: "migraine" }]).criteria.slice(1, 4).map((c) => c.status), ["pass", "pass", "pass"]);
    assert.equal(run([{ text: "asthma" }]).verdict, "ineligible");
    assert.equal(run().verdict, "possible");
  }
});

test("permissions, study-drug periods, any medication, histories and the record's own 'uncontrolled'", () => {
  const status = (kind: "Inclusion" | "Exclusion", criterion: string, p: Patient) => {
    const [c] = parseCriteria(`${kind} Criteria:\n- ${criterion}`);
    return evaluateCriterion(c, ctx({ birthDate: "1960-01-01", sex: "male", ...p })).result.status;
  };
  // a permission requires nothing
  const [perm] = parseCriteria("Inclusion Criteria:\n- Patients could be receiving concomitant chemotherapy or radiotherapy");
  assert.deepEqual(perm.constraints.map((k) => k.type), ["judgement"]);
  assert.equal(status("Inclusion", "Hemoglobin ≥ 9 g/dL (blood transfusion is allowed to achieve this)", { observations: [{ variable: "hemoglobin", value: 10, unit: "g/dL" }], procedures: [] }), "pass");
  // the study drug a contraception period counts from is no therapy of the patient's
  const [period] = parseCriteria("Inclusion Criteria:\n- Women of childbearing potential must use contraception within 6 months after the final dose of bevacizumab");
  assert.ok(!period.constraints.some((k) => k.type === "therapy"));
  // any prescription or over-the-counter drug
  const ibuprofen: Patient = { medications: [{ name: "ibuprofen", start: "2026-10-01", end: "2026-10-25" }] };
  assert.equal(status("Exclusion", "Took any prescription or over-the-counter drugs within 14 days prior to screening", ibuprofen), "fail");
  assert.equal(status("Exclusion", "Took any prescription or over-the-counter drugs within 14 days prior to screening", { medications: [] }), "pass");
  // "history of active X": a resolved one counts
  assert.equal(status("Exclusion", "Previous history of active tuberculosis", { conditions: [{ text: "pulmonary tuberculosis", clinicalStatus: "resolved" }] }), "fail");
  // the record itself says uncontrolled
  assert.equal(status("Exclusion", "History of uncontrolled diabetes", { conditions: [{ text: "type 2 diabetes, uncontrolled" }] }), "fail");
  // a washout's "no" belongs to what follows it
  assert.equal(status("Inclusion", "More than 4 weeks since prior and no concurrent finasteride", { medications: [{ name: "finasteride", start: "2025-01-01", end: "2026-08-01" }] }), "pass");
  assert.equal(status("Inclusion", "More than 4 weeks since prior and no concurrent finasteride", { medications: [] }), "pass");
});

test("a number of different drugs of a class, and a dose above which a drug counts", () => {
  const status = (criterion: string, p: Patient) => {
    const [c] = parseCriteria(`Exclusion Criteria:\n- ${criterion}`);
    return evaluateCriterion(c, ctx({ birthDate: "1960-01-01", ...p })).result.status;
  };
  const oneTnf: Patient = { medications: [{ name: "adalimumab", start: "2024-01-01", end: "2025-01-01" }] };
  const twoTnf: Patient = { medications: [...oneTnf.medications!, { name: "infliximab", start: "2025-02-01", end: "2026-01-01" }] };
  assert.equal(status("Prior treatment with more than 1 TNF antagonist", oneTnf), "pass");
  assert.equal(status("Prior treatment with more than 1 TNF antagonist", twoTnf), "fail");
  const aspirin = (mg: number): Patient => ({ medications: [{ name: "aspirin", start: "2025-01-01", dose: { value: mg, unit: "mg/d" } }] });
  assert.equal(status("Chronic use of aspirin > 325 mg/day", aspirin(81)), "pass");
  assert.equal(status("Chronic use of aspirin > 325 mg/day", aspirin(650)), "fail");
  // Corticosteroid limits are prednisone equivalents, and so is the dose taken: dexamethasone 6 mg/d is prednisone 40 mg/d.
  const dex = (mg: number): Patient => ({ medications: [{ name: "dexamethasone", start: "2026-10-01", dose: { value: mg, unit: "mg/d" } }] });
  assert.equal(status("Systemic corticosteroids > 10 mg/day prednisone or equivalent", dex(6)), "fail");
  assert.equal(status("Systemic corticosteroids > 10 mg/day prednisone or equivalent", dex(1)), "pass");
});

test("a washout of days or half-lives: inside the days decides; past them (yet within 60 days a half-life) asks; long past passes", () => {
  const status = (text: string, end: string) => {
    const [c] = parseCriteria(`Exclusion Criteria:\n- ${text}`);
    return evaluateCriterion(c, ctx({ birthDate: "1960-01-01", medications: [{ name: "rituximab", start: "2019-01-01", end }] })).result.status;
  };
  const longer = "Treatment with rituximab within 28 days or 5 half-lives, whichever is longer, before the first dose";
  assert.equal(status(longer, "2026-11-20"), "fail");
  assert.equal(status(longer, "2026-09-01"), "unknown");
  assert.equal(status(longer, "2020-03-01"), "pass");
  const shorter = "Treatment with rituximab within 28 days or 5 half-lives, whichever is shorter";
  assert.equal(status(shorter, "2026-11-20"), "unknown");
  assert.equal(status(shorter, "2026-09-01"), "pass");
});

test("a measurement eligo has no variable for is not known, and asked: the criterion does not pass on its other parts", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- Ulcerative colitis with a Zurich activity index ≥ 2");
  const r = evaluateCriterion(c, ctx({ birthDate: "1960-01-01", conditions: [{ text: "ulcerative colitis" }] }));
  assert.equal(r.result.status, "unknown");
  assert.ok(r.questions.some((q) => /Zurich activity index/.test(q.text)), JSON.stringify(r.questions));
  // an unread word that names no measurement is shown only
  const [d] = parseCriteria("Inclusion Criteria:\n- Ulcerative colitis, Visit 1 ≥ 2");
  assert.equal(evaluateCriterion(d, ctx({ birthDate: "1960-01-01", conditions: [{ text: "ulcerative colitis" }] })).result.status, "pass");
});

test("'recurrent' and 'progressive' are not settled by having the condition: the record's words decide, or they are asked", () => {
  const [c] = parseCriteria("Exclusion Criteria:\n- Recurrent or progressive glioma");
  const st = (text: string) => evaluateCriterion(c, ctx({ birthDate: "1960-01-01", conditions: [{ text, onset: "2026-10-01" }] })).result.status;
  assert.equal(st("Glioblastoma, IDH-wildtype"), "unknown");
  assert.equal(st("recurrent glioblastoma"), "fail");
});

test("BMI is derived from the latest weight and height when none is recorded", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- BMI ≥ 30 kg/m2");
  const st = (w: number, wu: string, h: number, hu: string) =>
    evaluateCriterion(c, ctx({ birthDate: "1960-01-01", observations: [{ variable: "weight", value: w, unit: wu, date: "2026-10-20" }, { variable: "height", value: h, unit: hu, date: "2026-10-20" }] })).result.status;
  assert.equal(st(95, "kg", 170, "cm"), "pass");
  assert.equal(st(180, "[lb_av]", 70, "[in_i]"), "fail");
});

test("a window with a near end: 'at least 14 and no more than 42 days before' admits neither 9 nor 60 days ago", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- Surgical resection performed at least 14 days and no more than 42 days before randomisation");
  const st = (start: string) => evaluateCriterion(c, ctx({ birthDate: "1960-01-01", procedures: [{ kind: "surgery", name: "craniotomy and resection of tumour", start }] })).result.status;
  assert.equal(st("2026-10-23"), "fail");
  assert.equal(st("2026-10-01"), "pass");
  assert.equal(st("2026-09-01"), "fail");
});

test("results a diagnosis states in its name ('Glioblastoma, IDH-wildtype') and IDH from IDH1 and IDH2", () => {
  const [c] = parseCriteria("Exclusion Criteria:\n- IDH1 or IDH2 mutation");
  const st = (p: Patient) => evaluateCriterion(c, ctx({ birthDate: "1960-01-01", ...p })).result.status;
  assert.equal(st({ conditions: [{ text: "Glioblastoma, IDH-wildtype, CNS WHO grade 4" }] }), "pass");
  assert.equal(st({ conditions: [{ text: "Glioblastoma" }], biomarkers: [{ marker: "IDH1", status: "Absent" }, { marker: "IDH2", status: "Absent" }] }), "pass");
  assert.equal(st({ conditions: [{ text: "Glioblastoma" }], biomarkers: [{ marker: "IDH1", status: "mutated", variant: "R132H" }] }), "fail");
  assert.equal(st({ conditions: [{ text: "Glioblastoma" }] }), "unknown");
});

test("a score recorded with a unit ('8 d' monthly migraine days) is its number", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- 4 to 14 monthly migraine days on average");
  const st = (value: number) => evaluateCriterion(c, ctx({ birthDate: "1960-01-01", observations: [{ text: "Monthly migraine days (3-month average)", value, unit: "d", date: "2026-10-20" }] })).result.status;
  assert.equal(st(8), "pass");
  assert.equal(st(16), "fail");
});

test("a drug the table does not list matches by its name, salt words aside; a combination inhaler is each of its classes, none systemic", () => {
  const status = (text: string, p: Patient) => {
    const [c] = parseCriteria(`Exclusion Criteria:\n- ${text}`);
    return evaluateCriterion(c, ctx({ birthDate: "1960-01-01", ...p })).result.status;
  };
  const took = (name: string, start = "2024-01-01"): Patient => ({ medications: [{ name, start }] });
  assert.equal(status("Previous treatment with trabectedin or eribulin", took("eribulin mesylate")), "fail");
  assert.equal(status("Previous treatment with trabectedin or eribulin", took("doxorubicin")), "pass");
  const [triple] = parseCriteria("Inclusion Criteria:\n- Stable triple maintenance therapy (inhaled corticosteroid + LABA + LAMA) for at least 3 months before screening");
  assert.equal(evaluateCriterion(triple, ctx({ birthDate: "1960-01-01", ...took("fluticasone furoate/umeclidinium/vilanterol") })).result.status, "pass");
  assert.equal(evaluateCriterion(triple, ctx({ birthDate: "1960-01-01", ...took("Symbicort") })).result.status, "fail");
  assert.equal(status("Systemic corticosteroids within 4 weeks", took("Trelegy Ellipta", "2026-11-01")), "pass");
});

test("a trial whose title is about prevention or risk does not require the condition it names", () => {
  const mod = moduleCriteria({ conditions: ["Candidiasis"], title: "Voriconazole In Children Who Are At High Risk For Systemic Fungal Infection", primaryPurpose: "TREATMENT" }, k);
  assert.ok(!mod.criteria.some((c) => c.text.startsWith("Condition studied")));
  const treat = moduleCriteria({ conditions: ["Candidiasis"], title: "Voriconazole for Oral Candidiasis", primaryPurpose: "TREATMENT" }, k);
  assert.ok(treat.criteria.some((c) => c.text.startsWith("Condition studied")));
});

test("'Participants with hepatitis B infection must have …': the rest applies only to them; the condition the trial studies stays required", () => {
  const [hbv] = parseCriteria("Inclusion Criteria:\n- Participants with hepatitis B infection must have HBV DNA < 500 IU/mL");
  const status = (p: Patient, trialConcepts: string[] = []) => evaluateCriterion(hbv, { ...ctx(p), trialConcepts }).result.status;
  assert.equal(status({ conditions: [{ text: "lung cancer" }] }), "pass");
  assert.equal(status({ conditions: [{ text: "chronic hepatitis B" }], observations: [{ variable: "hbv-dna", value: 100, unit: "[IU]/mL" }] }), "pass");
  assert.equal(status({ conditions: [{ text: "chronic hepatitis B" }], observations: [{ variable: "hbv-dna", value: 5000, unit: "[IU]/mL" }] }), "fail");
  assert.equal(status({ conditions: [{ text: "chronic hepatitis B" }] }), "unknown");
  // diagnoses not known: only a pass of the rest settles it
  assert.equal(status({ observations: [{ variable: "hbv-dna", value: 100, unit: "[IU]/mL" }] }), "pass");
  assert.equal(status({ observations: [{ variable: "hbv-dna", value: 5000, unit: "[IU]/mL" }] }), "unknown");
  // with nothing computable after the lead-in: those it is for are asked about, the others pass
  const [mets] = parseCriteria("Inclusion Criteria:\n- Patients with treated brain metastases are eligible if neurologically stable");
  const r = evaluateCriterion(mets, ctx({ conditions: [{ text: "lung cancer" }, { text: "brain metastases" }] }));
  assert.equal(r.result.status, "unknown");
  assert.equal(r.computable, true);
  assert.equal(r.questions.length, 1);
  // the trial's own condition is required, not a condition of applicability
  const [nsclc] = parseCriteria("Inclusion Criteria:\n- Patients with non-small cell lung cancer must have measurable disease");
  const lung = k.conceptOf("lung cancer")!;
  assert.equal(evaluateCriterion(nsclc, { ...ctx({ conditions: [{ text: "breast cancer" }], measurableDisease: true }), trialConcepts: [lung] }).result.status, "fail");
  // (a criterion belongs to one trial: its plan is made once, with that trial's conditions)
  const [basket] = parseCriteria("Inclusion Criteria:\n- Patients with non-small cell lung cancer must have measurable disease");
  assert.equal(evaluateCriterion(basket, { ...ctx({ conditions: [{ text: "breast cancer" }], measurableDisease: true }), trialConcepts: [] }).result.status, "pass");
  // an exclusion keeps its plain reading; "must be excluded" is no lead-in
  assert.ok(!parseCriteria("Patients with active hepatitis B must be excluded")[0].constraints.some((c) => c.type === "diagnosis" && c.subject));
});

test("'TSH outside 0.4-4.0 mIU/L' excludes values outside the range, not those in it", () => {
  const c = crit("exclusion", [num("tsh", "range", 0.4, { value2: 4, unit: "m[IU]/L", outside: true })]);
  const status = (v: number) => evaluateCriterion(c, ctx({ observations: [{ variable: "tsh", value: v, unit: "m[IU]/L" }] })).result.status;
  assert.equal(status(2), "pass");
  assert.equal(status(6), "fail");
  assert.equal(status(0.1), "fail");
});

test("'Myocardial infarction or stroke within 90 days': a condition counts when it began in the window or is still present; asked when the record gives no date", () => {
  const [c] = parseCriteria("Exclusion Criteria:\n- Myocardial infarction or stroke within 90 days before screening");
  const status = (conditions: Patient["conditions"]) => evaluateCriterion(c, ctx({ conditions })).result.status;
  assert.equal(status([{ text: "Myocardial infarction", onset: "2021-03-01", clinicalStatus: "resolved" }]), "pass");
  assert.equal(status([{ text: "Myocardial infarction", onset: "2026-10-01" }]), "fail");
  assert.equal(status([{ text: "Stroke", onset: "2019-01-01", clinicalStatus: "active" }]), "fail");
  assert.equal(status([{ text: "Myocardial infarction" }]), "unknown");
  assert.equal(status([{ text: "Heart failure", clinicalStatus: "active" }]), "pass");
});

test("biomarkers: 'KRAS G12C mutation' is met by a mutated KRAS with variant G12C; RAS from KRAS and NRAS; 'Patients whose tumours harbour an EGFR mutation must …' is for them only", () => {
  const [g12c] = parseCriteria("Inclusion Criteria:\n- KRAS G12C mutation");
  assert.equal(evaluateCriterion(g12c, ctx({ biomarkers: [{ marker: "KRAS", status: "mutated", variant: "G12C" }] })).result.status, "pass");
  assert.equal(evaluateCriterion(g12c, ctx({ biomarkers: [{ marker: "KRAS", status: "mutated", variant: "G12D" }] })).result.status, "fail");
  const [ras] = parseCriteria("Inclusion Criteria:\n- RAS wild-type");
  assert.equal(evaluateCriterion(ras, ctx({ biomarkers: [{ marker: "KRAS", status: "mutated", variant: "G12D" }] })).result.status, "fail");
  assert.equal(evaluateCriterion(ras, ctx({ biomarkers: [{ marker: "KRAS", status: "wild-type" }, { marker: "NRAS", status: "wild-type" }] })).result.status, "pass");
  const [egfr] = parseCriteria("Inclusion Criteria:\n- Patients whose tumours harbour an EGFR sensitising mutation must have progressed on an EGFR tyrosine kinase inhibitor.");
  assert.equal(evaluateCriterion(egfr, ctx({ biomarkers: [{ marker: "EGFR", status: "wild-type" }], medications: [] })).result.status, "pass");
  assert.equal(evaluateCriterion(egfr, ctx({ biomarkers: [{ marker: "EGFR", status: "mutated", variant: "exon 19 deletion" }], medications: [] })).result.status, "fail");
});

test("'Subjects with treated brain metastases are eligible if stable' after an exclusion's sentence is its exception; Gilbert's syndrome with an apostrophe; a judgement naming the patient's drug asks", () => {
  const [mets] = parseCriteria("Exclusion Criteria:\n- Symptomatic or untreated brain metastases. Subjects with treated brain metastases are eligible if radiologically stable for at least 4 weeks");
  const withMets = (m: { active: boolean; treated: boolean; symptomatic: boolean }) =>
    evaluateCriterion(mets, ctx({ conditions: [{ text: "lung cancer", metastases: [{ site: "brain", ...m }] }] })).result.status;
  assert.equal(withMets({ active: false, treated: true, symptomatic: false }), "pass");
  assert.equal(withMets({ active: true, treated: false, symptomatic: true }), "fail");
  const [bili] = parseCriteria("Inclusion Criteria:\n- Total bilirubin ≤ 1.5 mg/dL (≤ 3 mg/dL for Gilbert's syndrome)");
  const status = (text: string) => evaluateCriterion(bili, ctx({ conditions: [{ text }], observations: [{ variable: "total-bilirubin", value: 2.4, unit: "mg/dL" }] })).result.status;
  assert.equal(status("Gilbert's syndrome"), "pass");
  assert.equal(status("Gilbert syndrome"), "pass");
  assert.equal(status("hypertension"), "fail");
  const judged = crit("inclusion", [{ type: "judgement", aspect: "other", text: "Prednisone allowed at a stable dose", span: [0, 35] }], { text: "Prednisone allowed at a stable dose" });
  const r = evaluateCriterion(judged, ctx({ medications: [{ name: "prednisone", start: "2026-01-01" }] }));
  assert.equal(r.result.status, "unknown");
  assert.equal(r.computable, true);
  assert.equal(evaluateCriterion(judged, ctx({ medications: [] })).computable, false);
});

test("a threshold for those with liver or bone metastases applies to either", () => {
  const c = crit("inclusion", [
    num("alp", "<=", 2.5, { relativeTo: "ULN" }),
    num("alp", "<=", 5, { relativeTo: "ULN", qualifier: { text: "with liver or bone metastases", span: S, condition: "liver-or-bone-metastases" } }),
  ]);
  const obs = [{ variable: "alp", value: 400, unit: "U/L", referenceRange: { high: 120 } }];
  const status = (metastases: Array<{ site: string }>) => evaluateCriterion(c, ctx({ conditions: [{ text: "breast cancer", metastases }], observations: obs })).result.status;
  assert.equal(status([{ site: "bone" }]), "pass");
  assert.equal(status([{ site: "liver" }]), "pass");
  assert.equal(status([{ site: "lung" }]), "fail");
});

test("drug classes PI3K/AKT/mTOR, KRAS G12C inhibitors, beta-blockers, interferons; HR status from ER and PR; HBeAg", () => {
  const [pi3k] = parseCriteria("Exclusion Criteria:\n- Prior treatment with a PI3K, AKT or mTOR inhibitor");
  assert.equal(evaluateCriterion(pi3k, ctx({ medications: [{ name: "everolimus", start: "2021-01-01", end: "2021-06-01" }] })).result.status, "fail");
  assert.equal(evaluateCriterion(pi3k, ctx({ medications: [{ name: "capivasertib", start: "2021-01-01", end: "2021-06-01" }] })).result.status, "fail");
  assert.equal(evaluateCriterion(pi3k, ctx({ medications: [{ name: "letrozole", start: "2021-01-01" }] })).result.status, "pass");
  const [ifn] = parseCriteria("Exclusion Criteria:\n- Interferon or pegylated interferon within 12 months");
  assert.equal(evaluateCriterion(ifn, ctx({ medications: [{ name: "Pegasys", start: "2025-06-01", end: "2026-02-01" }] })).result.status, "fail");
  const [hr] = parseCriteria("Inclusion Criteria:\n- Hormone receptor-positive, HER2-negative breast cancer");
  const hrStatus = (biomarkers: Patient["biomarkers"]) => evaluateCriterion(hr, ctx({ conditions: [{ text: "breast cancer" }], biomarkers })).result.status;
  assert.equal(hrStatus([{ marker: "ER", status: "positive", value: 90, unit: "%" }, { marker: "PR", status: "positive" }, { marker: "HER2", status: "negative" }]), "pass");
  assert.equal(hrStatus([{ marker: "ER", status: "negative" }, { marker: "PR", status: "negative" }, { marker: "HER2", status: "negative" }]), "fail");
  const [hbe] = parseCriteria("Inclusion Criteria:\n- HBeAg-negative chronic hepatitis B");
  assert.equal(evaluateCriterion(hbe, ctx({ conditions: [{ text: "chronic hepatitis B" }], biomarkers: [{ marker: "HBeAg", status: "negative" }] })).result.status, "pass");
});

test("'Oral corticosteroids are allowed if ≤ 10 mg/day prednisone': those on more are excluded, the others pass", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- Oral corticosteroids are allowed if ≤ 10 mg/day prednisone or equivalent");
  const status = (medications: Patient["medications"]) => evaluateCriterion(c, ctx({ medications })).result.status;
  assert.equal(status([{ name: "prednisone", start: "2026-01-01", dose: { value: 5, unit: "mg/d" } }]), "pass");
  assert.equal(status([{ name: "prednisone", start: "2026-01-01", dose: { value: 15, unit: "mg/d" } }]), "fail");
  assert.equal(status([{ name: "metformin", start: "2026-01-01" }]), "pass");
});

test("'On a beta-blocker at a stable dose for at least 4 weeks': taken since before then; salt names ('metoprolol succinate') are the drug", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- On a beta-blocker at a stable dose for at least 4 weeks");
  const status = (medications: Patient["medications"]) => evaluateCriterion(c, ctx({ medications })).result.status;
  assert.equal(status([{ name: "metoprolol succinate", start: "2022-01-01" }]), "pass");
  assert.equal(status([{ name: "bisoprolol", start: "2026-10-20" }]), "fail");
  assert.equal(status([{ name: "bisoprolol" }]), "unknown");
  assert.equal(status([{ name: "lisinopril", start: "2022-01-01" }]), "fail");
});

test("'solid tumour other than non-small cell lung cancer' fails an NSCLC adenocarcinoma", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- Histologically confirmed advanced solid tumour other than non-small cell lung cancer");
  const status = (text: string) => evaluateCriterion(c, ctx({ conditions: [{ text, histology: "adenocarcinoma" }] })).result.status;
  assert.equal(status("Non-small cell lung cancer, adenocarcinoma"), "fail");
  assert.equal(status("Pancreatic adenocarcinoma"), "pass");
});

test("'No chemotherapy for at least 4 weeks before the first dose' is a washout; '… for at least 4 weeks before screening' after a drug taken is a duration", () => {
  const [washout] = parseCriteria("Inclusion Criteria:\n- No chemotherapy for at least 4 weeks before the first dose");
  const w = (medications: Patient["medications"]) => evaluateCriterion(washout, ctx({ medications })).result.status;
  assert.equal(w([{ name: "docetaxel", start: "2025-01-01", end: "2025-06-01" }]), "pass");
  assert.equal(w([{ name: "docetaxel", start: "2026-09-01", end: "2026-10-20" }]), "fail");
  assert.equal(w([]), "pass");
  const [bb] = parseCriteria("Inclusion Criteria:\n- Receiving a beta-blocker at a stable dose for at least 4 weeks before screening");
  assert.equal(evaluateCriterion(bb, ctx({ medications: [{ name: "bisoprolol", start: "2026-10-20" }] })).result.status, "fail");
});

test("'prior fluoropyrimidine-, oxaliplatin- and irinotecan-based chemotherapy' requires each; 'chemotherapy (e.g. docetaxel)' keeps its example", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- Disease progression on, or intolerance to, prior fluoropyrimidine-, oxaliplatin- and irinotecan-based chemotherapy");
  const status = (medications: Patient["medications"]) => evaluateCriterion(c, ctx({ medications })).result.status;
  const folfox = [
    { name: "fluorouracil", start: "2025-01-01", end: "2025-06-01", reasonStopped: "progression" as const },
    { name: "oxaliplatin", start: "2025-01-01", end: "2025-06-01", reasonStopped: "progression" as const },
  ];
  assert.equal(status(folfox), "fail");
  assert.equal(status([...folfox, { name: "irinotecan", start: "2025-07-01", end: "2026-01-01", reasonStopped: "progression" }]), "pass");
  const [ex] = parseCriteria("Inclusion Criteria:\n- Prior chemotherapy (e.g. docetaxel)");
  assert.equal(evaluateCriterion(ex, ctx({ medications: [{ name: "carboplatin", start: "2025-01-01", end: "2025-06-01" }] })).result.status, "pass");
});

test("a test result and its alternative: 'HBsAg negative, or HBsAg positive with HBV DNA < 500 IU/mL'", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- HBsAg negative, or HBsAg positive with HBV DNA < 500 IU/mL");
  const status = (p: Patient) => evaluateCriterion(c, ctx(p)).result.status;
  const hbv = { conditions: [{ text: "chronic hepatitis B" }] };
  const dna = (value: number) => ({ variable: "hbv-dna", value, unit: "[IU]/mL" });
  assert.equal(status({ conditions: [{ text: "lung adenocarcinoma" }] }), "pass");
  assert.equal(status({ ...hbv, observations: [dna(120)] }), "pass");
  assert.equal(status({ ...hbv, observations: [dna(5000)] }), "fail");
  assert.equal(status(hbv), "unknown");
  // "…, with the following exception: patients with a positive HIV test are eligible provided …, CD4 ≥ 200"
  const [h] = parseCriteria(
    "Inclusion Criteria:\n- Negative HIV test at screening, with the following exception: patients with a positive HIV test at screening are eligible provided they have a CD4 count ≥ 200/µL.",
  );
  const hiv = { conditions: [{ text: "HIV infection" }] };
  const cd4 = (value: number) => ({ variable: "cd4", value, unit: "/uL" });
  assert.equal(evaluateCriterion(h, ctx({ ...hiv, observations: [cd4(350)] })).result.status, "pass");
  assert.equal(evaluateCriterion(h, ctx({ ...hiv, observations: [cd4(90)] })).result.status, "fail");
});

test("class membership: etoposide is no topoisomerase I inhibitor, leuprorelin no antiandrogen; brand names of BRAF, MEK and FLT3 inhibitors", () => {
  const status = (text: string, p: Patient) => evaluateCriterion(parseCriteria(text)[0], ctx(p)).result.status;
  const took = (name: string): Patient => ({ medications: [{ name, start: "2025-01-01", end: "2025-06-01" }] });
  assert.equal(status("Exclusion Criteria:\n- Prior topoisomerase I inhibitor", took("etoposide")), "pass");
  assert.equal(status("Exclusion Criteria:\n- Prior topoisomerase I inhibitor", took("Hycamtin")), "fail");
  assert.equal(status("Exclusion Criteria:\n- Anti-androgen within 4 weeks", { medications: [{ name: "leuprorelin", start: "2024-01-01" }] }), "pass");
  assert.equal(status("Exclusion Criteria:\n- Prior BRAF or MEK inhibitor", took("Tafinlar")), "fail");
  assert.equal(status("Exclusion Criteria:\n- Prior BRAF or MEK inhibitor", took("Mekinist")), "fail");
  assert.equal(status("Exclusion Criteria:\n- Prior FLT3 inhibitor", took("Xospata")), "fail");
});

test("a patient's diagnosis text: what it denies is no concept ('without psychotic features'); 'adenocarcinoma of the prostate' is prostate cancer", () => {
  assert.deepEqual(k.conceptsIn("Major depressive disorder, recurrent, severe without psychotic features"), ["major-depressive-disorder"]);
  assert.ok(k.conceptsIn("Adenocarcinoma of the prostate, metastatic").includes("prostate-cancer"));
  const [psychosis] = parseCriteria("Exclusion Criteria:\n- Lifetime history of a psychotic disorder");
  assert.equal(evaluateCriterion(psychosis, ctx({ conditions: [{ text: "Major depressive disorder, severe without psychotic features" }] })).result.status, "pass");
});

test("'at least 2 antidepressants of adequate duration (≥ 6 weeks) in the current episode, one of which is ongoing': two different drugs, each taken that long, past ones count", () => {
  const [c] = parseCriteria(
    "Inclusion Criteria:\n- Inadequate response to at least 2 antidepressants of adequate dose and duration (≥ 6 weeks) in the current episode, one of which is ongoing at a stable dose for ≥ 4 weeks.",
  );
  const status = (medications: Patient["medications"]) => evaluateCriterion(c, ctx({ medications })).result.status;
  assert.equal(status([{ name: "sertraline", start: "2025-10-01", end: "2026-03-01" }, { name: "venlafaxine", start: "2026-08-01" }]), "pass");
  assert.equal(status([{ name: "venlafaxine", start: "2026-08-01" }]), "fail");
  // a two-week course is not of adequate duration
  assert.equal(status([{ name: "sertraline", start: "2026-02-01", end: "2026-02-15" }, { name: "venlafaxine", start: "2026-08-01" }]), "fail");
});

test("'active graft-versus-host disease requiring systemic treatment' asks about the disease, not any systemic anticancer therapy", () => {
  const [c] = parseCriteria("Exclusion Criteria:\n- Allogeneic HSCT within 90 days, or active graft-versus-host disease requiring systemic treatment.");
  assert.equal(evaluateCriterion(c, ctx({ conditions: [{ text: "acute myeloid leukemia" }], procedures: [], medications: [{ name: "hydroxyurea", start: "2026-10-01" }] })).result.status, "pass");
});

test("an age group's own threshold: 'FEV1 < 80% … for adults (< 90% for adolescents aged 12 to 17)'; subtypes excluded at the end of an inclusion ('… are excluded.')", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- Pre-bronchodilator FEV1 < 80% of predicted normal for adults (< 90% for adolescents aged 12 to 17).");
  const status = (birthDate: string, value: number) => evaluateCriterion(c, ctx({ birthDate, observations: [{ variable: "fev1", value, unit: "%" }] })).result.status;
  assert.equal(status("1992-01-01", 70), "pass");
  assert.equal(status("1992-01-01", 85), "fail");
  assert.equal(status("2011-01-01", 85), "pass");
  const [hcc] = parseCriteria("Inclusion Criteria:\n- Hepatocellular carcinoma confirmed histologically; fibrolamellar and mixed hepatocellular/cholangiocarcinoma are excluded.");
  assert.equal(evaluateCriterion(hcc, ctx({ conditions: [{ text: "Hepatocellular carcinoma" }] })).result.status, "pass");
});

test("'unless' rescues: an exclusion holds when what follows does not ('urine protein ≥ 2+, unless 24-hour urine protein < 1 g'); in an inclusion it is an alternative", () => {
  const [ex] = parseCriteria("Exclusion Criteria:\n- Urine protein ≥ 2+ on dipstick, unless 24-hour urine protein < 1 g.");
  const dip = (value: number) => ({ variable: "urine-protein-dipstick", value, unit: "{dipstick}" });
  const day = (value: number) => ({ variable: "urine-protein-24h", value, unit: "g/(24.h)" });
  const status = (c: Criterion, observations: Patient["observations"]) => evaluateCriterion(c, ctx({ observations })).result.status;
  assert.equal(status(ex, [dip(0)]), "pass");
  assert.equal(status(ex, [dip(3)]), "unknown");
  assert.equal(status(ex, [dip(3), day(0.5)]), "pass");
  assert.equal(status(ex, [dip(3), day(2)]), "fail");
  const [inc] = parseCriteria("Inclusion Criteria:\n- Serum creatinine ≤ 1.5 × ULN, unless creatinine clearance ≥ 60 mL/min");
  const cr = { variable: "creatinine", value: 2.0, unit: "mg/dL", referenceRange: { high: 1.1 } };
  assert.equal(status(inc, [cr, { variable: "creatinine-clearance", value: 70, unit: "mL/min" }]), "pass");
  assert.equal(status(inc, [cr, { variable: "creatinine-clearance", value: 40, unit: "mL/min" }]), "fail");
});

test("variants asked as alternatives: 'BRAF V600E or V600K', 'V600E/K'; 'Present' with the variant is positive", () => {
  const status = (text: string, variant: string) =>
    evaluateCriterion(parseCriteria(`Inclusion Criteria:\n- ${text}`)[0], ctx({ biomarkers: [{ marker: "BRAF", status: "Present", variant }] })).result.status;
  assert.equal(status("Documented BRAF V600E or V600K mutation", "V600K"), "pass");
  assert.equal(status("Documented BRAF V600E or V600K mutation", "V600D"), "fail");
  assert.equal(status("BRAF V600E/K mutation", "V600K"), "pass");
  assert.equal(status("BRAF V600E mutation", "V600K"), "fail");
});

test("an observation named by its text ('ACQ-6 score'), a text that names the measurement its unit fits (variable 'blasts', 'Bone marrow blasts', %); 'maintenance' steroids are current ones", () => {
  const status = (text: string, p: Patient) => evaluateCriterion(parseCriteria(text)[0], ctx(p)).result.status;
  assert.equal(status("Inclusion Criteria:\n- ACQ-6 score ≥ 1.5", { observations: [{ text: "ACQ-6 score", value: 2.4, unit: "{score}" }] }), "pass");
  assert.equal(status("Inclusion Criteria:\n- Bone marrow blasts ≥ 5%", { observations: [{ variable: "blasts", text: "Bone marrow blasts", value: 34, unit: "%" }] }), "pass");
  const bursts: Patient = { medications: [{ name: "prednisolone", start: "2026-02-10", end: "2026-02-14", dose: { value: 40, unit: "mg/d" } }] };
  assert.equal(status("Exclusion Criteria:\n- Maintenance oral corticosteroids at a dose > 10 mg/day prednisone or equivalent", bursts), "pass");
});

test("a broader term defined by a list after a colon is that list; an example the patient has is the broader term; a broader diagnosis explained by a sibling kind asks nothing", () => {
  const status = (text: string, p: Patient) => evaluateCriterion(parseCriteria(text)[0], ctx(p)).result.status;
  const htn: Patient = { conditions: [{ text: "Essential hypertension" }] };
  const cv = "Exclusion Criteria:\n- Clinically significant cardiovascular disease: myocardial infarction or unstable angina within 6 months, NYHA class III-IV heart failure.";
  assert.equal(status(cv, htn), "pass");
  assert.equal(status(cv, { conditions: [{ text: "Essential hypertension" }, { text: "Myocardial infarction", onset: "2026-09-01" }] }), "fail");
  const eg = "Exclusion Criteria:\n- Clinically significant cardiovascular disease, such as myocardial infarction";
  assert.equal(status(eg, htn), "unknown");
  assert.equal(status(eg, { conditions: [{ text: "Essential hypertension" }, { text: "Myocardial infarction", onset: "2026-09-01" }] }), "fail");
  assert.equal(status("Exclusion Criteria:\n- Type 1 diabetes mellitus.", { conditions: [{ text: "Diabetic nephropathy, CKD stage 3b" }, { text: "Type 2 diabetes mellitus" }] }), "pass");
});

test("'Grade ≥ 2 peripheral neuropathy': the patient's grade decides (given, or written in the diagnosis); without one, ask", () => {
  const [c] = parseCriteria("Exclusion Criteria:\n- Grade ≥ 2 peripheral neuropathy");
  assert.equal(c.constraints[0].type === "diagnosis" && c.constraints[0].minGrade, 2);
  const status = (conditions: Patient["conditions"]) => evaluateCriterion(c, ctx({ conditions })).result;
  assert.equal(status([{ text: "peripheral neuropathy", grade: 3 }]).status, "fail");
  assert.equal(status([{ text: "peripheral neuropathy, grade 1" }]).status, "pass");
  const u = status([{ text: "peripheral neuropathy" }]);
  assert.equal(u.status, "unknown");
  assert.equal(status([{ text: "NSCLC" }]).status, "pass");
});

test("permissions in brackets or after a bracketed list are no requirements ('(transfusion permitted)', 'Antiplatelet agents (aspirin, clopidogrel) are permitted'); 'dual antiplatelet therapy' is two antiplatelets; a subject lead-in after a clause scopes only what follows", () => {
  const status = (text: string, p: Patient) => evaluateCriterion(parseCriteria(text)[0], ctx(p)).result.status;
  const aspirin: Patient = { medications: [{ name: "aspirin", start: "2025-01-01", dose: { value: 81, unit: "mg/d" } }], procedures: [] };
  assert.equal(status("Inclusion Criteria:\n- Hemoglobin ≥ 8 g/dL (transfusion permitted).", { ...aspirin, observations: [{ variable: "hemoglobin", value: 10.2, unit: "g/dL" }] }), "pass");
  assert.equal(status("Exclusion Criteria:\n- Treatment with an anticoagulant (e.g., warfarin, heparin). Antiplatelet agents (aspirin ≤ 325 mg/day, clopidogrel) are permitted.", aspirin), "pass");
  const dapt = "Exclusion Criteria:\n- Need for dual antiplatelet therapy (aspirin plus a P2Y12 inhibitor such as clopidogrel); aspirin ≤ 100 mg/day alone is allowed.";
  assert.equal(status(dapt, aspirin), "pass");
  assert.equal(status(dapt, { medications: [{ name: "aspirin", start: "2025-01-01" }, { name: "clopidogrel", start: "2025-01-01" }] }), "fail");
  const cirrhosis = "Inclusion Criteria:\n- Compensated liver disease; participants with cirrhosis must be Child-Pugh class A.";
  assert.equal(status(cirrhosis, { conditions: [{ text: "chronic hepatitis C" }] }), "pass");
  assert.equal(status(cirrhosis, { conditions: [{ text: "chronic hepatitis C" }, { text: "cirrhosis" }], observations: [{ variable: "child-pugh", value: 8, unit: "{score}" }] }), "fail");
});

test("BRCA from BRCA1 or BRCA2; haemoglobin in mmol/L; corrected calcium's and M-protein's LOINC codes", () => {
  const status = (text: string, p: Patient) => evaluateCriterion(parseCriteria(text)[0], ctx(p)).result.status;
  assert.equal(status("Inclusion Criteria:\n- Deleterious germline or somatic BRCA1/2 mutation", { biomarkers: [{ marker: "BRCA1", status: "pathogenic variant", variant: "c.5266dupC" }] }), "pass");
  assert.equal(status("Inclusion Criteria:\n- Deleterious BRCA mutation", { biomarkers: [{ marker: "BRCA1", status: "negative" }, { marker: "BRCA2", status: "negative" }] }), "fail");
  assert.equal(status("Inclusion Criteria:\n- Hemoglobin ≥ 10 g/dL", { observations: [{ variable: "hemoglobin", value: 6.5, unit: "mmol/L" }] }), "pass");
  assert.equal(status("Inclusion Criteria:\n- Hemoglobin ≥ 11 g/dL", { observations: [{ variable: "hemoglobin", value: 6.5, unit: "mmol/L" }] }), "fail");
  assert.equal(k.variableOf({ code: { system: "http://loinc.org", code: "29265-6" } }), "calcium");
  assert.equal(k.variableOf({ code: { system: "http://loinc.org", code: "33358-3" } }), "m-protein");
});

test("'defined by at least one of: A; B; C' — alternatives; what stands before them ('bleeding risk') is no diagnosis; 'No history of any of the following: …' denies each", () => {
  const bleeding = "Inclusion Criteria:\n- Increased bleeding risk, defined by at least one of: age ≥ 75 years; HAS-BLED score ≥ 3; major bleeding within the past 12 months; or creatinine clearance 30 to 50 mL/min.";
  const status = (text: string, p: Patient) => evaluateCriterion(parseCriteria(text)[0], ctx(p)).result.status;
  const base: Patient = { observations: [{ variable: "creatinine-clearance", value: 58, unit: "mL/min" }], conditions: [{ text: "atrial fibrillation" }] };
  assert.equal(status(bleeding, { ...base, birthDate: "1948-01-01" }), "pass");
  assert.equal(status(bleeding, { ...base, birthDate: "1960-01-01", observations: [...base.observations!, { variable: "has-bled", value: 2, unit: "{score}" }] }), "fail");
  const none = "Inclusion Criteria:\n- No history of any of the following conditions: Crohn's disease, bleeding disorders, diabetes.";
  assert.equal(status(none, { conditions: [{ text: "type 2 diabetes" }] }), "fail");
  assert.equal(status(none, { conditions: [{ text: "hypertension" }] }), "pass");
});

test("the trial's own condition 'due to' a cause in an exclusion is about the cause; 'unless discontinued at least 2 weeks before' counts use within those weeks; an inclusion's 'X: A, B or C' is met by X", () => {
  const af = "Exclusion Criteria:\n- Atrial fibrillation due to a reversible cause (e.g., thyrotoxicosis, pericarditis)";
  const status = (text: string, p: Patient, trialConcepts: string[] = []) => evaluateCriterion(parseCriteria(text)[0], { ...ctx(p), trialConcepts }).result.status;
  assert.equal(status(af, { conditions: [{ text: "Persistent atrial fibrillation" }] }, ["atrial-fibrillation"]), "pass");
  assert.equal(status(af, { conditions: [{ text: "Persistent atrial fibrillation" }, { text: "thyrotoxicosis" }] }, ["atrial-fibrillation"]), "fail");
  const cyp = "Exclusion Criteria:\n- Concomitant strong CYP3A inhibitors (e.g., itraconazole, clarithromycin), unless discontinued at least 2 weeks before randomisation.";
  assert.equal(status(cyp, { medications: [] }), "pass");
  assert.equal(status(cyp, { medications: [{ name: "itraconazole", start: "2026-10-01", end: "2026-11-25" }] }), "fail");
  assert.equal(status(cyp, { medications: [{ name: "itraconazole", start: "2026-09-01", end: "2026-10-01" }] }), "pass");
  const lbcl = "Inclusion Criteria:\n- Histologically confirmed large B-cell lymphoma: DLBCL not otherwise specified, primary mediastinal large B-cell lymphoma, or transformed follicular lymphoma.";
  assert.equal(status(lbcl, { conditions: [{ text: "Diffuse large B-cell lymphoma" }] }), "pass");
});

test("a completed course followed by a later line progressed; with no later line, whether it failed is asked, not denied", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- Disease progression after at least one prior line of platinum-based chemotherapy");
  const status = (medications: Patient["medications"]) => evaluateCriterion(c, ctx({ medications })).result;
  const carbo = { name: "carboplatin", start: "2025-01-01", end: "2025-05-01", line: 1, reasonStopped: "completed" as const };
  assert.equal(status([carbo, { name: "pemetrexed", start: "2025-09-01", line: 2 }]).status, "pass");
  const alone = status([carbo]);
  assert.equal(alone.status, "unknown");
  assert.equal(status([{ ...carbo, reasonStopped: "progression" }]).status, "pass");
});

test("'at least 3 prior lines of therapy, including a proteasome inhibitor, an IMiD and an anti-CD38 antibody': the count is of lines, each named class was received", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- Received at least 3 prior lines of therapy, including a proteasome inhibitor, an immunomodulatory drug and an anti-CD38 monoclonal antibody.");
  const status = (medications: Patient["medications"]) => evaluateCriterion(c, ctx({ medications })).result.status;
  const m = (name: string, line: number) => ({ name, start: `202${line}-01-01`, end: `202${line}-06-01`, line });
  assert.equal(status([m("bortezomib", 1), m("lenalidomide", 1), m("daratumumab", 2), m("carfilzomib", 3)]), "pass");
  assert.equal(status([m("bortezomib", 1), m("carfilzomib", 2), m("melphalan", 3)]), "fail");
  assert.equal(status([m("bortezomib", 1), m("lenalidomide", 1), m("daratumumab", 2)]), "fail");
});

test("'Active tuberculosis, or latent tuberculosis unless treated with ≥ 4 weeks of prophylaxis (e.g., isoniazid)': the treatment rescues the latent infection only", () => {
  const [c] = parseCriteria(
    "Exclusion Criteria:\n- Active tuberculosis, or latent tuberculosis (positive interferon-gamma release assay) unless treated with at least 4 weeks of appropriate prophylaxis (e.g., isoniazid) before baseline.",
  );
  const status = (p: Patient) => evaluateCriterion(c, ctx(p)).result.status;
  const pso = { text: "plaque psoriasis" };
  assert.equal(status({ conditions: [pso], medications: [] }), "pass");
  assert.equal(status({ conditions: [pso, { text: "latent tuberculosis" }], medications: [] }), "fail");
  assert.equal(status({ conditions: [pso, { text: "latent tuberculosis" }], medications: [{ name: "isoniazid", start: "2026-06-01", end: "2026-09-01" }] }), "pass");
  assert.equal(status({ conditions: [{ text: "active tuberculosis" }], medications: [{ name: "isoniazid", start: "2026-06-01" }] }), "fail");
});

test("'at least 2 prior platinum-based regimens' is two lines of platinum (the same drug twice counts), not two different drugs", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- Received at least 2 prior platinum-based chemotherapy regimens");
  const carbo = (line: number) => ({ name: "carboplatin", start: `202${line}-01-01`, end: `202${line}-06-01`, line });
  assert.equal(evaluateCriterion(c, ctx({ medications: [carbo(1), carbo(3)] })).result.status, "pass");
  assert.equal(evaluateCriterion(c, ctx({ medications: [carbo(1)] })).result.status, "fail");
});

test("'Relapse after ASCT, or not eligible for or declined ASCT': the alternative is asked, not a reason to fail", () => {
  const [c] = parseCriteria("Inclusion Criteria:\n- Relapse after autologous stem cell transplantation, or not eligible for or declined autologous transplantation.");
  const r = evaluateCriterion(c, ctx({ procedures: [], conditions: [{ text: "DLBCL" }] }));
  assert.equal(r.result.status, "unknown");
  assert.ok(r.questions.some((q) => /not eligible for or declined/.test(q.text)));
  assert.equal(evaluateCriterion(c, ctx({ procedures: [{ kind: "autologous-hsct", name: "ASCT", start: "2024-01-01" }] })).result.status, "pass");
});

test("'Prior amivantamab is not allowed.' inside an inclusion denies the therapy; 'ExclusionCriteria' without a space is a heading", () => {
  const status = (text: string, p: Patient) => evaluateCriterion(parseCriteria(text)[0], ctx(p)).result.status;
  const took = { medications: [{ name: "amivantamab", start: "2025-01-01", end: "2025-06-01" }] };
  assert.equal(status("Inclusion Criteria:\n* Prior amivantamab is not allowed.", took), "fail");
  assert.equal(status("Inclusion Criteria:\n* Prior amivantamab is not allowed.", { medications: [] }), "pass");
  assert.deepEqual(parseCriteria("Inclusion Criteria:\n1. Adults with chronic hepatitis B\nExclusionCriteria\n1. Co-infection with HIV").map((c) => c.kind), ["inclusion", "exclusion"]);
});

test("an exclusion of a kind of the studied condition the tables do not know ('sarcomatoid HCC' in an HCC trial) does not exclude the trial's population", () => {
  const status = (text: string) => evaluateCriterion(parseCriteria(`Exclusion Criteria:\n- ${text}`)[0], { ...ctx({ conditions: [{ text: "hepatocellular carcinoma" }] }), trialConcepts: ["hcc"] }).result.status;
  assert.notEqual(status("Sarcomatoid HCC"), "fail");
  assert.equal(status("Active HCC"), "fail");
  assert.equal(status("History of HCC"), "fail");
});

test("'Another malignancy within 3 years' in a prostate cancer trial is about other cancers, not a kind of the studied one", () => {
  const [c] = parseCriteria("Exclusion Criteria:\n- Another malignancy within 3 years, except non-melanoma skin cancer.");
  const r = evaluateCriterion(c, { ...ctx({ conditions: [{ text: "prostate adenocarcinoma", onset: "2023-02-10" }, { text: "Essential hypertension" }] }), trialConcepts: ["prostate-cancer"] });
  assert.equal(r.result.status, "pass");
});
