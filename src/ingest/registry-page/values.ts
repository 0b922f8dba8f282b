/**
 * Maps the human wording registry sites display ("Not yet recruiting", "Phase 1/Phase 2",
 * "January 3, 2019", "None (Open Label)") onto the API v2 enums and ISO dates. Every
 * function returns undefined for a value it does not recognise: the caller leaves the
 * field absent rather than guess.
 */
import {
  AgencyClass,
  ArmGroupType,
  InterventionType,
  OverallStatus,
  Phase,
  RecruitmentStatus,
  Sex,
  StudyType,
  type DateStruct,
} from "../../model/study.js";
import { clean } from "./text.js";

type Enum<T extends string> = { options: readonly T[] };

/** "Active, not recruiting" → "ACTIVE_NOT_RECRUITING"; also accepts the enum itself. */
export function enumWord(text: string): string {
  return clean(text)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

function inEnum<T extends string>(e: Enum<T>, word: string): T | undefined {
  return (e.options as readonly string[]).includes(word) ? (word as T) : undefined;
}

export function overallStatus(text: string): OverallStatus | undefined {
  let w = enumWord(text);
  if (w === "UNKNOWN_STATUS") w = "UNKNOWN";
  return inEnum(OverallStatus, w);
}

export function recruitmentStatus(text: string): (typeof RecruitmentStatus.options)[number] | undefined {
  return inEnum(RecruitmentStatus, enumWord(text));
}

/** Site-status wording at the end of a facility line ("… Hospital Not yet recruiting"). */
export const SITE_STATUS_WORDS = [
  "Not yet recruiting",
  "Recruiting",
  "Active, not recruiting",
  "Enrolling by invitation",
  "Completed",
  "Suspended",
  "Terminated",
  "Withdrawn",
  "Available",
];

/** "Phase 2", "Phase 1/Phase 2", "Phase 1/2", "PHASE2", "Early Phase 1", "N/A" → phases. */
export function phases(text: string): Phase[] | undefined {
  const t = clean(text);
  if (/^(?:n\/?a|not applicable|na)$/i.test(t)) return ["NA"];
  if (/^early[ _]?phase[ _]?1$/i.test(t)) return ["EARLY_PHASE1"];
  const out: Phase[] = [];
  const re = /PHASE[ _]?(\d)|(?<=\/)\s*(\d)\b/gi;
  for (const m of t.matchAll(re)) {
    const p = inEnum(Phase, `PHASE${m[1] ?? m[2]}`);
    if (p && !out.includes(p)) out.push(p);
  }
  if (!out.length) return undefined;
  // Only accept text made of phase words, so a sentence is never read as a phase.
  if (!/^(?:phase[ _]?\d)(?:\s*[/,&]\s*(?:phase[ _]?)?\d)*$/i.test(t)) return undefined;
  return out;
}

export function studyType(text: string): StudyType | undefined {
  const w = enumWord(text.replace(/\(.*\)/, ""));
  return inEnum(StudyType, w === "EXPANDED_ACCESS_PROGRAM" ? "EXPANDED_ACCESS" : w);
}

export function allocation(text: string): "RANDOMIZED" | "NON_RANDOMIZED" | "NA" | undefined {
  const w = enumWord(text);
  if (w === "N_A" || w === "NA" || w === "NOT_APPLICABLE") return "NA";
  if (w === "RANDOMIZED" || w === "RANDOMISED") return "RANDOMIZED";
  if (w === "NON_RANDOMIZED" || w === "NON_RANDOMISED" || w === "NONRANDOMIZED") return "NON_RANDOMIZED";
  return undefined;
}

const MODELS = ["SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"] as const;
export function interventionModel(text: string): (typeof MODELS)[number] | undefined {
  const w = enumWord(text).replace(/_ASSIGNMENT$/, "");
  return (MODELS as readonly string[]).includes(w) ? (w as (typeof MODELS)[number]) : undefined;
}

const MASKINGS = ["NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"] as const;
const WHO_MASKED: Record<string, string> = {
  participant: "PARTICIPANT",
  "care provider": "CARE_PROVIDER",
  investigator: "INVESTIGATOR",
  "outcomes assessor": "OUTCOMES_ASSESSOR",
};
/** "None (Open Label)" → NONE; "Double (Participant, Investigator)" → DOUBLE + who is masked. */
export function masking(
  text: string,
): { masking: (typeof MASKINGS)[number]; whoMasked?: string[] } | undefined {
  const t = clean(text);
  const m = /^([A-Za-z_]+)\s*(?:\((.*)\))?$/.exec(t);
  if (!m) return undefined;
  const w = enumWord(m[1]);
  if (!(MASKINGS as readonly string[]).includes(w)) return undefined;
  const out: { masking: (typeof MASKINGS)[number]; whoMasked?: string[] } = { masking: w as (typeof MASKINGS)[number] };
  if (m[2] && w !== "NONE") {
    const who = m[2]
      .split(",")
      .map((x) => WHO_MASKED[clean(x).toLowerCase()])
      .filter((x): x is string => Boolean(x));
    if (who.length) out.whoMasked = who;
  }
  return out;
}

const PURPOSES = [
  "TREATMENT",
  "PREVENTION",
  "DIAGNOSTIC",
  "ECT",
  "SUPPORTIVE_CARE",
  "SCREENING",
  "HEALTH_SERVICES_RESEARCH",
  "BASIC_SCIENCE",
  "DEVICE_FEASIBILITY",
  "OTHER",
];
export function primaryPurpose(text: string): string | undefined {
  const w = enumWord(text);
  return PURPOSES.includes(w) ? w : undefined;
}

export function sex(text: string): Sex | undefined {
  const w = enumWord(text);
  if (w === "BOTH" || w === "ALL_SEXES") return "ALL";
  return inEnum(Sex, w === "WOMEN" || w === "FEMALES" ? "FEMALE" : w === "MEN" || w === "MALES" ? "MALE" : w);
}

export function agencyClass(text: string): (typeof AgencyClass.options)[number] | undefined {
  const w = enumWord(text);
  if (w === "INDUSTRY_SPONSOR") return "INDUSTRY";
  return inEnum(AgencyClass, w);
}

export function armGroupType(text: string): (typeof ArmGroupType.options)[number] | undefined {
  return inEnum(ArmGroupType, enumWord(text.replace(/\s+(?:group|arm)$/i, "")));
}

export const INTERVENTION_TYPE_WORDS =
  "Drug|Biological|Device|Procedure|Procedure/Surgery|Radiation|Behavioral|Genetic|Dietary Supplement|Combination Product|Diagnostic Test|Other";

export function interventionType(text: string): (typeof InterventionType.options)[number] | undefined {
  const w = enumWord(text);
  return inEnum(InterventionType, w === "PROCEDURE_SURGERY" ? "PROCEDURE" : w);
}

/** The label API v2 writes in armGroups[].interventionNames: "Drug: Anlotinib". */
export function interventionLabel(type: string | undefined, name: string): string {
  if (!type) return name;
  const word = type
    .toLowerCase()
    .split("_")
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join(" ");
  return `${word}: ${name}`;
}

/** "Yes" / "No" (and "Accepts Healthy Volunteers" / "No Healthy Volunteers"). */
export function yesNo(text: string): boolean | undefined {
  const t = clean(text).toLowerCase();
  if (t === "yes" || t === "true" || /^accepts healthy volunteers$/.test(t)) return true;
  if (t === "no" || t === "false" || /^no healthy volunteers$/.test(t)) return false;
  return undefined;
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
function monthOf(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, "");
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m.startsWith(w));
  return i >= 0 ? i + 1 : undefined;
}
const pad = (n: number) => String(n).padStart(2, "0");

/** "January 3, 2019" → "2019-01-03"; "January 2019" → "2019-01"; ISO forms pass through. */
export function isoDate(text: string): string | undefined {
  const t = clean(text);
  let m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(t);
  if (m) return t;
  m = /^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(t);
  if (m) {
    const mo = monthOf(m[1]);
    const d = Number(m[2]);
    if (mo && d >= 1 && d <= 31) return `${m[3]}-${pad(mo)}-${pad(d)}`;
  }
  m = /^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$/.exec(t);
  if (m) {
    const mo = monthOf(m[2]);
    const d = Number(m[1]);
    if (mo && d >= 1 && d <= 31) return `${m[3]}-${pad(mo)}-${pad(d)}`;
  }
  m = /^([A-Za-z]+)\.?,?\s+(\d{4})$/.exec(t);
  if (m) {
    const mo = monthOf(m[1]);
    if (mo) return `${m[2]}-${pad(mo)}`;
  }
  return undefined;
}

/** A date with its type when the page says "Actual" / "Estimated" (in a label or the value). */
export function dateStruct(value: string, label = ""): DateStruct | undefined {
  let v = clean(value);
  let type: "ACTUAL" | "ESTIMATED" | undefined;
  const typeIn = (s: string) =>
    /\b(?:estimated|anticipated|expected)\b/i.test(s) ? "ESTIMATED" : /\bactual\b/i.test(s) ? "ACTUAL" : undefined;
  const inValue = /\s*\((actual|estimated|anticipated)\)\s*$/i.exec(v);
  if (inValue) {
    type = typeIn(inValue[1]);
    v = v.slice(0, inValue.index);
  }
  type ??= typeIn(label);
  const date = isoDate(v);
  if (!date) return undefined;
  return type ? { date, type } : { date };
}

/** "18 Years", "6 Months", "18 years old" → the registry form "18 Years". */
export function registryAge(text: string): string | undefined {
  const m = /^(\d{1,3})\s*(year|month|week|day|hour|minute)s?\b/i.exec(clean(text));
  if (!m) return undefined;
  const unit = m[2][0].toUpperCase() + m[2].slice(1).toLowerCase();
  return `${Number(m[1])} ${unit}s`;
}

/** "Adult, Older Adult" → ["ADULT", "OLDER_ADULT"]. */
export function stdAges(text: string): ("CHILD" | "ADULT" | "OLDER_ADULT")[] | undefined {
  const out: ("CHILD" | "ADULT" | "OLDER_ADULT")[] = [];
  for (const part of text.split(",")) {
    const w = enumWord(part);
    if ((w === "CHILD" || w === "ADULT" || w === "OLDER_ADULT") && !out.includes(w)) out.push(w);
  }
  return out.length ? out : undefined;
}

/** A title's acronym written after a colon or in final parentheses: "…Cancer:ALTER-C003", "…Trial(ALTER-S003)". */
export function acronymOfTitle(title: string): string | undefined {
  const m = /(?::\s*|\(\s*)([A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+|[A-Z]{2,}[0-9]+[A-Z0-9]*)\s*\)?\s*$/.exec(title);
  if (!m) return undefined;
  // A parenthesised acronym must close; a colon one must not be followed by more text.
  if (m[0].trimStart().startsWith("(") !== m[0].trimEnd().endsWith(")")) return undefined;
  return m[1];
}
