/**
 * The clinical vignettes in examples/ against the five seed trials, imported from the
 * saved registry pages in ../shared/seeds and parsed by the criteria pipeline: verdicts,
 * the criterion that fails and, as a control, that the same criterion passes for the
 * vignette that fits. Each vignette is also read from its FHIR Bundle in examples/fhir/
 * and must give the same statuses.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { parseRegistryPage } from "../src/ingest/registry-page/index.js";
import { matchPatient, parsePatientInput, TrialCache, type TrialResult } from "../src/match/index.js";
import { patientToFhir } from "../src/match/to-fhir.js";
import { openStore } from "../src/store/sqlite.js";

const seeds = new URL("../../shared/seeds/", import.meta.url);
const examples = new URL("../examples/", import.meta.url);
const AS_OF = "2026-11-01";

const TRIAL: Record<string, string> = {
  crc: "NCT04970914",
  nsclc: "NCT05460481",
  sclc: "NCT05001971",
  npc: "NCT05807880",
  sts: "NCT03792542",
};

interface Expectation {
  verdict: "eligible" | "possible" | "ineligible";
  /** Text of a criterion that must fail (and pass in the trial's "fits" vignette). */
  fails?: string[];
  /** Evidence the failing criterion must show: a value in the criterion's unit. */
  evidence?: { value: number; unit: string };
  /** A fact the failing criterion's evidence must name (when the fits vignette cannot serve as control). */
  fact?: string;
  /** Known to be wrong because of an upstream limitation (reason). */
  todo?: string;
}

const EXPECTED: Record<string, Expectation> = {
  "crc-fits": { verdict: "eligible" },
  "crc-age-16": { verdict: "ineligible", fails: ["Age: 18 Years", "Be 18 years of age or older"] },
  "crc-hb-8.4-g-dl": { verdict: "ineligible", fails: ["Hemoglobin (Hb) ≥ 90 g/L"], evidence: { value: 84, unit: "g/L" } },
  "crc-prior-nivolumab": { verdict: "ineligible", fails: ["previously received treatment with Anlotinib or anti-programmed cell death protein 1"] },
  "crc-liver-mets-alt-5.5xuln": { verdict: "ineligible", fails: ["If liver metastasis is present,ALT and AST<5ULN"], evidence: { value: 5.5, unit: "× ULN" } },
  "crc-liver-mets-alt-4xuln": { verdict: "eligible" },
  "crc-no-liver-mets-alt-4xuln": { verdict: "ineligible", fails: ["ALT) ≤ 2.5 ×ULN"], evidence: { value: 4, unit: "× ULN" } },
  "crc-male-qtc-455": { verdict: "ineligible", fails: ["male QTc≥450ms"], evidence: { value: 455, unit: "ms" } },
  "crc-female-qtc-465": { verdict: "eligible" },
  "nsclc-fits": { verdict: "eligible" },
  "nsclc-prior-bevacizumab": { verdict: "ineligible", fails: ["Have used Anlotinib or other antiangiogenic drugs before"] },
  "nsclc-egfr-exon19": { verdict: "ineligible", fails: ["EGFR/ALK/ROS1 wild type"] },
  "nsclc-trial-sclc-patient": { verdict: "ineligible", fails: ["Condition studied: Non Small Cell Lung Cancer", "Small Cell Lung Cancer (including small cell cancer"] },
  "sclc-fits": { verdict: "eligible" },
  "sclc-age-78": { verdict: "ineligible", fails: ["Age: 18 Years to 75 Years"] },
  "sclc-prior-atezolizumab": { verdict: "ineligible", fails: ["have used Penpulimab or other anti-PD-1, anti-PD-L1"] },
  // "Refuse the first-line chemotherapy or could not tolerate chemotherapy" is left for the investigator: no record shows a refusal.
  "sts-fits": { verdict: "eligible" },
  "sts-age-73": { verdict: "ineligible", fails: ["Age: 18 Years to 70 Years", "≥ 18 and ≤ 70 years of age"] },
  "sts-hb-7.6-g-dl": { verdict: "ineligible", fails: ["Hemoglobin (Hb) ≥ 80g / L"], evidence: { value: 76, unit: "g/L" } },
  "sts-prior-pazopanib": { verdict: "ineligible", fails: ["Prior treatment with any VEGFR tyrosine kinase inhibitor"] },
  "sts-liver-mets-alt-5.75xuln": { verdict: "ineligible", fails: ["If accompanied by liver metastases, ALT and AST ≤ 5 × ULN"], evidence: { value: 5.75, unit: "× ULN" } },
  "sts-female-qtc-475": { verdict: "ineligible", fails: ["(QTc) men ≥ 450 ms, women ≥ 470 ms"], evidence: { value: 475, unit: "ms" } },
  "npc-fits": { verdict: "eligible" },
  "npc-age-68": { verdict: "ineligible", fails: ["Age: 18 Years to 65 Years", "Between 18 to 65 years old"] },
  "npc-hb-8.6-g-dl": { verdict: "ineligible", fails: ["Hemoglobin (HB) ≥ 90g/L"], evidence: { value: 86, unit: "g/L" } },
  // The ICI clause sits in a long inclusion item: the evidence must name the drug. (The item's last sentence,
  // an allowance of one checkpoint inhibitor in the radical-treatment phase, is not read as a requirement.)
  "npc-prior-camrelizumab": { verdict: "ineligible", fails: ["Never receive immune-checkpoint inhibitors"], fact: "camrelizumab" },
  "npc-qtc-485": { verdict: "ineligible", fails: ["arrythmia (including QTc ≥ 480ms)"], evidence: { value: 485, unit: "ms" } },
};

function loadStore() {
  const store = openStore(":memory:");
  for (const f of fs.readdirSync(seeds).filter((f) => f.endsWith(".txt")).sort()) {
    const { study, provenance } = parseRegistryPage(fs.readFileSync(new URL(f, seeds), "utf8"), f);
    store.upsert(study, provenance);
  }
  return store;
}

const store = loadStore();
const cache = new TrialCache();
const readJson = (url: URL) => JSON.parse(fs.readFileSync(url, "utf8")) as unknown;
const run = (patientJson: unknown, nct: string, source: string): TrialResult =>
  matchPatient(store, parsePatientInput(patientJson, source), { asOf: AS_OF, trials: [nct], cache }).results[0];
const criterion = (r: TrialResult, text: string) => {
  const hits = r.criteria.filter((c) => c.text.includes(text));
  assert.ok(hits.length, `${r.nctId}: no criterion contains "${text}"`);
  return hits;
};

test("every vignette in examples/ has an expectation, and every expectation a vignette", () => {
  const files = fs.readdirSync(examples).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, "")).sort();
  assert.deepEqual(files, Object.keys(EXPECTED).sort());
});

for (const [name, exp] of Object.entries(EXPECTED)) {
  const nct = TRIAL[name.split("-")[0]];
  test(`${name} against ${nct}: ${exp.verdict}${exp.fails ? `, failing "${exp.fails[0]}"` : ""}`, exp.todo ? { todo: exp.todo } : {}, () => {
    const json = readJson(new URL(`${name}.json`, examples));
    const r = run(json, nct, name);
    assert.equal(r.nctId, nct);
    assert.equal(r.verdict, exp.verdict, `verdict; failing: ${r.criteria.filter((c) => c.status === "fail").map((c) => c.text.slice(0, 80)).join(" | ")}`);
    if (exp.verdict === "ineligible") assert.ok(r.score >= 0);
    const fits = exp.fails ? run(readJson(new URL(`${name.split("-")[0]}-fits.json`, examples)), nct, "fits") : undefined;
    for (const text of exp.fails ?? []) {
      for (const c of criterion(r, text)) {
        assert.equal(c.status, "fail", `"${text}" should fail`);
        if (exp.evidence) {
          assert.ok(
            c.evidence.some((e) => e.result === (c.kind === "exclusion" ? "true" : "false") && e.value === exp.evidence!.value && e.unit === exp.evidence!.unit),
            `evidence ${exp.evidence.value} ${exp.evidence.unit} in ${JSON.stringify(c.evidence)}`,
          );
        }
      }
      if (exp.fact) {
        for (const c of criterion(r, text)) assert.ok(c.evidence.some((e) => e.fact?.includes(exp.fact!) && e.result === "false"), JSON.stringify(c.evidence));
        continue;
      }
      // Control: the same criterion passes for the vignette that fits.
      for (const c of criterion(fits!, text)) assert.equal(c.status, "pass", `"${text}" should pass for ${name.split("-")[0]}-fits`);
    }
    // The same patient as a FHIR R4 Bundle: the file is current and reads back to the same statuses.
    const fhirUrl = new URL(`fhir/${name}.fhir.json`, examples);
    const bundle = readJson(fhirUrl);
    assert.deepEqual(bundle, JSON.parse(JSON.stringify(patientToFhir(parsePatientInput(json), name))), "examples/fhir is stale: run npx tsx examples/make-fhir.ts");
    const viaFhir = run(bundle, nct, `${name}.fhir.json`);
    assert.equal(viaFhir.verdict, r.verdict);
    assert.deepEqual(
      viaFhir.criteria.map((c) => c.status),
      r.criteria.map((c) => c.status),
    );
  });
}

test("a patient is matched against all five seeds at once: results best first, ineligible last, questions merged", () => {
  const report = matchPatient(store, parsePatientInput(readJson(new URL("crc-fits.json", examples))), { asOf: AS_OF, status: "all", cache });
  assert.equal(report.results[0].nctId, "NCT04970914");
  assert.equal(report.results[0].verdict, "eligible");
  const ranks = report.results.map((r) => ({ eligible: 0, possible: 1, ineligible: 2 })[r.verdict]);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  // The prefilter keeps the colorectal trial and pan-cancer ones; the lung, sarcoma and NPC trials are other families.
  assert.ok(!report.results.some((r) => r.nctId === "NCT03792542"));
  assert.equal(report.patient.age, 64);
  assert.ok(!JSON.stringify(report.patient).includes("1962-03-14"), "the summary carries no birth date");
});
