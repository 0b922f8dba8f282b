import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { parseCriteria } from "./parse.js";
import { readsAsExclusion, readsAsRequirement } from "./polarity.js";

const kinds = (text: string) => parseCriteria(text, { numericOnly: true }).filter((c) => c.depth === 0).map((c) => c.kind[0] + (c.kindNote ? "*" : ""));

test("exclusion-like and requirement-like wording", () => {
  for (const t of ["Patients who have received live vaccine within 30 days", "History of interstitial lung disease", "HIV positive or active hepatitis B", "Known brain metastases", "There are conditions that, in the investigator's judgment, endanger safety", "Existed meningeal metastasis"]) {
    assert.ok(readsAsExclusion(t), t);
  }
  for (const t of ["Age ≥ 18 years", "ECOG 0-1", "Histologically confirmed NSCLC", "Patients with measurable disease per RECIST 1.1", "Signed informed consent"]) {
    assert.ok(!readsAsExclusion(t) || readsAsRequirement(t), t);
  }
});

test("a trailing block of exclusions under Inclusion is read as exclusion, with a note", () => {
  const text = [
    "Inclusion Criteria:",
    "* Age 18-75 years",
    "* Histologically confirmed nasopharyngeal carcinoma",
    "* Signed informed consent",
    "* Patients who have received live vaccine within 30 days",
    "* History of interstitial lung disease",
    "* Known brain metastases",
    "Exclusion Criteria:",
    "* Pregnant or breastfeeding",
  ].join("\n");
  assert.deepEqual(kinds(text), ["i", "i", "i", "e*", "e*", "e*", "e"]);
});

test("inclusion sections are left alone when the trailing block is short, mixed, or the whole section", () => {
  const two = "Inclusion Criteria:\n* Age ≥ 18\n* Confirmed NSCLC\n* Signed consent\n* Known EGFR status\n* History of smoking\nExclusion Criteria:\n* Pregnancy";
  assert.deepEqual(kinds(two), ["i", "i", "i", "i", "i", "e"]);
  const mixed = "Inclusion Criteria:\n* Age ≥ 18\n* Confirmed NSCLC\n* Known brain metastases\n* Must have measurable disease\n* History of smoking\n* Prior platinum chemotherapy";
  assert.deepEqual(kinds(mixed), ["i", "i", "i", "i", "i", "i"]);
  const whole = "Inclusion Criteria:\n* Known HIV infection\n* History of tuberculosis\n* Prior exposure to isoniazid";
  assert.deepEqual(kinds(whole), ["i", "i", "i"]);
});

test("no criterion of the 247 development texts changes kind", () => {
  const dir = new URL("../../../shared/eval/lct-dev/docs/", import.meta.url);
  for (const f of readdirSync(dir)) {
    const cs = parseCriteria(readFileSync(new URL(f, dir), "utf8"), { numericOnly: true });
    assert.equal(cs.filter((c) => c.kindNote).length, 0, f);
  }
});

test("items under a 'No …:' lead-in in an inclusion section are exclusions, with a note", () => {
  const cs = parseCriteria("Inclusion Criteria:\n- No concurrent uncontrolled illness including:\n  - Ongoing or active infection\n  - Congestive heart failure\n- No prior treatment:\n  - Radiotherapy\n- Age ≥ 18");
  assert.deepEqual(cs.map((c) => [c.kind, c.depth]), [["inclusion", 0], ["exclusion", 1], ["exclusion", 1], ["inclusion", 0], ["exclusion", 1], ["inclusion", 0]]);
  assert.ok(cs[1].kindNote?.includes("No …"));
});
