import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCriteria } from "./parse.js";

const first = (t: string) => parseCriteria(`Inclusion Criteria:\n- ${t}`)[0];
const shown = (t: string) => {
  const c = first(t);
  const name = (i: number) => {
    const k = c.constraints[i];
    return k.type === "diagnosis" ? `${k.negated ? "not " : ""}${k.concept}` : k.type === "numeric" ? `${k.variable} ${k.op} ${k.value}` : k.type;
  };
  const show = (l: NonNullable<typeof c.logic> | number): string => (typeof l === "number" ? name(l) : `${l.op}(${l.args.map(show).join(", ")})`);
  return c.logic ? show(c.logic) : undefined;
};

test("a negative result or a positive one with conditions: the constraints are alternatives", () => {
  assert.equal(shown("HBsAg negative, or HBsAg positive with HBV DNA < 500 IU/mL"), "or(not hbv-infection, and(hbv-infection, hbv-dna < 500))");
  assert.equal(
    shown("Negative HIV test, with the following exception: patients with a positive HIV test are eligible provided they have a CD4 count ≥ 200/µL."),
    "or(not hiv-infection, and(hiv-infection, cd4 >= 200))",
  );
  // what the sentence after the alternative asks is not part of it
  assert.equal(
    shown("HBsAg negative or HBsAg positive with HBV DNA < 500 IU/mL. Age ≥ 18 years"),
    "and(or(not hbv-infection, and(hbv-infection, hbv-dna < 500)), age >= 18)",
  );
});

test("no alternative without 'or' or an exception that makes the positive eligible", () => {
  assert.equal(shown("Negative HBsAg and positive anti-HCV"), undefined);
  assert.equal(shown("HIV negative. Patients with HIV are excluded."), undefined);
});

test("a threshold's qualifier names whom it is for: 'AST ≤ 2.5 × ULN (≤ 5 × ULN with liver metastases)' asks for no liver metastases", () => {
  const c = first("AST and ALT ≤ 2.5 × ULN (≤ 5 × ULN with liver metastases)");
  assert.deepEqual(c.constraints.map((k) => k.type), ["numeric", "numeric", "numeric", "numeric"]);
});

test("a condition defined by the thresholds in its bracket is those thresholds ('Uncontrolled hypertension (systolic ≥ 160 or diastolic ≥ 100)')", () => {
  const [c] = parseCriteria("Exclusion Criteria:\n- Uncontrolled hypertension (systolic ≥ 160 mmHg or diastolic ≥ 100 mmHg)");
  assert.deepEqual(c.constraints.map((k) => k.type), ["numeric", "numeric"]);
  assert.deepEqual(c.logic, { op: "or", args: [0, 1] });
  const [d] = parseCriteria("Exclusion Criteria:\n- Uncontrolled diabetes (HbA1c > 8 %)");
  assert.deepEqual(d.constraints.map((k) => k.type), ["numeric"]);
  // … not an example list, nor a condition with its own window
  const [e] = parseCriteria("Exclusion Criteria:\n- Poorly controlled arrhythmias (including QTc interval ≥ 470 ms in females)");
  assert.ok(e.constraints.some((k) => k.type === "diagnosis"));
  const [f] = parseCriteria("Exclusion Criteria:\n- History of Grade ≥ 2 hemoptysis (defined as ≥ 2.5 mL of bright red blood per episode) within 1 month prior to screening");
  assert.ok(f.constraints.some((k) => k.type === "diagnosis"));
});

test("the conditions after the last alternative's 'with' belong to it ('BMI ≥ 30, or ≥ 27 with at least one comorbidity (…)')", () => {
  assert.equal(
    shown("BMI ≥ 30.0 kg/m2, or ≥ 27.0 kg/m2 with at least one weight-related comorbidity (hypertension, dyslipidaemia, obstructive sleep apnoea)"),
    "or(bmi >= 30, and(bmi >= 27, or(hypertension, hyperlipidaemia, obstructive-sleep-apnoea)))",
  );
  assert.equal(shown("BMI ≥ 30 kg/m², or ≥ 27 kg/m² with type 2 diabetes"), "or(bmi >= 30, and(bmi >= 27, type-2-diabetes))");
});

test("a corticosteroid allowed up to a dose ('if used, … not exceeding 4 mg/day dexamethasone (or equivalent)', 'permitted at ≤ 20 mg/day prednisone') excludes more than that dose, now; stability and the reference steroid are dropped", () => {
  const therapies = (t: string) =>
    parseCriteria(`Inclusion Criteria:\n- ${t}`)[0].constraints.map((k) => (k.type === "therapy" ? [k.concept, k.negated, k.timing, k.dose?.op, k.dose?.value, k.window, k.minDuration] : k.type));
  assert.deepEqual(therapies("Corticosteroids, if used, at a stable or decreasing dose not exceeding 4 mg/day dexamethasone (or equivalent) for at least 7 days before randomisation."), [
    ["corticosteroid", true, "concurrent", ">", 26.68, undefined, undefined],
  ]);
  assert.deepEqual(therapies("Oral corticosteroids are permitted at a dose ≤ 20 mg/day prednisone (or equivalent), stable for at least 2 weeks before baseline."), [
    ["corticosteroid", true, "concurrent", ">", 20, undefined, undefined],
  ]);
});
