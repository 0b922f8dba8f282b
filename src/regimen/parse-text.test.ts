import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseDosingText, type KnownDrug } from "./parse-text.js";

const KNOWN: KnownDrug[] = [
  { name: "anlotinib", forms: ["Anlotinib", "Anlotinib Hydrochloride", "AL3818"] },
  { name: "penpulimab", forms: ["Penpulimab", "AK105"] },
];
const d1to = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

// Hand-written expectations, read off the seed pages (NCT05460481, NCT05001971).
test("shorthand arm text: anlotinib 10 mg qd po d1-14 + penpulimab 200 mg ivgtt d1, 21-day cycles", () => {
  const text = "Anlotinib (10mg qd po d1-14, 21 days per cycle) and Penpulimab (200mg ivgtt d1)";
  const r = parseDosingText(text, KNOWN);
  assert.equal(r.phases.length, 1);
  const [p] = r.phases;
  assert.equal(p.cycleDays, 21);
  assert.equal(p.drugs.length, 2);
  const [a, b] = p.drugs;
  assert.deepEqual([a.drug, a.dose, a.unit, a.route, a.frequency, a.perDay, a.days], ["anlotinib", 10, "mg", "po", "qd", 1, d1to(14)]);
  assert.deepEqual([b.drug, b.dose, b.unit, b.route, b.routeText, b.days], ["penpulimab", 200, "mg", "iv", "ivgtt", [1]]);
  assert.equal(text.slice(...a.doseSpan!), "10mg");
  assert.equal(text.slice(...b.mentionSpan!), "Penpulimab");
  assert.deepEqual(r.unparsed, []);
});

test("prose intervention text says the same as the shorthand", () => {
  const text = "Anlotinib: 10mg orally daily on day 1 to 14 of a 21-day cycle. Penpulimab: 200mg by intravenous drip on day 1 of a 21-day cycle.";
  const [p] = parseDosingText(text, KNOWN).phases;
  assert.equal(p.cycleDays, 21);
  assert.deepEqual(p.drugs.map((d) => [d.drug, d.dose, d.unit, d.route, d.days]), [
    ["anlotinib", 10, "mg", "po", d1to(14)],
    ["penpulimab", 200, "mg", "iv", [1]],
  ]);
});

// NCT05807880: induction of three drugs for 4-6 cycles, then maintenance with two of them.
test("induction then maintenance, dosing carried over, cap on penpulimab", () => {
  const text =
    'First, patients will receive the combination treatment of anlotinib, penpulimab and capecitabine every three weeks for 4-6 cycles. For each cycle, patients receive anlotinib 10mg, po, qd from day 1 to day 14, penpulimab 200mg, iv in day 1, and capecitabine 650mg/m2, po, bid from day 1 to day 21. Then a maintenance treatment will be run with "penpulimab and capecitabine"(the dose and the medication method remain the same) for every 3 weeks until PD or intolerance to drug toxicity.\n\nNote: After using the penpulimab for 2 years, it is dependent on the researcher\'s judgement of the benefit evaluation whether to continue using it.';
  const r = parseDosingText(text, []);
  assert.deepEqual(r.phases.map((p) => p.name), ["induction", "maintenance"]);
  const [ind, mnt] = r.phases;
  assert.equal(ind.cycleDays, 21);
  assert.deepEqual(ind.cycles, { min: 4, max: 6 });
  assert.equal(ind.until, undefined);
  assert.deepEqual(ind.drugs.map((d) => [d.drug, d.dose, d.unit, d.route, d.frequency, d.days]), [
    ["anlotinib", 10, "mg", "po", "qd", d1to(14)],
    ["penpulimab", 200, "mg", "iv", undefined, [1]],
    ["capecitabine", 650, "mg/m2", "po", "bid", d1to(21)],
  ]);
  assert.equal(mnt.cycleDays, 21);
  assert.equal(mnt.until, "until PD or intolerance to drug toxicity");
  assert.deepEqual(mnt.drugs.map((d) => [d.drug, d.dose, d.unit, d.inheritedFrom]), [
    ["penpulimab", 200, "mg", "induction"],
    ["capecitabine", 650, "mg/m2", "induction"],
  ]);
  const cap = r.notes.find((n) => n.kind === "cap");
  assert.ok(cap);
  assert.equal(cap.drug, "penpulimab");
  assert.deepEqual(cap.duration, { amount: 2, unit: "year" });
  assert.ok(text.slice(...cap.span!).startsWith("Note: After using the penpulimab for 2 years"));
});

// NCT03792542: the intervention text, with timing advice and the dose-reduction note.
test("dose in brackets, quaque die, timing and dose reduction", () => {
  const text =
    "Anlotinib Hydrochloride ( 12mg, quaque die(QD), PO, d1-14, 21 days per cycle), take once when limosis in the morning. If patients cannot suffer from adverse events(AEs), they can get declined dosage.";
  const r = parseDosingText(text, KNOWN);
  const [p] = r.phases;
  assert.equal(p.cycleDays, 21);
  assert.deepEqual(p.drugs.map((d) => [d.drug, d.mention, d.dose, d.unit, d.route, d.frequency, d.days]), [
    ["anlotinib", "Anlotinib Hydrochloride", 12, "mg", "po", "qd", d1to(14)],
  ]);
  assert.deepEqual(r.notes.map((n) => n.kind).sort(), ["dose-reduction", "timing"]);
  assert.equal(r.notes.find((n) => n.kind === "timing")!.text, "take once when limosis in the morning");
});

test("arm text with the stopping rule and no dose", () => {
  const r = parseDosingText("Anlotinib p.o, qd and it should be continued until disease progress or toxicity cannot be tolerated or patients withdraw consent", KNOWN);
  const [p] = r.phases;
  assert.equal(p.until, "until disease progress or toxicity cannot be tolerated or patients withdraw consent");
  assert.deepEqual(p.drugs.map((d) => [d.drug, d.dose, d.route, d.frequency]), [["anlotinib", undefined, "po", "qd"]]);
});

test("other common notations", () => {
  const r = parseDosingText("Pembrolizumab 200 mg IV q3w; carboplatin AUC 5 iv d1; paclitaxel 175 mg/m² iv d1, q21d for 4 cycles; cisplatin 75 mg/m2 d1,8", []);
  const [p] = r.phases;
  assert.equal(p.cycleDays, 21);
  assert.deepEqual(p.cycles, { min: 4, max: 4 });
  const by = Object.fromEntries(p.drugs.map((d) => [d.drug, d]));
  assert.deepEqual([by.pembrolizumab.dose, by.pembrolizumab.unit, by.pembrolizumab.route, by.pembrolizumab.frequency], [200, "mg", "iv", "q3w"]);
  assert.deepEqual([by.carboplatin.dose, by.carboplatin.unit, by.carboplatin.days], [5, "AUC", [1]]);
  assert.deepEqual([by.paclitaxel.dose, by.paclitaxel.unit], [175, "mg/m2"]);
  assert.deepEqual(by.cisplatin.days, [1, 8]);
});

test("mg/day means once daily; rounding only when the text prescribes it", () => {
  const r = parseDosingText("Capecitabine 1000 mg/m2 twice daily d1-14 every 3 weeks, rounded to the nearest 150 mg. Apatinib 250 mg/day.", []);
  const drugs = r.phases.flatMap((p) => p.drugs);
  const cape = drugs.find((d) => d.drug === "capecitabine")!;
  assert.equal(cape.roundTo, 150);
  assert.equal(cape.frequency, "bid");
  const apa = drugs.find((d) => d.drug === "apatinib")!;
  assert.deepEqual([apa.dose, apa.unit, apa.frequency], [250, "mg", "qd"]);
  assert.equal(parseDosingText("Docetaxel 75 mg/m2 iv d1 q3w", []).phases[0].drugs[0].roundTo, undefined);
});

test("what no rule understood is kept", () => {
  const text = "Anlotinib 10 mg po qd d1-14, adjusted by serum anlotinib concentration monitoring";
  const r = parseDosingText(text, KNOWN);
  assert.ok(r.unparsed.some((u) => u.text.includes("serum") && text.slice(...u.span) === u.text));
});

test("fuzzed dosing strings never throw, spans stay inside the text, output is deterministic", () => {
  const pieces = fc.constantFrom("Anlotinib", "penpulimab", " 10mg", " 650 mg/m2", " qd", " bid", " po", " ivgtt", " d1-14", " d1,8", " day 1 to day 21",
    " 21 days per cycle", " every three weeks", " for 4-6 cycles", ". Then maintenance", " until PD", "(", ")", ",", ".", " AUC 5", " q3w", "\n\n", " 2 years", " Note:");
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(pieces, { maxLength: 30 }).map((xs) => xs.join(""))), (text) => {
      const a = parseDosingText(text, KNOWN);
      assert.deepEqual(parseDosingText(text, KNOWN), a);
      const spans = [
        ...a.phases.flatMap((p) => p.drugs.flatMap((d) => [d.mentionSpan, d.doseSpan])),
        ...a.notes.map((n) => n.span),
        ...a.unparsed.map((u) => u.span),
      ].filter((s): s is [number, number] => Array.isArray(s));
      for (const [s, e] of spans) assert.ok(s >= 0 && s <= e && e <= text.length, `span ${s}-${e} outside ${text.length}`);
      for (const p of a.phases) for (const d of p.drugs) for (const day of d.days ?? []) assert.ok(Number.isInteger(day) && day >= 1);
    }),
    { numRuns: 600 },
  );
});
