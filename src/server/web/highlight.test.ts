import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Constraint, Criterion } from "../../criteria/types.js";
import { constraintSpans, highlightCriterion, markedRanges } from "./highlight.js";

// The criterion sits at offset 100 of its eligibility text; spans are in that text's offsets.
const text = "Hemoglobin ≥ 9 g/dL and no prior anti-PD-1 therapy within 4 weeks";
const at = (sub: string, from = 0): [number, number] => {
  const i = text.indexOf(sub, from);
  assert.ok(i >= 0, sub);
  return [100 + i, 100 + i + sub.length];
};
const hb: Constraint = {
  type: "numeric", variable: "hemoglobin", mention: "Hemoglobin", mentionSpan: at("Hemoglobin"), op: ">=", value: 9, valueSpan: at("9"), unit: "g/dL", unitSpan: at("g/dL"),
};
const pd1: Constraint = {
  type: "therapy", category: "class", concept: "anti-pd-1", mention: "anti-PD-1 therapy", mentionSpan: at("anti-PD-1 therapy"), timing: "prior", negated: true,
  window: { relation: "within", amount: 4, unit: "week", text: "within 4 weeks", span: at("within 4 weeks") },
};
// Overlaps the therapy mention: a biomarker reading of "PD-1".
const pd1marker: Constraint = { type: "biomarker", marker: "PD-1", mention: "PD-1", mentionSpan: at("PD-1"), negated: false };
const crit: Criterion = { kind: "inclusion", depth: 0, text, span: [100, 100 + text.length], constraints: [hb, pd1, pd1marker] };

test("constraintSpans collects every span of a constraint", () => {
  assert.equal(constraintSpans(hb).length, 3);
  assert.equal(constraintSpans(pd1).length, 2);
});

test("overlapping constraints are cut into well-nested marks naming both", () => {
  const out = highlightCriterion(crit, "c0-").value;
  assert.match(out, /<mark class="c c-numeric" data-constraints="c0-k0">Hemoglobin<\/mark>/);
  assert.match(out, /<mark class="c c-therapy" data-constraints="c0-k1">anti-<\/mark>/);
  assert.match(out, /<mark class="c c-therapy c-biomarker c-overlap" data-constraints="c0-k1 c0-k2">PD-1<\/mark>/);
  assert.match(out, /<mark class="c c-therapy" data-constraints="c0-k1"> therapy<\/mark> <mark class="c c-therapy" data-constraints="c0-k1">within 4 weeks<\/mark>/);
  assert.equal(out.replace(/<[^>]+>/g, "").replace(/&amp;/g, "&"), text);
});

test("spans outside the criterion are clipped, empty ones dropped", () => {
  const c: Criterion = { ...crit, constraints: [{ ...hb, mentionSpan: [90, 105], valueSpan: [500, 600], unitSpan: [110, 110] }] };
  const r = markedRanges(c);
  assert.deepEqual(r[0], { start: 0, end: 5, constraints: [0] });
  assert.equal(r.length, 2);
});

test("registry text in a criterion is escaped, inside and outside marks", () => {
  const t = "<script>alert(1)</script> ANC ≥ 1.5";
  const c: Criterion = {
    kind: "inclusion", depth: 0, text: t, span: [0, t.length],
    constraints: [{ type: "numeric", variable: "anc", mention: "<script>", mentionSpan: [0, 8], op: ">=", value: 1.5, valueSpan: [32, 35] }],
  };
  const out = highlightCriterion(c).value;
  assert.equal(out.includes("<script"), false);
  assert.match(out, /<mark[^>]*>&lt;script&gt;<\/mark>/);
});

test("property: marks partition the text, keep it whole and never nest", () => {
  const arb = fc
    .string({ minLength: 1, maxLength: 60 })
    .chain((t) =>
      fc.tuple(
        fc.constant(t),
        fc.array(fc.tuple(fc.integer({ min: -5, max: t.length + 5 }), fc.integer({ min: 0, max: 20 })), { maxLength: 6 }),
      ),
    );
  fc.assert(
    fc.property(arb, ([t, spans]) => {
      const constraints: Constraint[] = spans.map(([s, len]) => ({ type: "judgement", aspect: "other", text: "x", span: [s, s + len] }));
      const c: Criterion = { kind: "unknown", depth: 0, text: t, span: [0, t.length], constraints };
      const ranges = markedRanges(c);
      let pos = 0;
      for (const r of ranges) {
        assert.equal(r.start, pos);
        assert.ok(r.end > r.start);
        pos = r.end;
      }
      assert.equal(pos, t.length);
      const out = highlightCriterion(c).value;
      assert.equal(/<mark[^>]*>[^<]*<mark/.test(out), false);
      const plain = out.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
      assert.equal(plain, t);
    }),
  );
});
