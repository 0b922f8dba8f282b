/**
 * Alternative cohorts in one trial's criteria: "Adult healthy volunteers:" and "Neonates:",
 * each over its own bullets. A patient belongs to one cohort, so the criteria under the other
 * cohorts' titles do not apply: an adult is not failed on "aged 1 hour to 28 days of life".
 *
 * A cohort title is a top-level criterion that ends with ":", names a population (patients,
 * volunteers, controls, children, a cohort, a part, an arm…), is not a lead-in ("defined as",
 * "any of the following") and has nested items; a kind (inclusion, exclusion) has cohorts
 * when it has two titles or more. An exclusion cohort is the inclusion cohort of the same
 * title, when there is one; exclusions under a title no inclusion cohort has apply to all.
 */
import type { Criterion } from "../criteria/types.js";
import type { CriterionStatus } from "./criterion.js";

const POPULATION =
  /\b(?:patients?|participants?|subjects?|volunteers?|controls?|cases?|cohorts?|groups?|arms?|parts?|phases?|stages?|populations?|children|child|adults?|adolescents?|neonates?|newborns?|infants?|toddlers?|pediatric|paediatric|elderly|women|men|mothers?|fathers?|parents?|caregivers?|carers?|partners?|donors?|recipients?|clinicians?|physicians?|nurses?|staff|students?|healthy|survivors?|smokers?|users?)\b/i;
// A lead-in, or a title over what every participant must meet ("For all patients:", "General:").
const LEAD_IN = /\b(?:following|defined|as follows|any of|all|one of|each|every|either|both|such as|includ\w*|criteria|meet|must|should|adequate|function|laboratory|values?|general|common)\b/i;

export interface Cohort {
  kind: "inclusion" | "exclusion";
  /** Index of the title criterion in the list. */
  title: number;
  /** The title's words, normalised, to pair an exclusion cohort with its inclusion cohort. */
  key: string;
  /** Indices of the criteria under the title. */
  members: number[];
}

const keyOf = (text: string) =>
  text
    .toLowerCase()
    .replace(/[:\s]+$/, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

function isTitle(c: Criterion): boolean {
  const t = c.text.trim();
  return c.source !== "module" && c.depth === 0 && t.endsWith(":") && t.length <= 100 && POPULATION.test(t) && !LEAD_IN.test(t);
}

/** The cohorts of a criteria list (criteria under a top-level item follow it at depth ≥ 1). */
export function cohortsOf(criteria: Criterion[]): Cohort[] {
  const found: Cohort[] = [];
  for (let i = 0; i < criteria.length; i++) {
    const c = criteria[i];
    if (c.kind === "unknown" || !isTitle(c)) continue;
    const members: number[] = [];
    for (let j = i + 1; j < criteria.length && criteria[j].depth > 0 && criteria[j].source !== "module"; j++) members.push(j);
    if (members.length) found.push({ kind: c.kind, title: i, key: keyOf(c.text), members });
  }
  // Alternatives only where a kind has two titles or more.
  const perKind = (k: Cohort["kind"]) => found.filter((g) => g.kind === k).length;
  return found.filter((g) => perKind(g.kind) >= 2 || (g.kind === "exclusion" && found.some((h) => h.kind === "inclusion" && h.key === g.key)));
}

/**
 * Which criteria apply to the patient, given each criterion's status: cohorts whose
 * inclusions all pass are the patient's; failing while another passes or could, a cohort is
 * not. Returns, per criterion under a title that does not apply, that title's index.
 */
export function criteriaOutsidePatientCohort(cohorts: Cohort[], status: (i: number) => CriterionStatus): Map<number, number> {
  const out = new Map<number, number>();
  const inclusion = cohorts.filter((g) => g.kind === "inclusion");
  if (inclusion.length < 2) return out;
  const state = new Map<string, CriterionStatus>();
  for (const g of inclusion) {
    const ss = g.members.map(status);
    state.set(g.key, ss.includes("fail") ? "fail" : ss.every((s) => s === "pass") ? "pass" : "unknown");
  }
  const anyPass = [...state.values()].includes("pass");
  const anyOpen = anyPass || [...state.values()].includes("unknown");
  // With no cohort open to the patient every one fails, and the trial fails as it should.
  if (!anyOpen) return out;
  const applies = (key: string) => {
    const s = state.get(key);
    return s === undefined || s === "pass" || (s === "unknown" && !anyPass);
  };
  for (const g of cohorts) {
    if (applies(g.key)) continue;
    out.set(g.title, g.title);
    for (const m of g.members) out.set(m, g.title);
  }
  return out;
}
