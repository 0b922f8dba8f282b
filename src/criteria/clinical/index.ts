/**
 * Clinical (non-numeric) constraints of one criterion: diagnosis, therapy, biomarker,
 * demographic and judgement. The pipeline calls `extractClinicalConstraints(text, offset)`
 * once per criterion; every span returned is absolute: offset + index into `text`.
 */
import type { Constraint } from "../types.js";
import { extractJudgement } from "./judgement.js";

export function extractClinicalConstraints(text: string, offset: number): Constraint[] {
  if (!text) return [];
  const out: Constraint[] = [];
  for (const c of extractJudgement(text, offset)) out.push(c);
  return out;
}
