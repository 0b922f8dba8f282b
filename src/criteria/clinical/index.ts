/**
 * Clinical (non-numeric) constraints of one criterion: diagnosis, therapy, biomarker,
 * demographic and judgement. The pipeline calls `extractClinicalConstraints(text, offset)`
 * once per criterion; every span returned is absolute: offset + index into `text`.
 *
 * The criterion text is tokenised and scanned against the drug/procedure lexicons once
 * (`buildContext`), then each extractor reads that shared context. Constraints come back
 * in text order. Negation is reported as written ("no brain metastases" → negated);
 * whether the criterion includes or excludes is the criterion's kind, not decided here.
 */
import type { Constraint } from "../types.js";
import { extractBiomarkers } from "./biomarker.js";
import { buildContext } from "./context.js";
import { extractDemographics } from "./demographic.js";
import { extractDiagnosis } from "./diagnosis.js";
import { extractJudgement } from "./judgement.js";
import { knowledgeVersions } from "./knowledge.js";
import { extractTherapy } from "./therapy.js";

export { conceptOf, drugClassesOf, isA, normaliseDrug } from "./knowledge.js";

/** Version of the clinical extractors and their knowledge tables, for the parser version. */
export function clinicalVersion(): string {
  const v = knowledgeVersions();
  return `clinical-2;drugs-${v.drugClasses};conditions-${v.conditions};procedures-${v.procedures}`;
}

/** Where a constraint starts in the text: its mention's start, or its span's. */
export function constraintStart(c: Constraint): number {
  return "mentionSpan" in c ? c.mentionSpan[0] : c.span[0];
}

export function extractClinicalConstraints(text: string, offset: number): Constraint[] {
  if (!text || !/[A-Za-z]/.test(text)) return [];
  const ctx = buildContext(text, offset);
  const out: Constraint[] = [
    ...extractDiagnosis(text, offset, ctx),
    ...extractTherapy(text, offset, ctx),
    ...extractBiomarkers(text, offset, ctx),
    ...extractDemographics(text, offset, ctx),
    ...extractJudgement(text, offset, ctx),
  ];
  // Stable insertion sort by position (lists are short): the UI and the matcher read constraints in text order.
  for (let i = 1; i < out.length; i++) {
    const c = out[i];
    const at = constraintStart(c);
    let j = i - 1;
    while (j >= 0 && constraintStart(out[j]) > at) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = c;
  }
  return out;
}
