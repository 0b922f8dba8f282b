import { test } from "node:test";
import assert from "node:assert/strict";
import { extractBiomarkers } from "./biomarker.js";

const view = (t: string) =>
  extractBiomarkers(t, 0).map((c) => {
    const v: Record<string, unknown> = { marker: c.marker };
    if (c.status) v.status = c.status;
    if (c.op) Object.assign(v, { op: c.op, value: c.value });
    if (c.unit) v.unit = c.unit;
    if (c.scale) v.scale = c.scale;
    if (c.negated) v.negated = true;
    return v;
  });

test("seed 001: EGFR/ALK/ROS1 wild type shares one status", () => {
  const t = "EGFR/ALK/ROS1 wild type";
  const cs = extractBiomarkers(t, 50);
  assert.deepEqual(view(t), [
    { marker: "EGFR", status: "wild-type" },
    { marker: "ALK", status: "wild-type" },
    { marker: "ROS1", status: "wild-type" },
  ]);
  for (const c of cs) assert.equal(t.slice(c.mentionSpan[0] - 50, c.mentionSpan[1] - 50), c.mention);
});

test("statuses and variants", () => {
  const cases: Array<[string, Array<Record<string, unknown>>]> = [
    ["ALK-positive NSCLC", [{ marker: "ALK", status: "positive" }]],
    ["HER2 negative", [{ marker: "HER2", status: "negative" }]],
    ["HER2-positive breast cancer", [{ marker: "HER2", status: "positive" }]],
    ["KRAS wild-type", [{ marker: "KRAS", status: "wild-type" }]],
    ["wild-type EGFR", [{ marker: "EGFR", status: "wild-type" }]],
    ["BRAF V600E mutation", [{ marker: "BRAF", status: "V600E mutation" }]],
    ["KRAS G12C", [{ marker: "KRAS", status: "G12C" }]],
    ["MET exon 14 skipping mutation", [{ marker: "MET", status: "exon 14 skipping mutation" }]],
    ["Documented EGFR sensitizing mutation (exon 19 deletion or L858R)", [{ marker: "EGFR", status: "sensitizing mutation" }]],
    ["Patients with EGFR mutation or ALK rearrangement are excluded", [{ marker: "EGFR", status: "mutated" }, { marker: "ALK", status: "fusion" }]],
    ["MSI-H/dMMR colorectal cancer", [{ marker: "MSI", status: "high" }, { marker: "MMR", status: "deficient" }]],
    ["ER-positive and/or PR-positive, HER2-negative", [{ marker: "ER", status: "positive" }, { marker: "PR", status: "positive" }, { marker: "HER2", status: "negative" }]],
    ["negative for EGFR and ALK", [{ marker: "EGFR", status: "negative" }, { marker: "ALK", status: "negative" }]],
    ["No known EGFR sensitizing mutation", [{ marker: "EGFR", status: "sensitizing mutation", negated: true }]],
    ["EGFR mutation negative", [{ marker: "EGFR", status: "negative" }]],
    ["Documented EGFR sensitizing mutations (exon 19 deletion, L858R) or ALK translocation are excluded", [{ marker: "EGFR", status: "sensitizing mutation" }, { marker: "ALK", status: "fusion" }]],
  ];
  for (const [t, want] of cases) assert.deepEqual(view(t), want, t);
});

test("expression levels", () => {
  assert.deepEqual(view("PD-L1 TPS ≥ 50%"), [{ marker: "PD-L1", op: ">=", value: 50, unit: "%", scale: "TPS" }]);
  assert.deepEqual(view("PD-L1 CPS ≥ 10"), [{ marker: "PD-L1", op: ">=", value: 10, scale: "CPS" }]);
  assert.deepEqual(view("PD-L1 expression ≥1%"), [{ marker: "PD-L1", op: ">=", value: 1, unit: "%" }]);
  assert.deepEqual(view("PD-L1 tumor proportion score < 1%"), [{ marker: "PD-L1", op: "<", value: 1, unit: "%", scale: "TPS" }]);
  assert.deepEqual(view("TMB ≥ 10 mut/Mb"), [{ marker: "TMB", op: ">=", value: 10, unit: "mut/Mb" }]);
});

test("not biomarkers: drug targets, lab names, responses, markers without a status", () => {
  for (const t of [
    "Prior EGFR-TKI therapy",
    "anti-PD-L1 antibodies",
    "HER2-targeted therapy",
    "PR or better than PR",
    "Alkaline phosphatase ≤ 2.5 ULN",
    "Severe renal impairment defined as eGFR<30ml/m.",
    "EGFR status will be assessed",
    "ER visits in the last month",
    "METASTATIC DISEASE",
  ])
    assert.deepEqual(view(t), [], t);
});

test("FLT3 (ITD, TKD) and NPM1 mutations", () => {
  const b = (t: string) => extractBiomarkers(t, 0).map((c) => `${c.marker} ${c.status}`);
  assert.deepEqual(b("Documented FLT3 mutation (ITD or TKD)"), ["FLT3 mutated"]);
  assert.deepEqual(b("Known FLT3-ITD mutation"), ["FLT3 mutated"]);
  assert.deepEqual(b("NPM1-mutated AML"), ["NPM1 mutated"]);
});
