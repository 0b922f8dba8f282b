/**
 * Judgement constraints: consent, compliance and "in the investigator's opinion" clauses.
 * These are kept as text for a human reviewer and never turned into a guess.
 */
import type { JudgementConstraint } from "../types.js";
import { buildContext, gate, hasAny, type ClinicalContext, type Gate } from "./context.js";

interface JudgementRule {
  aspect: JudgementConstraint["aspect"];
  /** Cheap test that must pass before the full pattern runs. */
  hint: Gate;
  re: RegExp;
}

// Built once at load; `g` flag so every occurrence is found, lastIndex reset per call.
const RULES: JudgementRule[] = [
  { aspect: "consent", hint: gate(["consent", "assent", "icf"]), re: /\b(?:informed\s+consent|consent\s+form|ICF\b|(?:sign|signed|signing|give|provide)\s+(?:a\s+|the\s+|written\s+)*consent|written\s+consent|assent)\b/gi },
  {
    aspect: "compliance",
    hint: gate(["complian", "noncomplian", "comply", "adhere", "willing", "unwilling", "able to", "unable to", "follow", "visit", "study procedure", "schedule"]),
    re: /\b(?:complian(?:ce|t)|comply|adhere(?:nce)?\s+to|willing(?:ness)?\s+(?:and\s+able\s+)?to\s+(?:follow|participate|comply|attend|undergo)|able\s+to\s+(?:follow|comply)|follow[-\s]?up\s+visits?|study\s+(?:visits|procedures|schedule)|unable\s+to\s+(?:follow|comply|complete))\b/gi,
  },
  {
    aspect: "investigator-judgement",
    hint: gate(["opinion", "judg", "discretion", "investigator", "physician", "researcher", "doctor", "clinician", "view of", "assess"]),
    re: /\b(?:(?:in\s+the\s+)?(?:opinion|judge?ment|discretion|view|assessment)\s+of\s+(?:the\s+)?(?:treating\s+|treatment\s+|principal\s+|study\s+|attending\s+)?(?:investigators?|physicians?|doctors?|clinicians?|researchers?)|(?:in\s+the\s+)?(?:principal\s+|treating\s+|study\s+)?(?:investigators?|physicians?|doctors?|researchers?|clinicians?)(?:['’]s?|s['’])?\s+(?:opinion|judge?ment|discretion|view|assessment)|(?:judged|considered|deemed|determined|assessed|evaluated)\s+by\s+(?:the\s+)?(?:treating\s+|treatment\s+|principal\s+|study\s+|attending\s+)?(?:investigators?|physicians?|doctors?|researchers?|clinicians?)|(?:investigators?|physicians?|researchers?)\s+(?:judges?|judged|considers?|considered|believes?|believed|thinks?|deems?|deemed)|according\s+to\s+(?:the\s+)?(?:investigators?|researchers?|physicians?))/gi,
  },
  {
    // A patient's refusal of a therapy is in no record: a human asks.
    aspect: "other",
    hint: gate(["refus", "declin", "unwilling"]),
    re: /\b(?:refus(?:e|es|ed|ing|al)|declin(?:e|es|ed|ing)\s+(?:to|the|any|standard|further)|unwilling(?:ness)?\s+to\s+(?:receive|undergo|accept))\b/gi,
  },
];

/** Extracts judgement constraints; spans are absolute (offset + index in `text`). */
export function extractJudgement(text: string, offset: number, ctx: ClinicalContext = buildContext(text, offset)): JudgementConstraint[] {
  const out: JudgementConstraint[] = [];
  for (const rule of RULES) {
    if (!hasAny(ctx, rule.hint)) continue;
    rule.re.lastIndex = 0;
    const m = rule.re.exec(text);
    if (!m) continue; // one constraint per aspect per criterion: the criterion text is what a human reads
    out.push({ aspect: rule.aspect, type: "judgement", text: text.trim(), span: [offset + m.index, offset + m.index + m[0].length] });
  }
  return out;
}
