import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import "./index.js"; // every extractor's gates
import { buildContext, gate, gateWords, hasAny, isConditional, isException, lastWords, negatedBefore, parseOp, temporalWindows } from "./context.js";
import { Lexicon, compactKey, tokenize } from "./lexicon.js";

const windows = (t: string, offset = 0) => temporalWindows(buildContext(t, offset)).map((w) => [w.relation, w.amount, w.unit, w.reference ?? null, w.text]);

test("temporal windows as written in criteria", () => {
  const cases: Array<[string, unknown[][]]> = [
    ["within 4 weeks prior to the first dose of this study.", [["within", 4, "week", "first dose of this study", "within 4 weeks prior to the first dose of this study"]]],
    ["≥ 3 months since the end of the last chemotherapy", [["at-least-since", 3, "month", "end of the last chemotherapy", "≥ 3 months since the end of the last chemotherapy"]]],
    ["in the 4 weeks before inclusion;", [["within", 4, "week", "inclusion", "in the 4 weeks before inclusion"]]],
    ["active tuberculosis history in the past 1 year", [["within", 1, "year", null, "in the past 1 year"]]],
    ["major surgery within 28 days", [["within", 28, "day", null, "within 28 days"]]],
    ["bleeding within four weeks prior to the first administration", [["within", 4, "week", "first administration", "within four weeks prior to the first administration"]]],
    ["more than 6 months after the end of adjuvant chemotherapy", [["at-least-since", 6, "month", "end of adjuvant chemotherapy", "more than 6 months after the end of adjuvant chemotherapy"]]],
    ["over the three months prior to enrolment", [["within", 3, "month", "enrolment", "over the three months prior to enrolment"]]],
    ["Chemotherapy within the past 12-month period.", [["within", 12, "month", null, "within the past 12-month"]]],
    ["thromboembolic events occurred within 6 months", [["within", 6, "month", null, "within 6 months"]]],
    ["radiotherapy less than 4 weeks from the end of the previous study", [["within", 4, "week", "end of the previous study", "less than 4 weeks from the end of the previous study"]]],
  ];
  for (const [t, want] of cases) assert.deepEqual(windows(t), want, t);
  // Ages, life expectancy and durations are not windows.
  for (const t of ["Be 18 years of age or older", "Life expectancy of at least 3 months.", "Expected Survival Time: Over 3 months", "Between 18 to 65 years old.", "Anlotinib 12 mg qd d1-14", "ECOG 0-1"])
    assert.deepEqual(windows(t), [], t);
  // Spans are absolute.
  const w = temporalWindows(buildContext("x within 7 days", 40))[0];
  assert.deepEqual(w.span, [42, 55]);
});

test("negation reaches within its clause only", () => {
  const neg = (t: string, word: string) => negatedBefore(buildContext(t, 0), t.indexOf(word));
  assert.equal(neg("No brain metastases", "brain"), true);
  assert.equal(neg("without liver metastasis", "liver"), true);
  assert.equal(neg("free of active infection", "infection"), true);
  assert.equal(neg("Never receive immune-checkpoint inhibitors", "immune"), true);
  assert.equal(neg("Non small cell lung cancer", "lung"), false);
  assert.equal(neg("non-interventional studies", "studies"), false);
  assert.equal(neg("No fever; brain metastases", "brain"), false);
  assert.equal(neg("no prior therapy but brain metastases", "brain"), false);
  assert.equal(neg("for example but not limited to azathioprine", "azathioprine"), false);
  assert.equal(neg("Patients who are not pregnant", "pregnant"), true);
  assert.equal(neg("No more than 2 prior chemotherapy regimens", "chemotherapy"), false);
  assert.equal(neg("received immune-checkpoint inhibitors (with or without other drugs) during radiotherapy", "radiotherapy"), false);
  assert.equal(neg("without (documented) brain metastases", "brain"), true);
  assert.equal(neg("treatment with or without radiotherapy", "radiotherapy"), false);
  assert.equal(neg("Patients have not received radiotherapy before, and can accept chemotherapy", "chemotherapy"), false);
  assert.equal(neg("Patients have not received radiotherapy before, and can accept chemotherapy", "radiotherapy"), true);
  assert.equal(neg("Without contraindications to anticoagulation therapy", "anticoagulation"), false);
});

test("exceptions and conditional clauses", () => {
  const ctx = (t: string) => buildContext(t, 0);
  let t = "chemotherapy (except diphosphonate) within 4 weeks";
  assert.equal(isException(ctx(t), t.indexOf("diphosphonate")), true);
  assert.equal(isException(ctx(t), t.indexOf("chemotherapy")), false);
  t = "other malignancy, excluding cured non-melanoma skin cancer or carcinoma in situ of cervix";
  assert.equal(isException(ctx(t), t.indexOf("carcinoma in situ")), true);
  t = "If liver metastasis is present, ALT ≤ 5 ULN";
  assert.equal(isConditional(ctx(t), t.indexOf("liver")), true);
  t = "Patients with liver metastasis";
  assert.equal(isConditional(ctx(t), t.indexOf("liver")), false);
  // "if" reaches past a parenthesised aside, up to the first comma outside parentheses.
  t = "If the patient received immune-checkpoint inhibitors (with or without other drugs) during radiotherapy, there should be no progression";
  assert.equal(isConditional(ctx(t), t.indexOf("radiotherapy")), true);
  assert.equal(isConditional(ctx(t), t.indexOf("progression")), false);
  t = "dermatologic diseases that don't need systemic treatment (e.g. leucoderma, psoriasis)";
  assert.equal(isException(ctx("excluding type 1 diabetes, hypothyroidism that need hormone replacement therapy and " + t), ("excluding type 1 diabetes, hypothyroidism that need hormone replacement therapy and " + t).indexOf("psoriasis")), true);
});

test("comparison words", () => {
  assert.equal(parseOp("≥"), ">=");
  assert.equal(parseOp("\\>"), ">");
  assert.equal(parseOp("at least"), ">=");
  assert.equal(parseOp("no more than"), "<=");
  assert.equal(parseOp("less than"), "<");
  assert.equal(parseOp("perhaps"), null);
});

test("lexicon: tokens, compact keys, abbreviations in capitals only, plurals, longest match", () => {
  assert.deepEqual(tokenize("PD-1/AL3818").map((t) => t.lower), ["pd", "1", "al", "3818"]);
  assert.equal(compactKey("Anti-PD-1"), compactKey("anti PD1"));
  const lx = new Lexicon<string>();
  lx.add("RT", "radiotherapy");
  lx.add("radiation therapy", "radiotherapy");
  lx.add("small cell lung cancer", "sclc");
  lx.add("non-small cell lung cancer", "nsclc");
  lx.add("line", "line");
  const ids = (t: string) => lx.scan(t).map((m) => [m.value, t.slice(m.start, m.end)]);
  assert.deepEqual(ids("prior RT or radiation therapies"), [["radiotherapy", "RT"], ["radiotherapy", "radiation therapies"]]);
  assert.deepEqual(ids("rt-PCR, RT-PCR, art, RT2"), []);
  assert.deepEqual(ids("non small cell lung cancer; small-cell lung cancer"), [["nsclc", "non small cell lung cancer"], ["sclc", "small-cell lung cancer"]]);
  assert.deepEqual(ids("small cell, lung cancer"), []);
  assert.deepEqual(ids("two lines"), [["line", "lines"]]);
  assert.equal(lx.exact("Non-Small Cell Lung Cancer"), "nsclc");
  assert.equal(lx.exact("lung cancer"), null);
});

test("gates: a gate word is found exactly where the regex \\b(?=word) finds it in the lower-cased text", () => {
  const words = [...gateWords()];
  assert.ok(words.length > 100 && words.includes("βhcg") && words.includes("able to"));
  const esc = (w: string) => w.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const byRegex = (text: string, w: string) => new RegExp(`\\b(?=${esc(w)})`).test(text.toLowerCase());
  const piece = fc.oneof(
    fc.constantFrom(...words).map((w) => (w.length % 2 ? w.toUpperCase() : w)),
    fc.constantFrom(..."aZ9_ -./(,;:\nβéİ\u00a0".split("")),
    fc.string({ maxLength: 3 }),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), fc.constantFrom(...words), fc.constantFrom(...words), (parts, probe, probe2) => {
      const text = parts.join("");
      const ctx = buildContext(text, 0);
      const present = words.filter((w) => hasAny(ctx, gate([w])));
      assert.deepEqual(present, words.filter((w) => byRegex(text, w)), text);
      assert.equal(hasAny(ctx, gate([probe, probe2])), byRegex(text, probe) || byRegex(text, probe2));
    }),
    { numRuns: 300 },
  );
});

test("lastWords: the last n pieces of splitting at white space, joined by single spaces (as split/slice/join give)", () => {
  const reference = (s: string, n: number) => {
    const w = s.split(/\s+/);
    return w.length > n ? w.slice(-n).join(" ") : s;
  };
  fc.assert(
    fc.property(fc.array(fc.constantFrom("a", "bb", " ", "  ", "\n", "\u00a0", "x.", "\t", " \u2003 ", "\ufeff"), { maxLength: 30 }), fc.integer({ min: 1, max: 10 }), (parts, n) => {
      const s = parts.join("");
      assert.equal(lastWords(s, n), reference(s, n));
    }),
    { numRuns: 3000 },
  );
});
