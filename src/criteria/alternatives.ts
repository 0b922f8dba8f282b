/**
 * A criterion that states a test's result and its alternative: "HBsAg negative, or HBsAg
 * positive with HBV DNA < 500 IU/mL", "Negative HCV antibody, or positive HCV antibody with
 * undetectable HCV RNA". Its constraints do not all hold together (AND, a criterion's default):
 * the patient either has no such condition, or has it with what the rest of the sentence asks.
 */
import type { Constraint, Logic } from "./types.js";

const ELIGIBLE_RE = /\b(?:are|is|will\s+be|remain)\s+(?:also\s+)?(?:eligible|allowed|permitted|included|acceptable)\b|\bmay\s+(?:be\s+)?(?:enrol+(?:ed)?|included|participate)\b/i;

const startOf = (c: Constraint): number => ("mentionSpan" in c ? c.mentionSpan[0] : c.span[0]);

/** The logic of such a criterion (leaves are indices into constraints), or undefined when it states no alternative. */
export function resultAlternatives(constraints: Constraint[], text: string, offset: number): Logic | undefined {
  if (constraints.length < 2) return undefined;
  for (let i = 0; i < constraints.length; i++) {
    const absent = constraints[i];
    if (absent.type !== "diagnosis" || absent.aspect !== "condition" || !absent.negated || !absent.concept || absent.exception) continue;
    for (let j = 0; j < constraints.length; j++) {
      const present = constraints[j];
      if (present.type !== "diagnosis" || present.concept !== absent.concept || present.negated || present.exception) continue;
      if (present.mentionSpan[0] <= absent.mentionSpan[1]) continue;
      // "…negative, or … positive": one sentence, joined by "or"; or an exception that makes the
      // positive eligible ("…, with the following exception: patients with a positive HIV test are eligible provided …")
      const between = text.slice(absent.mentionSpan[1] - offset, present.mentionSpan[0] - offset);
      const after = text.slice(present.mentionSpan[1] - offset);
      const stop = after.search(/[.;](?:\s|$)/);
      const joined = /\bor\b/i.test(between) && !/[.;](?:\s|$)/.test(between);
      const excepted = /\bexcept(?:ion|ions|ed)?\b|\bhowever\b|\bbut\b/i.test(between) && ELIGIBLE_RE.test(stop < 0 ? after : after.slice(0, stop));
      if (!joined && !excepted) continue;
      const end = present.mentionSpan[1] + (stop < 0 ? after.length : stop);
      const branch: number[] = [j];
      const rest: number[] = [];
      constraints.forEach((c, k) => {
        if (k === i || k === j) return;
        const s = startOf(c);
        (s >= present.mentionSpan[0] && s < end ? branch : rest).push(k);
      });
      const alternative: Logic = { op: "or", args: [i, branch.length === 1 ? branch[0] : { op: "and", args: branch }] };
      return rest.length ? { op: "and", args: [alternative, ...rest] } : alternative;
    }
  }
  return undefined;
}
