import { test } from "node:test";
import assert from "node:assert/strict";
import { ageToDays, normaliseAgeText } from "./age.js";

test("ageToDays reads registry ages", () => {
  assert.equal(ageToDays("18 Years"), 6574);
  assert.equal(ageToDays("6 Months"), 182);
  assert.equal(ageToDays("N/A"), undefined);
  assert.equal(ageToDays(undefined), undefined);
});

test("normaliseAgeText writes the registry form", () => {
  assert.equal(normaliseAgeText("18 years"), "18 Years");
  assert.equal(normaliseAgeText("75 Years old"), "75 Years");
  assert.equal(normaliseAgeText("1 year"), "1 Year");
  assert.equal(normaliseAgeText("N/A"), undefined);
});
