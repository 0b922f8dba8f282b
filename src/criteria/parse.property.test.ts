/**
 * Property tests of the whole pipeline on random and mutated texts: it never throws,
 * every span lies inside the text (and inside its criterion), and output is deterministic.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import fc from "fast-check";
import { parseCriteria } from "./parse.js";
import type { Criterion, Span } from "./types.js";

const docsDir = new URL("../../../shared/eval/lct-dev/docs/", import.meta.url);
const seedsDir = new URL("../../../shared/seeds/", import.meta.url);
const corpus = [
  ...fs.readdirSync(docsDir).sort().slice(0, 60).map((f) => fs.readFileSync(new URL(f, docsDir), "utf8")),
  ...fs.readdirSync(seedsDir).sort().map((f) => fs.readFileSync(new URL(f, seedsDir), "utf8")),
];

/** Pieces criteria are made of, so random texts hit the grammar rather than only noise. */
const pieces = [
  "Inclusion Criteria:", "Exclusion Criteria", "\n", "\n\n", "  -  ", "* ", "• ", "1. ", "2) ", "(3) ", "i: ", "a. ",
  "Hb", "ANC", "PLT", "ALT and AST", "QTc men", "women", "age", "aged", "years", "years old", "of age", "or older",
  "≥", "≤", ">", "<", "\\>", "=", "~", "-", "–", "to", "between", "and", "or", "at least", "no more than", "up to",
  "0", "1", "1.5", "18", "65", "100", "50,000", "1 x 104", "×109/L", "× 10^9/L", "_109/L", "g/dL", "g/L", "µmol/L",
  "mL/min", "ms", "%", "mmHg", "ULN", "× ULN", "times the upper limit of normal", "if liver metastasis", "(", ")", ",", ";",
  ":", ".", "++", "within 4 weeks", "RECIST 1.1", "n=20", "140/90", "\t", "\r\n", "é", "µ", "𝔘",
];
const pieceText = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((xs) => xs.join(" "));

/** A real text with random edits: cut a range, insert a piece or random characters, duplicate a slice. */
const mutated = fc
  .tuple(
    fc.integer({ min: 0, max: corpus.length - 1 }),
    fc.array(
      fc.tuple(fc.nat(), fc.nat({ max: 200 }), fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), fc.integer({ min: 0, max: 2 })),
      { maxLength: 6 },
    ),
  )
  .map(([i, edits]) => {
    let t = corpus[i];
    for (const [pos, len, ins, kind] of edits) {
      const p = t.length ? pos % t.length : 0;
      if (kind === 0) t = t.slice(0, p) + t.slice(p + len);
      else if (kind === 1) t = t.slice(0, p) + ins + t.slice(p);
      else t = t.slice(0, p) + t.slice(p, p + len) + t.slice(p);
    }
    return t;
  });

const anyText = fc.oneof(fc.string({ unit: "grapheme", maxLength: 300 }), fc.string({ maxLength: 300 }), pieceText, mutated);

const inside = (s: Span, lo: number, hi: number) => Number.isInteger(s[0]) && Number.isInteger(s[1]) && lo <= s[0] && s[0] <= s[1] && s[1] <= hi;

function checkSpans(text: string, criteria: Criterion[]): void {
  for (const c of criteria) {
    assert.ok(inside(c.span, 0, text.length), `criterion span ${c.span} outside text of ${text.length}`);
    assert.equal(text.slice(c.span[0], c.span[1]), c.text);
    if (c.parent !== undefined) {
      assert.ok(c.parent >= 0 && c.parent < criteria.length);
      assert.equal(criteria[c.parent].depth, c.depth - 1);
    } else assert.equal(c.depth, 0);
    for (const k of c.constraints) {
      const spans: Span[] = [];
      if (k.type === "numeric") {
        spans.push(k.mentionSpan, k.valueSpan);
        if (k.value2Span) spans.push(k.value2Span);
        if (k.unitSpan) spans.push(k.unitSpan);
        if (k.qualifier) spans.push(k.qualifier.span);
        assert.ok(Number.isFinite(k.value), "numeric value is a finite number");
        assert.equal(k.mention, text.slice(k.mentionSpan[0], k.mentionSpan[1]));
        // a numeric constraint is read from its own criterion
        for (const s of spans) assert.ok(inside(s, c.span[0], c.span[1]), `span ${s} outside its criterion ${c.span}`);
      } else if ("mentionSpan" in k) spans.push(k.mentionSpan);
      else if ("span" in k) spans.push(k.span);
      for (const s of spans) assert.ok(inside(s, 0, text.length), `${k.type} span ${s} outside text of ${text.length}`);
    }
  }
}

test("numeric pipeline: never throws, spans inside the text and the criterion, deterministic", () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const a = parseCriteria(text, { numericOnly: true });
      checkSpans(text, a);
      assert.deepEqual(parseCriteria(text, { numericOnly: true }), a);
    }),
    { numRuns: 600 },
  );
});

test("whole pipeline with the clinical extractor (errors not swallowed): same properties", () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const a = parseCriteria(text, { strict: true });
      checkSpans(text, a);
      assert.deepEqual(parseCriteria(text, { strict: true }), a);
    }),
    { numRuns: 300 },
  );
});

test("every development text parses with spans inside the text", () => {
  for (const text of corpus) checkSpans(text, parseCriteria(text, { strict: true }));
});

test("found by the properties: a mention read across a CRLF after a Markdown escape is the source's text", () => {
  const text = "years old \\> \r\n . 18 ms ~ 1. ";
  checkSpans(text, parseCriteria(text, { numericOnly: true }));
  checkSpans(text, parseCriteria(text, { strict: true }));
});
