/**
 * The match form's fields → eligo's patient model. Field errors name the field and the
 * reason; the typed text is kept so the form can be shown again unchanged.
 */
import { Patient, type Observation } from "../../model/patient.js";
import { BIOMARKER_ROWS, LAB_ROWS, MAX_FORM_ROWS, METASTASIS_SITES, TREATMENT_ROWS, emptyPatientForm, type PatientForm } from "./match-page.js";

/** Read-only view of submitted fields (FormData or URLSearchParams both fit). */
export interface FieldSource {
  get(name: string): unknown;
  getAll(name: string): unknown[];
}


function str(src: FieldSource, name: string): string {
  const v = src.get(name);
  return typeof v === "string" ? v.trim() : "";
}

/** Rows are numbered lab0, lab1, …; scripts may add rows beyond the default count. */
function rowIndices(src: FieldSource & { keys?: () => IterableIterator<string> }, prefix: string, min: number): number[] {
  let n = min;
  if (src.keys) {
    for (const k of src.keys()) {
      const m = new RegExp(`^${prefix}(\\d+)\\.`).exec(k);
      if (m) n = Math.max(n, Math.min(MAX_FORM_ROWS, Number(m[1]) + 1));
    }
  }
  return Array.from({ length: n }, (_, i) => i);
}

export function readPatientForm(src: FieldSource & { keys?: () => IterableIterator<string> }): PatientForm {
  const f = emptyPatientForm();
  f.birthDate = str(src, "birthDate");
  f.age = str(src, "age");
  f.sex = str(src, "sex");
  f.diagnosis = str(src, "diagnosis");
  f.stage = str(src, "stage");
  f.metastases = src.getAll("metastases").filter((x): x is string => typeof x === "string" && METASTASIS_SITES.includes(x));
  f.otherMetastasis = str(src, "otherMetastasis");
  f.ecog = str(src, "ecog");
  f.lifeExpectancy = str(src, "lifeExpectancy");
  f.measurable = str(src, "measurable");
  f.pregnancy = str(src, "pregnancy");
  for (const i of rowIndices(src, "lab", LAB_ROWS)) {
    const row = {
      name: str(src, `lab${i}.name`),
      value: str(src, `lab${i}.value`),
      unit: str(src, `lab${i}.unit`),
      refLow: str(src, `lab${i}.refLow`),
      refHigh: str(src, `lab${i}.refHigh`),
      date: str(src, `lab${i}.date`),
    };
    if (Object.values(row).some(Boolean)) f.labs.push(row);
  }
  for (const i of rowIndices(src, "tx", TREATMENT_ROWS)) {
    const row = { name: str(src, `tx${i}.name`), start: str(src, `tx${i}.start`), end: str(src, `tx${i}.end`) };
    if (Object.values(row).some(Boolean)) f.treatments.push(row);
  }
  for (const i of rowIndices(src, "bm", BIOMARKER_ROWS)) {
    const row = { marker: str(src, `bm${i}.marker`), status: str(src, `bm${i}.status`) };
    if (Object.values(row).some(Boolean)) f.biomarkers.push(row);
  }
  f.trials = str(src, "trials") === "all" ? "all" : "open";
  const json = src.get("json");
  f.json = typeof json === "string" ? json : "";
  return f;
}

/** True when the user entered nothing at all. */
export function isEmptyForm(f: PatientForm): boolean {
  return (
    !f.birthDate && !f.age && !f.sex && !f.diagnosis && !f.stage && !f.metastases.length && !f.otherMetastasis && !f.ecog && !f.lifeExpectancy && !f.measurable && !f.pregnancy &&
    !f.labs.length && !f.treatments.length && !f.biomarkers.length && !f.json.trim()
  );
}

export interface ProcedureName {
  id: string;
  synonyms: string[];
}

/** The procedure a treatment name denotes ("radiotherapy", "IMRT to the neck" → radiotherapy), by the longest synonym in it. */
export function procedureOf(name: string, procedures: ProcedureName[]): string | undefined {
  let best: { id: string; len: number } | undefined;
  for (const p of procedures) {
    for (const syn of p.synonyms) {
      const caseSensitive = syn.length <= 4 && syn === syn.toUpperCase();
      const re = new RegExp(`(?<![\\p{L}\\p{N}])${syn.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`, caseSensitive ? "u" : "iu");
      if (re.test(name) && (!best || syn.length > best.len)) best = { id: p.id, len: syn.length };
    }
  }
  return best?.id;
}

export interface LabName {
  id: string;
  label: string;
  synonyms: string[];
}

function num(text: string): number | undefined {
  if (!text) return undefined;
  const n = Number(text.replace(",", "."));
  return Number.isFinite(n) ? n : NaN;
}

const ISO = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/**
 * Builds a Patient from the form fields. Returns the errors (each naming its field)
 * instead when a field cannot be read.
 */
export function patientFromForm(f: PatientForm, labs: LabName[], procedures: ProcedureName[] = []): { patient?: Patient; errors: string[] } {
  const errors: string[] = [];
  const p: Record<string, unknown> = {};
  if (f.birthDate) {
    if (!ISO.test(f.birthDate)) errors.push(`Birth date “${f.birthDate}”: use the form YYYY-MM-DD.`);
    else p.birthDate = f.birthDate;
  }
  if (f.age) {
    const a = num(f.age);
    if (a === undefined || Number.isNaN(a) || a < 0 || a > 130) errors.push(`Age “${f.age}”: give a number of years between 0 and 130.`);
    else if (!p.birthDate) p.age = a;
  }
  if (f.sex) {
    if (f.sex !== "female" && f.sex !== "male") errors.push(`Sex “${f.sex}”: choose female or male.`);
    else p.sex = f.sex;
  }
  if (f.ecog) {
    const e = num(f.ecog);
    if (e === undefined || Number.isNaN(e) || !Number.isInteger(e) || e < 0 || e > 4) errors.push(`ECOG “${f.ecog}”: choose 0 to 4.`);
    else p.ecog = e;
  }
  if (f.lifeExpectancy) {
    const m = num(f.lifeExpectancy);
    if (m === undefined || Number.isNaN(m) || m < 0 || m > 600) errors.push(`Life expectancy “${f.lifeExpectancy}”: give a number of months between 0 and 600.`);
    else p.lifeExpectancyMonths = m;
  }
  if (f.measurable === "yes" || f.measurable === "no") p.measurableDisease = f.measurable === "yes";
  if (f.pregnancy) {
    if (f.sex === "male" && f.pregnancy !== "neither") errors.push("Pregnancy or breastfeeding: the patient is recorded as male.");
    p.pregnant = f.pregnancy === "pregnant";
    p.lactating = f.pregnancy === "lactating";
  }
  const sites = [...f.metastases, ...f.otherMetastasis.split(/[,;]/).map((s) => s.trim().toLowerCase()).filter(Boolean)];
  if (f.diagnosis || f.stage || sites.length) {
    if (!f.diagnosis) errors.push("Diagnosis: name the diagnosis the stage and metastases belong to.");
    else
      p.conditions = [
        {
          text: f.diagnosis,
          primary: true,
          ...(f.stage ? (/^T\d/i.test(f.stage) ? { tnm: f.stage } : { stage: f.stage.replace(/^stage\s+/i, "") }) : {}),
          metastases: sites.map((site) => ({ site })),
        },
      ];
  }
  const observations: Observation[] = [];
  f.labs.forEach((l, i) => {
    const where = `Lab row ${i + 1}${l.name ? ` (${l.name})` : ""}`;
    if (!l.name) return void errors.push(`${where}: name the test.`);
    const value = num(l.value);
    if (value === undefined || Number.isNaN(value)) return void errors.push(`${where}: value “${l.value}” is not a number.`);
    const low = num(l.refLow);
    const high = num(l.refHigh);
    if (Number.isNaN(low) || Number.isNaN(high)) return void errors.push(`${where}: the reference range must be numbers.`);
    if (l.date && !ISO.test(l.date)) return void errors.push(`${where}: date “${l.date}” must be YYYY-MM-DD.`);
    const key = l.name.trim().toLowerCase();
    const known = labs.find((x) => x.id === key || x.label.toLowerCase() === key || x.synonyms.some((s) => s.toLowerCase() === key));
    const o: Observation = { text: l.name, value };
    if (known) o.variable = known.id;
    if (l.unit) o.unit = l.unit;
    if (l.date) o.date = l.date;
    if (low !== undefined || high !== undefined) o.referenceRange = { ...(low !== undefined ? { low } : {}), ...(high !== undefined ? { high } : {}) };
    observations.push(o);
  });
  if (observations.length) p.observations = observations;
  const meds: Array<Record<string, unknown>> = [];
  const procs: Array<Record<string, unknown>> = [];
  f.treatments.forEach((t, i) => {
    const where = `Treatment row ${i + 1}${t.name ? ` (${t.name})` : ""}`;
    if (!t.name) return void errors.push(`${where}: name the drug or procedure.`);
    for (const [k, d] of [["start", t.start], ["end", t.end]] as const) if (d && !ISO.test(d)) errors.push(`${where}: ${k} date “${d}” must be YYYY-MM-DD.`);
    if (t.start && t.end && ISO.test(t.start) && ISO.test(t.end) && t.end < t.start) errors.push(`${where}: ends (${t.end}) before it starts (${t.start}).`);
    const dates = { ...(t.start ? { start: t.start } : {}), ...(t.end ? { end: t.end } : {}) };
    const kind = procedureOf(t.name, procedures);
    if (kind) procs.push({ kind, name: t.name, ...dates });
    else meds.push({ name: t.name, ...dates });
  });
  if (meds.length) p.medications = meds;
  if (procs.length) p.procedures = procs;
  const markers: Array<Record<string, unknown>> = [];
  f.biomarkers.forEach((b, i) => {
    if (!b.marker) return void errors.push(`Biomarker row ${i + 1}: name the marker.`);
    const m = /(-?\d+(?:\.\d+)?)\s*(%)?/.exec(b.status);
    const words = b.status.replace(/(?:TPS|CPS)?\s*[<>≥≤=]*\s*-?\d+(?:\.\d+)?\s*%?/gi, "").replace(/^[\s,;:]+|[\s,;:]+$/g, "");
    markers.push({
      marker: b.marker,
      ...(words ? { status: words.toLowerCase() } : {}),
      ...(m ? { value: Number(m[1]), ...(m[2] ? { unit: "%" } : {}) } : {}),
    });
  });
  if (markers.length) p.biomarkers = markers;
  if (errors.length) return { errors };
  const parsed = Patient.safeParse(p);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `${i.path.join(".") || "patient"}: ${i.message}`) };
  return { patient: parsed.data, errors: [] };
}

/** "61-year-old female · Nasopharyngeal carcinoma, stage IVB · metastases: liver · ECOG 1 · 3 labs". */
export function summarisePatient(p: Patient, asOf: string): string {
  const bits: string[] = [];
  let age: number | undefined = p.age;
  if (p.birthDate) {
    const [by, bm = 1, bd = 1] = p.birthDate.split("-").map(Number);
    const [ay, am, ad] = asOf.split("-").map(Number);
    age = ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
  }
  const who = [age !== undefined ? `${age}-year-old` : "", p.sex && p.sex !== "unknown" ? p.sex : ""].filter(Boolean).join(" ");
  bits.push(who || "Age and sex not given");
  for (const c of p.conditions ?? []) {
    const name = c.text ?? c.codes?.[0]?.display ?? c.codes?.[0]?.code ?? "condition";
    const stage = c.stage ? `, stage ${c.stage}` : c.tnm ? `, ${c.tnm}` : "";
    const mets = c.metastases?.length ? `; metastases: ${c.metastases.map((m) => m.site).join(", ")}` : "";
    bits.push(`${name}${stage}${mets}`);
  }
  if (p.ecog !== undefined) bits.push(`ECOG ${p.ecog}`);
  if (p.lifeExpectancyMonths !== undefined) bits.push(`life expectancy ${p.lifeExpectancyMonths} months`);
  if (p.observations?.length) bits.push(`${p.observations.length} lab value${p.observations.length === 1 ? "" : "s"}`);
  if (p.measurableDisease !== undefined) bits.push(p.measurableDisease ? "measurable disease" : "no measurable disease");
  if (p.pregnant) bits.push("pregnant");
  if (p.lactating) bits.push("breastfeeding");
  const prior = [...(p.medications ?? []).map((m) => m.name ?? m.codes?.[0]?.display ?? "medication"), ...(p.procedures ?? []).map((x) => x.name ?? x.kind)];
  if (prior.length) bits.push(`prior: ${prior.join(", ")}`);
  if (p.biomarkers?.length) bits.push(`biomarkers: ${p.biomarkers.map((b) => `${b.marker}${b.status ? ` ${b.status}` : ""}${b.value !== undefined ? ` ${b.value}${b.unit ?? ""}` : ""}`).join(", ")}`);
  return bits.join(" · ");
}
