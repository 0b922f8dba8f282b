/**
 * FHIR R4 Bundle → eligo patient. Reads Patient, Condition, Observation,
 * MedicationStatement / MedicationRequest / MedicationAdministration (with Medication
 * resources they reference), Procedure and Immunization. Every problem found is collected
 * with its path ("entry[3].resource.valueQuantity.value") so the caller can report them
 * all at once; nothing is half-read.
 *
 * Conventions (documented in the README):
 *  - A Condition whose code or text says metastasis / secondary malignant neoplasm
 *    (ICD-10 C77–C79) is a metastasis site (from bodySite, else the text); its
 *    clinicalStatus active/recurrence ⇒ active, inactive/remission/resolved ⇒ treated.
 *    Once the bundle holds any Condition, the metastasis list is taken as complete.
 *  - Condition.stage[0].summary gives the stage ("IV", "T2N1M1a" goes to TNM).
 *  - Observations with LOINC codes are labs/vitals; ECOG (89247-1) may be coded with LOINC
 *    answers LA9622-7…LA9627-6 or a number; pregnancy status (82810-3) and genomic results
 *    (code naming EGFR, ALK, …, or component 48018-6 "gene studied") are read too.
 *  - Medications: line of therapy, cycles, best response and setting from eligo's extensions
 *    (`https://eligo.dev/fhir/StructureDefinition/{line-of-therapy,cycles,best-response,setting}`);
 *    reason stopped from statusReason text (progression / toxicity / completed).
 *  - An empty List with emptyReason "nilknown" and LOINC 10160-0 (medication history),
 *    47519-4 (procedure history) or 11450-4 (problem list) says "none"; without it, absent
 *    medications, procedures and conditions are unknown.
 *  - Yes/no Observations (valueBoolean): breastfeeding (LOINC 63895-7), "Childbearing
 *    potential", "Measurable disease"; "Life expectancy" as a quantity in months.
 */
import type {
  Bundle,
  CodeableConcept,
  Dosage,
  Condition as FhirCondition,
  Immunization,
  List as FhirList,
  Medication as FhirMedication,
  MedicationAdministration,
  MedicationRequest,
  MedicationStatement,
  Observation as FhirObservation,
  Patient as FhirPatient,
  Procedure as FhirProcedure,
  Quantity,
  Resource,
} from "@medplum/fhirtypes";
import { matchKnowledge } from "./knowledge.js";
import type { Biomarker, Coding, Condition, Medication, MetastasisSite, Observation, Patient, Procedure } from "../model/patient.js";

export interface InputIssue {
  path: string;
  message: string;
}

const SYSTEMS: Record<string, string> = {
  "http://snomed.info/sct": "snomed",
  "http://loinc.org": "loinc",
  "http://hl7.org/fhir/sid/icd-10": "icd10",
  "http://hl7.org/fhir/sid/icd-10-cm": "icd10",
  "http://www.nlm.nih.gov/research/umls/rxnorm": "rxnorm",
  "http://unitsofmeasure.org": "ucum",
};

const MARKERS = /\b(EGFR|ALK|ROS1|KRAS|NRAS|BRAF|HER2|ERBB2|PD-?L1|MSI|MMR|MET|RET|NTRK[123]?|BRCA[12]?|TMB|PIK3CA|IDH[12]?|FGFR[1-4]?|FLT3|NPM1)\b/i;

/** Amino acids' three-letter codes (HGVS protein changes, "p.Val600Glu") to one letter ("V600E"), as criteria write variants. */
const AMINO: Record<string, string> = {
  Ala: "A", Arg: "R", Asn: "N", Asp: "D", Cys: "C", Gln: "Q", Glu: "E", Gly: "G", His: "H", Ile: "I",
  Leu: "L", Lys: "K", Met: "M", Phe: "F", Pro: "P", Ser: "S", Thr: "T", Trp: "W", Tyr: "Y", Val: "V", Ter: "*",
};
/** "p.Val600Glu" or "p.(Val600Glu)" → "V600E"; other notations as written. */
export function proteinChangeShort(hgvs: string): string {
  const m = /^p\.\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2}|=|\*)\)?$/.exec(hgvs.trim());
  if (!m || !AMINO[m[1]] || !(AMINO[m[3]] ?? (m[3] === "*" ? "*" : undefined))) return hgvs.trim();
  return `${AMINO[m[1]]}${m[2]}${AMINO[m[3]] ?? m[3]}`;
}
const ECOG_ANSWERS: Record<string, number> = { "LA9622-7": 0, "LA9623-5": 1, "LA9624-3": 2, "LA9625-0": 3, "LA9626-8": 4, "LA9627-6": 5 };
const isDate = (s: unknown): s is string => typeof s === "string" && /^\d{4}(-\d{2}(-\d{2})?)?/.test(s);
const day = (s: string | undefined) => (isDate(s) ? s.slice(0, 10) : undefined);

function codings(cc: CodeableConcept | undefined): Coding[] {
  return (cc?.coding ?? [])
    .filter((c) => typeof c.code === "string" && c.code)
    .map((c) => ({ system: c.system ? (SYSTEMS[c.system] ?? c.system) : undefined, code: c.code!, ...(c.display ? { display: c.display } : {}) }));
}

function text(cc: CodeableConcept | undefined): string | undefined {
  return cc?.text ?? cc?.coding?.find((c) => c.display)?.display;
}

export function isFhirBundle(x: unknown): x is Bundle {
  return typeof x === "object" && x !== null && (x as { resourceType?: unknown }).resourceType === "Bundle";
}

export function isFhirResource(x: unknown): x is Resource {
  return typeof x === "object" && x !== null && typeof (x as { resourceType?: unknown }).resourceType === "string";
}

/** Maps a Bundle (or a single resource) to an eligo patient; issues collect every problem found. */
export function patientFromFhir(input: Bundle | Resource, issues: InputIssue[]): Patient {
  const resources: Array<{ r: Resource; path: string }> = [];
  if (input.resourceType === "Bundle") {
    const b = input as Bundle;
    if (b.entry !== undefined && !Array.isArray(b.entry)) issues.push({ path: "entry", message: "expected an array of entries" });
    (Array.isArray(b.entry) ? b.entry : []).forEach((e, i) => {
      if (!e || typeof e !== "object" || !isFhirResource(e.resource)) {
        issues.push({ path: `entry[${i}].resource`, message: "expected a FHIR resource with a resourceType" });
      } else resources.push({ r: e.resource, path: `entry[${i}].resource` });
    });
  } else resources.push({ r: input, path: "" });

  const at = (base: string, field: string) => (base ? `${base}.${field}` : field);
  const medsById = new Map<string, FhirMedication>();
  for (const { r } of resources) if (r.resourceType === "Medication" && r.id) medsById.set(r.id, r as FhirMedication);

  const patient: Patient = {};
  const conditions: Condition[] = [];
  const metastases: MetastasisSite[] = [];
  const observations: Observation[] = [];
  const medications: Medication[] = [];
  const procedures: Procedure[] = [];
  const biomarkers: Biomarker[] = [];
  let sawConditions = false;
  let sawMeds = false;
  let sawProcedures = false;
  let patients = 0;

  for (const { r, path } of resources) {
    switch (r.resourceType) {
      case "Patient": {
        const p = r as FhirPatient;
        patients++;
        if (patients > 1) issues.push({ path, message: "a bundle for matching holds one Patient; found another" });
        if (p.birthDate !== undefined) {
          if (!isDate(p.birthDate)) issues.push({ path: at(path, "birthDate"), message: `expected a date YYYY-MM-DD, got ${JSON.stringify(p.birthDate)}` });
          else patient.birthDate = p.birthDate.slice(0, 10);
        }
        if (p.gender !== undefined) {
          if (!["male", "female", "other", "unknown"].includes(p.gender)) issues.push({ path: at(path, "gender"), message: `expected male, female, other or unknown, got ${JSON.stringify(p.gender)}` });
          else patient.sex = p.gender;
        }
        if (p.id) patient.id = p.id;
        break;
      }
      case "Condition": {
        const c = r as FhirCondition;
        const vs = c.verificationStatus?.coding?.[0]?.code;
        if (vs === "refuted" || vs === "entered-in-error") break;
        sawConditions = true;
        const t = text(c.code);
        const codes = codings(c.code);
        if (!t && !codes.length) {
          issues.push({ path: at(path, "code"), message: "a Condition needs code.text or code.coding" });
          break;
        }
        const status = c.clinicalStatus?.coding?.[0]?.code as Condition["clinicalStatus"] | undefined;
        const isMet = /\bmetastas[ie]s\b|\bmetastatic (?:to|in)\b|secondary malignant|secondary neoplasm/i.test(t ?? "") || codes.some((x) => x.system === "icd10" && /^C7[7-9]/i.test(x.code));
        if (/^pregnan/i.test(t ?? "") || codes.some((x) => x.system === "snomed" && x.code === "77386006")) {
          if (status !== "resolved" && status !== "inactive") patient.pregnant = true;
          break;
        }
        if (isMet) {
          const site = text(c.bodySite?.[0]) ?? metastasisSiteFromText(t ?? "");
          if (!site) issues.push({ path: at(path, "bodySite"), message: "a metastasis Condition needs bodySite or a site in its text" });
          else {
            const active = status === undefined ? undefined : status === "active" || status === "recurrence" || status === "relapse";
            metastases.push({ site, ...(active !== undefined ? { active } : {}), ...(active === false ? { treated: true } : {}), ...(day(c.onsetDateTime) ? { date: day(c.onsetDateTime) } : {}) });
          }
          break;
        }
        const stageTexts = (c.stage ?? []).map((st) => text(st.summary)).filter((x): x is string => Boolean(x));
        const cond: Condition = {
          ...(t ? { text: t } : {}),
          ...(codes.length ? { codes } : {}),
          ...(day(c.onsetDateTime ?? c.onsetPeriod?.start) ? { onset: day(c.onsetDateTime ?? c.onsetPeriod?.start) } : {}),
          ...(status ? { clinicalStatus: status } : {}),
        };
        const grade = (c.extension ?? []).find((e) => (e.url ?? "").endsWith("/ctcae-grade"))?.valueInteger;
        if (typeof grade === "number" && grade >= 0 && grade <= 5) cond.grade = grade;
        for (const stageText of stageTexts) {
          if (/T\d|N\d|M\d/.test(stageText) && !/^stage/i.test(stageText)) cond.tnm ??= stageText;
          else cond.stage ??= stageText.replace(/^stage\s*/i, "");
        }
        conditions.push(cond);
        break;
      }
      case "Observation":
        readObservation(r as FhirObservation, path, observations, biomarkers, patient, issues);
        break;
      case "MedicationStatement":
      case "MedicationRequest":
      case "MedicationAdministration": {
        sawMeds = true;
        const m = r as MedicationStatement | MedicationRequest | MedicationAdministration;
        if (m.status === "entered-in-error") break;
        if (r.resourceType === "MedicationRequest" && (m.status === "cancelled" || m.status === "draft")) break;
        let cc = m.medicationCodeableConcept;
        const ref = m.medicationReference?.reference;
        if (!cc && ref) {
          const med = medsById.get(ref.replace(/^(urn:uuid:|Medication\/)/, ""));
          cc = med?.code;
          if (!cc) issues.push({ path: at(path, "medicationReference"), message: `Medication ${ref} not found in the bundle` });
        }
        const name = text(cc);
        const codes = codings(cc);
        if (!name && !codes.length) {
          if (!ref) issues.push({ path: at(path, "medicationCodeableConcept"), message: "a medication needs medicationCodeableConcept or medicationReference" });
          break;
        }
        const period =
          r.resourceType === "MedicationRequest"
            ? { start: (m as MedicationRequest).authoredOn, end: (m as MedicationRequest).dispenseRequest?.validityPeriod?.end }
            : { start: (m as MedicationStatement).effectivePeriod?.start ?? (m as MedicationStatement).effectiveDateTime, end: (m as MedicationStatement).effectivePeriod?.end ?? (r.resourceType === "MedicationAdministration" ? (m as MedicationAdministration).effectiveDateTime : undefined) };
        const ext = (name: string) => (m.extension ?? []).find((e) => (e.url ?? "").endsWith(`/${name}`));
        const line = ext("line-of-therapy")?.valueInteger;
        const cycles = ext("cycles")?.valueInteger;
        const best = ext("best-response")?.valueCode;
        const setting = ext("setting")?.valueCode;
        if (best !== undefined && !["CR", "PR", "SD", "PD", "NE"].includes(best)) issues.push({ path: at(path, "extension"), message: `best-response must be CR, PR, SD, PD or NE, got ${JSON.stringify(best)}` });
        const reasons = (r.resourceType === "MedicationStatement" ? ((m as MedicationStatement).statusReason ?? []) : r.resourceType === "MedicationRequest" ? [(m as MedicationRequest).statusReason] : (m as MedicationAdministration).statusReason ?? [])
          .map((x) => text(x) ?? "")
          .join(" ");
        const reasonStopped: Medication["reasonStopped"] = /progress/i.test(reasons)
          ? "progression"
          : /toxic|adverse|intoler/i.test(reasons)
            ? "toxicity"
            : /complet/i.test(reasons)
              ? "completed"
              : undefined;
        medications.push({
          ...(name ? { name } : {}),
          ...(codes.length ? { codes } : {}),
          ...(day(period.start) ? { start: day(period.start) } : {}),
          ...(day(period.end) ? { end: day(period.end) } : {}),
          ...(typeof line === "number" ? { line } : {}),
          ...(typeof cycles === "number" ? { cycles } : {}),
          ...(best && ["CR", "PR", "SD", "PD", "NE"].includes(best) ? { bestResponse: best as Medication["bestResponse"] } : {}),
          ...(setting ? { setting: setting as Medication["setting"] } : {}),
          ...(reasonStopped ? { reasonStopped } : {}),
        });
        const dosage = r.resourceType === "MedicationStatement" ? (m as MedicationStatement).dosage?.[0] : r.resourceType === "MedicationRequest" ? (m as MedicationRequest).dosageInstruction?.[0] : undefined;
        const dose = dosage ? dailyDose(dosage) : undefined;
        if (dose) medications[medications.length - 1].dose = dose;
        break;
      }
      case "Procedure": {
        const p = r as FhirProcedure;
        if (p.status === "entered-in-error" || p.status === "not-done") break;
        sawProcedures = true;
        const t = text(p.code);
        if (!t) {
          issues.push({ path: at(path, "code"), message: "a Procedure needs code.text or a coding display" });
          break;
        }
        procedures.push({
          kind: procedureKind(t),
          name: t,
          ...(codings(p.code).length ? { codes: codings(p.code) } : {}),
          ...(text(p.bodySite?.[0]) ? { site: text(p.bodySite?.[0]) } : {}),
          ...(day(p.performedDateTime ?? p.performedPeriod?.start) ? { start: day(p.performedDateTime ?? p.performedPeriod?.start) } : {}),
          ...(day(p.performedPeriod?.end) ? { end: day(p.performedPeriod?.end) } : {}),
        });
        break;
      }
      case "Immunization": {
        const im = r as Immunization;
        if (im.status !== "completed") break;
        sawProcedures = true;
        const t = text(im.vaccineCode) ?? "vaccine";
        procedures.push({
          kind: /live|attenuated|mmr|measles|varicella|zoster live|yellow fever|bcg|oral polio|rotavirus/i.test(t) ? "live-vaccine" : "vaccine",
          name: t,
          ...(day(im.occurrenceDateTime) ? { start: day(im.occurrenceDateTime) } : {}),
        });
        break;
      }
      case "List": {
        // An empty medication / procedure history (emptyReason nilknown): "none", not "unknown".
        const l = r as FhirList;
        const code = l.code?.coding?.find((c) => c.system === "http://loinc.org")?.code;
        const nil = l.emptyReason?.coding?.some((c) => c.code === "nilknown") && !(l.entry?.length);
        if (nil && code === "10160-0") sawMeds = true;
        if (nil && code === "47519-4") sawProcedures = true;
        if (nil && code === "11450-4") sawConditions = true;
        break;
      }
      default:
        break; // other resources (Encounter, Practitioner…) carry nothing the matcher reads
    }
  }
  if (patients === 0 && input.resourceType === "Bundle") issues.push({ path: "entry", message: "the bundle holds no Patient resource" });

  if (sawConditions) {
    if (!conditions.length && metastases.length) conditions.push({ text: "metastatic cancer", metastases });
    else if (conditions.length) conditions[0] = { ...conditions[0], metastases };
    patient.conditions = conditions;
  }
  if (observations.length) patient.observations = observations;
  if (sawMeds) patient.medications = medications;
  if (sawProcedures) patient.procedures = procedures;
  if (biomarkers.length) patient.biomarkers = biomarkers;
  return patient;
}

function metastasisSiteFromText(t: string): string | undefined {
  const m = /(?:metasta\w* (?:to|of|in) (?:the )?|secondary malignant neoplasm of (?:the )?)([a-z ]+)/i.exec(t) ?? /([a-z]+) metasta/i.exec(t);
  return m?.[1]?.trim().toLowerCase();
}

/**
 * A Dosage as a daily dose: "20 mg" × frequency per period ("2 per 1 d" → 40 mg/d, "1 per 1 wk" → mg/7 per day).
 * Without a timing only a dose already written per day ("mg/d") is one.
 */
function dailyDose(d: Dosage): { value: number; unit: string } | undefined {
  const q = d.doseAndRate?.[0]?.doseQuantity;
  if (!q || typeof q.value !== "number" || !Number.isFinite(q.value)) return undefined;
  const unit = (q.code ?? q.unit ?? "").trim();
  if (!unit) return undefined;
  if (/\/d(ay)?$/i.test(unit)) return { value: q.value, unit: unit.replace(/\/day$/i, "/d") };
  const rep = d.timing?.repeat;
  if (!rep || !rep.periodUnit) return undefined;
  const perDay: Record<string, number> = { h: 24, d: 1, wk: 1 / 7, mo: 1 / 30, min: 1440 };
  const per = perDay[rep.periodUnit];
  if (per === undefined) return undefined;
  const value = (q.value * (rep.frequency ?? 1) * per) / (rep.period ?? 1);
  return { value: Math.round(value * 1000) / 1000, unit: `${unit}/d` };
}

function procedureKind(t: string): string {
  const known = matchKnowledge().procedureOf(t) ?? matchKnowledge().proceduresIn(t).find((id) => id !== "surgery");
  if (known) return known;
  if (/radiotherap|radiation|irradiation|\bsbrt\b|\bimrt\b|gamma knife/i.test(t)) return /brain|cranial/i.test(t) ? "brain-radiotherapy" : "radiotherapy";
  if (/stem cell|hsct|bone marrow transplant/i.test(t)) return /autologous/i.test(t) ? "autologous-hsct" : "allogeneic-hsct";
  if (/transplant/i.test(t)) return "organ-transplant";
  if (/dialysis/i.test(t)) return "dialysis";
  if (/biopsy/i.test(t)) return "biopsy";
  if (/vaccin/i.test(t)) return "vaccine";
  if (/major|ectomy|resection|thoracotomy|laparotomy|craniotomy/i.test(t)) return "major-surgery";
  return "surgery";
}

function quantity(q: Quantity | undefined, path: string, issues: InputIssue[]): { value: number; unit?: string } | undefined {
  if (q === undefined) return undefined;
  if (typeof q.value !== "number" || !Number.isFinite(q.value)) {
    issues.push({ path: `${path}.value`, message: `expected a number, got ${JSON.stringify(q.value)}` });
    return undefined;
  }
  const unit = q.system === "http://unitsofmeasure.org" || q.code ? (q.code ?? q.unit) : q.unit;
  return { value: q.value, ...(unit ? { unit } : {}) };
}

function readObservation(o: FhirObservation, path: string, out: Observation[], biomarkers: Biomarker[], patient: Patient, issues: InputIssue[]): void {
  if (o.status === "entered-in-error" || o.status === "cancelled") return;
  const at = (f: string) => (path ? `${path}.${f}` : f);
  const codes = codings(o.code);
  const loinc = codes.find((c) => c.system === "loinc")?.code;
  const t = text(o.code);
  const date = day(o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.issued);
  if (!t && !codes.length) {
    issues.push({ path: at("code"), message: "an Observation needs code.text or code.coding" });
    return;
  }
  // Pregnancy status.
  if (loinc === "82810-3") {
    const v = (text(o.valueCodeableConcept) ?? "").toLowerCase();
    if (/not pregnant|negative/.test(v)) patient.pregnant = false;
    else if (/pregnant|positive/.test(v)) patient.pregnant = true;
    return;
  }
  // Yes/no facts: breastfeeding (63895-7), childbearing potential, measurable disease.
  if (typeof o.valueBoolean === "boolean" || (loinc === "63895-7" && o.valueCodeableConcept)) {
    const yes = typeof o.valueBoolean === "boolean" ? o.valueBoolean : !/^(no|not|negative)/i.test(text(o.valueCodeableConcept) ?? "");
    const what = `${loinc ?? ""} ${t ?? ""}`;
    if (/63895-7|breast ?feeding|lactat/i.test(what)) patient.lactating = yes;
    else if (/childbearing/i.test(what)) patient.childbearingPotential = yes;
    else if (/measurable disease/i.test(what)) patient.measurableDisease = yes;
    return;
  }
  if (/^life expectancy/i.test(t ?? "") && o.valueQuantity?.value !== undefined) {
    const months = o.valueQuantity.code === "a" || /year/i.test(o.valueQuantity.unit ?? "") ? o.valueQuantity.value * 12 : o.valueQuantity.value;
    patient.lifeExpectancyMonths = months;
    return;
  }
  // ECOG / Karnofsky coded as answers.
  if (loinc === "89247-1" || loinc === "89262-0" || /\becog\b/i.test(t ?? "")) {
    const code = o.valueCodeableConcept?.coding?.find((c) => c.code && c.code in ECOG_ANSWERS)?.code;
    const n = code ? ECOG_ANSWERS[code] : (o.valueInteger ?? o.valueQuantity?.value ?? Number(/^\s*(\d)/.exec(text(o.valueCodeableConcept) ?? o.valueString ?? "")?.[1] ?? NaN));
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 5) issues.push({ path: at("value[x]"), message: "ECOG must be 0–5 (valueInteger or a LOINC answer LA9622-7…LA9627-6)" });
    else patient.ecog = n;
    return;
  }
  // Genomic / biomarker results.
  const gene = o.component?.find((c) => c.code?.coding?.some((x) => x.code === "48018-6"));
  const markerName = gene ? text(gene.valueCodeableConcept) : MARKERS.exec(t ?? "")?.[1];
  if (markerName && (o.valueCodeableConcept || o.valueString || gene || /PD-?L1|TMB/i.test(markerName))) {
    const status = text(o.valueCodeableConcept) ?? o.valueString;
    const componentText = (loinc: string) => {
      const c = o.component?.find((x) => x.code?.coding?.some((y) => y.code === loinc));
      return c ? (text(c.valueCodeableConcept) ?? c.valueString) : undefined;
    };
    // the protein change ("p.Val600Lys" → "V600K") is how criteria name variants; the DNA change as well
    const protein = componentText("48005-3");
    const variantText = [protein ? proteinChangeShort(protein) : undefined, componentText("81252-9"), componentText("48004-6")].filter(Boolean).join(" ") || undefined;
    const q = quantity(o.valueQuantity, at("valueQuantity"), issues);
    biomarkers.push({
      marker: markerName.toUpperCase(),
      ...(status ? { status } : {}),
      ...(variantText ? { variant: variantText } : {}),
      ...(q ? { value: q.value, ...(q.unit ? { unit: q.unit } : {}) } : {}),
      ...(date ? { date } : {}),
    });
    return;
  }
  const q = quantity(o.valueQuantity, at("valueQuantity"), issues) ?? (typeof o.valueInteger === "number" ? { value: o.valueInteger } : undefined);
  if (!q) {
    // A qualitative result eligo does not model ("HBsAg: Negative", "QuantiFERON: Positive"): valid FHIR, not read
    // (it must not reject the rest of the bundle)
    if (o.valueCodeableConcept || typeof o.valueString === "string") return;
    if (o.valueQuantity === undefined && o.valueInteger === undefined && !o.component?.length) {
      issues.push({ path: at("valueQuantity"), message: `observation ${t ?? loinc} has no numeric value` });
    }
    // Blood pressure panels: read the systolic/diastolic components.
    (o.component ?? []).forEach((c, i) => {
      const cq = quantity(c.valueQuantity, at(`component[${i}].valueQuantity`), issues);
      const ccodes = codings(c.code);
      if (cq) out.push({ code: ccodes.find((x) => x.system === "loinc") ?? ccodes[0], ...(text(c.code) ? { text: text(c.code) } : {}), value: cq.value, ...(cq.unit ? { unit: cq.unit } : {}), ...(date ? { date } : {}) } as Observation);
    });
    return;
  }
  const rr = o.referenceRange?.[0];
  const low = rr?.low ? quantity(rr.low, at("referenceRange[0].low"), issues) : undefined;
  const high = rr?.high ? quantity(rr.high, at("referenceRange[0].high"), issues) : undefined;
  const obs: Observation = {
    ...(loinc ? { code: { system: "loinc", code: loinc, ...(t ? { display: t } : {}) } } : codes[0] ? { code: codes[0] } : {}),
    ...(t ? { text: t } : {}),
    value: q.value,
    ...(q.unit ? { unit: q.unit } : {}),
    ...(date ? { date } : {}),
    ...(low || high
      ? { referenceRange: { ...(low ? { low: low.value } : {}), ...(high ? { high: high.value } : {}), ...((high ?? low)?.unit ? { unit: (high ?? low)!.unit } : {}) } }
      : {}),
  };
  out.push(obs);
}
