import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCriteria } from "../criteria/parse.js";
import type { Patient } from "../model/patient.js";
import { cohortsOf } from "./cohorts.js";
import { patientFacts } from "./facts.js";
import { matchKnowledge } from "./knowledge.js";
import { evaluateTrial, type MatchableTrial } from "./trial.js";

const k = matchKnowledge();
const AS_OF = "2026-11-01";

// As NCT03861182 writes it: two populations, each with its own inclusions and exclusions.
const TEXT = [
  "Inclusion Criteria:",
  "Adult Healthy Volunteers :",
  "- Over 18 years of age",
  "Neonates:",
  "  -  Aged between 1h of life and 28 days of life",
  "  -  Born beyond 33 Week of Amenorrhea + 1day and 2kg of birth weight",
  "Exclusion Criteria:",
  "Adult Healthy Volunteers :",
  "  -  Systemic inflammatory disease",
  "Neonates:",
  "  -  Risk of anemia < 7g/DL",
  "  -  Current anticoagulant treatment",
].join("\n");

const trial = (criteria = parseCriteria(TEXT)): MatchableTrial => ({ nctId: "NCT03861182", briefTitle: "t", overallStatus: "RECRUITING", conditions: [], conditionConcepts: [], criteria });
const run = (p: Patient) => evaluateTrial(trial(), patientFacts(p, AS_OF, k), k);

test("cohort titles: two populations per kind, each over its own items; an exclusion cohort is paired by title", () => {
  const cs = parseCriteria(TEXT);
  const cohorts = cohortsOf(cs);
  assert.deepEqual(
    cohorts.map((g) => [g.kind, g.key, g.members.map((i) => cs[i].text)]),
    [
      ["inclusion", "adult healthy volunteers", ["Over 18 years of age"]],
      ["inclusion", "neonates", ["Aged between 1h of life and 28 days of life", "Born beyond 33 Week of Amenorrhea + 1day and 2kg of birth weight"]],
      ["exclusion", "adult healthy volunteers", ["Systemic inflammatory disease"]],
      ["exclusion", "neonates", ["Risk of anemia < 7g/DL", "Current anticoagulant treatment"]],
    ],
  );
  // A title over what every participant meets is no cohort: "For all patients:" then "For patients with NSCLC:".
  assert.deepEqual(cohortsOf(parseCriteria("Inclusion Criteria:\nFor all patients:\n  - Age ≥ 18\nFor patients with NSCLC:\n  - Stage IV")), []);
  // A lead-in over lab values, or a single heading, is no cohort: all its items apply.
  assert.deepEqual(cohortsOf(parseCriteria("Inclusion Criteria:\nAdequate organ function defined as:\n  - Hb ≥ 9 g/dL\nPatients with NSCLC:\n  - Stage IV")), []);
});

test("an adult is not failed on the neonates' age, and the neonates' criteria are marked as another cohort's", () => {
  const adult = run({ birthDate: "1980-01-01", conditions: [] });
  assert.notEqual(adult.verdict, "ineligible");
  const neonateAge = adult.criteria.find((c) => c.text.startsWith("Aged between 1h"))!;
  assert.equal(neonateAge.status, "fail");
  assert.deepEqual(neonateAge.cohort, { title: "Neonates", applies: false });
  assert.deepEqual(adult.criteria.find((c) => c.text === "Over 18 years of age")!.cohort, { title: "Adult Healthy Volunteers", applies: true });
  // A newborn: the adults' age does not apply.
  const newborn = run({ birthDate: "2026-10-20", conditions: [] });
  assert.notEqual(newborn.verdict, "ineligible");
  assert.equal(newborn.criteria.find((c) => c.text === "Over 18 years of age")!.cohort?.applies, false);
  // A child in neither population is not eligible.
  assert.equal(run({ birthDate: "2016-01-01", conditions: [] }).verdict, "ineligible");
});
