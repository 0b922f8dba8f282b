/**
 * eligo patient → FHIR R4 Bundle (collection), the inverse of fhir.ts for what both
 * carry. Used to write the FHIR versions of the example vignettes and by tests (a patient
 * read from its own bundle must match exactly like the patient itself).
 */
import type { Bundle, BundleEntry, CodeableConcept, Coding as FhirCoding, Resource } from "@medplum/fhirtypes";
import type { Coding, Patient } from "../model/patient.js";

const SYSTEM_URI: Record<string, string> = {
  snomed: "http://snomed.info/sct",
  loinc: "http://loinc.org",
  icd10: "http://hl7.org/fhir/sid/icd-10",
  rxnorm: "http://www.nlm.nih.gov/research/umls/rxnorm",
};

function coding(c: Coding): FhirCoding {
  return { ...(c.system ? { system: SYSTEM_URI[c.system] ?? c.system } : {}), code: c.code, ...(c.display ? { display: c.display } : {}) };
}

function concept(text: string | undefined, codes: Coding[] | undefined): CodeableConcept {
  return { ...(codes?.length ? { coding: codes.map(coding) } : {}), ...(text ? { text } : {}) };
}

/** eligo's extensions for what FHIR R4 has no element for (line of therapy, cycles, best response, setting, a condition's CTCAE grade). */
export const EXT = "https://eligo.dev/fhir/StructureDefinition";

/** LOINC codes of the List resources that say "no medications" / "no procedures" / "no conditions". */
export const MEDICATION_HISTORY = "10160-0";
export const PROCEDURE_HISTORY = "47519-4";
export const PROBLEM_LIST = "11450-4";

const ECOG_ANSWER = ["LA9622-7", "LA9623-5", "LA9624-3", "LA9625-0", "LA9626-8", "LA9627-6"];

export function patientToFhir(p: Patient, id = "patient"): Bundle {
  const subject = { reference: `Patient/${id}` };
  const resources: Resource[] = [];
  resources.push({ resourceType: "Patient", id, ...(p.birthDate ? { birthDate: p.birthDate } : {}), ...(p.sex ? { gender: p.sex } : {}) });
  let n = 0;
  const rid = (kind: string) => `${kind}-${++n}`;
  for (const c of p.conditions ?? []) {
    resources.push({
      resourceType: "Condition",
      id: rid("condition"),
      subject,
      code: concept(c.text, c.codes),
      ...(c.clinicalStatus ? { clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: c.clinicalStatus }] } } : {}),
      ...(c.onset ? { onsetDateTime: c.onset } : {}),
      ...(c.stage || c.tnm
        ? { stage: [...(c.stage ? [{ summary: { text: `Stage ${c.stage}` } }] : []), ...(c.tnm ? [{ summary: { text: c.tnm } }] : [])] }
        : {}),
      ...(c.grade !== undefined ? { extension: [{ url: `${EXT}/ctcae-grade`, valueInteger: c.grade }] } : {}),
    });
    for (const m of c.metastases ?? []) {
      const status = m.active === undefined ? undefined : m.active ? "active" : "inactive";
      resources.push({
        resourceType: "Condition",
        id: rid("metastasis"),
        subject,
        code: { text: `Secondary malignant neoplasm of ${m.site}` },
        bodySite: [{ text: m.site }],
        ...(status ? { clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: status }] } } : {}),
        ...(m.date ? { onsetDateTime: m.date } : {}),
      });
    }
  }
  for (const o of p.observations ?? []) {
    const text = o.text ?? o.variable ?? o.code?.display;
    const rr = o.referenceRange;
    const unit = o.unit ? { unit: o.unit, system: "http://unitsofmeasure.org", code: o.unit } : {};
    const rrUnit = rr?.unit ?? o.unit;
    const rrq = (v: number | undefined) => (v === undefined ? undefined : { value: v, ...(rrUnit ? { unit: rrUnit, system: "http://unitsofmeasure.org", code: rrUnit } : {}) });
    resources.push({
      resourceType: "Observation",
      id: rid("observation"),
      status: "final",
      subject,
      code: { ...(o.code ? { coding: [coding(o.code)] } : {}), ...(text ? { text } : {}) },
      ...(o.date ? { effectiveDateTime: o.date } : {}),
      valueQuantity: { value: o.value, ...unit },
      ...(rr ? { referenceRange: [{ ...(rrq(rr.low) ? { low: rrq(rr.low) } : {}), ...(rrq(rr.high) ? { high: rrq(rr.high) } : {}) }] } : {}),
    });
  }
  if (p.ecog !== undefined) {
    resources.push({
      resourceType: "Observation",
      id: rid("observation"),
      status: "final",
      subject,
      code: { coding: [{ system: "http://loinc.org", code: "89247-1", display: "ECOG Performance Status score" }] },
      valueCodeableConcept: { coding: [{ system: "http://loinc.org", code: ECOG_ANSWER[p.ecog] }], text: String(p.ecog) },
    });
  }
  if (p.pregnant !== undefined) {
    resources.push({
      resourceType: "Observation",
      id: rid("observation"),
      status: "final",
      subject,
      code: { coding: [{ system: "http://loinc.org", code: "82810-3", display: "Pregnancy status" }] },
      valueCodeableConcept: { text: p.pregnant ? "Pregnant" : "Not pregnant" },
    });
  }
  const flag = (text: string, value: boolean, code?: string) =>
    resources.push({
      resourceType: "Observation",
      id: rid("observation"),
      status: "final",
      subject,
      code: { ...(code ? { coding: [{ system: "http://loinc.org", code }] } : {}), text },
      valueBoolean: value,
    });
  if (p.lactating !== undefined) flag("Breastfeeding status", p.lactating, "63895-7");
  if (p.childbearingPotential !== undefined) flag("Childbearing potential", p.childbearingPotential);
  if (p.measurableDisease !== undefined) flag("Measurable disease (RECIST 1.1)", p.measurableDisease);
  if (p.lifeExpectancyMonths !== undefined) {
    resources.push({
      resourceType: "Observation",
      id: rid("observation"),
      status: "final",
      subject,
      code: { text: "Life expectancy" },
      valueQuantity: { value: p.lifeExpectancyMonths, unit: "mo", system: "http://unitsofmeasure.org", code: "mo" },
    });
  }
  for (const b of p.biomarkers ?? []) {
    resources.push({
      resourceType: "Observation",
      id: rid("observation"),
      status: "final",
      subject,
      code: { text: `${b.marker} ${b.value !== undefined ? "expression" : "mutation analysis"}` },
      ...(b.status ? { valueCodeableConcept: { text: b.status } } : {}),
      ...(b.value !== undefined ? { valueQuantity: { value: b.value, ...(b.unit ? { unit: b.unit } : {}) } } : {}),
      ...(b.variant ? { component: [{ code: { coding: [{ system: "http://loinc.org", code: "81252-9" }] }, valueCodeableConcept: { text: b.variant } }] } : {}),
      ...(b.date ? { effectiveDateTime: b.date } : {}),
    });
  }
  for (const m of p.medications ?? []) {
    resources.push({
      resourceType: "MedicationStatement",
      id: rid("medication"),
      status: m.end ? "completed" : "active",
      subject,
      medicationCodeableConcept: concept(m.name, m.codes),
      ...(m.start || m.end ? { effectivePeriod: { ...(m.start ? { start: m.start } : {}), ...(m.end ? { end: m.end } : {}) } } : {}),
      ...(m.reasonStopped ? { statusReason: [{ text: m.reasonStopped === "progression" ? "disease progression" : m.reasonStopped }] } : {}),
      // a daily dose as one dose a day ("20 mg/d" → 20 mg, once per day)
      ...(m.dose && /\/d$/.test(m.dose.unit)
        ? { dosage: [{ doseAndRate: [{ doseQuantity: { value: m.dose.value, unit: m.dose.unit.replace(/\/d$/, "") } }], timing: { repeat: { frequency: 1, period: 1, periodUnit: "d" as const } } }] }
        : {}),
      ...(m.line !== undefined || m.cycles !== undefined || m.bestResponse || m.setting
        ? {
            extension: [
              ...(m.line !== undefined ? [{ url: `${EXT}/line-of-therapy`, valueInteger: m.line }] : []),
              ...(m.cycles !== undefined ? [{ url: `${EXT}/cycles`, valueInteger: m.cycles }] : []),
              ...(m.bestResponse ? [{ url: `${EXT}/best-response`, valueCode: m.bestResponse }] : []),
              ...(m.setting ? [{ url: `${EXT}/setting`, valueCode: m.setting }] : []),
            ],
          }
        : {}),
    });
  }
  for (const pr of p.procedures ?? []) {
    resources.push({
      resourceType: "Procedure",
      id: rid("procedure"),
      status: "completed",
      subject,
      code: { text: pr.name ?? pr.kind },
      ...(pr.site ? { bodySite: [{ text: pr.site }] } : {}),
      ...(pr.start || pr.end ? { performedPeriod: { ...(pr.start ? { start: pr.start } : {}), ...(pr.end ? { end: pr.end } : {}) } } : {}),
    });
  }
  // "None" is said with an empty List (emptyReason nilknown), not by leaving resources out.
  const nilKnown = (loinc: string, display: string) =>
    resources.push({
      resourceType: "List",
      id: rid("list"),
      status: "current",
      mode: "snapshot",
      subject,
      code: { coding: [{ system: "http://loinc.org", code: loinc, display }] },
      emptyReason: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/list-empty-reason", code: "nilknown" }] },
    });
  if (p.medications && p.medications.length === 0) nilKnown(MEDICATION_HISTORY, "History of Medication use Narrative");
  if (p.procedures && p.procedures.length === 0) nilKnown(PROCEDURE_HISTORY, "History of Procedures Document");
  if (p.conditions && p.conditions.length === 0) nilKnown(PROBLEM_LIST, "Problem list - Reported");
  const entry: BundleEntry[] = resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource }));
  return { resourceType: "Bundle", type: "collection", entry };
}
