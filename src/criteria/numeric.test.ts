import { test } from "node:test";
import assert from "node:assert/strict";
import { extractNumeric } from "./numeric.js";
import { parseCriteria } from "./parse.js";

/** [variable, op, value, value2?, unit?/relativeTo?] of each constraint. */
function brief(text: string): Array<Array<string | number | null>> {
  return extractNumeric(text).constraints.map((c) => {
    const row: Array<string | number | null> = [c.variable, c.op, c.value];
    if (c.value2 !== undefined) row.push(c.value2);
    row.push(c.relativeTo ?? c.unit ?? null);
    return row;
  });
}

test("lab lists joined by commas and 'and', with scraped units", () => {
  assert.deepEqual(brief("Hb ≥ 9 g/dL, ANC ≥ 1.5 × 10^9/L and PLT ≥ 100 × 10^9/L"), [
    ["hemoglobin", ">=", 9, "g/dL"],
    ["anc", ">=", 1.5, "10*9/L"],
    ["platelets", ">=", 100, "10*9/L"],
  ]);
  assert.deepEqual(brief("platelets ≥ 100,000/mm3; WBC > 3.0 x10⁹/L; neutrophils ≥1.5*10^9/L"), [
    ["platelets", ">=", 100000, "/mm3"],
    ["wbc", ">", 3, "10*9/L"],
    ["anc", ">=", 1.5, "10*9/L"],
  ]);
  assert.deepEqual(brief("Platelets 50.000 /mmc or more"), [["platelets", ">=", 50000, "/mm3"]]);
  assert.deepEqual(brief("serum creatinine ≤ 1.5 mg/dL or creatinine clearance ≥ 50 mL/min/1.73 m²"), [
    ["creatinine", "<=", 1.5, "mg/dL"],
    ["creatinine-clearance", ">=", 50, "mL/min/{1.73_m2}"],
  ]);
});

test("×ULN / LLN in all their spellings, and a list of names sharing one threshold", () => {
  assert.deepEqual(brief("ALT and AST ≤ 2.5×ULN"), [
    ["alt", "<=", 2.5, "ULN"],
    ["ast", "<=", 2.5, "ULN"],
  ]);
  assert.deepEqual(brief("total bilirubin ≤ 1.5 times the upper limit of normal"), [["total-bilirubin", "<=", 1.5, "ULN"]]);
  assert.deepEqual(brief("AST/ALT < 3 x institutional ULN"), [
    ["ast", "<", 3, "ULN"],
    ["alt", "<", 3, "ULN"],
  ]);
  assert.deepEqual(brief("SGOT, SGPT ≤ 2 ULN"), [
    ["ast", "<=", 2, "ULN"],
    ["alt", "<=", 2, "ULN"],
  ]);
  assert.deepEqual(brief("TSH within normal limits"), []);
  // "-fold", "times of", multiples written as words
  assert.deepEqual(brief("γ-GT > 1.2-fold ULN"), [["ggt", ">", 1.2, "ULN"]]);
  assert.deepEqual(brief("Scr ≦1.5 times of ULN"), [["creatinine", "<=", 1.5, "ULN"]]);
  assert.deepEqual(brief("ALT more than twice the upper limit of normal"), [["alt", ">", 2, "ULN"]]);
  assert.deepEqual(brief("AST ≤ three times the upper limit of normal"), [["ast", "<=", 3, "ULN"]]);
  assert.deepEqual(brief("dosed twice weekly for one year"), []);
});

test("comparators written as words", () => {
  assert.deepEqual(brief("hemoglobin no less than 10 g/dL"), [["hemoglobin", ">=", 10, "g/dL"]]);
  assert.deepEqual(brief("creatinine not more than 1.5 mg/dL"), [["creatinine", "<=", 1.5, "mg/dL"]]);
  assert.deepEqual(brief("BMI greater than or equal to 30 kg/m2"), [["bmi", ">=", 30, "kg/m2"]]);
  assert.deepEqual(brief("LVEF at least 50%"), [["lvef", ">=", 50, "%"]]);
  assert.deepEqual(brief("ECOG performance status up to 2"), [["ecog", "<=", 2, "{score}"]]);
  assert.deepEqual(brief("QTcF over 470 msec"), [["qtc", ">", 470, "ms"]]);
  assert.deepEqual(brief("weight under 50 kg"), [["weight", "<", 50, "kg"]]);
  assert.deepEqual(brief("INR \\> 1.5"), [["inr", ">", 1.5, "{INR}"]]);
  assert.deepEqual(brief("ECOG ≦ 1"), [["ecog", "<=", 1, "{score}"]]);
});

test("ages: ranges, postfix, 'aged', 'years old', bounds on both sides", () => {
  assert.deepEqual(brief("between 18 and 65 years"), [["age", "range", 18, 65, "a"]]);
  assert.deepEqual(brief("18-75 years old"), [["age", "range", 18, 75, "a"]]);
  assert.deepEqual(brief("aged ≥ 18"), [["age", ">=", 18, "a"]]);
  assert.deepEqual(brief("Patients 18 years or older"), [["age", ">=", 18, "a"]]);
  assert.deepEqual(brief("18 years of age and older"), [["age", ">=", 18, "a"]]);
  assert.deepEqual(brief("Age 18+ years"), [["age", ">=", 18, "a"]]);
  assert.deepEqual(brief("≥ 3 and ≤ 18 years of age"), [
    ["age", ">=", 3, "a"],
    ["age", "<=", 18, "a"],
  ]);
  assert.deepEqual(brief("children aged 6-36 months"), [["age", "range", 6, 36, "mo"]]);
  assert.deepEqual(brief("age < 18 or > 60"), [
    ["age", "<", 18, "a"],
    ["age", ">", 60, "a"],
  ]);
  assert.deepEqual(brief("over the age of 18"), [["age", ">", 18, "a"]]);
  const [c] = extractNumeric("Women over age 18 with a biopsy").constraints;
  assert.equal(c.variable, "age");
});

test("numbers that are not comparisons yield nothing", () => {
  for (const t of [
    "within 4 weeks before the first dose",
    "at least 3 months since the end of chemotherapy",
    "measurable disease per RECIST 1.1",
    "Phase 2 study of drug X",
    "received ≥ 2 prior lines of therapy",
    "prednisone > 10 mg/day",
    "Circulation 2001 103 335-336",
    "grade 2 or higher peripheral neuropathy",
    "iOS version 10 or higher",
    "enrolled 2015-2018 at 3 sites (n=20)",
    "visual acuity 20/40",
    "1. Signed informed consent",
  ])
    assert.deepEqual(brief(t), [], t);
});

test("an unknown measurement keeps its words and a null variable", () => {
  const [c] = extractNumeric("PDA diameter > 1.5 mm").constraints;
  assert.equal(c.variable, null);
  assert.equal(c.mention, "PDA diameter");
  assert.equal(c.unit, "mm");
  const [d] = extractNumeric("STOP-BANG score ≥ 3").constraints;
  assert.equal(d.mention, "STOP-BANG");
  assert.equal(d.value, 3);
});

test("a second comparison without a name inherits the previous one; 'or' becomes logic", () => {
  const r = extractNumeric("SBP ≥ 150 or DBP ≥ 100 mmHg");
  assert.deepEqual(
    r.constraints.map((c) => c.variable),
    ["sbp", "dbp"],
  );
  assert.deepEqual(r.logic, { op: "or", args: [0, 1] });
  const bp = extractNumeric("Blood pressure systolic ≥140 or <100 mmHg");
  assert.deepEqual(
    bp.constraints.map((c) => [c.variable, c.op, c.value]),
    [
      ["sbp", ">=", 140],
      ["sbp", "<", 100],
    ],
  );
  const pair = extractNumeric("a resting blood pressure of > 140/90 mmHg");
  assert.deepEqual(
    pair.constraints.map((c) => [c.variable, c.op, c.value, c.unit]),
    [
      ["sbp", ">", 140, "mm[Hg]"],
      ["dbp", ">", 90, "mm[Hg]"],
    ],
  );
  assert.deepEqual(pair.logic, { op: "or", args: [0, 1] });
});

test("qualifiers: sex-specific thresholds and conditional thresholds", () => {
  const q = extractNumeric("QTc men ≥ 450 ms, women ≥ 470 ms").constraints;
  assert.deepEqual(
    q.map((c) => [c.variable, c.value, c.qualifier?.sex]),
    [
      ["qtc", 450, "male"],
      ["qtc", 470, "female"],
    ],
  );
  const text = "ALT and AST ≤ 2.5×ULN, if liver metastasis ALT and AST < 5 ULN";
  const l = extractNumeric(text).constraints;
  assert.deepEqual(
    l.map((c) => [c.variable, c.op, c.value, c.relativeTo, c.qualifier?.condition ?? null]),
    [
      ["alt", "<=", 2.5, "ULN", null],
      ["ast", "<=", 2.5, "ULN", null],
      ["alt", "<", 5, "ULN", "liver-metastases"],
      ["ast", "<", 5, "ULN", "liver-metastases"],
    ],
  );
  assert.equal(text.slice(...l[2].qualifier!.span), "if liver metastasis");
  const after = extractNumeric("AST ≤ 2.5 × ULN (≤ 5 × ULN for patients with liver metastases)").constraints;
  assert.equal(after[0].qualifier, undefined);
  assert.equal(after[1].qualifier?.condition, "liver-metastases");
  const cha = extractNumeric("CHA2DS2VASc score ≥2 for male and ≥3 for female").constraints;
  assert.deepEqual(
    cha.map((c) => [c.value, c.qualifier?.sex]),
    [
      [2, "male"],
      [3, "female"],
    ],
  );
});

test("scraped notations: lost superscripts, '1 x 104 copy /ml', '_109/L', dipstick '++'", () => {
  assert.deepEqual(brief("PLT ≥ 75×109/L"), [["platelets", ">=", 75, "10*9/L"]]);
  assert.deepEqual(brief("HBV DNA more than 1 x 104 copy /ml"), [["hbv-dna", ">", 10000, "{copies}/mL"]]);
  assert.deepEqual(brief("HBV DNA ≥ 2 × 10³ IU/mL"), [["hbv-dna", ">=", 2000, "[IU]/mL"]]);
  assert.deepEqual(brief("Blood platelet (PLT): 100\\_109/L;"), [["platelets", ">=", 100, "10*9/L"]]);
  assert.deepEqual(brief("urine protein ≥ ++"), [["urine-protein-dipstick", ">=", 2, "{dipstick}"]]);
  assert.deepEqual(brief("Karnofsky score ≧ 70"), [["karnofsky", ">=", 70, "%"]]);
  assert.deepEqual(brief("ECOG 0~2"), [["ecog", "range", 0, 2, "{score}"]]);
  assert.deepEqual(brief("ECOG performance status 0 or 1"), [["ecog", "range", 0, 1, "{score}"]]);
});

test("spans are absolute with an offset and point at the value and the mention", () => {
  const text = "Hemoglobin (Hb) ≥ 90 g/L";
  const [c] = extractNumeric(text, 100).constraints;
  assert.deepEqual(c.valueSpan, [118, 120]);
  assert.equal(text.slice(c.valueSpan[0] - 100, c.valueSpan[1] - 100), "90");
  assert.equal(text.slice(c.mentionSpan[0] - 100, c.mentionSpan[1] - 100), "Hemoglobin (Hb)");
  assert.equal(text.slice(c.unitSpan![0] - 100, c.unitSpan![1] - 100), "g/L");
});

test("European notations: decimal comma, space thousands, '10(9)/L', 'x N' / 'LSN' / 'fois la normale', French names", () => {
  assert.deepEqual(brief("Neutrophiles ≥ 1,5 G/L"), [["anc", ">=", 1.5, "10*9/L"]]);
  assert.deepEqual(brief("plaquettes ≥ 100 000/mm3"), [["platelets", ">=", 100000, "/mm3"]]);
  assert.deepEqual(brief("ANC ≥ 1.5 x 10(9)/L"), [["anc", ">=", 1.5, "10*9/L"]]);
  assert.deepEqual(brief("créatinine < 1,5 x N"), [["creatinine", "<", 1.5, "ULN"]]);
  assert.deepEqual(brief("bilirubine ≤ 1,5 fois la normale"), [["total-bilirubin", "<=", 1.5, "ULN"]]);
  assert.deepEqual(brief("ASAT/ALAT ≤ 2,5 x LSN"), [
    ["ast", "<=", 2.5, "ULN"],
    ["alt", "<=", 2.5, "ULN"],
  ]);
  // a list of values is not a decimal comma
  assert.deepEqual(brief("ICDAS score of 1,2 or 3"), [[null, "range", 1, 3, null]]);
});

test("sex written in brackets after each threshold", () => {
  const q = extractNumeric("QTc > 450 ms (men) or > 470 ms (women)").constraints;
  assert.deepEqual(
    q.map((c) => [c.variable, c.op, c.value, c.qualifier?.sex]),
    [
      ["qtc", ">", 450, "male"],
      ["qtc", ">", 470, "female"],
    ],
  );
  assert.deepEqual(brief("Absolute neutrophil count ≥ 1500/mm^3"), [["anc", ">=", 1500, "/mm3"]]);
});

test("a known measurement stated with a value and no comparator is '=' as written", () => {
  assert.deepEqual(brief("Hb ≥ 10 mg/dL (Hct 32%)"), [
    ["hemoglobin", ">=", 10, "mg/dL"],
    ["hematocrit", "=", 32, "%"],
  ]);
  assert.deepEqual(brief("emergency surgery (ASA 5)."), [["asa", "=", 5, "{score}"]]);
  // but not a number that merely follows a name
  assert.deepEqual(brief("HbA1c measured 3 times"), []);
  assert.deepEqual(brief("Hb 2015 guidelines"), []);
});

test("an age that conditions a threshold is its qualifier, not an age criterion; durations are not ages", () => {
  const [a, b, ...rest] = extractNumeric("creatinine clearance ≥ 60 mL/min (≥ 50 mL/min for patients over 65 years)").constraints;
  assert.equal(rest.length, 0);
  assert.equal(a.qualifier, undefined);
  assert.deepEqual([b.variable, b.op, b.value, b.qualifier?.condition], ["creatinine-clearance", ">=", 50, "age > 65 a"]);
  assert.deepEqual(brief("for at least 2 years"), []);
  assert.deepEqual(brief("smoking for more than 10 years"), []);
  assert.deepEqual(brief("Patients over 65 years"), [["age", ">", 65, "a"]]);
});

test("durations are not measurements, except a life expectancy (parse.ts makes it a prognosis constraint)", () => {
  assert.deepEqual(brief("symptoms for at least 12 weeks"), []);
  assert.deepEqual(brief("life expectancy ≥ 12 weeks"), [["life-expectancy", ">=", 12, "wk"]]);
  assert.deepEqual(brief("Minimum life expectancy of 3 months"), [["life-expectancy", ">=", 3, "mo"]]);
  assert.deepEqual(brief("Expected survival time: over 6 months"), [["life-expectancy", ">", 6, "mo"]]);
  assert.deepEqual(brief("with a life expectancy of <5 years"), [["life-expectancy", "<", 5, "a"]]);
});

test("a bound named before the measurement: \"minimum hemoglobin of 9 g/dL\", \"maximum BMI of 35\"", () => {
  assert.deepEqual(brief("Minimum hemoglobin of 9 g/dL"), [["hemoglobin", ">=", 9, "g/dL"]]);
  assert.deepEqual(brief("Maximum BMI of 35 kg/m2"), [["bmi", "<=", 35, "kg/m2"]]);
  assert.deepEqual(brief("max. weight: 120 kg"), [["weight", "<=", 120, "kg"]]);
  // a stated value without a bound word stays "="
  assert.deepEqual(brief("Hct 32%"), [["hematocrit", "=", 32, "%"]]);
});

test("a capital X before ULN multiplies it, as a lower-case x does", () => {
  assert.deepEqual(brief("AST or ALT > 3 X ULN"), [["ast", ">", 3, "ULN"], ["alt", ">", 3, "ULN"]]);
  assert.deepEqual(brief("Total bilirubin >2.0 X ULN"), [["total-bilirubin", ">", 2, "ULN"]]);
  assert.deepEqual(brief("ALT < 3X the upper limit of normal"), [["alt", "<", 3, "ULN"]]);
});

test("a score over its scale's maximum (\"MoCA > 26/30\") is the score; fractions and pressures are not", () => {
  assert.deepEqual(brief("MoCA > 26/30"), [["moca", ">", 26, "{score}"]]);
  assert.deepEqual(brief("MMSE score ≥ 24/30 and MoCA < 26"), [["mmse", ">=", 24, "{score}"], ["moca", "<", 26, "{score}"]]);
  assert.deepEqual(brief("visual acuity 20/40"), []);
  assert.deepEqual(brief("BP < 140/90 mmHg"), [["sbp", "<", 140, "mm[Hg]"], ["dbp", "<", 90, "mm[Hg]"]]);
  assert.deepEqual(brief("MoCA 31/30"), [], "a score above the maximum is no score over its maximum");
});

test("\"within the range X and Y\" is a range; \"X and Y\" alone is not", () => {
  assert.deepEqual(brief("body mass index (BMI) within the range 18.0 and 30.0 kg/m^2 (inclusive)"), [["bmi", "range", 18, 30, "kg/m2"]]);
  assert.deepEqual(brief("platelets 100 and hemoglobin 9").map((r) => r[1]), ["=", "="]);
});

test("a sex in brackets after the unit qualifies its threshold: \"> 450 milliseconds (msec) (men) or >470 msec (women)\"", () => {
  const cs = extractNumeric("QTcF > 450 milliseconds (msec) (men) or >470 msec (women)").constraints;
  assert.deepEqual(
    cs.map((c) => [c.variable, c.op, c.value, c.unit, c.qualifier?.sex]),
    [["qtc", ">", 450, "ms", "male"], ["qtc", ">", 470, "ms", "female"]],
  );
});

test("an age after a postfix comparator (\"80 or more years old\"); a duration there is no measurement", () => {
  assert.deepEqual(brief("80 or more years old"), [["age", ">=", 80, "a"]]);
  assert.deepEqual(brief("5 or more years of diabetes"), []);
  assert.deepEqual(brief("life expectancy of 3 or more months"), [["life-expectancy", ">=", 3, "mo"]]);
});

test("calendar years are not values of an unknown measurement", () => {
  assert.deepEqual(brief("surgery on the proximal aorta in Scotland between 2008 and 2021."), []);
  assert.deepEqual(brief("platelet count between 2000 and 4000").map((r) => r[0]), ["platelets"]);
});

test("a name wrapped over two lines keeps its words: \"diastolic blood⏎ pressure ≥ 90mmHg\"", () => {
  const t = "(systolic blood pressure ≥ 140mmHg or diastolic blood\n                  pressure ≥ 90mmHg)";
  assert.deepEqual(brief(t), [["sbp", ">=", 140, "mm[Hg]"], ["dbp", ">=", 90, "mm[Hg]"]]);
  // separate lines of a list stay separate
  assert.deepEqual(brief("Adequate organ function:\n ANC ≥ 1.5\n platelets ≥ 100").map((r) => r[0]), ["anc", "platelets"]);
});

test("units as registries write them: mm/Hg, mM (molar), mcg/L, milliseconds; SPO2; 'weighing'", () => {
  assert.deepEqual(brief("PaO2 / FiO2 <200 mm/Hg"), [["pf-ratio", "<", 200, "mm[Hg]"]]);
  assert.deepEqual(brief("fasting glucose values < 6 mM"), [["glucose-fasting", "<", 6, "mmol/L"]]);
  assert.deepEqual(brief("tumour size ≥ 10 mm")[0][3], "mm");
  assert.deepEqual(brief("D-dimer > 1 mcg/L"), [["d-dimer", ">", 1, "ug/L"]]);
  assert.deepEqual(brief("QTc > 1 millisecond"), [["qtc", ">", 1, "ms"]]);
  assert.deepEqual(brief("having an SPO2 value above 90% when they were hospitalized"), [["spo2", ">", 90, "%"]]);
  assert.deepEqual(brief("in good physical health and weighing less than 250 pounds"), [["weight", "<", 250, "[lb_av]"]]);
});

test("counts of drugs are therapy history, not measurements", () => {
  assert.deepEqual(brief("have been intolerant to at least 2 Nonsteroidal Anti-Inflammatory Drugs (NSAIDs)"), []);
  assert.deepEqual(brief("Exposure to more than 1 tumor necrosis factor (TNF)-antagonist"), []);
  assert.deepEqual(brief("Treatment resistance to 4 different antidepressants from 3 different classes"), []);
  assert.deepEqual(brief("HbA1c > 7% despite 2 oral antidiabetic drugs"), [["hba1c", ">", 7, "%"]]);
});

test("\"from 2 to <12 years of age\": a lower bound, then the upper bound's own comparison", () => {
  assert.deepEqual(brief("Male or female from 2 to <12 years of age."), [["age", ">=", 2, "a"], ["age", "<", 12, "a"]]);
  assert.deepEqual(brief("age from 18 to 65 years"), [["age", "range", 18, 65, "a"]]);
});

test("a mass of urine protein is the 24-hour quantity, a grade the dipstick", () => {
  const t = "Urine routine indicates urinary protein ≥++, or confirms 24-hour urinary protein ≥ 1.0g.";
  assert.deepEqual(brief(t).map((r) => [r[0], r[2], r[3]]).sort(), [["urine-protein-24h", 1, "g"], ["urine-protein-dipstick", 2, "{dipstick}"]]);
  assert.deepEqual(brief("urinary protein ≥ 1.0 g/24h"), [["urine-protein-24h", ">=", 1, "g/(24.h)"]]);
});

test("common clinical scales are known measurements; names listed before a shared threshold each get it", () => {
  assert.deepEqual(brief("Hamilton Anxiety Rating Scale or the Hamilton Depression Rating Scale score > 10"), [["hama", ">", 10, "{score}"], ["hamd", ">", 10, "{score}"]]);
  assert.deepEqual(brief("PHQ-9 ≥ 10 and GAD-7 ≥ 8"), [["phq9", ">=", 10, "{score}"], ["gad7", ">=", 8, "{score}"]]);
  assert.deepEqual(brief("EDSS score of 2.0 to 6.5"), [["edss", "range", 2, 6.5, "{score}"]]);
  assert.deepEqual(brief("modified Rankin Scale (mRS) ≤ 2"), [["mrs", "<=", 2, "{score}"]]);
  assert.deepEqual(brief("AHI > 15 events per hour")[0].slice(0, 3), ["ahi", ">", 15]);
  assert.deepEqual(brief("CHA2DS2-VASc score ≥ 2"), [["cha2ds2-vasc", ">=", 2, "{score}"]]);
});

test("labs beyond oncology: ESR in mm/h, CK-MB apart from CK, FSH in IU/L", () => {
  assert.deepEqual(brief("ESR > 30 mm/hr"), [["esr", ">", 30, "mm/h"]]);
  assert.deepEqual(brief("CK-MB > 2 x ULN"), [["ck-mb", ">", 2, "ULN"]]);
  assert.deepEqual(brief("creatine kinase > 5 x ULN"), [["ck", ">", 5, "ULN"]]);
  assert.deepEqual(brief("FSH > 40 IU/L"), [["fsh", ">", 40, "[IU]/L"]]);
});

test("bounds in different units are two comparisons: \"aged 2 months to 17 years\"", () => {
  assert.deepEqual(brief("Participants aged 2 months to 17 years"), [["age", ">=", 2, "mo"], ["age", "<=", 17, "a"]]);
  assert.deepEqual(brief("age 18-65 years"), [["age", "range", 18, 65, "a"]]);
});

test("units in words and the pain scales apart: per microliter, ng/dL; NRS 0-10 vs VAS in mm; a scale named after the value", () => {
  assert.deepEqual(brief("Platelet count less than 50,000 per microliter"), [["platelets", "<", 50000, "/uL"]]);
  assert.deepEqual(brief("ANC ≥ 1500 cells per cubic millimeter"), [["anc", ">=", 1500, "/mm3"]]);
  assert.deepEqual(brief("Serum testosterone < 50 ng/dL"), [["testosterone", "<", 50, "ng/dL"]]);
  assert.deepEqual(brief("Pulse oximetry < 90%"), [["spo2", "<", 90, "%"]]);
  assert.deepEqual(brief("Visual analogue scale (VAS) pain score ≥ 40 mm"), [["pain-vas", ">=", 40, "mm"]]);
  assert.deepEqual(brief("Pain intensity of at least 4 on a 0-10 numeric rating scale"), [["pain-nrs", ">=", 4, "{score}"]]);
  // a modifier before a known name makes another measurement: "excess weight" is not body weight
  assert.deepEqual(brief("less than 50% of excess weight")[0][0], null);
});

test("weight loss is its own measurement, not body weight", () => {
  assert.deepEqual(brief("Weight loss > 10% in the past 6 months"), [["weight-loss", ">", 10, "%"]]);
  assert.deepEqual(brief("weight ≥ 50 kg"), [["weight", ">=", 50, "kg"]]);
});

test("a threshold for another group of the same measurement is an alternative; counts of listed items are no measurement", () => {
  const r = extractNumeric("ECOG performance status of 0, 1 or 2 for dose escalation, and 0 or 1 for dose expansion.");
  assert.deepEqual(r.constraints.map((c) => [c.variable, c.value, c.value2]), [["ecog", 0, 2], ["ecog", 0, 1]]);
  assert.deepEqual(r.logic, { op: "or", args: [0, 1] });
  assert.deepEqual(brief("confirmed by pregnancy test and medical evaluation by interview, and at least 1 of the following conditions apply:"), []);
  assert.deepEqual(brief("an archival tumor tissue specimen (up to 5 - years prior) is required"), []);
});

test("classes in roman numerals after a scale that writes them (ASA, NYHA)", () => {
  assert.deepEqual(brief("ASA physical status I-III"), [["asa", "range", 1, 3, "{score}"]]);
  assert.deepEqual(brief("ASA I, II or III"), [["asa", "range", 1, 3, "{score}"]]);
  assert.deepEqual(brief("NYHA class III or IV heart failure"), [["nyha", "range", 3, 4, "{class}"]]);
  assert.deepEqual(brief("ASA ≤ III"), [["asa", "<=", 3, "{score}"]]);
  assert.deepEqual(brief("ASA physical status II or higher"), [["asa", ">=", 2, "{score}"]]);
  assert.deepEqual(brief("ASA III or V"), [], "classes listed but not consecutive");
  assert.deepEqual(brief("Stage III or IV"), [], "stages are the diagnosis extractor's");
});

test("the value first, then the comparator and the measurement: \"18 ≤ age ≤ 75\", \"2.0 < BMI < 4.0\"", () => {
  assert.deepEqual(brief("18 ≤ age ≤ 75"), [["age", ">=", 18, "a"], ["age", "<=", 75, "a"]]);
  assert.deepEqual(brief("18 years ≤ age ≤ 75 years"), [["age", ">=", 18, "a"], ["age", "<=", 75, "a"]]);
  assert.deepEqual(brief("18.5 < BMI < 30"), [["bmi", ">", 18.5, "kg/m2"], ["bmi", "<", 30, "kg/m2"]]);
});

test("CJK text next to a Latin name does not hide it: \"Cr>1.5×ULN或CCr<60ml/min\"", () => {
  assert.deepEqual(brief("Cr>1.5×ULN或CCr<60ml/min"), [["creatinine", ">", 1.5, "ULN"], ["creatinine-clearance", "<", 60, "mL/min"]]);
});

test("a title names the measurement its items leave unnamed (PDQ: \"Age\" over \"* 18 and over\")", () => {
  const text = "PATIENT CHARACTERISTICS:\n\nAge\n\n* 18 and over\n\nPerformance status\n\n* 0-2\n\nLife expectancy\n\n* At least 3 months\n\nHematopoietic\n\n* WBC at least 3,000/mm^3";
  const cs = parseCriteria(text).flatMap((c) => c.constraints);
  assert.deepEqual(
    cs.map((k) => (k.type === "numeric" || k.type === "prognosis" ? [k.type, k.variable, k.op, k.value, k.unit, text.slice(k.mentionSpan[0], k.mentionSpan[1]), k.mention] : [k.type])),
    [
      ["numeric", "age", ">=", 18, "a", "Age", "Age"],
      ["numeric", "ecog", "range", 0, "{score}", "Performance status", "Performance status"],
      ["prognosis", "life-expectancy", ">=", 3, "mo", "Life expectancy", "Life expectancy"],
      ["numeric", "wbc", ">=", 3000, "/mm3", "WBC", "WBC"],
    ],
  );
});

test("comparators in words and symbols: 'does not exceed' is at most, '=/>' at least", () => {
  assert.deepEqual(brief("Creatinine does not exceed 1.5 mg/dL"), [["creatinine", "<=", 1.5, "mg/dL"]]);
  assert.deepEqual(brief("PSA should not exceed 10 ng/mL"), [["psa", "<=", 10, "ng/mL"]]);
  assert.deepEqual(brief("Weight exceeding 150 kg"), [["weight", ">", 150, "kg"]]);
  assert.deepEqual(brief("ANC =/> 1500/mm3"), [["anc", ">=", 1500, "/mm3"]]);
  assert.deepEqual(brief("Hb =/< 8 g/dL"), [["hemoglobin", "<=", 8, "g/dL"]]);
});

test("FEV1/FVC is a ratio of its own; a percentage written as a fraction of 1 has unit 1; 'at least one lesion' names the lesion", () => {
  assert.deepEqual(brief("FEV1/FVC < 0.7"), [["fev1-fvc", "<", 0.7, "1"]]);
  assert.deepEqual(brief("FEV1/FVC ratio < 70%"), [["fev1-fvc", "<", 70, "%"]]);
  assert.deepEqual(brief("EF < 0.40"), [["lvef", "<", 0.4, "1"]]);
  assert.equal(extractNumeric("At least one lesion ≥ 10 mm in longest diameter").constraints[0].mention, "lesion");
});

test("negative values after a comparator or a joining word (T-score ≤ -2.5); ranges run low to high whatever the order written", () => {
  assert.deepEqual(brief("T-score ≤ -2.5"), [["bmd-t-score", "<=", -2.5, "{SD}"]]);
  assert.deepEqual(brief("BMD T-score between -1.0 and -2.5"), [["bmd-t-score", "range", -2.5, -1, "{SD}"]]);
  assert.deepEqual(brief("base excess < -5 mmol/L"), [[null, "<", -5, "mmol/L"]]);
  assert.deepEqual(brief("ECOG 2~0"), [["ecog", "range", 0, 2, "{score}"]]);
  assert.deepEqual(brief("age 18-65"), [["age", "range", 18, 65, "a"]]);
  // a dash that is no minus sign
  assert.deepEqual(brief("Hb: -2"), []);
  const r = extractNumeric("BCVA of 78 to 24 letters").constraints[0];
  assert.deepEqual([r.value, r.value2, r.valueSpan, r.value2Span], [24, 78, [14, 16], [8, 10]]);
});

test("units of function tests: m/s, mL/kg/min, metres", () => {
  assert.deepEqual(brief("Gait speed < 0.8 m/s"), [[null, "<", 0.8, "m/s"]]);
  assert.deepEqual(brief("VO2max < 20 mL/kg/min"), [[null, "<", 20, "mL/kg/min"]]);
  assert.deepEqual(brief("Six-minute walk distance < 300 meters"), [["six-minute-walk", "<", 300, "m"]]);
});

test("an age in hours: \"Newborns < 72 hours of life\"", () => {
  assert.deepEqual(brief("Newborns < 72 hours of life"), [["age", "<", 72, "h"]]);
  assert.deepEqual(brief("Aged between 6 months and 5 years"), [["age", ">=", 6, "mo"], ["age", "<=", 5, "a"]]);
});

test("a threshold for a condition in its own words gets that condition as qualifier; one that opens the next comparison does not", () => {
  const cs = extractNumeric("Platelets ≥ 100 × 10^9/L (≥ 75 × 10^9/L if bone marrow involvement)").constraints;
  assert.deepEqual(cs.map((c) => [c.value, c.qualifier?.condition, c.qualifier?.text]), [
    [100, undefined, undefined],
    [75, "bone marrow involvement", "if bone marrow involvement"],
  ]);
  const anc = extractNumeric("ANC ≥ 1.0 × 10^9/L, or ≥ 0.5 × 10^9/L in patients with documented bone marrow infiltration").constraints;
  assert.equal(anc[1].qualifier?.condition, "bone marrow infiltration");
  const seedLike = extractNumeric("ALT ≤ 2.5 ×ULN, If liver metastasis is present,ALT and AST<5ULN").constraints;
  assert.deepEqual(seedLike.map((c) => [c.variable, c.value, c.qualifier?.condition]), [["alt", 2.5, undefined], ["alt", 5, "liver-metastases"], ["ast", 5, "liver-metastases"]]);
});

test("a condition's name before a threshold names its variable, but never joins a list of names; a toxicity grade is no value", () => {
  assert.deepEqual(brief("Hyperkalemia > 5 mmol/L"), [["potassium", ">", 5, "mmol/L"]]);
  assert.deepEqual(brief("thrombocytopenia < 100 × 10^9/L"), [["platelets", "<", 100, "10*9/L"]]);
  assert.deepEqual(brief("History of hyponatremia and ALT > 3 x ULN"), [["alt", ">", 3, "ULN"]]);
  assert.deepEqual(brief("Thrombocytopenia grade ≥ 2"), []);
  assert.deepEqual(brief("ALT increase grade 3 or higher"), []);
  assert.deepEqual(brief("ECOG grade 0-1"), [["ecog", "range", 0, 1, "{score}"]]);
});

test("pack-years: the unit names the measurement", () => {
  assert.deepEqual(brief("Smoked ≥ 10 pack-years"), [["pack-years", ">=", 10, "{pack-years}"]]);
  assert.deepEqual(brief("Current or former smokers with a smoking history of at least 20 pack-years"), [["pack-years", ">=", 20, "{pack-years}"]]);
  assert.deepEqual(brief("< 15 pack years"), [["pack-years", "<", 15, "{pack-years}"]]);
});

test("numbers in words with a comparator of their own, for ages and known measurements only", () => {
  assert.deepEqual(brief("at least eighteen years of age"), [["age", ">=", 18, "a"]]);
  assert.deepEqual(brief("twenty-one years or older"), [["age", ">=", 21, "a"]]);
  assert.deepEqual(brief("Patients aged sixty-five or older"), [["age", ">=", 65, "a"]]);
  assert.deepEqual(brief("at least one measurable lesion"), [], "a count of something unknown");
  assert.deepEqual(brief("one of the following"), []);
  assert.deepEqual(brief("more than two weeks"), []);
  const r = extractNumeric("at least eighteen years of age").constraints[0];
  assert.deepEqual(r.valueSpan, [9, 17]);
});

test("the age of a thing is not the patient's: \"renal transplants less than one year old\"", () => {
  assert.deepEqual(brief("renal transplants less than one year old"), []);
  assert.deepEqual(brief("renal transplants less than 1 year old"), []);
  assert.deepEqual(brief("Patients less than 1 year old"), [["age", "<", 1, "a"]]);
});

test("\"unless on anticoagulants\" qualifies a threshold the other way round", () => {
  const cs = extractNumeric("INR or aPTT ≤ 1.5 x ULN (unless on therapeutic anticoagulation)").constraints;
  assert.deepEqual(cs.map((c) => [c.variable, c.qualifier?.condition, c.qualifier?.unless, c.qualifier?.text]), [
    ["inr", "anticoagulant", true, "unless on therapeutic anticoagulation"],
    ["aptt", "anticoagulant", true, "unless on therapeutic anticoagulation"],
  ]);
  assert.equal(extractNumeric("INR > 1.5 (unless on warfarin)").constraints[0].qualifier?.unless, true);
  // "for patients not on …" says the same.
  const q = extractNumeric("INR > 1.5 for patients not on anticoagulation").constraints[0].qualifier;
  assert.deepEqual([q?.condition, q?.unless, q?.text], ["anticoagulant", true, "for patients not on anticoagulation"]);
  assert.equal(extractNumeric("INR ≤ 1.5 x ULN in subjects who are not receiving anticoagulant therapy").constraints[0].qualifier?.unless, true);
});

test("thousands separated by a space before a count's unit: \"100 000/µL\", \"3 000-12 000/mm3\"", () => {
  assert.deepEqual(brief("Platelets ≥ 100 000/µL"), [["platelets", ">=", 100000, "/uL"]]);
  assert.deepEqual(brief("ANC ≥ 1 500 cells/mm3"), [["anc", ">=", 1500, "/mm3"]]);
  assert.deepEqual(brief("WBC 3 000-12 000/µL"), [["wbc", "range", 3000, 12000, "/uL"]]);
  assert.deepEqual(brief("Platelets between 100 000 and 400 000/mm3"), [["platelets", "range", 100000, 400000, "/mm3"]]);
  // Two numbers side by side are not one.
  assert.deepEqual(
    brief("aged 18 to 65 years, 2 000 patients").map((r) => r[2]),
    [18],
  );
});

test("a dipstick grade is read once, as a grade: \"proteinuria < 2+\" is not also \"< 2\"", () => {
  assert.deepEqual(brief("Proteinuria < 2+ by dipstick"), [["urine-protein-dipstick", "<", 2, "{dipstick}"]]);
  assert.deepEqual(brief("urine protein 2+"), [["urine-protein-dipstick", "=", 2, "{dipstick}"]]);
  assert.deepEqual(brief("Hb ≥ 9 g/dL and urine protein ≤ 1+"), [
    ["hemoglobin", ">=", 9, "g/dL"],
    ["urine-protein-dipstick", "<=", 1, "{dipstick}"],
  ]);
});

test("mass ratios: protein or albumin per creatinine in g/g, mg/mg, mg/g Cr", () => {
  assert.deepEqual(brief("UPCR < 1.0 g/g"), [["upcr", "<", 1, "g/g"]]);
  assert.deepEqual(brief("UPCR ≤ 0.5 mg/mg"), [["upcr", "<=", 0.5, "mg/mg"]]);
  assert.deepEqual(brief("UACR < 300 mg/g creatinine"), [["uacr", "<", 300, "mg/g"]]);
});

test("a unit written once after two thresholds of one measurement is both's: \"potassium < 3.5 or > 5.5 mmol/L\"", () => {
  assert.deepEqual(brief("Serum potassium < 3.5 or > 5.5 mmol/L"), [
    ["potassium", "<", 3.5, "mmol/L"],
    ["potassium", ">", 5.5, "mmol/L"],
  ]);
  // Two measurements keep their own: ALT's has none written.
  assert.deepEqual(brief("ALT < 2 or AST > 3 x ULN"), [
    ["alt", "<", 2, null],
    ["ast", ">", 3, "ULN"],
  ]);
});

test("\"unless\" a condition: the threshold is not for those who have it", () => {
  for (const text of ["Total bilirubin > 2.0 mg/dL unless due to Gilbert's syndrome", "bilirubin ≤ 1.5 x ULN (unless documented Gilbert's disease)"]) {
    const q = extractNumeric(text).constraints[0].qualifier;
    assert.deepEqual([q?.condition, q?.unless], ["gilbert-syndrome", true], text);
  }
  assert.deepEqual(extractNumeric("ALT ≤ 2.5 x ULN unless the patient has liver metastases").constraints[0].qualifier?.condition, "liver-metastases");
});

test("\"m\" after a value is metres, or months where a time is meant", () => {
  assert.deepEqual(brief("6-minute walk distance ≥ 150 m and ≤ 450 m"), [
    ["six-minute-walk", ">=", 150, "m"],
    ["six-minute-walk", "<=", 450, "m"],
  ]);
  assert.deepEqual(brief("Age ≥ 6 m"), [["age", ">=", 6, "mo"]]);
  assert.deepEqual(brief("life expectancy ≥ 3 m"), [["life-expectancy", ">=", 3, "mo"]]);
});

test("growth z-scores are their own measurements, not the weight: \"weight-for-age z-score < -2\", WAZ, WHZ, HAZ", () => {
  assert.deepEqual(brief("Weight-for-age z-score < -2"), [["weight-for-age-z", "<", -2, "{SD}"]]);
  assert.deepEqual(brief("HAZ < -2 SD"), [["height-for-age-z", "<", -2, "{SD}"]]);
  assert.deepEqual(brief("weight ≥ 50 kg"), [["weight", ">=", 50, "kg"]]);
});

test("a conditional threshold: the comparison after 'if' is the condition of the threshold it opens, and an alternative to the plain one", () => {
  const r = extractNumeric("urine protein < 2+; if urine protein ≥ 2+, 24-hour urine protein must be ≤ 1 g");
  const cs = r.constraints;
  const day = cs.findIndex((c) => c.variable === "urine-protein-24h");
  const below = cs.findIndex((c) => c.variable === "urine-protein-dipstick" && c.op === "<");
  const cond = cs.findIndex((c) => c.variable === "urine-protein-dipstick" && c.op === ">=");
  assert.deepEqual(cs[day].qualifier, { text: "if urine protein ≥ 2+", span: [20, 41], when: cond });
  assert.deepEqual(r.logic, { op: "or", args: [below, day] });
  // The shorthand: "(if ≥ 2+, …)" is the same test's grade.
  const s = extractNumeric("Urine protein < 2+ (if ≥ 2+, 24h urine protein < 1.0 g)");
  assert.equal(s.constraints.filter((c) => c.variable === "urine-protein-dipstick").length, 2);
  assert.equal(s.constraints.find((c) => c.variable === "urine-protein-24h")?.qualifier?.when !== undefined, true);
  // A condition on another measurement: the threshold applies when it holds, ANDed with the rest.
  const t = extractNumeric("Hb ≥ 9 g/dL; if creatinine > 1.5 mg/dL, creatinine clearance must be ≥ 50 mL/min");
  assert.deepEqual(t.logic, { op: "and", args: [0, 2] });
  assert.equal(t.constraints[2].qualifier?.when, 1);
  // An "if" that opens nothing after it changes nothing.
  assert.equal(extractNumeric("ALT ≤ 2.5 × ULN if no liver metastases").logic, undefined);
});

test("an age at diagnosis or onset is not the patient's age now", () => {
  assert.deepEqual(brief("Age at diagnosis ≤ 40 years"), [["age-at-diagnosis", "<=", 40, "a"]]);
  assert.deepEqual(brief("Age of onset greater than 45 years"), [["age-at-diagnosis", ">", 45, "a"]]);
  assert.deepEqual(brief("Age ≥ 18 years at diagnosis"), [["age-at-diagnosis", ">=", 18, "a"]]);
  assert.deepEqual(brief("Age ≥ 18 years at the time of consent"), [["age", ">=", 18, "a"]]);
});

test("Child-Pugh classes by letter are score ranges: A 5-6, B 7-9, C 10-15; 'B7' is a score", () => {
  assert.deepEqual(brief("Child-Pugh class A"), [["child-pugh", "range", 5, 6, "{score}"]]);
  assert.deepEqual(brief("Child-Pugh A or B7"), [["child-pugh", "range", 5, 7, "{score}"]]);
  assert.deepEqual(brief("child pugh B or worse"), [["child-pugh", ">=", 7, "{score}"]]);
  assert.deepEqual(brief("Child-Pugh B8-9"), [["child-pugh", "range", 8, 9, "{score}"]]);
  // Numbers written win: one constraint.
  assert.deepEqual(brief("Child-Pugh A (score 5-6)"), [["child-pugh", "range", 5, 6, "{score}"]]);
  // The letters as written are the value's span.
  assert.deepEqual(extractNumeric("Child-Pugh C score").constraints[0].valueSpan, [11, 12]);
});

test("an alternative threshold with its own condition: 'BMI ≥ 40 or ≥ 35 with comorbidities'", () => {
  const cs = extractNumeric("BMI ≥ 40 or ≥ 35 with comorbidities").constraints;
  assert.deepEqual(cs.map((c) => [c.value, c.qualifier?.condition]), [[40, undefined], [35, "comorbidities"]]);
  // A bare "with" after a single threshold is no condition.
  assert.equal(extractNumeric("Hb ≥ 9 g/dL with transfusion support").constraints[0].qualifier, undefined);
});

test("a threshold for patients on a drug, or not on it", () => {
  const q = extractNumeric("eGFR ≥ 45 mL/min/1.73 m2 for patients on metformin").constraints[0].qualifier;
  assert.deepEqual([q?.condition, q?.medication, q?.unless], ["metformin", true, undefined]);
  assert.deepEqual(extractNumeric("INR 2.0-3.0 for patients receiving warfarin").constraints[0].qualifier?.condition, "warfarin");
});

test("a condition named inside a measurement's name is not a diagnosis: rating scales, HBV DNA", () => {
  const diagnoses = (text: string) =>
    parseCriteria(text)
      .flatMap((c) => c.constraints)
      .filter((k) => k.type === "diagnosis")
      .map((k) => (k.type === "diagnosis" ? k.concept ?? k.mention : ""));
  assert.deepEqual(diagnoses("Hamilton Depression Rating Scale (HAM-D17) total score > 20"), []);
  assert.deepEqual(diagnoses("Psoriasis Area and Severity Index (PASI) ≥ 12"), []);
  assert.deepEqual(diagnoses("NIH Stroke Scale score of 6 or more at randomization"), []);
  assert.deepEqual(diagnoses("Hepatitis B virus DNA > 2000 IU/mL"), []);
  // a diagnosis beside the measurement stays
  assert.deepEqual(diagnoses("Diabetes with HbA1c > 7%"), ["diabetes"]);
  assert.deepEqual(diagnoses("Crohn's disease with CDAI between 220 and 450"), ["crohns-disease"]);
  assert.deepEqual(diagnoses("Nail psoriasis with NAPSI score of at least 20"), ["psoriasis"]);
  // and an itch scale is not a pain scale
  assert.deepEqual(brief("Worst Itch NRS ≥ 7"), [["itch-nrs", ">=", 7, "{score}"]]);
  assert.deepEqual(brief("Peak Pruritus NRS score of ≥ 4"), [["itch-nrs", ">=", 4, "{score}"]]);
  assert.deepEqual(brief("pruritus VAS > 40 mm"), [["itch-vas", ">", 40, "mm"]]);
  assert.deepEqual(brief("Pain NRS ≥ 4"), [["pain-nrs", ">=", 4, "{score}"]]);
});

test("volumes and counts as registries write them: mL, L, L/min, mIU/mL, /mcL, mg/24 hours", () => {
  assert.deepEqual(brief("Expected blood loss > 500 mL"), [[null, ">", 500, "mL"]]);
  assert.deepEqual(brief("daily hemoptysis of 2.5ml or more"), [[null, ">=", 2.5, "mL"]]);
  assert.deepEqual(brief("FEV1 ≥ 1.5 L"), [["fev1", ">=", 1.5, "L"]]);
  assert.deepEqual(brief("oxygen ≥ 2 L/min"), [[null, ">=", 2, "L/min"]]);
  assert.deepEqual(brief("hCG < 5000 mIU/mL"), [[null, "<", 5000, "m[IU]/mL"]]);
  assert.deepEqual(brief("Leukocytes \\>= 3,000/mcL"), [["wbc", ">=", 3000, "/uL"]]);
  assert.deepEqual(brief("Platelets >= 100 x 10^3/mcL"), [["platelets", ">=", 100, "10*3/uL"]]);
  assert.deepEqual(brief("Urine protein ≥ 200 mg/24 hours"), [["urine-protein-24h", ">=", 200, "mg/(24.h)"]]);
  // the longer unit still wins
  assert.deepEqual(brief("Creatinine clearance ≥ 50 ml/min"), [["creatinine-clearance", ">=", 50, "mL/min"]]);
});

test("a score's admitted values with one decimal: 'CDR 0.5 or 1' is the range 0.5-1, as 'ECOG 0 or 1' is 0-1", () => {
  assert.deepEqual(brief("Clinical Dementia Rating (CDR) global score of 0.5 or 1"), [["cdr", "range", 0.5, 1, "{score}"]]);
  assert.deepEqual(brief("CDR of 0.5 or 1.0"), [["cdr", "range", 0.5, 1, "{score}"]]);
  assert.deepEqual(brief("ECOG 0 or 1."), [["ecog", "range", 0, 1, "{score}"]]);
  // a value with two decimals or a thousands group is no score list
  assert.deepEqual(brief("ECOG 0 or 1,500 patients"), [["ecog", "=", 0, "{score}"]]);
});

test("a viral load in log10 is read as the count: '> 4 log10 copies/mL' is > 10,000 copies/mL", () => {
  assert.deepEqual(brief("HIV-1 RNA > 4 log10 copies/mL"), [["hiv-viral-load", ">", 10000, "{copies}/mL"]]);
  assert.deepEqual(brief("HBV DNA ≥ 5 log10 IU/mL"), [["hbv-dna", ">=", 100000, "[IU]/mL"]]);
  assert.deepEqual(brief("HBV DNA < 2 log IU/ml"), [["hbv-dna", "<", 100, "[IU]/mL"]]);
  const [k] = extractNumeric("HIV-1 RNA > 4 log10 copies/mL").constraints;
  assert.deepEqual([k.valueSpan, k.unitSpan], [[12, 13], [14, 29]], "the value as written, the unit with its 'log10'");
});

test("lung function and sleep indices: DLCO, TLC, '% of predicted' names no measurement; a written-out name decides an abbreviation's meaning", () => {
  const mentions = (text: string) => extractNumeric(text).constraints.map((c) => [c.variable, c.mention]);
  assert.deepEqual(mentions("Total lung capacity (TLC) < 80% of predicted"), [["tlc", "Total lung capacity (TLC)"]]);
  assert.deepEqual(mentions("DLCO ≥ 40% of predicted"), [["dlco", "DLCO"]]);
  assert.deepEqual(mentions("Oxygen desaturation index (ODI) ≥ 10 per hour"), [["oxygen-desaturation-index", "Oxygen desaturation index (ODI)"]]);
  assert.deepEqual(mentions("Oswestry Disability Index (ODI) ≥ 30"), [["odi", "Oswestry Disability Index (ODI)"]]);
  // the abbreviation is the more precise name of the words before it
  assert.deepEqual(mentions("Blood pressure (SBP) ≥ 140 mmHg"), [["sbp", "SBP"]]);
  // a name after '% of' that is what the percentage is of stays the measurement's
  assert.deepEqual(mentions("less than 50% of excess weight"), [[null, "excess weight"]]);
});

test("'= 18 years of age and <60': an '=' (a lost '≥') before an upper bound of the same measurement is a lower bound", () => {
  assert.deepEqual(brief("Male or female = 18 years of age and <60"), [
    ["age", ">=", 18, "a"],
    ["age", "<", 60, "a"],
  ]);
  assert.deepEqual(brief("Age = 18 and ≤ 65 years"), [
    ["age", ">=", 18, "a"],
    ["age", "<=", 65, "a"],
  ]);
  // an exact value stays one
  assert.deepEqual(brief("ECOG = 1"), [["ecog", "=", 1, "{score}"]]);
  assert.deepEqual(brief("age = 18 years"), [["age", "=", 18, "a"]]);
});

test("a preference is no requirement: 'Priority will be given to subjects with HER2 positive solid tumor' is kept for a human", () => {
  const text = "Histologically confirmed breast cancer, Priority will be given to subjects with HER2 positive tumor;";
  const [c] = parseCriteria(text);
  const kinds = c.constraints.map((k) => (k.type === "diagnosis" ? `diagnosis:${k.concept}` : k.type === "judgement" ? `judgement:${k.aspect}` : k.type));
  assert.deepEqual(kinds, ["diagnosis:breast-cancer", "judgement:other"]);
  const j = c.constraints[1];
  assert.ok(j.type === "judgement" && text.slice(j.span[0], j.span[1]) === j.text && j.text.startsWith("Priority"));
});

test("superscripts lost in a copy from a PDF: '/mm 3', '1.73 m 2'", () => {
  assert.deepEqual(brief("Neutrophils ≥ 1500/mm 3"), [["anc", ">=", 1500, "/mm3"]]);
  assert.deepEqual(brief("platelets ≥ 100 000/mm 3"), [["platelets", ">=", 100000, "/mm3"]]);
  assert.deepEqual(brief("eGFR ≥ 60 ml/min/1.73 m 2"), [["egfr", ">=", 60, "mL/min/{1.73_m2}"]]);
});

test("a sex named just before a threshold's name, or in its place, is the threshold's: 'Male subjects weigh ≥ 50 kg, female subjects …', 'Male ≥50 kg'", () => {
  const sexes = (t: string) => extractNumeric(t).constraints.map((c) => [c.variable, c.value, c.qualifier?.sex ?? null]);
  assert.deepEqual(sexes("Male subjects weigh not less than 50 kg, female subjects weigh not less than 45 kg"), [
    ["weight", 50, "male"],
    ["weight", 45, "female"],
  ]);
  assert.deepEqual(sexes("Male ≥50 kg, female ≥45 kg"), [
    ["weight", 50, "male"],
    ["weight", 45, "female"],
  ]);
  // an age stays everyone's
  assert.deepEqual(sexes("Women aged ≥ 18 years"), [["age", 18, null]]);
});

test("the drug or condition of a 'For patients receiving …:' lead-in says whom the criterion is for, not what it requires", () => {
  const types = (t: string) => parseCriteria(t).flatMap((c) => c.constraints.map((k) => k.type));
  assert.deepEqual(types("For patients receiving anticoagulation: stable regimen for at least 4 weeks"), []);
  assert.deepEqual(types("For patients with diabetes, HbA1c < 8%"), ["numeric"]);
  assert.deepEqual(types("Patients receiving anticoagulation"), ["therapy"]);
});

test("a name for several measurements: 'transaminases ≤ 2.5 × ULN' is AST and ALT", () => {
  assert.deepEqual(brief("transaminases ≤ 2.5 × ULN"), [
    ["ast", "<=", 2.5, "ULN"],
    ["alt", "<=", 2.5, "ULN"],
  ]);
  assert.deepEqual(brief("AST ≤ 2.5 × ULN"), [["ast", "<=", 2.5, "ULN"]]);
});

test("parathyroid hormone and 25(OH)D are known; a drug aimed at a variant is no biomarker", () => {
  assert.deepEqual(brief("Serum intact PTH over 500 pg/mL"), [["pth", ">", 500, "pg/mL"]]);
  assert.deepEqual(brief("Serum 25(OH)D < 30 ng/ml"), [["vitamin-d", "<", 30, "ng/mL"]]);
  const [c] = parseCriteria("Prior treatment with a KRAS G12D inhibitor");
  assert.ok(!c.constraints.some((k) => k.type === "biomarker"));
});

test("lists with a comma before the last 'and', written-out names with their abbreviations", () => {
  assert.deepEqual(brief("AST, ALT, and alkaline phosphatase (ALP) ≤ 3 x upper limit of normal (ULN)"), [
    ["ast", "<=", 3, "ULN"],
    ["alt", "<=", 3, "ULN"],
    ["alp", "<=", 3, "ULN"],
  ]);
  assert.deepEqual(brief("glutamic oxaloacetic transaminase (AST), glutamic pyruvic transaminase (ALT)<2.5xULN"), [
    ["ast", "<", 2.5, "ULN"],
    ["alt", "<", 2.5, "ULN"],
  ]);
  // a name for several measurements, then the abbreviation of one: that one
  assert.deepEqual(brief("Serum transaminase (SGPT) ≤ 2.5 × ULN"), [["alt", "<=", 2.5, "ULN"]]);
});

test("ULN written as 'the norm', 'normal limit', 'normal value'", () => {
  assert.deepEqual(brief("GOT > 5 times the upper limit of the norm"), [["ast", ">", 5, "ULN"]]);
  assert.deepEqual(brief("total bilirubin<1.5 normal limit (ULN)"), [["total-bilirubin", "<", 1.5, "ULN"]]);
  assert.deepEqual(brief("ALT < 2 times the normal value"), [["alt", "<", 2, "ULN"]]);
  assert.deepEqual(brief("bilirubin within normal limits"), []);
});

test("a lower bound joined by 'to' to an upper bound with its own comparator: both bounds", () => {
  assert.deepEqual(brief("Age from 18 to less than 65 years"), [
    ["age", ">=", 18, "a"],
    ["age", "<", 65, "a"],
  ]);
  assert.deepEqual(brief("BMI of 18.5 to < 30 kg/m2"), [
    ["bmi", ">=", 18.5, "kg/m2"],
    ["bmi", "<", 30, "kg/m2"],
  ]);
  assert.deepEqual(brief("Children age 4 to < 17 years"), [
    ["age", ">=", 4, "a"],
    ["age", "<", 17, "a"],
  ]);
});

test("'> than' and 'greater then' are comparators; a dipstick grade may be written '2 +'", () => {
  assert.deepEqual(brief("Pediatric patients > than 2 years old"), [["age", ">", 2, "a"]]);
  assert.deepEqual(brief("Hemoglobin greater then 10 g/dL"), [["hemoglobin", ">", 10, "g/dL"]]);
  assert.deepEqual(brief("Urine dipstick for proteinuria < 2 +"), [["urine-protein-dipstick", "<", 2, "{dipstick}"]]);
});

test("a value whose duration unit is written once after the next value is a duration; 'which is allowed < 5 × ULN' is the same measurement's", () => {
  assert.deepEqual(brief("Prior systemic therapy less than 3 or less than 14 days before randomization"), []);
  assert.deepEqual(brief("AST and ALT ≤ 2.5 x ULN, which is allowed < 5 x ULN in patients with liver metastasis"), [
    ["ast", "<=", 2.5, "ULN"],
    ["alt", "<=", 2.5, "ULN"],
    ["ast", "<", 5, "ULN"],
    ["alt", "<", 5, "ULN"],
  ]);
});

test("a lead-in 'Participants with X must …' marks X as whom the criterion is for; with nothing after the verb it permits, and is kept for a human", () => {
  const subjects = (t: string) => parseCriteria(t).flatMap((c) => c.constraints.map((k) => (k.type === "diagnosis" ? `${k.mention}${k.subject ? " (subject)" : ""}` : k.type)));
  assert.deepEqual(subjects("Participants with hepatitis B infection must have HBV DNA < 500 IU/mL"), ["numeric", "hepatitis B infection (subject)"]);
  assert.deepEqual(subjects("Subjects with HIV are eligible if CD4 count ≥ 350"), ["numeric", "HIV (subject)"]);
  assert.deepEqual(subjects("Patients with treated brain metastases are eligible if stable for at least 4 weeks"), ["brain metastases (subject)"]);
  assert.deepEqual(subjects("Patients with HIV are eligible."), ["judgement"]);
  assert.deepEqual(subjects("Patients with active hepatitis B must not be enrolled"), ["active hepatitis B"]);
  assert.deepEqual(subjects("History of hepatitis B"), ["hepatitis B"]);
});

test("decimal commas before more units and, after a comparator, before none; lists of values stay lists", () => {
  assert.deepEqual(brief("EDSS ≤ 6,5"), [["edss", "<=", 6.5, "{score}"]]);
  assert.deepEqual(brief("AMH >= 1,1 ng/ml"), [["amh", ">=", 1.1, "ng/mL"]]);
  assert.deepEqual(brief("Testosterone < 10,4 nmol/L"), [["testosterone", "<", 10.4, "nmol/L"]]);
  assert.deepEqual(brief("ECOG 0,1 or 2"), [["ecog", "range", 0, 2, "{score}"]]);
  assert.deepEqual(brief("platelets ≥ 100,000/mm3"), [["platelets", ">=", 100000, "/mm3"]]);
});

test("units: dB/m, cm/s, ppb, Wood units, 'ml/min/1.73 m^2'; names: BNP is not NT-proBNP, hs-CRP, fetal haemoglobin, CDR-SB, gestational age, FeNO, liver stiffness", () => {
  assert.deepEqual(brief("eGFR < 40 ml/min/1.73 m^2"), [["egfr", "<", 40, "mL/min/{1.73_m2}"]]);
  assert.deepEqual(brief("Controlled attenuation parameter (CAP) ≥ 280 dB/m"), [["cap", ">=", 280, "{dB/m}"]]);
  assert.deepEqual(brief("Transcranial Doppler velocity ≥ 200 cm/s"), [[null, ">=", 200, "cm/s"]]);
  assert.deepEqual(brief("FeNO ≥ 25 ppb"), [["feno", ">=", 25, "[ppb]"]]);
  assert.deepEqual(brief("PVR ≥ 3 Wood units"), [[null, ">=", 3, "[wood'U]"]]);
  assert.deepEqual(brief("BNP ≥ 150 pg/mL or NT-proBNP ≥ 600 pg/mL"), [
    ["bnp", ">=", 150, "pg/mL"],
    ["nt-probnp", ">=", 600, "pg/mL"],
  ]);
  assert.deepEqual(brief("hs-CRP ≥ 0.6 mg/dL"), [["hs-crp", ">=", 0.6, "mg/dL"]]);
  assert.deepEqual(brief("Fetal hemoglobin (HbF) > 20%"), [["hbf", ">", 20, "%"]]);
  assert.deepEqual(brief("Hemoglobin F > 20%"), [["hbf", ">", 20, "%"]]);
  assert.deepEqual(brief("CDR-SB score between 2.5 and 7.5"), [["cdr-sb", "range", 2.5, 7.5, "{score}"]]);
  assert.deepEqual(brief("Gestational age < 32 weeks"), [["gestational-age", "<", 32, "wk"]]);
  // a time compared as such is a prognosis-type constraint (as a life expectancy); without a unit, a value
  assert.deepEqual(parseCriteria("Gestational age < 32 weeks")[0].constraints.map((c) => c.type), ["prognosis"]);
  assert.deepEqual(parseCriteria("Gestational age 26-34")[0].constraints.map((c) => c.type), ["numeric"]);
  assert.deepEqual(brief("LSM > 12.5 kPa"), [["liver-stiffness", ">", 12.5, "kPa"]]);
});

test("durations are not ages, even a bound in years after one in months; a change of a measurement is no value of it; 'outside' a range", () => {
  assert.deepEqual(brief("Current episode of hair loss for ≥ 6 months and ≤ 8 years"), []);
  assert.deepEqual(brief("≥ 18 years and ≤ 75 years"), [
    ["age", ">=", 18, "a"],
    ["age", "<=", 75, "a"],
  ]);
  const mention = (t: string) => extractNumeric(t).constraints.map((c) => [c.variable, c.mention, c.op, c.value]);
  assert.deepEqual(mention("Decrease of ≥ 25% in MADRS total score between screening and baseline"), [[null, "Decrease of ≥ 25% in MADRS", ">=", 25]]);
  assert.deepEqual(mention("Weight change less than 5 kg in the last 3 months"), [[null, "Weight change", "<", 5]]);
  assert.deepEqual(mention("Stable body weight (less than 5 kg self-reported change)"), [[null, "body weight", "<", 5]]);
  assert.deepEqual(mention("increase in serum creatinine ≥ 0.3 mg/dL within 48 hours"), [[null, "increase in serum creatinine", ">=", 0.3]]);
  assert.deepEqual(mention("Body weight ≥ 50 kg"), [["weight", "Body weight", ">=", 50]]);
  assert.deepEqual(mention("Weight loss > 10% in the past 6 months"), [["weight-loss", "Weight loss", ">", 10]]);
  const [tsh] = extractNumeric("TSH outside 0.4-4.0 mIU/L").constraints;
  assert.deepEqual([tsh.variable, tsh.op, tsh.value, tsh.value2, tsh.outside], ["tsh", "range", 0.4, 4, true]);
  assert.equal(extractNumeric("TSH 0.4-4.0 mIU/L").constraints[0].outside, undefined);
});

test("dermatology and pulmonary hypertension scores; alcohol and cigarette rates; a scale's size or anchors are no threshold", () => {
  assert.deepEqual(brief("Investigator's Global Assessment (IGA) score ≥3 (on the 0-4 IGA scale)"), [["iga-score", ">=", 3, "{score}"]]);
  assert.deepEqual(brief("IGA score ≥ 3 on a 5-point scale"), [["iga-score", ">=", 3, "{score}"]]);
  assert.deepEqual(brief("IgA < 0.7 g/L"), [["iga", "<", 0.7, "g/L"]]);
  assert.deepEqual(brief("SALT score of 100"), [["salt", "=", 100, "{score}"]]);
  assert.deepEqual(brief("WHO functional class II or III"), [["who-fc", "range", 2, 3, "{class}"]]);
  assert.deepEqual(brief("Antral follicle count 8-20"), [[null, "range", 8, 20, null]]);
  assert.deepEqual(brief("Alcohol consumption > 21 units/week for men or > 14 units/week for women"), [
    [null, ">", 21, "{units}/wk"],
    [null, ">", 14, "{units}/wk"],
  ]);
  assert.deepEqual(
    extractNumeric("Alcohol consumption > 21 units/week for men or > 14 units/week for women").constraints.map((c) => c.qualifier?.sex),
    ["male", "female"],
  );
  assert.deepEqual(brief("smoking ≥ 10 cigarettes per day"), [[null, ">=", 10, "{cigarettes}/d"]]);
  assert.deepEqual(brief("Pain intensity ≥ 4 on an 11-point numeric rating scale (NRS, 0-10)"), [["pain-nrs", ">=", 4, "{score}"]]);
});

test("a group or condition after a threshold qualifies it: 'for HIV co-infected participants', 'pre-dialysis if on dialysis'", () => {
  const quals = (t: string) => extractNumeric(t).constraints.map((c) => c.qualifier?.condition ?? null);
  assert.deepEqual(quals("CD4 count > 350 cells/mm3 for HIV co-infected participants"), ["hiv co-infected"]);
  assert.deepEqual(quals("Serum potassium no more than 5.0 mmol/L, or ≤ 5.5 mEq/L pre-dialysis if on dialysis"), [null, "on dialysis"]);
  assert.deepEqual(quals("eGFR ≥ 30 mL/min for all participants"), [null]);
});

test("the method after a value with a unit ('on the 4 m walk test') is not the measurement's name", () => {
  assert.deepEqual(extractNumeric("Walking speed <1 m/sec on the 4 m walk test").constraints.map((c) => c.mention), ["Walking speed"]);
  assert.deepEqual(extractNumeric("≥ 4 on the Hamilton Depression Rating Scale").constraints.map((c) => c.variable), ["hamd"]);
});

test("sex-split values keep the measurement: after '; females', '(female) or', and past a value restated in another unit", () => {
  const rows = (t: string) => extractNumeric(t).constraints.map((c) => [c.variable, c.value, c.unit ?? null, c.qualifier?.sex ?? null]);
  assert.deepEqual(rows("Hemoglobin: males < 12.5 g/dL; females < 11.5 g/dL"), [
    ["hemoglobin", 12.5, "g/dL", "male"],
    ["hemoglobin", 11.5, "g/dL", "female"],
  ]);
  assert.deepEqual(rows("Hemoglobin ≥ 10.0 g/dL (≥ 6.2 mmol/L) for women or ≥ 11.0 g/dL (≥ 6.8 mmol/L) for men"), [
    ["hemoglobin", 10, "g/dL", "female"],
    ["hemoglobin", 6.2, "mmol/L", "female"],
    ["hemoglobin", 11, "g/dL", "male"],
    ["hemoglobin", 6.8, "mmol/L", "male"],
  ]);
  assert.deepEqual(rows("Hemoglobin ≥ 11.5 g/dL [≥ 115 g/L] (female) or ≥ 12.5 g/dL [≥ 125 g/L] (male)").map((r) => r[3]), ["female", "female", "male", "male"]);
  assert.deepEqual(rows("Total bilirubin ≤ ULN (except known Gilbert's, ≤ 2 × ULN)").map((r) => r[0]), ["total-bilirubin", "total-bilirubin"]);
});

test("names inside other names and methods: DLCO adjusted for Hb, HCT-CI, pulmonary artery systolic pressure, urine M-protein; '> or =', m², cm³, °F, age-adjusted ULN, weeks of gestation", () => {
  assert.deepEqual(brief("DLCO (adjusted for Hb) ≥ 40%"), [["dlco", ">=", 40, "%"]]);
  assert.deepEqual(brief("HCT-CI score ≤ 3"), [["hct-ci", "<=", 3, "{score}"]]);
  assert.deepEqual(brief("Pulmonary artery systolic pressure > 50 mmHg"), [["pasp", ">", 50, "mm[Hg]"]]);
  assert.deepEqual(brief("Urine M-protein ≥ 200 mg/24 h"), [["urine-m-protein", ">=", 200, "mg/(24.h)"]]);
  assert.deepEqual(brief("pulse 55 to 100 beats per minute"), [["heart-rate", "range", 55, 100, "/min"]]);
  assert.deepEqual(brief("Hemoglobin > or = 9 g/dL"), [["hemoglobin", ">=", 9, "g/dL"]]);
  assert.deepEqual(brief("American Society of Anesthesiologists (ASA) physical status I–III"), [["asa", "range", 1, 3, "{score}"]]);
  assert.deepEqual(brief("Body surface area ≥ 0.5 m²"), [[null, ">=", 0.5, "m2"]]);
  assert.deepEqual(brief("Temperature ≥ 100.4°F (≥ 38.0°C)"), [
    ["body-temperature", ">=", 100.4, "[degF]"],
    ["body-temperature", ">=", 38, "Cel"],
  ]);
  assert.deepEqual(brief("Serum creatinine ≤ 1.5 x age-adjusted ULN"), [["creatinine", "<=", 1.5, "ULN"]]);
  assert.deepEqual(parseCriteria("Born after at least 37 weeks of gestation")[0].constraints.map((c) => [c.type, "variable" in c ? c.variable : null]), [["prognosis", "gestational-age"]]);
});

test("qualifiers: 'unless considered due to leukemic involvement', '(except Gilbert's syndrome)', 'with liver or bone metastases', a 'For participants with …:' lead-in", () => {
  const q = (t: string) => extractNumeric(t).constraints.map((c) => (c.qualifier ? [c.qualifier.condition ?? null, c.qualifier.unless ?? false, c.qualifier.medication ?? false] : null));
  assert.deepEqual(q("Total bilirubin ≤ 2.5 × ULN, unless considered due to leukemic involvement"), [["leukemic involvement", true, false]]);
  assert.deepEqual(q("Total bilirubin < 2 mg/dL (except Gilbert's syndrome)"), [["gilbert-syndrome", true, false]]);
  assert.deepEqual(q("Total bilirubin ≤ 2.0 mg/dL, except in subjects with Gilbert's syndrome"), [["gilbert-syndrome", true, false]]);
  assert.deepEqual(q("Alkaline phosphatase =< 2.5 x ULN (=< 5 x ULN with liver or bone metastases)"), [null, ["liver-or-bone-metastases", false, false]]);
  assert.deepEqual(q("For participants with type 2 diabetes: HbA1c no greater than 8.0%"), [["type 2 diabetes", false, false]]);
  assert.deepEqual(q("For patients receiving warfarin: INR 2.0-3.0"), [["warfarin", false, true]]);
});

test("a time point before 'or' does not end a list of thresholds: 'NT-proBNP ≥ 600 pg/mL at screening, or ≥ 900 pg/mL for patients with atrial fibrillation'", () => {
  assert.deepEqual(brief("NT-proBNP ≥ 600 pg/mL at screening, or ≥ 900 pg/mL for patients with atrial fibrillation"), [
    ["nt-probnp", ">=", 600, "pg/mL"],
    ["nt-probnp", ">=", 900, "pg/mL"],
  ]);
});

test("percentiles; a name after a generic 'Score ≥ 3 on the …'; 'X ≥ N% of Y' is X's; a share of something else after SpO2; ages after adjectives; a scale's printed range; sex after a counted noun", () => {
  const rows = (t: string) => extractNumeric(t).constraints.map((c) => [c.variable, c.mention, c.op, c.value, c.unit ?? null]);
  assert.deepEqual(rows("Weight below the 5th percentile for age"), [[null, "Weight", "<", 5, "{percentile}"]]);
  assert.deepEqual(rows("BMI ≥ 85th percentile"), [[null, "BMI", ">=", 85, "{percentile}"]]);
  assert.deepEqual(rows("Score ≥ 3 on the CRAFFT"), [[null, "CRAFFT", ">=", 3, null]]);
  assert.deepEqual(rows("scoring ≥ 10 on the PHQ-9"), [["phq9", "PHQ-9", ">=", 10, "{score}"]]);
  assert.deepEqual(rows("Body fat > 30% of body weight"), [[null, "Body fat", ">", 30, "%"]]);
  assert.deepEqual(rows("Previous Gastric Bypass Surgery lead to less than 50% of excess weight loss"), [[null, "excess weight loss", "<", 50, "%"]]);
  assert.deepEqual(rows("SpO2 <90% for more than 10% of total sleep time"), [
    ["spo2", "SpO2", "<", 90, "%"],
    [null, "total sleep time", ">", 10, "%"],
  ]);
  assert.deepEqual(rows("Pre-bronchodilator FEV1 ≧ 40% and ≦ 85% of predicted normal value").map((r) => r[0]), ["fev1", "fev1"]);
  assert.deepEqual(rows("Healthy sedentary adults 20-45 yrs").map((r) => [r[0], r[2], r[3]]), [["age", "range", 20]]);
  assert.deepEqual(rows("VAS pain ≥ 30 mm (0-100 mm scale)"), [["pain-vas", "VAS", ">=", 30, "mm"]]);
  assert.deepEqual(rows("PSQI > 5 (scores range from 0 to 21)").length, 1);
  assert.deepEqual(rows("ECOG performance status (0-1)").map((r) => r[0]), ["ecog"]);
  assert.deepEqual(extractNumeric("≥5 drinks for men, ≥4 for women").constraints.map((c) => c.qualifier?.sex), ["male", "female"]);
});

test("weeks and days of a gestational age ('32+6 weeks'): the weeks are the value, the days no value of their own", () => {
  const rows = (t: string) => parseCriteria(t).flatMap((c) => c.constraints.map((k) => (k.type === "prognosis" || k.type === "numeric" ? [k.type, k.op, k.value, k.value2 ?? null, k.unit ?? null] : [k.type])));
  assert.deepEqual(rows("Gestational age 10+0 to 16+6 weeks"), [["prognosis", "range", 10, 16, "wk"]]);
  assert.deepEqual(rows("Gestational age 32+6 weeks or less"), [["prognosis", "<=", 32, null, "wk"]]);
  assert.deepEqual(rows("between 24+0 and 33+6 weeks of gestation"), [["prognosis", "range", 24, 33, "wk"]]);
});

test("European and lab-system notations: '× 10*9/L', 'giga/L', 'G/l', '1,73 m2', '800.000 IU/ml', decimal commas in ranges; an age's lower bound before the years of the upper; s, °C in words, IU/dL", () => {
  assert.deepEqual(brief("Absolute neutrophil count >= 1,5 x 10*9/L"), [["anc", ">=", 1.5, "10*9/L"]]);
  assert.deepEqual(brief("Neutrophils < 1,0 giga/L"), [["anc", "<", 1, "10*9/L"]]);
  assert.deepEqual(brief("neutrophils ≥ 1.5 G/l"), [["anc", ">=", 1.5, "10*9/L"]]);
  assert.deepEqual(brief("Hb ≥ 90 g/l"), [["hemoglobin", ">=", 90, "g/L"]]);
  assert.deepEqual(brief("eGFR < 45 ml/min/1,73m2"), [["egfr", "<", 45, "mL/min/{1.73_m2}"]]);
  assert.deepEqual(brief("HBV DNA ≥ 2.000 IU/ml"), [["hbv-dna", ">=", 2000, "[IU]/mL"]]);
  assert.deepEqual(brief("HbA1c between 7,5 and 10,5 %"), [["hba1c", "range", 7.5, 10.5, "%"]]);
  assert.deepEqual(brief("HbA1c 7,5-10,5%"), [["hba1c", "range", 7.5, 10.5, "%"]]);
  assert.deepEqual(brief("Adults >= 18 and <= 75 years with type 2 diabetes"), [
    ["age", ">=", 18, "a"],
    ["age", "<=", 75, "a"],
  ]);
  assert.deepEqual(brief("Chair stand test > 15 s"), [[null, ">", 15, "s"]]);
  assert.deepEqual(brief("temperature ≥ 38 degrees Celsius"), [["body-temperature", ">=", 38, "Cel"]]);
  assert.deepEqual(brief("Factor VIII < 1 IU/dL"), [[null, "<", 1, "[IU]/dL"]]);
});

test("urinary protein/creatinine ratio; standard deviation scores are not the measurement ('BMI SDS' is the BMI-for-age z-score; an unknown 'Height velocity SDS' no height)", () => {
  assert.deepEqual(brief("Urinary protein/creatinine ratio > 0.5 mg/mg"), [["upcr", ">", 0.5, "mg/mg"]]);
  assert.deepEqual(brief("BMI SDS > 2"), [["bmi-for-age-z", ">", 2, "{SD}"]]);
  assert.deepEqual(brief("Height velocity SDS < -1"), [[null, "<", -1, null]]);
  assert.deepEqual(brief("BMI ≥ 30"), [["bmi", ">=", 30, "kg/m2"]]);
});

test("a bracket opening on another threshold of the same measurement, for an age group: 'FEV1 < 80% of predicted normal for adults (< 90% for adolescents aged 12 to 17)'", () => {
  const cs = extractNumeric("Pre-bronchodilator FEV1 < 80% of predicted normal for adults (< 90% for adolescents aged 12 to 17).").constraints;
  assert.deepEqual(cs.map((c) => [c.variable, c.op, c.value, c.qualifier?.condition ?? null]), [
    ["fev1", "<", 80, null],
    ["fev1", "<", 90, "age 12-17 a"],
  ]);
  assert.deepEqual(brief("ANC ≥ 1500/µL in adults (≥ 1000/µL for children)"), [
    ["anc", ">=", 1500, "/uL"],
    ["anc", ">=", 1000, "/uL"],
  ]);
});

test("bone marrow blasts in %, the Asthma Control Questionnaire", () => {
  assert.deepEqual(brief("Bone marrow blasts ≥ 5%"), [["bone-marrow-blasts", ">=", 5, "%"]]);
  assert.deepEqual(brief("ACQ-6 score ≥ 1.5 at screening"), [["acq", ">=", 1.5, "{score}"]]);
});

test("units of flow, pressure, rates, counts and optics; signed values after word comparators; 'at or below'", () => {
  assert.deepEqual(brief("Qmax ≥ 5 mL/s"), [[null, ">=", 5, "mL/s"]]);
  assert.deepEqual(brief("PEEP ≥ 5 cm H2O"), [[null, ">=", 5, "cm[H2O]"]]);
  assert.deepEqual(brief("urine culture > 10^5 CFU/mL"), [[null, ">", 100000, "{CFU}/mL"]]);
  assert.deepEqual(brief("sperm concentration ≥ 5 million/mL"), [[null, ">=", 5, "10*6/mL"]]);
  assert.deepEqual(brief("myopia ≤ -8 diopters"), [[null, "<=", -8, "[diop]"]]);
  assert.deepEqual(brief("eGFR below 30 ml/min/1.73m^2"), [["egfr", "<", 30, "mL/min/{1.73_m2}"]]);
  assert.deepEqual(brief("Caffeine consumption of more than 5 cups of coffee per day"), [[null, ">", 5, "{cups}/d"]]);
  assert.deepEqual(brief("Weight-for-length Z-score below -2"), [["weight-for-height-z", "<", -2, "{SD}"]]);
  assert.deepEqual(brief("T-score at or below -2.5"), [["bmd-t-score", "<=", -2.5, "{SD}"]]);
  assert.deepEqual(brief("BMI-for-age z-score < -2 or > +3"), [
    ["bmi-for-age-z", "<", -2, "{SD}"],
    ["bmi-for-age-z", ">", 3, "{SD}"],
  ]);
});

test("a part of a scale ('MADRS item 10', 'IPSS quality-of-life score', '… subscale'), a change in a bracket after the name, birth weight: not the measurement itself", () => {
  assert.deepEqual(brief("MADRS item 10 score ≥ 5"), [[null, ">=", 5, null]]);
  assert.deepEqual(brief("IPSS quality-of-life score < 3"), [[null, "<", 3, null]]);
  assert.deepEqual(brief("PANSS positive subscale score ≥ 20"), [[null, ">=", 20, null]]);
  assert.deepEqual(brief("MADRS total score ≥ 26"), [["madrs", ">=", 26, "{score}"]]);
  assert.deepEqual(brief("Stable body weight (change < 5 kg) over the past 3 months"), [[null, "<", 5, "kg"]]);
  assert.deepEqual(brief("Birth weight 500–1500 g"), [["birth-weight", "range", 500, 1500, "g"]]);
});

test("alternatives after a label in brackets or an inherited name: '18–49 years (Cohort A) or 65 through 85 years (Cohort B)', 'age > 21 or less than 2'", () => {
  const r = extractNumeric("Aged 18–49 years (Cohort A) or 65 through 85 years (Cohort B)");
  assert.deepEqual(r.constraints.map((c) => [c.variable, c.op, c.value, c.value2]), [
    ["age", "range", 18, 49],
    ["age", "range", 65, 85],
  ]);
  assert.deepEqual(r.logic, { op: "or", args: [0, 1] });
  assert.deepEqual(extractNumeric("age > 21 or less than 2").logic, { op: "or", args: [0, 1] });
  assert.deepEqual(extractNumeric("BMI <18.5 or ≥ 30 kg/m2").logic, { op: "or", args: [0, 1] });
  // an abbreviation in brackets is a name: "(TBSA)"
  assert.deepEqual(
    extractNumeric("burns (>10% total body surface area (TBSA) or >5% TBSA with full thickness)").constraints.map((c) => c.mention),
    ["total body surface area", "TBSA"],
  );
});

test("the same threshold in another unit in brackets, without a comparator: 'HbA1c > 86 mmol/mol (10%)', 'weight ≥ 50 kg (110 lbs)'; counts of results and reference ranges defined are no thresholds", () => {
  assert.deepEqual(brief("HbA1c > 86 mmol/mol (10%)"), [
    ["hba1c", ">", 86, "mmol/mol"],
    ["hba1c", ">", 10, "%"],
  ]);
  assert.deepEqual(brief("LDL-C ≥ 100 mg/dL (2.6 mmol/L)"), [
    ["ldl", ">=", 100, "mg/dL"],
    ["ldl", ">=", 2.6, "mmol/L"],
  ]);
  assert.deepEqual(brief("Weight ≥ 50 kg (110 lbs)"), [
    ["weight", ">=", 50, "kg"],
    ["weight", ">=", 110, "[lb_av]"],
  ]);
  assert.deepEqual(brief("Age ≥ 18 years (n=20)"), [["age", ">=", 18, "a"]]);
  assert.deepEqual(brief("at least 2 rising PSA values taken ≥ 1 week apart"), []);
  assert.deepEqual(brief("at least 3 PSA measurements"), []);
  assert.deepEqual(brief("the ULN for SGPT is 45 U/L"), []);
  assert.deepEqual(brief("ALT ≤ 2.5 × ULN (ULN = 35 U/L for males, 25 U/L for females)"), [["alt", "<=", 2.5, "ULN"]]);
});

test("more spellings of units and names: cells/mcL, cells/cumm, mg%, percent, inches, lakh, mmol/day; Ccr, random blood sugar, creatinin; 'NYHA Class III–IV'; 'decline of LVEF to < 50%' is LVEF, 'height loss' a change", () => {
  assert.deepEqual(brief("CD4 < 350 cells/mcL"), [["cd4", "<", 350, "/uL"]]);
  assert.deepEqual(brief("ANC ≥ 1500 cells/cu.mm"), [["anc", ">=", 1500, "/mm3"]]);
  assert.deepEqual(brief("platelets less than 1 lakh/cumm"), [["platelets", "<", 100000, "/mm3"]]);
  assert.deepEqual(brief("creatinine > 2 mg%"), [["creatinine", ">", 2, "mg/dL"]]);
  assert.deepEqual(brief("HbA1c ≥ 8.0 percent"), [["hba1c", ">=", 8, "%"]]);
  assert.deepEqual(brief("Height between 60 and 78 inches"), [["height", "range", 60, 78, "[in_i]"]]);
  assert.deepEqual(brief("Ccr ≧60 ml/min"), [["creatinine-clearance", ">=", 60, "mL/min"]]);
  assert.deepEqual(brief("Random blood sugar > 200 mg/dL"), [["glucose", ">", 200, "mg/dL"]]);
  assert.deepEqual(brief("Serum creatinin < 1.5 x ULN"), [["creatinine", "<", 1.5, "ULN"]]);
  assert.deepEqual(brief("NYHA Class III–IV heart failure"), [["nyha", "range", 3, 4, "{class}"]]);
  assert.deepEqual(brief("Decline of LVEF to < 50%"), [["lvef", "<", 50, "%"]]);
  assert.deepEqual(brief("Height loss > 4 cm"), [[null, ">", 4, "cm"]]);
  assert.deepEqual(brief("sodium intake < 100 mmol/day"), [[null, "<", 100, "mmol/d"]]);
});

test("a threshold in brackets after an 'except …' group is that group's: 'total bilirubin ≤ 2 × ULN, except participants with Gilbert's syndrome (direct bilirubin ≤ 1.5 × ULN)'", () => {
  const cs = extractNumeric("Total bilirubin ≤ 2 × ULN, except participants with Gilbert's syndrome (direct bilirubin ≤ 1.5 × ULN).").constraints;
  assert.deepEqual(cs.map((c) => [c.variable, c.qualifier?.condition ?? null, c.qualifier?.unless ?? false]), [
    ["total-bilirubin", "gilbert-syndrome", true],
    ["direct-bilirubin", "gilbert-syndrome", false],
  ]);
});

test("a group's own threshold: 'for subjects of African descent', 'for patients on atazanavir', 'for patients hospitalised for heart failure'", () => {
  const q = (t: string) => extractNumeric(t).constraints.map((c) => c.qualifier?.text ?? null);
  assert.deepEqual(q("ANC ≥ 1.5 × 10^9/L (≥ 1.0 × 10^9/L for subjects of African descent)"), [null, "for subjects of African descent"]);
  assert.deepEqual(q("Total bilirubin ≤ 1.5 × ULN (≤ 3 × ULN for patients on atazanavir)"), [null, "for patients on atazanavir"]);
  assert.deepEqual(q("NT-proBNP ≥ 600 pg/mL (≥ 400 pg/mL for patients hospitalised for heart failure within 12 months)"), [null, "for patients hospitalised for heart failure"]);
});

test("a second threshold after '(ULN);' inherits the name: 'Total bilirubin ≤ 1.5 × upper limit of normal (ULN); ≤ 3 × ULN for participants with Gilbert's syndrome'", () => {
  const cs = extractNumeric("Total bilirubin ≤ 1.5 × upper limit of normal (ULN); ≤ 3 × ULN for participants with documented Gilbert's syndrome").constraints;
  assert.deepEqual(cs.map((c) => [c.variable, c.value, c.qualifier?.condition !== undefined]), [
    ["total-bilirubin", 1.5, false],
    ["total-bilirubin", 3, true],
  ]);
});

test("a condition, then the same measurements' threshold: 'AST and ALT ≤ 2.5 × ULN; if the patient has liver metastases, ≤ 5.0 times ULN'", () => {
  const cs = extractNumeric("AST and ALT ≤ 2.5 × ULN; if the patient has liver metastases, ≤ 5.0 times ULN").constraints;
  assert.deepEqual(cs.map((c) => [c.variable, c.value, c.qualifier?.condition ?? null]), [
    ["ast", 2.5, null],
    ["alt", 2.5, null],
    ["ast", 5, "liver-metastases"],
    ["alt", 5, "liver-metastases"],
  ]);
});

test("receptor expression in % (ER, PgR), the ECG's PR interval, 'clearence', age at onset", () => {
  assert.deepEqual(brief("HR-positive (ER ≥ 1% and/or PgR ≥ 1% of stained cells)"), [
    ["er-expression", ">=", 1, "%"],
    ["pr-expression", ">=", 1, "%"],
  ]);
  assert.deepEqual(brief("PR interval > 200 ms"), [["pr-interval", ">", 200, "ms"]]);
  assert.deepEqual(brief("Creatinine clearence ≥ 40 mL/min"), [["creatinine-clearance", ">=", 40, "mL/min"]]);
  assert.deepEqual(brief("Age > 50 years at migraine onset"), [["age-at-diagnosis", ">", 50, "a"]]);
});

test("a threshold with a comparison as its condition after it: 'Ferritin ≥ 200 µg/L if TSAT < 20%' (as 'If TSAT < 20%, ferritin ≥ 200')", () => {
  const r = extractNumeric("Ferritin ≥ 200 µg/L if TSAT < 20%");
  assert.deepEqual(r.constraints.map((c) => [c.variable, c.qualifier?.when ?? null]), [
    ["ferritin", 1],
    ["tsat", null],
  ]);
});
