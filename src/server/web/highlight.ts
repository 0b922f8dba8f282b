/**
 * Highlights a criterion's parsed constraints inside its text. Constraint spans are
 * offsets into the whole eligibility text; the criterion's own span says where its text
 * starts. Overlapping spans are cut at every boundary so the output stays well nested:
 * each piece covered by constraints becomes one <mark> naming all of them.
 */
import type { Constraint, Criterion, Span } from "../../criteria/types.js";
import { escapeHtml, raw, type SafeHtml } from "./html.js";

/** Every span a constraint points at, in the eligibility text's offsets. */
export function constraintSpans(c: Constraint): Span[] {
  const spans: Array<Span | undefined> = [];
  switch (c.type) {
    case "numeric":
    case "prognosis":
      spans.push(c.mentionSpan, c.valueSpan, c.value2Span, c.unitSpan, c.type === "numeric" ? c.qualifier?.span : undefined);
      break;
    case "therapy":
      spans.push(c.mentionSpan, c.window?.span);
      break;
    case "diagnosis":
    case "biomarker":
    case "demographic":
      spans.push(c.mentionSpan);
      break;
    case "judgement":
      spans.push(c.span);
      break;
  }
  return spans.filter((s): s is Span => Array.isArray(s) && s.length === 2 && s[1] > s[0]);
}

export interface MarkedRange {
  start: number;
  end: number;
  /** Indices into the criterion's constraints covering this range, ascending. */
  constraints: number[];
}

/**
 * Cuts [0, length) of the criterion text into ranges, each with the constraints covering
 * it. Spans outside the criterion are clipped; empty ones are dropped.
 */
export function markedRanges(criterion: Pick<Criterion, "text" | "span" | "constraints">): MarkedRange[] {
  const len = criterion.text.length;
  const base = criterion.span[0];
  const local: Array<{ s: number; e: number; i: number }> = [];
  criterion.constraints.forEach((c, i) => {
    for (const [a, b] of constraintSpans(c)) {
      const s = Math.max(0, a - base);
      const e = Math.min(len, b - base);
      if (e > s) local.push({ s, e, i });
    }
  });
  const cuts = new Set<number>([0, len]);
  for (const l of local) cuts.add(l.s).add(l.e);
  const points = [...cuts].sort((x, y) => x - y);
  const out: MarkedRange[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const start = points[k];
    const end = points[k + 1];
    const covering = [...new Set(local.filter((l) => l.s <= start && l.e >= end).map((l) => l.i))].sort((x, y) => x - y);
    const prev = out[out.length - 1];
    if (prev && prev.constraints.join() === covering.join()) prev.end = end;
    else out.push({ start, end, constraints: covering });
  }
  return out;
}

/** The criterion's text as escaped HTML with <mark class="c-TYPE …"> around its constraints. */
export function highlightCriterion(criterion: Pick<Criterion, "text" | "span" | "constraints">, idPrefix = ""): SafeHtml {
  let out = "";
  for (const r of markedRanges(criterion)) {
    const text = escapeHtml(criterion.text.slice(r.start, r.end));
    if (r.constraints.length === 0) {
      out += text;
      continue;
    }
    const types = [...new Set(r.constraints.map((i) => criterion.constraints[i].type))];
    const cls = ["c", ...types.map((t) => `c-${t}`), r.constraints.length > 1 ? "c-overlap" : ""].filter(Boolean).join(" ");
    const refs = r.constraints.map((i) => `${idPrefix}k${i}`).join(" ");
    out += `<mark class="${cls}" data-constraints="${escapeHtml(refs)}">${text}</mark>`;
  }
  return raw(out);
}
