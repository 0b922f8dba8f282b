import { test } from "node:test";
import assert from "node:assert/strict";
import { extractJudgement } from "./judgement.js";

const aspects = (t: string) => extractJudgement(t, 0).map((c) => c.aspect);

test("consent, compliance and investigator judgement are kept as text", () => {
  const t = "Patients participate in the study voluntarily and sign informed consent with good compliance.";
  const cs = extractJudgement(t, 10);
  assert.deepEqual(cs.map((c) => c.aspect), ["consent", "compliance"]);
  assert.equal(cs[0].text, t);
  assert.deepEqual(cs[0].span, [10 + t.indexOf("informed consent"), 10 + t.indexOf("informed consent") + "informed consent".length]);
  assert.deepEqual(aspects("Signed and dated informed consent"), ["consent"]);
  assert.deepEqual(aspects("Patients with concomitant diseases which could seriously endanger their own safety or could affect completion of the study according to investigators' judgment."), ["investigator-judgement"]);
  assert.deepEqual(aspects("Serious diseases that endanger patients' safety, according to the researchers' judgment"), ["investigator-judgement"]);
  assert.deepEqual(aspects("There are conditions that, in the investigator's judgment, seriously endanger patient safety"), ["investigator-judgement"]);
  assert.deepEqual(aspects("The investigator judged that the tumor is very likely to invade the important blood vessels"), ["investigator-judgement"]);
  assert.deepEqual(aspects("Refuse the firs-line chemotherapy or could not tolerate chemotherapy as determined by treatment physician"), ["investigator-judgement", "other"]);
  // A refusal is in no record: a human asks.
  assert.deepEqual(aspects("Patients who refused surgery"), ["other"]);
  assert.deepEqual(aspects("Declined standard chemotherapy"), ["other"]);
  assert.deepEqual(aspects("declining renal function"), []);
  assert.deepEqual(aspects("based on the judgement of the doctor in charge, can profit from the radiotherapy"), ["investigator-judgement"]);
  assert.deepEqual(aspects("Willing and able to comply with study procedures and follow-up visits"), ["compliance"]);
  assert.deepEqual(aspects("Hemoglobin ≥ 90 g/L"), []);
});
