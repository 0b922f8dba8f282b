/** Patient input: eligo JSON and FHIR R4 Bundles, errors that list every offending path. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bundle } from "@medplum/fhirtypes";
import { parsePatientInput, PatientInputError } from "./input.js";
import { patientToFhir } from "./to-fhir.js";

const errorOf = (fn: () => unknown): PatientInputError => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PatientInputError, String(e));
    return e;
  }
  assert.fail("no error");
};

test("eligo JSON: invalid input lists each offending path and why, naming the input", () => {
  const e = errorOf(() =>
    parsePatientInput(
      { sex: "M", ecog: 7, observations: [{ variable: "hemoglobin", value: "9.5" }], medications: [{ start: "yesterday" }], nickname: "x" },
      "p.json",
    ),
  );
  const paths = e.issues.map((i) => i.path);
  for (const p of ["sex", "ecog", "observations[0].value", "medications[0].start", "medications[0]"]) assert.ok(paths.includes(p), `${p} in ${paths}`);
  assert.ok(e.issues.some((i) => /nickname/.test(i.message)), "unknown keys are named");
  assert.match(e.message, /^invalid patient p\.json:/);
  assert.throws(() => parsePatientInput([], "list.json"), /expected a JSON object/);
});

test("FHIR Bundle: detected by resourceType and mapped (Patient, Condition with stage and metastasis, Observation with range, MedicationStatement, Procedure)", () => {
  const bundle: Bundle = {
    resourceType: "Bundle",
    type: "collection",
    entry: [
      { resource: { resourceType: "Patient", id: "p1", birthDate: "1960-05-01", gender: "female" } },
      {
        resource: {
          resourceType: "Condition",
          subject: { reference: "Patient/p1" },
          code: { coding: [{ system: "http://snomed.info/sct", code: "254637007", display: "Non-small cell lung cancer" }] },
          stage: [{ summary: { text: "Stage IVA" } }],
          clinicalStatus: { coding: [{ code: "active" }] },
        },
      },
      { resource: { resourceType: "Condition", subject: { reference: "Patient/p1" }, code: { text: "Brain metastases" }, clinicalStatus: { coding: [{ code: "inactive" }] } } },
      {
        resource: {
          resourceType: "Observation",
          status: "final",
          code: { coding: [{ system: "http://loinc.org", code: "1742-6" }], text: "ALT" },
          valueQuantity: { value: 88, unit: "U/L", system: "http://unitsofmeasure.org", code: "U/L" },
          effectiveDateTime: "2026-10-01T08:00:00Z",
          referenceRange: [{ high: { value: 40, unit: "U/L" } }],
        },
      },
      {
        resource: {
          resourceType: "MedicationStatement",
          status: "completed",
          subject: { reference: "Patient/p1" },
          medicationCodeableConcept: { coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "253337" }] },
          effectivePeriod: { start: "2025-01-01", end: "2025-05-01" },
          statusReason: [{ text: "Disease progression" }],
        },
      },
      { resource: { resourceType: "Procedure", status: "completed", subject: { reference: "Patient/p1" }, code: { text: "Whole brain radiotherapy" }, performedDateTime: "2025-06-01" } },
    ],
  };
  const p = parsePatientInput(bundle);
  assert.equal(p.birthDate, "1960-05-01");
  assert.equal(p.sex, "female");
  assert.equal(p.conditions?.length, 1);
  assert.equal(p.conditions?.[0].stage, "IVA");
  assert.deepEqual(p.conditions?.[0].metastases, [{ site: "brain", active: false, treated: true }]);
  assert.deepEqual(p.observations?.[0], {
    code: { system: "loinc", code: "1742-6", display: "ALT" },
    text: "ALT",
    value: 88,
    unit: "U/L",
    date: "2026-10-01",
    referenceRange: { high: 40, unit: "U/L" },
  });
  assert.equal(p.medications?.[0].reasonStopped, "progression");
  assert.equal(p.procedures?.[0].kind, "radiotherapy");
  assert.equal(p.id, "p1");
});

test("FHIR Bundle: every problem is reported with its path; nothing is half-read", () => {
  const e = errorOf(() =>
    parsePatientInput({
      resourceType: "Bundle",
      entry: [
        { resource: { resourceType: "Patient", birthDate: "May 1960", gender: "f" } },
        { resource: { resourceType: "Observation", code: { text: "Hemoglobin" }, valueQuantity: { value: "9", unit: "g/dL" } } },
        { resource: { resourceType: "Condition" } },
        { nothing: true },
      ],
    }),
  );
  assert.deepEqual(
    e.issues.map((i) => i.path),
    ["entry[3].resource", "entry[0].resource.birthDate", "entry[0].resource.gender", "entry[1].resource.valueQuantity.value", "entry[2].resource.code"],
  );
  assert.throws(() => parsePatientInput({ resourceType: "Observation" }), /expected Bundle or Patient/);
  assert.throws(() => parsePatientInput({ resourceType: "Bundle", entry: [] }), /no Patient resource/);
});

test("FHIR writer and reader agree: a patient read back from its own bundle is the same patient", () => {
  const patient = parsePatientInput({
    birthDate: "1970-01-02",
    sex: "male",
    conditions: [{ text: "colon cancer", stage: "IV", tnm: "T3N1M1", metastases: [{ site: "liver", active: true }] }, { text: "peripheral neuropathy", grade: 2 }],
    observations: [{ code: { system: "loinc", code: "718-7" }, text: "Hemoglobin", value: 9.5, unit: "g/dL", date: "2026-10-01", referenceRange: { low: 12, high: 16 } }],
    medications: [
      { name: "oxaliplatin", start: "2025-01-01", end: "2025-06-01", line: 1, cycles: 8, bestResponse: "PR", reasonStopped: "progression" },
      { name: "dexamethasone", start: "2026-09-01", dose: { value: 4, unit: "mg/d" } },
    ],
    procedures: [],
    biomarkers: [{ marker: "KRAS", status: "mutated", variant: "G12D" }],
    ecog: 1,
    pregnant: false,
    lactating: false,
    measurableDisease: true,
    lifeExpectancyMonths: 6,
  });
  const back = parsePatientInput(patientToFhir(patient, "x"));
  // The reader adds what the bundle states explicitly (the range's unit, the code's display).
  const obs = back.observations?.[0];
  assert.equal(obs?.referenceRange?.unit, "g/dL");
  assert.equal(obs?.code?.display, "Hemoglobin");
  if (obs?.referenceRange) delete obs.referenceRange.unit;
  if (obs?.code) delete obs.code.display;
  assert.deepEqual({ ...back, id: undefined }, { ...patient, id: undefined });
});

test("FHIR: 'no conditions' (an empty problem list, emptyReason nilknown) round-trips as an empty list; without it conditions are unknown", () => {
  const none = parsePatientInput(patientToFhir({ birthDate: "1990-01-01", conditions: [], medications: [] }, "x"));
  assert.deepEqual(none.conditions, []);
  assert.deepEqual(none.medications, []);
  const unknown = parsePatientInput(patientToFhir({ birthDate: "1990-01-01" }, "x"));
  assert.equal(unknown.conditions, undefined);
});

test("FHIR: a genomic result 'Present' with its protein change (p.Val600Lys → V600K), a procedure named inside a longer text, a dosage as a daily dose", () => {
  const bundle: Bundle = {
    resourceType: "Bundle",
    type: "collection",
    entry: [
      { resource: { resourceType: "Patient", id: "p1", birthDate: "1960-05-01", gender: "male" } },
      {
        resource: {
          resourceType: "Observation",
          status: "final",
          code: { coding: [{ system: "http://loinc.org", code: "69548-6" }], text: "Genetic variant assessment" },
          valueCodeableConcept: { coding: [{ system: "http://loinc.org", code: "LA9633-4", display: "Present" }] },
          component: [
            { code: { coding: [{ system: "http://loinc.org", code: "48018-6" }] }, valueCodeableConcept: { text: "BRAF" } },
            { code: { coding: [{ system: "http://loinc.org", code: "48005-3" }] }, valueCodeableConcept: { text: "p.Val600Lys" } },
          ],
        },
      },
      { resource: { resourceType: "Procedure", status: "completed", subject: { reference: "Patient/p1" }, code: { text: "Transarterial chemoembolization of segment VII lesion" }, performedDateTime: "2026-11-10" } },
      {
        resource: {
          resourceType: "MedicationStatement",
          status: "active",
          subject: { reference: "Patient/p1" },
          medicationCodeableConcept: { text: "hydrocortisone" },
          effectivePeriod: { start: "2026-01-01" },
          dosage: [{ doseAndRate: [{ doseQuantity: { value: 10, unit: "mg" } }], timing: { repeat: { frequency: 2, period: 1, periodUnit: "d" } } }],
        },
      },
    ],
  };
  const p = parsePatientInput(bundle, "patient.json");
  assert.deepEqual(p.biomarkers, [{ marker: "BRAF", status: "Present", variant: "V600K" }]);
  assert.equal(p.procedures?.[0].kind, "interventional-procedure");
  assert.deepEqual(p.medications?.[0].dose, { value: 20, unit: "mg/d" });
});

test("FHIR: a qualitative result eligo does not model (HBsAg 'Negative') is not read, and does not reject the bundle", () => {
  const bundle: Bundle = {
    resourceType: "Bundle",
    type: "collection",
    entry: [
      { resource: { resourceType: "Patient", id: "p1", birthDate: "1960-05-01", gender: "male" } },
      {
        resource: {
          resourceType: "Observation",
          status: "final",
          code: { coding: [{ system: "http://loinc.org", code: "5196-1" }], text: "HBsAg" },
          valueCodeableConcept: { text: "Negative" },
        },
      },
      {
        resource: {
          resourceType: "Observation",
          status: "final",
          code: { coding: [{ system: "http://loinc.org", code: "718-7" }], text: "Hemoglobin" },
          valueQuantity: { value: 12.1, unit: "g/dL" },
        },
      },
    ],
  };
  const p = parsePatientInput(bundle, "patient.json");
  assert.equal(p.observations?.length, 1);
});
