/**
 * Normalise stage: criteria listed under the wrong heading.
 *
 * Saved pages and some registry records put the first exclusion items under
 * "Inclusion Criteria" (a heading lost or moved: seed NCT05807880 lists nine items such
 * as "Existed meningeal metastasis …" and "HIV positive …" as a separate block after its
 * last inclusion item). Read literally, every patient fails them. A clinician reads them
 * as exclusions, and so does this stage — but only for a whole block, with a note on
 * each criterion saying why, so the UI and the matcher can show it:
 *
 *   - the block is the trailing run of top-level items of an inclusion section (at least
 *     three, with at least two items before it) in which every item reads as an
 *     exclusion — it names a disqualifying state: "Patients who have received …",
 *     "History of …", "HIV positive", "Known …" — and none reads as a requirement
 *     ("must", "≥", "adequate", "confirmed", "signed", "willing", "life expectancy", …).
 */
import type { Criterion } from "./types.js";

const EXCLUSION_LIKE: RegExp[] = [
  /^(?:patients?|subjects?|participants?|those|people|women|men)\s+(?:who|that|with)\s+(?:(?:has|have|had|is|are|was|were)\s+)?(?:been\s+)?(?:diagnosed|received|receiving|participated|participating|suffer|suffered|a\s+history|history|severe|serious|great\s+difficulty|known|active|uncontrolled|prior|previous|any|mental|allerg|hypersens|pregnan|breast-?feed|lactat|contraindicat|undergone|taken|used|current|concurrent|significant|clinically\s+significant|other\s+malignan|difficult|inability|unable|cannot)/i,
  /^(?:a\s+)?(?:history\s+of|known|active|uncontrolled|prior|previous|concurrent|current(?:ly)?|presence\s+of|existed|existing|any\s+(?:history|condition|other|serious|active|prior)|severe|serious|significant|clinically\s+significant|pregnan|lactat|breast-?feed|allerg|hypersensitiv|contraindicat|inability|unable|participation\s+in|received|receipt\s+of|treatment\s+with|use\s+of)\b/i,
  /^(?:hiv|hbv|hcv|hepatitis|tuberculosis|syphilis|tp)\b[^.;]*\b(?:positive|infection|active)/i,
  /^there\s+(?:are|is)\s+(?:any\s+)?(?:conditions?|situations?|diseases?|circumstances?)\b/i,
];

const INCLUSION_LIKE = /\b(?:must|shall|should\s+(?:be|have|meet|agree)|at\s+least|adequate|sufficient|confirmed|proven|measurable|signed|sign|willing|agree|able\s+to|life\s+expectancy|ecog|karnofsky|aged?\s|years?\s+old|normal|meet(?:s|ing)?\s+(?:the\s+)?following|eligible|candidates?\s+for)\b/i;

export function readsAsExclusion(text: string): boolean {
  const t = text.trim().replace(/^[^A-Za-z]+/, "");
  return EXCLUSION_LIKE.some((re) => re.test(t));
}

export function readsAsRequirement(text: string): boolean {
  return INCLUSION_LIKE.test(text);
}

export const MISPLACED_NOTE =
  "listed under Inclusion Criteria, but this block of items reads as exclusions (a heading lost or moved on the page): read as exclusion";

export const DENIED_LEAD_NOTE = 'an item under a lead-in that denies them ("No …:"): read as exclusion';

/**
 * "No concurrent uncontrolled illness including:" then "Infection", "Congestive heart failure";
 * "No prior treatment:" then "Radiotherapy" (the NCI's PDQ records): in an inclusion section
 * the items under a lead-in that starts with "No" are what the patient must not have — read
 * as exclusions, with a note.
 */
export function inferDeniedItems(criteria: Criterion[]): void {
  for (let i = 0; i < criteria.length; i++) {
    const lead = criteria[i];
    if (lead.kind !== "inclusion" || !/^\s*(?:no|without|none\s+of|not)\b[^.;]*:\s*$/i.test(lead.text)) continue;
    for (let j = i + 1; j < criteria.length && criteria[j].depth > lead.depth; j++) {
      if (criteria[j].kind !== "inclusion") continue;
      criteria[j].kind = "exclusion";
      criteria[j].kindNote = DENIED_LEAD_NOTE;
    }
  }
}

/** Re-kinds, in place, a trailing block of exclusion-like items in an inclusion section. */
export function inferMisplacedExclusions(criteria: Criterion[]): void {
  // Sections: runs of criteria of one kind, in order.
  let i = 0;
  while (i < criteria.length) {
    const kind = criteria[i].kind;
    let j = i;
    while (j < criteria.length && criteria[j].kind === kind) j++;
    if (kind === "inclusion") reviseSection(criteria, i, j);
    i = j;
  }
}

function reviseSection(criteria: Criterion[], from: number, to: number): void {
  const tops: number[] = [];
  for (let k = from; k < to; k++) if (criteria[k].depth === 0) tops.push(k);
  // Walk back from the section's last item while items read as exclusions and none as a requirement.
  let t = tops.length;
  while (t > 0 && readsAsExclusion(criteria[tops[t - 1]].text) && !readsAsRequirement(criteria[tops[t - 1]].text)) t--;
  const block = tops.length - t;
  if (block < 3 || t < 2) return;
  for (let k = tops[t]; k < to; k++) {
    criteria[k].kind = "exclusion";
    criteria[k].kindNote = MISPLACED_NOTE;
  }
}
