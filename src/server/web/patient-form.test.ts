import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { emptyPatientForm } from "./match-page.js";
import { isEmptyForm, patientFromForm, procedureOf, readPatientForm, summarisePatient, type LabName, type ProcedureName } from "./patient-form.js";

const labs = (JSON.parse(fs.readFileSync(new URL("../../../data/knowledge/labs.json", import.meta.url), "utf8")) as { variables: LabName[] }).variables;
const procedures = (JSON.parse(fs.readFileSync(new URL("../../../data/knowledge/procedures.json", import.meta.url), "utf8")) as { procedures: ProcedureName[] }).procedures;

test("procedureOf reads procedures by their longest synonym, abbreviations case-sensitively", () => {
  assert.equal(procedureOf("Radiotherapy", procedures), "radiotherapy");
  assert.equal(procedureOf("IMRT with concurrent chemoradiotherapy", procedures), "radiotherapy");
  assert.equal(procedureOf("major surgery (hepatectomy)", procedures), "major-surgery");
  assert.equal(procedureOf("WBRT", procedures), "radiotherapy");
  assert.equal(procedureOf("wbrt", procedures), undefined, "short abbreviations only in capitals");
  assert.equal(procedureOf("cisplatin", procedures), undefined);
  assert.equal(procedureOf("operational", procedures), undefined, "whole words only");
});

test("form rows: blank rows are dropped, rows beyond the default count are read", () => {
  const sp = new URLSearchParams("age=40&lab0.name=&lab0.value=&lab5.name=ALT&lab5.value=30&tx1.name=surgery&metastases=liver&metastases=moon");
  const f = readPatientForm(sp);
  assert.deepEqual(f.labs.map((l) => l.name), ["ALT"]);
  assert.deepEqual(f.treatments.map((t) => t.name), ["surgery"]);
  assert.deepEqual(f.metastases, ["liver"], "only the offered sites");
  assert.equal(isEmptyForm(emptyPatientForm()), true);
  assert.equal(isEmptyForm(f), false);
});

test("the form becomes a patient: procedures apart from drugs, measurable disease, pregnancy, lab ids", () => {
  const f = {
    ...emptyPatientForm(),
    birthDate: "1979-04-18",
    sex: "female",
    diagnosis: "Nasopharyngeal carcinoma",
    stage: "T2N1M1",
    measurable: "yes",
    lifeExpectancy: "6",
    pregnancy: "neither",
    labs: [{ name: "ALT", value: "35", unit: "U/L", refLow: "", refHigh: "40", date: "2026-10-20" }],
    treatments: [
      { name: "cisplatin", start: "2023-03-01", end: "2023-06-30" },
      { name: "IMRT radiotherapy 70 Gy", start: "2023-04-20", end: "2023-06-30" },
    ],
  };
  const r = patientFromForm(f, labs, procedures);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.patient, {
    birthDate: "1979-04-18",
    sex: "female",
    lifeExpectancyMonths: 6,
    measurableDisease: true,
    pregnant: false,
    lactating: false,
    conditions: [{ text: "Nasopharyngeal carcinoma", primary: true, tnm: "T2N1M1", metastases: [] }],
    observations: [{ text: "ALT", value: 35, variable: "alt", unit: "U/L", date: "2026-10-20", referenceRange: { high: 40 } }],
    medications: [{ name: "cisplatin", start: "2023-03-01", end: "2023-06-30" }],
    procedures: [{ kind: "radiotherapy", name: "IMRT radiotherapy 70 Gy", start: "2023-04-20", end: "2023-06-30" }],
  });
  assert.equal(
    summarisePatient(r.patient!, "2026-11-22"),
    "47-year-old female · Nasopharyngeal carcinoma, T2N1M1 · life expectancy 6 months · 1 lab value · measurable disease · prior: cisplatin, IMRT radiotherapy 70 Gy",
  );
});

test("field errors name the field and the reason", () => {
  const r = patientFromForm(
    {
      ...emptyPatientForm(),
      age: "200",
      sex: "male",
      pregnancy: "pregnant",
      stage: "IV",
      ecog: "7",
      lifeExpectancy: "-2",
      birthDate: "18/04/1979",
      treatments: [{ name: "cisplatin", start: "2024-05-01", end: "2024-01-01" }],
      biomarkers: [{ marker: "", status: "positive" }],
    },
    labs,
    procedures,
  );
  assert.equal(r.patient, undefined);
  assert.deepEqual(r.errors, [
    "Birth date “18/04/1979”: use the form YYYY-MM-DD.",
    "Age “200”: give a number of years between 0 and 130.",
    "ECOG “7”: choose 0 to 4.",
    "Life expectancy “-2”: give a number of months between 0 and 600.",
    "Pregnancy or breastfeeding: the patient is recorded as male.",
    "Diagnosis: name the diagnosis the stage and metastases belong to.",
    "Treatment row 1 (cisplatin): ends (2024-01-01) before it starts (2024-05-01).",
    "Biomarker row 1: name the marker.",
  ]);
});
