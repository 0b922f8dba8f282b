import { test } from "node:test";
import assert from "node:assert/strict";
import { bodySurfaceArea, computeDose } from "./bsa.js";

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);

test("Mosteller against published worked examples", () => {
  // Mosteller 1987: BSA = sqrt(cm × kg / 3600); 180 cm, 80 kg → 2.00 m²; 170 cm, 70 kg → 1.82 m².
  close(bodySurfaceArea(180, 80), 2.0, 0.0005);
  close(bodySurfaceArea(170, 70), 1.818, 0.001);
});

test("DuBois against published worked examples", () => {
  // DuBois & DuBois 1916: 0.007184 × kg^0.425 × cm^0.725; 170 cm, 70 kg → 1.81 m²; 180 cm, 80 kg → 2.00 m².
  close(bodySurfaceArea(170, 70, "dubois"), 1.81, 0.005);
  close(bodySurfaceArea(180, 80, "dubois"), 2.0, 0.005);
  assert.ok(bodySurfaceArea(170, 70, "dubois") < bodySurfaceArea(170, 70, "mosteller"));
});

test("a 165 cm, 60 kg patient gets about 1,078 mg capecitabine at 650 mg/m²", () => {
  const d = computeDose(650, "mg/m2", { heightCm: 165, weightKg: 60 });
  assert.ok(d);
  close(d.amount, 1078, 0.5);
  assert.equal(d.unit, "mg");
  assert.match(d.basis, /BSA 1\.658/);
});

test("mg/kg uses weight; flat doses pass through; rounding only when asked", () => {
  assert.equal(computeDose(10, "mg/kg", { weightKg: 72 })?.amount, 720);
  assert.deepEqual(computeDose(200, "mg", {}), { amount: 200, unit: "mg", basis: "flat dose" });
  assert.equal(computeDose(1000, "mg/m2", { heightCm: 165, weightKg: 60 }, 150)?.amount, 1650);
  assert.equal(computeDose(650, "mg/m2", { weightKg: 60 }), undefined, "no height, no BSA dose");
  assert.equal(computeDose(5, "AUC", { heightCm: 165, weightKg: 60 }), undefined);
});

test("implausible bodies are refused with the reason", () => {
  assert.throws(() => bodySurfaceArea(0, 60), /height 0 cm/);
  assert.throws(() => bodySurfaceArea(165, -1), /weight -1 kg/);
  assert.throws(() => bodySurfaceArea(Number.NaN, 60), /height NaN/);
});
