/**
 * Patient input: eligo's own JSON or a FHIR R4 Bundle (detected by `resourceType`).
 * Invalid input raises PatientInputError listing every offending path and why; a patient
 * is either read whole or not at all.
 */
import { Patient } from "../model/patient.js";
import { isFhirResource, patientFromFhir, type InputIssue } from "./fhir.js";

export class PatientInputError extends Error {
  constructor(
    readonly source: string,
    readonly issues: InputIssue[],
  ) {
    super(`invalid patient ${source}:\n${issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}`);
    this.name = "PatientInputError";
  }
}

function zodPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

/** Reads eligo patient JSON or a FHIR Bundle (or a single FHIR Patient); `source` names the input in errors. */
export function parsePatientInput(json: unknown, source = "input"): Patient {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new PatientInputError(source, [{ path: "", message: "expected a JSON object (eligo patient or FHIR Bundle)" }]);
  }
  if (isFhirResource(json)) {
    const issues: InputIssue[] = [];
    const rt = json.resourceType;
    if (rt !== "Bundle" && rt !== "Patient") {
      throw new PatientInputError(source, [{ path: "resourceType", message: `expected Bundle or Patient, got ${JSON.stringify(rt)}` }]);
    }
    const mapped = patientFromFhir(json, issues);
    const checked = Patient.safeParse(mapped);
    if (!checked.success) {
      for (const i of checked.error.issues) issues.push({ path: `(mapped from FHIR) ${zodPath(i.path)}`, message: i.message });
    }
    if (issues.length) throw new PatientInputError(`${source} (FHIR Bundle)`, issues);
    return checked.data!;
  }
  const r = Patient.safeParse(json);
  if (!r.success) {
    throw new PatientInputError(source, r.error.issues.map((i) => ({ path: zodPath(i.path), message: i.message })));
  }
  return r.data;
}
