import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { ctgovJsonFormat } from "./ctgov-json.js";

const V2_DIR = new URL("../../../shared/data/ctgov-v2/", import.meta.url);
const raw = (id: string) => readFileSync(new URL(`${id}.json`, V2_DIR), "utf8");
const parseAll = (text: string) => [...ctgovJsonFormat.parse(text, "input.json")];
async function parseLinesAll(text: string) {
  async function* lines() {
    for (const l of text.split("\n")) yield l;
  }
  const out = [];
  for await (const s of ctgovJsonFormat.parseLines!(lines(), "input.json")) out.push(s);
  return out;
}

test("NCT03418623 (GET73 MRS study) imports field by field, and nothing is lost", () => {
  const [one, ...rest] = parseAll(raw("NCT03418623"));
  assert.equal(rest.length, 0);
  const s = one.study;
  const p = s.protocolSection;
  assert.equal(p.identificationModule.nctId, "NCT03418623");
  assert.equal(p.identificationModule.orgStudyIdInfo?.id, "GET73 ¹H-MRS");
  assert.deepEqual(p.identificationModule.organization, { fullName: "Laboratorio Farmaceutico Ct S.r.l.", class: "INDUSTRY" });
  assert.equal(p.statusModule?.overallStatus, "COMPLETED");
  assert.deepEqual(p.statusModule?.startDateStruct, { date: "2018-03-08", type: "ACTUAL" });
  assert.deepEqual(p.statusModule?.lastUpdatePostDateStruct, { date: "2020-10-08", type: "ACTUAL" });
  assert.deepEqual(p.sponsorCollaboratorsModule?.leadSponsor, { name: "Laboratorio Farmaceutico Ct S.r.l.", class: "INDUSTRY" });
  assert.deepEqual(p.sponsorCollaboratorsModule?.collaborators, [{ name: "Latis S.r.l.", class: "INDUSTRY" }]);
  assert.deepEqual(p.oversightModule, { oversightHasDmc: false, isFdaRegulatedDrug: true, isFdaRegulatedDevice: false });
  assert.deepEqual(p.conditionsModule?.conditions, ["Alcohol Use Disorder"]);
  assert.deepEqual(p.designModule?.phases, ["PHASE2"]);
  assert.equal(p.designModule?.designInfo?.interventionModel, "CROSSOVER");
  assert.deepEqual(p.designModule?.designInfo?.maskingInfo?.whoMasked, ["PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"]);
  assert.deepEqual(p.designModule?.enrollmentInfo, { count: 24, type: "ACTUAL" });
  assert.deepEqual(
    p.armsInterventionsModule?.armGroups?.map((a) => [a.label, a.type, a.interventionNames]),
    [
      ["GET73", "EXPERIMENTAL", ["Drug: GET73"]],
      ["Placebo", "PLACEBO_COMPARATOR", ["Other: Placebo"]],
    ],
  );
  assert.equal(p.eligibilityModule?.minimumAge, "21 Years");
  assert.equal(p.eligibilityModule?.maximumAge, "40 Years");
  assert.equal(p.eligibilityModule?.sex, "ALL");
  assert.equal(p.eligibilityModule?.healthyVolunteers, false);
  assert.ok(p.eligibilityModule?.eligibilityCriteria?.startsWith("Inclusion Criteria:\n\n1. Male participants"));
  assert.deepEqual(p.contactsLocationsModule?.locations?.[0]?.geoPoint, { lat: 32.77657, lon: -79.93092 });
  assert.deepEqual(p.referencesModule?.references, [{ pmid: "23032071", type: "BACKGROUND", citation: "Schacht JP, Anton RF, Voronin KE" }]);
  assert.deepEqual(
    s.derivedSection?.conditionBrowseModule?.meshes,
    [
      { id: "D000000437", term: "Alcoholism" },
      { id: "D000000428", term: "Alcohol Drinking" },
    ],
  );
  assert.equal(s.hasResults, false);
  // Loose schemas: every field of the source, named or not, survives validation.
  assert.deepEqual(JSON.parse(JSON.stringify(s)), JSON.parse(raw("NCT03418623")));
  assert.equal(one.provenance.sourceKind, "ctgov-v2-json");
  assert.equal(one.provenance.source, "input.json");
});

test("every shared v2 JSON record imports unchanged", () => {
  const names = readdirSync(V2_DIR).filter((n) => n.endsWith(".json"));
  assert.equal(names.length, 12);
  for (const n of names) {
    const text = readFileSync(new URL(n, V2_DIR), "utf8");
    const [one] = parseAll(text);
    assert.equal(one.study.protocolSection.identificationModule.nctId, n.replace(".json", ""));
    assert.deepEqual(JSON.parse(JSON.stringify(one.study)), JSON.parse(text));
  }
});

const ids = ["NCT03418623", "NCT00465816", "NCT06171568"];
const studies = ids.map((id) => JSON.parse(raw(id)));

test("a page, an array and NDJSON give the same studies, whole-text or line by line", async () => {
  const page = JSON.stringify({ studies, nextPageToken: "abc" }, null, 2);
  const array = JSON.stringify(studies, null, 2);
  const ndjson = studies.map((s) => JSON.stringify(s)).join("\n") + "\n";
  const ndjsonCrlf = studies.map((s) => JSON.stringify(s)).join("\r\n");
  const minifiedPage = JSON.stringify({ studies });
  for (const text of [page, array, ndjson, ndjsonCrlf, minifiedPage]) {
    for (const got of [parseAll(text), await parseLinesAll(text)]) {
      assert.deepEqual(
        got.map((x) => x.study.protocolSection.identificationModule.nctId),
        ids,
      );
    }
  }
});

test("errors say which record and why", async () => {
  const truncated = raw("NCT03418623").slice(0, 500);
  assert.throws(() => parseAll(truncated), /^Error: invalid JSON: /);
  await assert.rejects(parseLinesAll(truncated), /invalid JSON/);

  const bad = structuredClone(studies[1]);
  bad.protocolSection.statusModule = { overallStatus: "RECRUITING_SOON" };
  const ndjson = [studies[0], bad].map((s) => JSON.stringify(s)).join("\n");
  assert.throws(
    () => parseAll(ndjson),
    /line 2: study \(NCT00465816\) is not a valid study: protocolSection\.statusModule\.overallStatus: /,
  );
  const page = JSON.stringify({ studies: [studies[0], bad] });
  assert.throws(() => parseAll(page), /study 2 \(NCT00465816\) is not a valid study/);
  assert.throws(() => parseAll(ndjson.split("\n")[0] + "\n{not json"), /line 2: invalid JSON/);
  assert.throws(() => parseAll('{"hello": "world"}'), /not a ClinicalTrials\.gov v2 study/);
  assert.throws(() => parseAll("\n \n"), /empty input/);
});

test("sniffs JSON by content", () => {
  assert.ok(ctgovJsonFormat.sniff('\n  {"protocolSection":'));
  assert.ok(ctgovJsonFormat.sniff("[\n{"));
  assert.ok(!ctgovJsonFormat.sniff("<clinical_study>"));
  assert.ok(!ctgovJsonFormat.sniff("Official Title: {x}"));
});
