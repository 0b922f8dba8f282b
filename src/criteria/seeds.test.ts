/**
 * Golden tests: every numeric constraint of the five seed trials' eligibility sections
 * (../shared/seeds/), written out by hand, and their top-level inclusion/exclusion counts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { parseCriteria } from "./parse.js";
import type { Criterion, Logic, NumericConstraint } from "./types.js";

/** The eligibility section of a saved registry page: from its first heading to the page's next section. */
function seedEligibility(file: string, start: string, end: string): string {
  const full = fs.readFileSync(new URL(`../../../shared/seeds/${file}`, import.meta.url), "utf8");
  const s = full.indexOf(start);
  const e = full.indexOf(end, s);
  assert.ok(s >= 0 && e > s, `${file}: eligibility section not found`);
  return full.slice(s, e);
}

// [variable, op, value, value2 | null, unit | null, relativeTo | null, qualifier | null, value as written]
type Row = [string | null, string, number, number | null, string | null, string | null, string | null, string];

function rows(criteria: Criterion[]): Row[] {
  const out: Row[] = [];
  for (const c of criteria)
    for (const k of c.constraints) {
      if (k.type !== "numeric") continue;
      const q = k.qualifier ? [k.qualifier.sex, k.qualifier.condition].filter(Boolean).join("+") : null;
      out.push([k.variable, k.op, k.value, k.value2 ?? null, k.unit ?? null, k.relativeTo ?? null, q, ""]);
    }
  return out;
}

function check(text: string, criteria: Criterion[], expected: Row[]): void {
  const got = rows(criteria);
  // value as written, from the span
  let i = 0;
  for (const c of criteria)
    for (const k of c.constraints)
      if (k.type === "numeric") {
        got[i][7] = text.slice(k.valueSpan[0], k.valueSpan[1]);
        assert.equal(k.mention, text.slice(k.mentionSpan[0], k.mentionSpan[1]), "mention is the text at its span");
        assert.ok(k.mention.trim().length > 0, "a mention names the measurement");
        i++;
      }
  assert.deepEqual(got, expected);
}

const top = (cs: Criterion[], kind: string) => cs.filter((c) => c.depth === 0 && c.kind === kind).length;
const numerics = (c: Criterion) => c.constraints.filter((k): k is NumericConstraint => k.type === "numeric");

test("seed 000 (Veeva, NCT04970914): counts, labs with ×ULN, liver-metastasis condition, Cr or CCr, male/female QTc", () => {
  const text = seedEligibility("000_093a1d4c9d984e59.txt", "Inclusion criteria\n", "\n\nTrial design");
  const cs = parseCriteria(text, { numericOnly: true });
  assert.equal(top(cs, "inclusion"), 9);
  assert.equal(top(cs, "exclusion"), 20);
  assert.equal(cs.filter((c) => c.depth > 0).length, 0);
  check(text, cs, [
    ["age", ">=", 18, null, "a", null, null, "18"],
    [null, ">=", 10, null, "mm", null, null, "10"],
    ["ecog", "range", 0, 1, "{score}", null, null, "0"],
    ["hemoglobin", ">=", 90, null, "g/L", null, null, "90"],
    ["anc", ">=", 1.5, null, "10*9/L", null, null, "1.5"],
    ["wbc", ">=", 3, null, "10*9/L", null, null, "3.0"],
    ["platelets", ">=", 75, null, "10*9/L", null, null, "75"],
    ["total-bilirubin", "<=", 1.5, null, null, "ULN", null, "1.5"],
    ["ast", "<=", 2.5, null, null, "ULN", null, "2.5"],
    ["alt", "<=", 2.5, null, null, "ULN", null, "2.5"],
    ["alt", "<", 5, null, null, "ULN", "liver-metastases", "5"],
    ["ast", "<", 5, null, null, "ULN", "liver-metastases", "5"],
    ["creatinine", "<=", 1.5, null, null, "ULN", null, "1.5"],
    ["creatinine-clearance", ">=", 60, null, "mL/min", null, null, "60"],
    ["lvef", ">", 50, null, "%", null, null, "50"],
    ["sbp", ">=", 150, null, "mm[Hg]", null, null, "150"],
    ["dbp", ">=", 100, null, "mm[Hg]", null, null, "100"],
    ["qtc", ">=", 450, null, "ms", null, "male", "450"],
    ["qtc", ">=", 470, null, "ms", null, "female", "470"],
    ["glucose-fasting", ">", 10, null, "mmol/L", null, null, "10"],
    ["urine-protein-24h", ">", 1, null, "g", null, null, "1.0"],
    ["aptt", ">", 1.5, null, null, "ULN", null, "1.5"],
    ["inr", ">", 1.5, null, "{INR}", null, null, "1.5"],
    ["urine-protein-dipstick", ">=", 2, null, "{dipstick}", null, null, "++"],
  ]);
  // "Serum creatinine (Cr) ≤ 1.5× ULN or Creatinine Clearance rate(CCr) ≥60ml/min": an OR inside an AND of labs
  const organ = cs.find((c) => c.text.includes("Main organs function"))!;
  const n = numerics(organ);
  const cr = n.findIndex((k) => k.variable === "creatinine");
  const ccr = n.findIndex((k) => k.variable === "creatinine-clearance");
  assert.equal(organ.logic?.op, "and");
  assert.ok(organ.logic!.args.some((a) => typeof a === "object" && a.op === "or" && a.args.includes(cr) && a.args.includes(ccr)));
  // "systolic ≥150 mmHg or diastolic ≥100": either
  const bp = cs.find((c) => c.text.includes("unsatisfactory blood pressure"))!;
  const bpn = numerics(bp);
  const sbp = bpn.findIndex((k) => k.variable === "sbp");
  const dbp = bpn.findIndex((k) => k.variable === "dbp");
  const orHolds = (l: Logic): boolean => (l.op === "or" && l.args.includes(sbp) && l.args.includes(dbp)) || l.args.some((a) => typeof a === "object" && orHolds(a));
  assert.ok(orHolds(bp.logic!));
});

test("seed 001 (MedPath, NCT05460481): counts, 'HBV DNA more than 1 x 104 copy /ml' is 1e4", () => {
  const text = seedEligibility("001_8da2837fc106f71e.txt", "Inclusion Criteria\n", "\n\nStudy & Design");
  const cs = parseCriteria(text, { numericOnly: true });
  assert.equal(top(cs, "inclusion"), 7);
  assert.equal(top(cs, "exclusion"), 26);
  check(text, cs, [
    ["ecog", "range", 0, 1, "{score}", null, null, "0"],
    [null, "<=", 5, null, "mm", null, null, "5"],
    ["inr", ">", 1.5, null, "{INR}", null, null, "1.5"],
    ["aptt", ">", 1.5, null, null, null, null, "1.5"],
    ["urine-protein-24h", ">=", 1, null, "g", null, null, "1.0"],
    ["urine-protein-dipstick", ">=", 2, null, "{dipstick}", null, null, "++"],
    ["sbp", ">=", 150, null, "mm[Hg]", null, null, "150"],
    ["dbp", ">=", 100, null, "mm[Hg]", null, null, "100"],
    ["lvef", "<", 50, null, "%", null, null, "50"],
    ["hbv-dna", ">", 1e4, null, "{copies}/mL", null, null, "1 x 104"],
  ]);
});

test("seed 002 (CT.gov mirror, NCT05001971): counts, escaped '\\>' and '10\\^4'", () => {
  const text = seedEligibility("002_2a19d0d006134290.txt", "Inclusion Criteria\n", "\n18 Years");
  const cs = parseCriteria(text, { numericOnly: true });
  assert.equal(top(cs, "inclusion"), 6);
  assert.equal(top(cs, "exclusion"), 24);
  check(text, cs, [
    ["ecog", "range", 0, 1, "{score}", null, null, "0"],
    ["inr", ">", 1.5, null, "{INR}", null, null, "1.5"],
    ["aptt", ">", 1.5, null, null, null, null, "1.5"],
    ["urine-protein-24h", ">=", 1, null, "g", null, null, "1.0"],
    ["urine-protein-dipstick", ">=", 2, null, "{dipstick}", null, null, "++"],
    ["sbp", ">=", 160, null, "mm[Hg]", null, null, "160"],
    ["dbp", ">=", 100, null, "mm[Hg]", null, null, "100"],
    ["lvef", "<", 50, null, "%", null, null, "50"],
    ["hbv-dna", ">", 1e4, null, "{copies}/mL", null, null, "1 x 10\\^4"],
  ]);
});

test("seed 003 (CT.gov mirror, NCT05807880): nested numbered lists, 'PLT: 100\\_109/L', '≥ 1\\*104 copies/ml'", () => {
  const text = seedEligibility("003_8f970ab34bf76094.txt", "Inclusion Criteria\n", "\nMinimum Eligible Age");
  const cs = parseCriteria(text, { numericOnly: true });
  // the page lists nine exclusion items before its "Exclusion Criteria" heading: the
  // polarity stage reads that trailing block as exclusions, with a note (criteria/polarity.ts)
  assert.equal(top(cs, "inclusion"), 8);
  assert.equal(top(cs, "exclusion"), 20);
  assert.equal(cs.filter((c) => c.kindNote).length, 9);
  assert.ok(cs.find((c) => c.text.startsWith("Existed meningeal metastasis"))?.kindNote);
  const nested = cs.filter((c) => c.depth > 0);
  assert.equal(nested.length, 13);
  const hb = cs.find((c) => c.text.startsWith("Hemoglobin (HB)"))!;
  assert.equal(hb.depth, 2);
  const blood = cs[hb.parent!];
  assert.ok(blood.text.startsWith("Blood routine should meet"));
  assert.equal(blood.depth, 1);
  assert.ok(cs[blood.parent!].text.startsWith("The major organs' function is normal"));
  const bio = cs.find((c) => c.text.startsWith("Biochemistry examination"))!;
  assert.equal(bio.depth, 1);
  assert.equal(bio.parent, blood.parent);
  check(text, cs, [
    ["age", "range", 18, 65, "a", null, null, "18"],
    ["ecog", "range", 0, 1, "{score}", null, null, "0"],
    ["hemoglobin", ">=", 90, null, "g/L", null, null, "90"],
    ["wbc", ">=", 4, null, "10*9/L", null, null, "4"],
    ["platelets", ">=", 100, null, "10*9/L", null, null, "100"],
    ["total-bilirubin", "<=", 1.5, null, null, "ULN", null, "1.5"],
    ["alt", "<=", 2.5, null, null, "ULN", null, "2.5"],
    ["ast", "<=", 2.5, null, null, "ULN", null, "2.5"],
    ["creatinine", "<=", 1.5, null, null, "ULN", null, "1.5"],
    ["creatinine-clearance", ">=", 60, null, "mL/min", null, null, "60"],
    ["inr", "<=", 1.5, null, null, "ULN", null, "1.5"],
    ["aptt", "<=", 1.5, null, null, "ULN", null, "1.5"],
    ["tsh", "<=", 1, null, null, "ULN", null, "ULN"],
    ["hbv-dna", ">=", 1e4, null, "{copies}/mL", null, null, "1\\*104"],
    ["sbp", ">=", 150, null, "mm[Hg]", null, null, "150"],
    ["dbp", ">=", 90, null, "mm[Hg]", null, null, "90"],
    ["urine-protein-24h", ">=", 1, null, "g", null, null, "1.0"],
    ["urine-protein-dipstick", ">=", 2, null, "{dipstick}", null, null, "++"],
    ["qtc", ">=", 480, null, "ms", null, null, "480"],
  ]);
  // "Serum creatinine (Cr) ≤ 1.5×ULN and creatinine clearance (CCr) ≥ 60ml/min": both
  assert.equal(cs.find((c) => c.text.startsWith("Serum creatinine (Cr)"))!.logic, undefined);
});

test("seed 004 (classic CT.gov, NCT03792542): counts, '≥ 18 and ≤ 70 years of age', 'QTc men ≥ 450 ms, women ≥ 470 ms', liver metastases", () => {
  const text = seedEligibility("004_f1fe85ef2dbf3c23.txt", "Inclusion Criteria:\n", "\n\nInformation from the National Library");
  const cs = parseCriteria(text, { numericOnly: true });
  assert.equal(top(cs, "inclusion"), 8);
  assert.equal(top(cs, "exclusion"), 22);
  check(text, cs, [
    ["age", ">=", 18, null, "a", null, null, "18"],
    ["age", "<=", 70, null, "a", null, null, "70"],
    ["ecog", "range", 0, 2, "{score}", null, null, "0"],
    ["hemoglobin", ">=", 80, null, "g/L", null, null, "80"],
    ["anc", ">=", 1.5, null, "10*9/L", null, null, "1.5"],
    ["platelets", ">=", 80, null, "10*9/L", null, null, "80"],
    ["creatinine", "<=", 1.5, null, null, "ULN", null, "1.5"],
    ["creatinine-clearance", ">=", 60, null, "mL/min", null, null, "60"],
    ["bun", "<=", 2.5, null, null, "ULN", null, "2.5"],
    ["total-bilirubin", "<=", 1.5, null, null, "ULN", null, "1.5"],
    ["ast", "<=", 2.5, null, null, "ULN", null, "2.5"],
    ["alt", "<=", 2.5, null, null, "ULN", null, "2.5"],
    ["alt", "<=", 5, null, null, "ULN", "liver-metastases", "5"],
    ["ast", "<=", 5, null, null, "ULN", "liver-metastases", "5"],
    ["albumin", ">=", 25, null, "g/L", null, null, "25"],
    ["sbp", ">=", 140, null, "mm[Hg]", null, null, "140"],
    ["dbp", ">=", 90, null, "mm[Hg]", null, null, "90"],
    ["qtc", ">=", 450, null, "ms", null, "male", "450"],
    ["qtc", ">=", 470, null, "ms", null, "female", "470"],
    [null, ">=", 2, null, null, null, null, "2"],
    ["glucose-fasting", ">", 10, null, "mmol/L", null, null, "10"],
    ["hbv-dna", ">=", 500, null, "[IU]/mL", null, null, "500"],
    ["urine-protein-24h", ">=", 1, null, "g", null, null, "1.0"],
    ["urine-protein-dipstick", ">=", 2, null, "{dipstick}", null, null, "++"],
    ["inr", ">", 1.5, null, "{INR}", null, null, "1.5"],
    ["aptt", ">", 1.5, null, null, "ULN", null, "1.5"],
    // "daily hemoptysis of 2.5ml or more": a volume of an unknown measurement
    [null, ">=", 2.5, null, "mL", null, null, "2.5"],
  ]);
  const qtc = cs.flatMap(numerics).filter((k) => k.variable === "qtc");
  assert.deepEqual(qtc.map((k) => k.qualifier?.text), ["men", "women"]);
  const liver = cs.flatMap(numerics).filter((k) => k.qualifier?.condition === "liver-metastases");
  assert.ok(liver.every((k) => /liver metastases/.test(k.qualifier!.text)));
});

test("logic of a Cr-or-CCr criterion is an OR of the two constraints", () => {
  const text = "Cr ≤ 1.5×ULN or CCr ≥ 60ml/min";
  const [c] = parseCriteria(text, { numericOnly: true });
  const n = numerics(c);
  assert.deepEqual(
    n.map((k) => [k.variable, k.op, k.value, k.unit ?? k.relativeTo]),
    [
      ["creatinine", "<=", 1.5, "ULN"],
      ["creatinine-clearance", ">=", 60, "mL/min"],
    ],
  );
  assert.deepEqual(c.logic, { op: "or", args: [0, 1] } satisfies Logic);
});

test("life expectancy in four seeds is a prognosis constraint (months), not a numeric one", () => {
  const seeds: Array<[string, string, string, string, number]> = [
    ["000_093a1d4c9d984e59.txt", "Inclusion criteria\n", "\n\nTrial design", ">=", 3],
    ["001_8da2837fc106f71e.txt", "Inclusion Criteria\n", "\n\nStudy & Design", ">", 3],
    ["002_2a19d0d006134290.txt", "Inclusion Criteria\n", "\n18 Years", ">", 3],
    ["004_f1fe85ef2dbf3c23.txt", "Inclusion Criteria:\n", "\n\nInformation from the National Library", ">", 3],
  ];
  for (const [file, start, end, op, value] of seeds) {
    const text = seedEligibility(file, start, end);
    const cs = parseCriteria(text);
    const found = cs.flatMap((c) => c.constraints.map((k) => ({ c, k }))).filter(({ k }) => k.type === "prognosis");
    assert.equal(found.length, 1, file);
    const { c, k } = found[0];
    assert.ok(k.type === "prognosis");
    assert.equal(c.kind, "inclusion", file);
    assert.deepEqual([k.variable, k.op, k.value, k.unit], ["life-expectancy", op, value, "mo"], file);
    assert.equal(text.slice(k.valueSpan[0], k.valueSpan[1]), String(value), file);
    assert.match(text.slice(k.mentionSpan[0], k.mentionSpan[1]), /^(?:Life expectancy|Expected Survival Time)$/, file);
    assert.ok(!cs.some((x) => x.constraints.some((n) => n.type === "numeric" && n.variable === "life-expectancy")), file);
  }
});
