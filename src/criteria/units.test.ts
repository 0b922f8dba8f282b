import { test } from "node:test";
import assert from "node:assert/strict";
import { convert, isValidUcum, toUcum, toUcumCased } from "./units.js";
import { labVariables } from "./lexicon.js";

test("scraped notations normalise to UCUM", () => {
  for (const raw of ["×109/L", "x 10^9/L", "*10^9/L", "10⁹/L", "x10E9/L", "× 10^9 / L"]) assert.equal(toUcum(raw), "10*9/L", raw);
  assert.equal(toUcum("/mmc"), "/mm3");
  assert.equal(toUcum("cells/mm³"), "/mm3");
  assert.equal(toUcum("µmol/L"), "umol/L");
  assert.equal(toUcum("μmol/l"), "umol/L");
  assert.equal(toUcum("mg/dl"), "mg/dL");
  assert.equal(toUcum("ml/min/1.73 m²"), "mL/min/{1.73_m2}");
  assert.equal(toUcum("mm Hg"), "mm[Hg]");
  assert.equal(toUcum("copies/ml"), "{copies}/mL");
  assert.equal(toUcum("IU/mL"), "[IU]/mL");
  assert.equal(toUcum("years"), "a");
  assert.equal(toUcum("℃"), "Cel");
  assert.equal(toUcum("furlongs"), undefined);
  // G/L is giga per litre, g/L grams
  assert.equal(toUcumCased("G/L"), "10*9/L");
  assert.equal(toUcumCased("g/L"), "g/L");
});

test("every unit the normaliser and the lab table produce is valid UCUM", () => {
  const produced = ["10*9/L", "/mm3", "umol/L", "mg/dL", "mL/min/{1.73_m2}", "mm[Hg]", "{copies}/mL", "[IU]/mL", "a", "mo", "wk", "d", "Cel", "[lb_av]", "g/(24.h)", "m[IU]/L", "[ppm]", "deg"];
  for (const u of produced) assert.ok(isValidUcum(u), u);
  for (const v of labVariables()) assert.ok(isValidUcum(v.unit), `${v.id}: ${v.unit}`);
});

test("conversions through UCUM: g/L ↔ g/dL, /mm3 ↔ 10*9/L, mass ↔ substance with the table's molar masses", () => {
  assert.equal(convert(9, "g/dL", "g/L"), 90);
  assert.ok(Math.abs(convert(1500, "/mm3", "10*9/L") - 1.5) < 1e-9);
  assert.ok(Math.abs(convert(100, "×109/L", "/uL") - 100000) < 1e-6);
  // creatinine: 1 mg/dL = 88.4 µmol/L; bilirubin: 1 mg/dL = 17.1 µmol/L; glucose: 1 mmol/L = 18 mg/dL
  assert.ok(Math.abs(convert(1, "mg/dL", "umol/L", "creatinine") - 88.4) < 0.1);
  assert.ok(Math.abs(convert(1, "mg/dl", "µmol/L", "total-bilirubin") - 17.1) < 0.1);
  assert.ok(Math.abs(convert(7, "mmol/L", "mg/dL", "glucose-fasting") - 126.1) < 0.1);
  assert.equal(convert(5, "mg/dL", "mg/dL"), 5);
});

test("impossible conversions throw an error naming the units and the reason", () => {
  assert.throws(() => convert(1, "mg/dL", "umol/L"), /cannot convert 1 mg\/dL to umol\/L/);
  assert.throws(() => convert(1, "g/L", "mm[Hg]", "hemoglobin"), /cannot convert 1 g\/L to mm\[Hg\] for hemoglobin/);
});

test("conversions UCUM cannot know: HbA1c IFCC mmol/mol ↔ NGSP % (affine), milliequivalents by ionic charge, UACR mg/mmol ↔ mg/g", () => {
  assert.ok(Math.abs(convert(101, "mmol/mol", "%", "hba1c") - 11.39) < 0.01);
  assert.ok(Math.abs(convert(7, "%", "mmol/mol", "hba1c") - 53) < 0.1);
  assert.equal(convert(4.9, "mEq/L", "mmol/L", "potassium"), 4.9);
  assert.equal(convert(2.4, "mmol/L", "mEq/L", "calcium"), 4.8);
  assert.ok(Math.abs(convert(30, "mg/mmol", "mg/g", "uacr") - 265.2) < 0.1);
});
