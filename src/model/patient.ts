/**
 * eligo's patient model: what the matcher knows about one patient. It is the target of
 * both inputs (eligo's own JSON, validated here, and a FHIR R4 Bundle, mapped by
 * src/match/fhir.ts), so evaluators only ever read this shape.
 *
 * Open and closed world. A list that is ABSENT means "not known" (criteria about it are
 * unknown and produce a question); a list that is PRESENT, even empty, is taken as the
 * patient's complete record of that kind (no listed anti-PD-1 drug means none received).
 * Scalars (ECOG, pregnancy, …) are unknown when absent.
 *
 * Dates are ISO 8601 calendar dates ("2026-03-01"; "2026-03" and "2026" are accepted and
 * read as the first day). Units are UCUM codes ("g/dL", "10*9/L", "umol/L", "ms", "%").
 * Patient data is never stored or logged by eligo.
 */
import { z } from "zod";

const isoDate = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, "expected an ISO date YYYY-MM-DD (or YYYY-MM, YYYY)");

/** A code from a terminology: SNOMED CT, ICD-10(-CM), LOINC, RxNorm, ATC, NCIt… */
export const Coding = z.object({
  /** The system URI or a short name: "http://snomed.info/sct", "snomed", "icd10", "loinc", "rxnorm". */
  system: z.string().min(1).optional(),
  code: z.string().min(1),
  display: z.string().optional(),
});
export type Coding = z.infer<typeof Coding>;

export const MetastasisSite = z.object({
  /** "brain", "cns", "leptomeningeal", "liver", "bone", "lung", "peritoneum", "lymph node", … */
  site: z.string().min(1),
  /** Active (progressing or untreated) at the evaluation date. */
  active: z.boolean().optional(),
  symptomatic: z.boolean().optional(),
  /** Treated locally (surgery, radiotherapy) and stable. */
  treated: z.boolean().optional(),
  date: isoDate.optional(),
});
export type MetastasisSite = z.infer<typeof MetastasisSite>;

export const Condition = z
  .object({
    /** Diagnosis as written: "non-small cell lung cancer, adenocarcinoma". */
    text: z.string().min(1).optional(),
    codes: z.array(Coding).optional(),
    onset: isoDate.optional(),
    /** Stage as written: "IV", "IIIB", "extensive-stage". */
    stage: z.string().optional(),
    /** TNM: "T2N1M1a". */
    tnm: z.string().optional(),
    histology: z.string().optional(),
    clinicalStatus: z.enum(["active", "recurrence", "relapse", "inactive", "remission", "resolved"]).optional(),
    /** The primary cancer (as opposed to comorbidities). Defaults to the first cancer listed. */
    primary: z.boolean().optional(),
    metastases: z.array(MetastasisSite).optional(),
    /** Severity grade of an adverse event or toxicity (CTCAE 0–5), when the condition is one. */
    grade: z.number().int().min(0).max(5).optional(),
  })
  .refine((c) => c.text !== undefined || (c.codes?.length ?? 0) > 0, { message: "a condition needs text or codes" });
export type Condition = z.infer<typeof Condition>;

export const ReferenceRange = z.object({
  low: z.number().optional(),
  high: z.number().optional(),
  /** Unit of low/high; defaults to the observation's unit. */
  unit: z.string().optional(),
});
export type ReferenceRange = z.infer<typeof ReferenceRange>;

export const Observation = z
  .object({
    /** Canonical variable id ("hemoglobin", "alt", "qtc", "ecog"); derived from code/text when absent. */
    variable: z.string().min(1).optional(),
    code: Coding.optional(),
    text: z.string().optional(),
    value: z.number(),
    unit: z.string().optional(),
    date: isoDate.optional(),
    referenceRange: ReferenceRange.optional(),
  })
  .refine((o) => o.variable !== undefined || o.code !== undefined || o.text !== undefined, {
    message: "an observation needs variable, code or text",
  });
export type Observation = z.infer<typeof Observation>;

export const Response = z.enum(["CR", "PR", "SD", "PD", "NE"]);

export const Medication = z
  .object({
    name: z.string().min(1).optional(),
    codes: z.array(Coding).optional(),
    start: isoDate.optional(),
    /** Absent end: ongoing. */
    end: isoDate.optional(),
    /** Line of therapy for the cancer: 1 = first line. 0 = (neo)adjuvant / perioperative. */
    line: z.number().int().min(0).optional(),
    setting: z.enum(["neoadjuvant", "adjuvant", "induction", "concurrent-chemoradiotherapy", "metastatic", "maintenance"]).optional(),
    cycles: z.number().int().min(0).optional(),
    bestResponse: Response.optional(),
    reasonStopped: z.enum(["progression", "toxicity", "completed", "patient-choice", "other"]).optional(),
    /** Daily dose, e.g. {value: 20, unit: "mg/d"}. */
    dose: z.object({ value: z.number(), unit: z.string() }).optional(),
    /** A clinical-trial (investigational) product. */
    investigational: z.boolean().optional(),
  })
  .refine((m) => m.name !== undefined || (m.codes?.length ?? 0) > 0, { message: "a medication needs name or codes" });
export type Medication = z.infer<typeof Medication>;

export const Procedure = z.object({
  /** "surgery", "major-surgery", "radiotherapy", "transplant", "vaccine", "live-vaccine", "dialysis", "biopsy", or other. */
  kind: z.string().min(1),
  name: z.string().optional(),
  codes: z.array(Coding).optional(),
  site: z.string().optional(),
  start: isoDate.optional(),
  end: isoDate.optional(),
});
export type Procedure = z.infer<typeof Procedure>;

export const Biomarker = z.object({
  /** Gene or marker: "EGFR", "ALK", "PD-L1", "HER2", "MSI". */
  marker: z.string().min(1),
  /** "wild-type", "mutated", "positive", "negative", "amplified", "fusion", "high", "low", or a variant. */
  status: z.string().optional(),
  variant: z.string().optional(),
  value: z.number().optional(),
  unit: z.string().optional(),
  date: isoDate.optional(),
});
export type Biomarker = z.infer<typeof Biomarker>;

export const Patient = z
  .object({
    /** An identifier kept only to name the patient back to the caller; never printed in summaries. */
    id: z.string().optional(),
    birthDate: isoDate.optional(),
    /** Age in completed years, when the birth date is not given. */
    age: z.number().min(0).max(130).optional(),
    sex: z.enum(["male", "female", "other", "unknown"]).optional(),
    conditions: z.array(Condition).optional(),
    observations: z.array(Observation).optional(),
    medications: z.array(Medication).optional(),
    procedures: z.array(Procedure).optional(),
    biomarkers: z.array(Biomarker).optional(),
    ecog: z.number().int().min(0).max(5).optional(),
    karnofsky: z.number().min(0).max(100).optional(),
    pregnant: z.boolean().optional(),
    lactating: z.boolean().optional(),
    childbearingPotential: z.boolean().optional(),
    /** Measurable disease per RECIST 1.1. */
    measurableDisease: z.boolean().optional(),
    /** Life expectancy in months, as estimated by the clinician. */
    lifeExpectancyMonths: z.number().min(0).optional(),
  })
  .strict();
export type Patient = z.infer<typeof Patient>;

/** Reads an ISO date (or YYYY-MM / YYYY) as a UTC day number (days since 1970-01-01). */
export function dayNumber(date: string): number {
  const [y, m = "01", d = "01"] = date.split("-");
  return Math.floor(Date.UTC(Number(y), Number(m) - 1, Number(d)) / 86_400_000);
}

/** Completed years of age at asOf (ISO date), from birthDate or the stated age. */
export function ageInYears(p: Patient, asOf: string): number | undefined {
  if (p.birthDate) {
    const [by, bm = 1, bd = 1] = p.birthDate.split("-").map(Number);
    const [ay, am, ad] = asOf.split("-").map(Number);
    let years = ay - by;
    if (am < bm || (am === bm && ad < bd)) years--;
    return years;
  }
  return p.age;
}

/** Age in days at asOf, or undefined; a stated age in years counts from its start. */
export function ageInDays(p: Patient, asOf: string): number | undefined {
  if (p.birthDate) return dayNumber(asOf) - dayNumber(p.birthDate);
  // An age in whole years is at least that many years: rounding down would make "1 year" 11 months.
  return p.age === undefined ? undefined : Math.ceil(p.age * 365.25);
}
