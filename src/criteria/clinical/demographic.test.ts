import { test } from "node:test";
import assert from "node:assert/strict";
import { extractDemographics } from "./demographic.js";

const view = (t: string) => extractDemographics(t, 0).map((c) => [c.aspect, c.sex ?? null, c.negated]);

test("seed contraception paragraph: childbearing age, contraception per sex, not lactating, negative pregnancy test", () => {
  const t =
    "The woman patients of childbearing age who must agree to take contraceptive methods (e.g. intrauterine device, contraceptive pill or condom) during the research and within another 3 months after it; who are not in the lactation period and examined as negative in blood serum test or urine pregnancy test within 7 days before the research; The man patients who must agree to take contraceptive methods during the research";
  assert.deepEqual(view(t), [
    ["childbearing-potential", "female", false],
    ["contraception", "female", false],
    ["lactation", "female", true],
    ["pregnancy", "female", true],
    ["contraception", "male", false],
  ]);
  for (const c of extractDemographics(t, 3)) assert.equal(t.slice(c.mentionSpan[0] - 3, c.mentionSpan[1] - 3), c.mention);
});

test("pregnancy and lactation as exclusions", () => {
  assert.deepEqual(view("Female patients who are pregnant or breastfeeding."), [
    ["pregnancy", "female", false],
    ["lactation", "female", false],
  ]);
  assert.deepEqual(view("Pregnancy or lactation."), [
    ["pregnancy", "female", false],
    ["lactation", "female", false],
  ]);
  assert.deepEqual(view("Pregnant or lactating women，or for women of childbearing potential unwilling to use a highly-effective contraception").slice(0, 3), [
    ["pregnancy", "female", false],
    ["lactation", "female", false],
    ["childbearing-potential", "female", false],
  ]);
  assert.deepEqual(view("the patients required to be non-lactating"), [["lactation", "female", true]]);
  assert.deepEqual(view("Nursing home residents"), []);
  assert.deepEqual(view("Fertile women must already used reliable contraceptive measures or have negative gestational test (serum) result within the 7 days before inclusion."), [
    ["childbearing-potential", "female", false],
    ["contraception", "female", false],
    ["pregnancy", "female", true],
  ]);
});

test("explicit sex restrictions only", () => {
  assert.deepEqual(view("Male patients only"), [["sex", "male", false]]);
  assert.deepEqual(view("Men only"), [["sex", "male", false]]);
  assert.deepEqual(view("Postmenopausal women with HR-positive breast cancer"), [["sex", "female", false]]);
  assert.deepEqual(view("Participants must be female"), [["sex", "female", false]]);
  assert.deepEqual(view("≥ 18 and ≤ 70 years of age , regardless of gender;ECOG :0-2"), []);
  assert.deepEqual(view("Male or female patients aged 18 or older"), []);
  assert.deepEqual(view("Men and women must use contraception").map((v) => v[0]), ["contraception"]);
});

test("a partner's pregnancy is not the patient's; 'Not a WOCBP' denies childbearing potential", () => {
  assert.deepEqual(view("Male participant with pregnant partner(s) must agree to remain abstinent or use a condom for the duration of the pregnancy"), []);
  assert.deepEqual(view("male patients whose partner is pregnant"), []);
  assert.deepEqual(view("Is not a WOCBP"), [["childbearing-potential", "female", true]]);
  assert.deepEqual(view("is not a woman of childbearing potential"), [["childbearing-potential", "female", true]]);
  assert.deepEqual(view("pregnant women"), [["pregnancy", "female", false]]);
});
