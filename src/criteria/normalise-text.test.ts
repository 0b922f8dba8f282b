import { test } from "node:test";
import assert from "node:assert/strict";
import { normaliseCriteriaText, withComparisonWrapsJoined, withoutPageFurniture } from "./normalise-text.js";
import { parseCriteria } from "./parse.js";
import type { NumericConstraint } from "./types.js";

const numeric = (text: string) =>
  parseCriteria(text)
    .flatMap((c) => c.constraints)
    .filter((k): k is NumericConstraint => k.type === "numeric")
    .map((k) => [k.variable, k.op, k.value, k.unit ?? null, text.slice(k.valueSpan[0], k.valueSpan[1])]);

test("normaliseCriteriaText: same length, Unicode spaces become spaces, references their character padded in place", () => {
  const cases: Array<[string, string]> = [
    ["Age\u00a0≥\u00a018 years", "Age ≥ 18 years"],
    ["Age &ge; 18", "Age    ≥ 18"],
    ["Hb &gt;= 9 g/dL", "Hb    >= 9 g/dL"],
    ["&bull; Platelets &lt; 100", "•      Platelets    < 100"],
    ["AST &amp; ALT", "AST &     ALT"],
    ["x&#8805;2 and y&#x2264;3", "x      ≥2 and y       ≤3"],
    ["thin\u2009space, narrow\u202fno-break, zero\u200bwidth", "thin space, narrow no-break, zero width"],
    ["&unknown; and &#0; and &#xD800; stay", "&unknown; and &#0; and &#xD800; stay"],
    ["no change at all", "no change at all"],
  ];
  for (const [input, want] of cases) {
    const got = normaliseCriteriaText(input);
    assert.equal(got, want, input);
    assert.equal(got.length, input.length, `${input}: same length`);
  }
});

test("criteria written with no-break spaces or HTML references read as if plain, spans and texts as in the source", () => {
  const text = "Inclusion Criteria:\n-\u00a0Age\u00a0>=\u00a018 years\n- Hemoglobin &ge; 10\u00a0g/dL\n&bull; Serum creatinine &lt; 2.0 mg/dL";
  const criteria = parseCriteria(text);
  assert.deepEqual(
    criteria.map((c) => [c.kind, c.text]),
    [
      ["inclusion", "Age\u00a0>=\u00a018 years"],
      ["inclusion", "Hemoglobin &ge; 10\u00a0g/dL"],
      ["inclusion", "Serum creatinine &lt; 2.0 mg/dL"],
    ],
  );
  assert.deepEqual(numeric(text), [
    ["age", ">=", 18, "a", "18"],
    ["hemoglobin", ">=", 10, "g/dL", "10"],
    ["creatinine", "<", 2, "mg/dL", "2.0"],
  ]);
  for (const c of criteria) for (const k of c.constraints) if ("mentionSpan" in k) assert.equal(k.mention, text.slice(k.mentionSpan[0], k.mentionSpan[1]));
});

test("withComparisonWrapsJoined: a comparison broken over two lines is joined; other line breaks stay", () => {
  assert.equal(withComparisonWrapsJoined("total bilirubin ≤\n   1.5 x ULN"), "total bilirubin ≤    1.5 x ULN");
  assert.equal(withComparisonWrapsJoined("Creatinine clearance\n  ≥ 50 mL/min"), "Creatinine clearance   ≥ 50 mL/min");
  assert.equal(withComparisonWrapsJoined("dose of less than\r\n360 mg/m2"), "dose of less than  360 mg/m2");
  assert.equal(withComparisonWrapsJoined("Adequate function:\nANC ≥ 1.5"), "Adequate function:\nANC ≥ 1.5");
  assert.deepEqual(numeric("1. Adequate liver function with total bilirubin ≤\n   1.5 x ULN and AST/ALT ≤ 2.5 x ULN\n2. Hemoglobin ≥\n9 g/dL\n- Creatinine clearance\n  ≥ 50 mL/min"), [
    ["total-bilirubin", "<=", 1.5, null, "1.5"],
    ["ast", "<=", 2.5, null, "2.5"],
    ["alt", "<=", 2.5, null, "2.5"],
    ["hemoglobin", ">=", 9, "g/dL", "9"],
    ["creatinine-clearance", ">=", 50, "mL/min", "50"],
  ]);
});

test("withComparisonWrapsJoined: a value and its unit or 'times the ULN', a list of values and 'upper limit of normal' broken over lines", () => {
  assert.deepEqual(numeric("creatinine level ≥2\n times the upper limit of normal"), [["creatinine", ">=", 2, null, "2"]]);
  assert.deepEqual(numeric("ALP ≤ 5 x upper limit of\n normal"), [["alp", "<=", 5, null, "5"]]);
  assert.deepEqual(numeric("calcium > 12\n mg/dL"), [["calcium", ">", 12, "mg/dL", "12"]]);
  assert.deepEqual(numeric("ECOG 0 or\n 1 for dose expansion").map((r) => r.slice(0, 3)), [["ecog", "range", 0]]);
  // a duration's unit on the next line keeps it a duration
  assert.deepEqual(numeric("contraception for at least 7\n months after the last dose"), []);
  // a list item numbered on the next line is not a value
  assert.equal(withComparisonWrapsJoined("ECOG 0-1 and\n2. Age over 18"), "ECOG 0-1 and\n2. Age over 18");
});

test("full-width forms become ASCII in place: '＞１．５', '１，５００／mm３', '（1）', '：'", () => {
  const t = "Age：２０～７９ years; creatinine ＞１．５ mg/dL; ANC ≧１，５００／mm３ （1）";
  const n = normaliseCriteriaText(t);
  assert.equal(n, "Age:20~79 years; creatinine >1.5 mg/dL; ANC ≧1,500/mm3 (1)");
  assert.equal(n.length, t.length);
});

test("a page's header and footer inside a criterion are blanked, same length; the first line is the criterion's", () => {
  const t = "Absolute neutrophil count ≥ 1.5 ×\n\nPage 14 of 87\nCONFIDENTIAL\nSTUDY-123 Clinical Study Protocol Version 3.0, 12-Mar-2021\n\n10^9/L.";
  const b = withoutPageFurniture(t);
  assert.equal(b.length, t.length);
  assert.equal(b.replace(/\s+/g, " "), "Absolute neutrophil count ≥ 1.5 × 10^9/L.");
  assert.equal(withoutPageFurniture("Page 3 of the protocol lists them\n- Hb ≥ 9"), "Page 3 of the protocol lists them\n- Hb ≥ 9");
});

test("references with digits in their names ('&sup3;', '&sup2;') and Markdown escapes ('25\\-40', '\\>= 18') read as what they stand for", () => {
  const t = "Platelets ≥ 100,000/mm&sup3;; BMI 25\\-40 kg/m&sup2;; Age \\>= 18";
  const n = normaliseCriteriaText(t);
  assert.equal(n.length, t.length);
  assert.equal(n.replace(/ +/g, " "), "Platelets ≥ 100,000/mm³ ; BMI 25 -40 kg/m² ; Age >= 18");
});

test("a span that ends inside a character reference ends after it: the unit '/mm&sup3;' and the criterion's text are shown whole", () => {
  const t = "Inclusion Criteria:\n- Platelets ≥ 100,000/mm&sup3;";
  const [c] = parseCriteria(t);
  assert.equal(c.text, "Platelets ≥ 100,000/mm&sup3;");
  const n = c.constraints[0] as NumericConstraint;
  assert.equal(t.slice(n.unitSpan![0], n.unitSpan![1]), "/mm&sup3;");
  assert.equal(n.unit, "/mm3");
});
