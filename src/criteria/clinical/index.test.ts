import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { extractClinicalConstraints } from "./index.js";
import type { Constraint } from "../types.js";

const SEEDS = new URL("../../../../shared/seeds/", import.meta.url);
const LCT = new URL("../../../../shared/eval/lct-dev/docs/", import.meta.url);

function spansOf(c: Constraint): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if ("mentionSpan" in c) out.push(c.mentionSpan);
  if ("span" in c) out.push(c.span);
  if (c.type === "therapy" && c.window) out.push(c.window.span);
  return out;
}

/** Every span inside [offset, offset + length), start ≤ end, and mentions equal to their span's text. */
function checkSpans(text: string, offset: number, cs: Constraint[]): void {
  for (const c of cs) {
    for (const [s, e] of spansOf(c)) {
      assert.ok(Number.isInteger(s) && Number.isInteger(e) && offset <= s && s <= e && e <= offset + text.length, `span [${s}, ${e}) outside text of ${text.length} at ${offset}: ${JSON.stringify(c)}`);
    }
    if ("mention" in c && "mentionSpan" in c) assert.equal(text.slice(c.mentionSpan[0] - offset, c.mentionSpan[1] - offset), c.mention);
    if (c.type === "therapy" && c.window) assert.equal(text.slice(c.window.span[0] - offset, c.window.span[1] - offset), c.window.text);
  }
}

const seedLines: string[] = [];
for (const f of readdirSync(SEEDS).sort()) {
  for (const line of readFileSync(new URL(f, SEEDS), "utf8").split("\n")) if (/^\s*(?:[•*-]|\d+\.|[ivx]+:)\s/.test(line)) seedLines.push(line);
}

test("the five seeds: valid spans everywhere, and the clinical content a matcher needs", () => {
  const concepts = new Set<string>();
  let offset = 0;
  for (const line of seedLines) {
    const cs = extractClinicalConstraints(line, offset);
    checkSpans(line, offset, cs);
    for (const c of cs) {
      if (c.type === "therapy") concepts.add(`therapy:${c.concept}`);
      if (c.type === "diagnosis") concepts.add(c.concept ? `diagnosis:${c.concept}` : `diagnosis:${c.aspect}:${c.site ?? ""}`);
      if (c.type === "biomarker") concepts.add(`biomarker:${c.marker}:${c.status}`);
      if (c.type === "demographic") concepts.add(`demographic:${c.aspect}`);
      if (c.type === "judgement") concepts.add(`judgement:${c.aspect}`);
    }
    offset += line.length + 1;
  }
  for (const want of [
    "therapy:anlotinib", "therapy:penpulimab", "therapy:anti-pd-1", "therapy:anti-pd-l1", "therapy:anti-ctla-4", "therapy:immune-checkpoint-inhibitor",
    "therapy:antiangiogenic", "therapy:vegfr-tki", "therapy:platinum", "therapy:fluoropyrimidine", "therapy:live-vaccine", "therapy:corticosteroid",
    "therapy:major-surgery", "therapy:radiotherapy", "therapy:strong-cyp3a4-inhibitor", "therapy:strong-cyp3a4-inducer", "therapy:anticoagulant",
    "diagnosis:mcrc", "diagnosis:nsclc", "diagnosis:sclc", "diagnosis:npc", "diagnosis:soft-tissue-sarcoma", "diagnosis:leiomyosarcoma",
    "diagnosis:hbv-infection", "diagnosis:hiv-infection", "diagnosis:interstitial-lung-disease", "diagnosis:autoimmune-disease",
    "diagnosis:metastasis:brain", "diagnosis:metastasis:cns", "diagnosis:metastasis:leptomeningeal",
    "biomarker:EGFR:wild-type", "biomarker:ALK:wild-type", "biomarker:ROS1:wild-type",
    "demographic:pregnancy", "demographic:lactation", "demographic:contraception", "demographic:childbearing-potential",
    "judgement:consent", "judgement:investigator-judgement",
  ])
    assert.ok(concepts.has(want), `seeds should yield ${want}`);
});

test("constraints come back in text order", () => {
  const cs = extractClinicalConstraints("Signed informed consent; EGFR/ALK wild type NSCLC without brain metastases, no prior anti-PD-1 therapy", 0);
  const starts = cs.map((c) => ("mentionSpan" in c ? c.mentionSpan[0] : c.span[0]));
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
  assert.deepEqual(cs.map((c) => c.type), ["judgement", "biomarker", "biomarker", "diagnosis", "diagnosis", "therapy"]);
});

test("empty and non-text criteria yield nothing", () => {
  for (const t of ["", "   ", "1.", "≥ 90 g/L", "***"]) assert.deepEqual(extractClinicalConstraints(t, 5), []);
});

const VOCAB = [
  "no", "not", "without", "except", "if", "within", "4 weeks", "28 days", "≥", "\\>", "prior to", "the first dose", "since", "at least", "two", "lines",
  "cycles", "stage", "IIIB-IV", "T1-2N0M0", "brain", "metastases", "EGFR", "/", "ALK", "wild type", "PD-L1", "TPS", "50%", "pembrolizumab", "PD-1",
  "inhibitors", "prednisone", "10 mg/day", "radiotherapy", "RT", "pregnant", "women of childbearing potential", "contraception", "informed consent",
  "investigator's judgement", "NSCLC", "(", ")", ";", ".", ",", ":", "\n", "•", "-", "AK-105", "5-FU", "S-1", "HBV", "RECIST 1.1", "measurable disease",
];

const mutatedSeed = fc
  .tuple(fc.constantFrom(...seedLines), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...VOCAB), fc.boolean()), { maxLength: 8 }))
  .map(([line, edits]) => {
    let t = line;
    for (const [pos, word, del] of edits) {
      const at = t.length ? pos % t.length : 0;
      t = del ? t.slice(0, at) + t.slice(at + word.length) : t.slice(0, at) + word + " " + t.slice(at);
    }
    return t;
  });
const vocabText = fc.array(fc.constantFrom(...VOCAB), { maxLength: 40 }).map((ws) => ws.join(" "));
const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "grapheme", maxLength: 200 }), vocabText, mutatedSeed);

test("property: never throws, spans inside the text, mentions match their spans", () => {
  fc.assert(
    fc.property(anyText, fc.nat({ max: 100000 }), (text, offset) => {
      checkSpans(text, offset, extractClinicalConstraints(text, offset));
    }),
    { numRuns: 600 },
  );
});

test("property: deterministic, and shifting the offset shifts every span", () => {
  fc.assert(
    fc.property(anyText, fc.nat({ max: 5000 }), (text, offset) => {
      const a = extractClinicalConstraints(text, 0);
      const b = extractClinicalConstraints(text, 0);
      assert.deepEqual(a, b);
      const shifted = extractClinicalConstraints(text, offset);
      assert.equal(shifted.length, a.length);
      shifted.forEach((c, i) => {
        const sa = spansOf(a[i]);
        assert.deepEqual(spansOf(c), sa.map(([s, e]) => [s + offset, e + offset]));
      });
    }),
    { numRuns: 300 },
  );
});

test("development documents: every criterion line parses with valid spans", () => {
  const files = readdirSync(LCT).filter((f) => f.endsWith(".txt")).sort();
  assert.ok(files.length > 200);
  let constraints = 0;
  for (const f of files) {
    const text = readFileSync(new URL(f, LCT), "utf8");
    // Whole documents at once, as the hardest case for clause handling.
    const cs = extractClinicalConstraints(text, 0);
    checkSpans(text, 0, cs);
    constraints += cs.length;
  }
  assert.ok(constraints > files.length, `only ${constraints} constraints from ${files.length} documents`);
});
