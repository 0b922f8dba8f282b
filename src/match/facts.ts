/**
 * A patient read once for matching: ages at the evaluation date, condition concepts with
 * their ancestors, the latest observation per variable, medications with their drug
 * classes. Everything is derived in an order-independent way (sets, latest-by-date with a
 * deterministic tie-break) so that verdicts never depend on the order of the input.
 */
import { ageInDays, ageInYears, dayNumber, type Medication, type Observation, type Patient } from "../model/patient.js";
import { normaliseText, type MatchKnowledge } from "./knowledge.js";

export interface ConditionFact {
  text: string;
  /** The condition's concepts (most specific named), without ancestors. */
  concepts: string[];
  /** Concepts and all their ancestors. */
  closure: Set<string>;
  words: Set<string>;
  clinicalStatus?: string;
  stage?: string;
  tnm?: string;
  onsetDay?: number;
  /** Severity grade (CTCAE), given or written in the text ("peripheral neuropathy, grade 2"). */
  grade?: number;
  isCancer: boolean;
}

export interface MetastasisFact {
  site: string;
  active?: boolean;
  symptomatic?: boolean;
  treated?: boolean;
}

export interface ObservationFact {
  variable: string;
  value: number;
  unit?: string;
  day?: number;
  date?: string;
  uln?: number;
  lln?: number;
  label: string;
}

export interface MedicationFact {
  drug: string;
  label: string;
  classes: Set<string>;
  startDay?: number;
  endDay?: number;
  ongoing: boolean;
  med: Medication;
}

export interface PatientFacts {
  patient: Patient;
  asOf: string;
  asOfDay: number;
  ageYears?: number;
  ageDays?: number;
  sex?: "male" | "female";
  /** Undefined when the patient's conditions are not known at all. */
  conditions?: ConditionFact[];
  /** Undefined when no condition records its metastases (unknown); empty when none. */
  metastases?: MetastasisFact[];
  observations: Map<string, ObservationFact>;
  medications?: MedicationFact[];
  procedures?: Array<{ kind: string; label: string; site?: string; startDay?: number; endDay?: number }>;
  biomarkers: Map<string, { marker: string; status?: string; variant?: string; value?: number; unit?: string; date?: string }>;
}

/** Words that say "a cancer" in registry condition names. */
const CANCER_WORDS = /^(cancer|cancers|carcinoma|carcinomas|neoplasm|neoplasms|tumor|tumors|tumour|tumours|malignancy|malignancies|malignant)$/;
const STOP = new Set(["of", "the", "and", "with", "in", "advanced", "metastatic", "recurrent", "refractory", "stage", "locally", "unresectable", "primary"]);

/** Content words with the cancer synonyms folded into one ("nasopharyngeal neoplasms" = "nasopharyngeal carcinoma"). */
export function conditionWords(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of normaliseText(text).split(" ")) {
    if (!w || STOP.has(w)) continue;
    out.add(CANCER_WORDS.test(w) ? "cancer" : w.replace(/(?<=[a-z]{4})s$/, ""));
  }
  return out;
}

export function markerKey(m: string): string {
  return m.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

export function patientFacts(patient: Patient, asOf: string, k: MatchKnowledge): PatientFacts {
  const asOfDay = dayNumber(asOf);
  const facts: PatientFacts = {
    patient,
    asOf,
    asOfDay,
    ageYears: ageInYears(patient, asOf),
    ageDays: ageInDays(patient, asOf),
    sex: patient.sex === "male" || patient.sex === "female" ? patient.sex : undefined,
    observations: new Map(),
    biomarkers: new Map(),
  };

  if (patient.conditions) {
    facts.conditions = patient.conditions.map((c) => {
      const text = [c.text, c.histology].filter(Boolean).join(" ") || c.codes?.map((x) => x.display ?? x.code).join(" ") || "";
      const concepts = new Set<string>();
      for (const code of c.codes ?? []) {
        const id = k.conceptOfCode(code);
        if (id) concepts.add(id);
      }
      for (const id of k.conceptsIn(text)) concepts.add(id);
      for (const code of c.codes ?? []) if (code.display) for (const id of k.conceptsIn(code.display)) concepts.add(id);
      // Keep only the most specific concepts (drop a concept that is an ancestor of another).
      const specific = [...concepts].filter((a) => ![...concepts].some((b) => b !== a && k.isA(b, a)));
      const closure = new Set<string>();
      for (const id of specific) for (const a of k.ancestors(id)) closure.add(a);
      return {
        text,
        concepts: specific.sort(),
        closure,
        words: conditionWords(text),
        clinicalStatus: c.clinicalStatus,
        stage: c.stage,
        tnm: c.tnm,
        onsetDay: c.onset ? dayNumber(c.onset) : undefined,
        grade: c.grade ?? gradeInText(text),
        isCancer: closure.has("cancer"),
      };
    });
    if (patient.conditions.some((c) => c.metastases !== undefined)) {
      facts.metastases = patient.conditions.flatMap((c) =>
        (c.metastases ?? []).map((m) => ({ site: normaliseText(m.site), active: m.active, symptomatic: m.symptomatic, treated: m.treated })),
      );
    }
  }

  for (const o of patient.observations ?? []) addObservation(facts, o, k);
  deriveBmi(facts, k);
  if (patient.ecog !== undefined) setScalar(facts, "ecog", patient.ecog, k.labUnit("ecog") ?? "1", "ECOG performance status");
  if (patient.karnofsky !== undefined) setScalar(facts, "karnofsky", patient.karnofsky, "%", "Karnofsky performance status");
  if (patient.lifeExpectancyMonths !== undefined)
    setScalar(facts, "life-expectancy", patient.lifeExpectancyMonths, "mo", "life expectancy");

  if (patient.medications) {
    facts.medications = patient.medications.map((m) => {
      let drug: string | undefined;
      for (const c of m.codes ?? []) drug ??= k.drugOfCode(c);
      drug ??= k.normaliseDrug(m.name ?? m.codes?.[0]?.display ?? m.codes?.[0]?.code ?? "");
      const endDay = m.end ? dayNumber(m.end) : undefined;
      return {
        drug,
        label: m.name ?? drug,
        classes: k.drugClassesOf(drug),
        startDay: m.start ? dayNumber(m.start) : undefined,
        endDay,
        ongoing: endDay === undefined || endDay >= asOfDay,
        med: m,
      };
    });
  }
  if (patient.procedures) {
    facts.procedures = patient.procedures.map((p) => ({
      kind: normaliseText(p.kind).replace(/ /g, "-"),
      label: p.name ?? p.kind,
      site: p.site ? normaliseText(p.site) : undefined,
      startDay: p.start ? dayNumber(p.start) : undefined,
      endDay: p.end ? dayNumber(p.end) : p.start ? dayNumber(p.start) : undefined,
    }));
  }
  for (const b of patient.biomarkers ?? []) {
    const key = markerKey(b.marker);
    const prev = facts.biomarkers.get(key);
    // Latest result wins; same date: keep the first in a fixed order of the status text.
    const bd = b.date ?? "";
    const pd = prev?.date ?? "";
    if (!prev || bd > pd || (bd === pd && String(b.status ?? b.value) < String(prev.status ?? prev.value))) {
      facts.biomarkers.set(key, { ...b });
    }
  }
  biomarkersFromDiagnoses(facts.biomarkers, patient.conditions ?? []);
  deriveRas(facts.biomarkers);
  deriveHormoneReceptor(facts.biomarkers);
  deriveBrca(facts.biomarkers);
  deriveFamily(facts.biomarkers, "IDH", ["IDH1", "IDH2"]);
  return facts;
}

/**
 * Results a diagnosis states in its name ("Glioblastoma, IDH-wildtype", "HER2-positive breast
 * cancer", "EGFR-mutant NSCLC", "MGMT-unmethylated"), where the record has no result of its own.
 */
const MARKER_IN_DIAGNOSIS_RE =
  /\b(IDH[12]?|EGFR|ALK|ROS1|BRAF|KRAS|NRAS|HER2|ER|PR|MGMT|1p\/19q)[-\s](wild[-\s]?type|wt|mutant|mutated|positive|negative|amplified|methylated|unmethylated|codeleted|non-codeleted|intact|rearranged)\b/gi;
function biomarkersFromDiagnoses(markers: PatientFacts["biomarkers"], conditions: Array<{ text?: string; name?: string; codes?: Array<{ display?: string }> }>): void {
  for (const c of conditions) {
    const text = [c.text, c.name, ...(c.codes ?? []).map((x) => x.display)].filter(Boolean).join("; ");
    if (!text) continue;
    MARKER_IN_DIAGNOSIS_RE.lastIndex = 0;
    for (let m = MARKER_IN_DIAGNOSIS_RE.exec(text); m; m = MARKER_IN_DIAGNOSIS_RE.exec(text)) {
      const key = markerKey(m[1]);
      if (markers.has(key)) continue;
      const status = /^(?:wild[-\s]?type|wt)$/i.test(m[2]) ? "wild-type" : m[2].toLowerCase();
      markers.set(key, { marker: m[1], status });
    }
  }
}

/**
 * A family's status from its genes when the record gives none of its own ("IDH" from IDH1 and
 * IDH2): mutated when either is, wild-type when all are.
 */
function deriveFamily(markers: PatientFacts["biomarkers"], family: string, genes: string[]): void {
  if (markers.has(family)) return;
  const parts = genes.map((g) => markers.get(g));
  const mutated = parts.find((b) => b?.status && /mutat|mutant|positive|detected|present|R132|R140|R172/i.test(`${b.status} ${b.variant ?? ""}`) && !/wild|negative|not\s+detected|absent/i.test(b.status));
  if (mutated) {
    markers.set(family, { ...mutated, marker: family, status: "mutated" });
    return;
  }
  if (parts.every((b) => b?.status && /wild|negative|not\s+detected|absent/i.test(b.status))) markers.set(family, { marker: family, status: "wild-type" });
}

/**
 * Hormone-receptor status from ER and PR when the record gives none of its own: positive when
 * either is (a positive result, or ≥ 1 % of cells), negative when both are.
 */
function deriveHormoneReceptor(markers: PatientFacts["biomarkers"]): void {
  if (markers.has("HR")) return;
  const parts = [markers.get("ER"), markers.get("PR") ?? markers.get("PGR")];
  const positive = (b: (typeof parts)[number]) => b !== undefined && ((b.status !== undefined && /positive|^pos$|\+$/i.test(b.status) && !/negative/i.test(b.status)) || (b.value !== undefined && b.value >= 1 && (b.unit === undefined || b.unit === "%")));
  const negative = (b: (typeof parts)[number]) => b !== undefined && ((b.status !== undefined && /negative|^neg$/i.test(b.status)) || (b.status === undefined && b.value !== undefined && b.value < 1 && (b.unit === undefined || b.unit === "%")));
  const pos = parts.find(positive);
  if (pos) markers.set("HR", { marker: "HR", status: "positive", ...(pos.date ? { date: pos.date } : {}) });
  else if (parts.every(negative)) markers.set("HR", { marker: "HR", status: "negative" });
}

/**
 * RAS status from KRAS and NRAS when the record gives no RAS result of its own ("RAS wild-type"
 * means KRAS and NRAS wild-type): mutated when either is, wild-type when both are.
 */
function deriveRas(markers: PatientFacts["biomarkers"]): void {
  if (markers.has("RAS")) return;
  const parts = [markers.get("KRAS"), markers.get("NRAS")];
  const mutated = parts.find((b) => b?.status && /mutat|mutant|positive|G12|G13|Q61/i.test(`${b.status} ${b.variant ?? ""}`) && !/wild|negative|not\s+detected/i.test(b.status));
  if (mutated) {
    markers.set("RAS", { marker: "RAS", status: "mutated", ...(mutated.variant ? { variant: mutated.variant } : {}), ...(mutated.date ? { date: mutated.date } : {}) });
    return;
  }
  if (parts.every((b) => b?.status && /wild|negative|not\s+detected/i.test(b.status))) markers.set("RAS", { marker: "RAS", status: "wild-type" });
}

/**
 * BRCA status from BRCA1 and BRCA2 (germline "gBRCA1" or somatic) when the record gives none of its own:
 * criteria write "BRCA1/2", "BRCA mutation". Mutated when either is, wild-type when both are.
 */
function deriveBrca(markers: PatientFacts["biomarkers"]): void {
  if (markers.has("BRCA")) return;
  const parts = ["BRCA1", "BRCA2", "GBRCA1", "GBRCA2", "SBRCA1", "SBRCA2", "GBRCA"].map((k) => markers.get(k)).filter((b) => b !== undefined);
  if (!parts.length) return;
  const text = (b: (typeof parts)[number]) => `${b!.status ?? ""} ${b!.variant ?? ""}`;
  const mutated = parts.find((b) => /mutat|mutant|positive|pathogenic|detected|present|c\.|p\./i.test(text(b)) && !/wild|negative|not\s+detected|benign|no\s+(?:pathogenic\s+)?(?:mutation|variant)/i.test(b!.status ?? ""));
  if (mutated) {
    markers.set("BRCA", { ...mutated, marker: "BRCA", status: mutated.status && !/^present$/i.test(mutated.status) ? mutated.status : "mutated" });
    return;
  }
  const both = markers.get("BRCA1") && markers.get("BRCA2");
  if (both && parts.every((b) => /wild|negative|not\s+detected|benign|no\s+(?:pathogenic\s+)?(?:mutation|variant)/i.test(b!.status ?? ""))) markers.set("BRCA", { marker: "BRCA", status: "wild-type" });
}

/**
 * Body mass index from the latest weight and height when no BMI is recorded (weight kg / height m²),
 * dated by the later of the two; said to be derived in its label.
 */
function deriveBmi(f: PatientFacts, k: MatchKnowledge): void {
  if (f.observations.has("bmi")) return;
  const w = f.observations.get("weight");
  const h = f.observations.get("height");
  if (!w || !h) return;
  const kg = k.convert(w.value, w.unit, "kg", "weight");
  const cm = k.convert(h.value, h.unit, "cm", "height");
  if (kg === undefined || cm === undefined || !(cm > 0)) return;
  const value = Math.round((kg / (cm / 100) ** 2) * 10) / 10;
  const later = (w.day ?? -Infinity) >= (h.day ?? -Infinity) ? w : h;
  f.observations.set("bmi", { variable: "bmi", value, unit: "kg/m2", label: `BMI (from weight ${w.value} ${w.unit} and height ${h.value} ${h.unit})`, day: later.day, date: later.date });
}

function setScalar(f: PatientFacts, variable: string, value: number, unit: string, label: string): void {
  f.observations.set(variable, { variable, value, unit, label, date: f.asOf, day: f.asOfDay });
}

function addObservation(f: PatientFacts, o: Observation, k: MatchKnowledge): void {
  const variable = k.variableOf(o);
  if (!variable) return;
  const day = o.date ? dayNumber(o.date) : undefined;
  if (day !== undefined && day > f.asOfDay) return; // a result after the evaluation date is not known then
  const rrUnit = o.referenceRange?.unit ?? o.unit;
  const toObsUnit = (x: number | undefined) => (x === undefined ? undefined : k.convert(x, rrUnit, o.unit, variable));
  const fact: ObservationFact = {
    variable,
    value: o.value,
    unit: o.unit,
    day,
    date: o.date,
    uln: toObsUnit(o.referenceRange?.high),
    lln: toObsUnit(o.referenceRange?.low),
    label: o.text ?? o.code?.display ?? k.labLabel(variable) ?? variable,
  };
  const prev = f.observations.get(variable);
  if (!prev || isLater(fact, prev)) f.observations.set(variable, fact);
}

/** Latest by date; undated counts as oldest; ties broken by value then unit, so input order never matters. */
function isLater(a: ObservationFact, b: ObservationFact): boolean {
  const da = a.day ?? -Infinity;
  const db = b.day ?? -Infinity;
  if (da !== db) return da > db;
  if (a.value !== b.value) return a.value > b.value;
  return (a.unit ?? "") > (b.unit ?? "");
}

/** "grade 2", "Grade 3 peripheral neuropathy", "G2" in a diagnosis's text. */
function gradeInText(text: string): number | undefined {
  const m = /\b(?:CTCAE\s+)?grade\s*([0-5])\b|\bG([0-5])\b/i.exec(text);
  return m ? Number(m[1] ?? m[2]) : undefined;
}
