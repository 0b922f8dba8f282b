// Golden regimens of the five seed trials, read through the registry-page importer.
// Expectations written by hand from the seed pages' arm and intervention texts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { parseRegistryPage } from "../src/ingest/registry-page/index.js";
import { regimenOfStudy } from "../src/regimen/index.js";
import type { DrugAdministration, StudyRegimen } from "../src/regimen/types.js";

const seedsDir = new URL("../../shared/seeds/", import.meta.url);
const regimens = new Map<string, StudyRegimen>();
for (const f of readdirSync(seedsDir)) {
  const { study } = parseRegistryPage(readFileSync(new URL(f, seedsDir), "utf8"), f);
  regimens.set(study.protocolSection.identificationModule.nctId, regimenOfStudy(study));
}
const d1to = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const core = (d: DrugAdministration) => ({ drug: d.drug, dose: d.dose, unit: d.unit, route: d.route, frequency: d.frequency, days: d.days });

for (const id of ["NCT05001971", "NCT05460481"]) {
  test(`${id}: anlotinib 10 mg po qd d1–14 + penpulimab 200 mg iv d1, 21-day cycles`, () => {
    const reg = regimens.get(id)!;
    assert.equal(reg.arms.length, 1);
    const [arm] = reg.arms;
    assert.equal(arm.label, "Anlotinib Plus Penpulimab");
    assert.equal(arm.phases.length, 1);
    assert.equal(arm.phases[0].cycleDays, 21);
    assert.deepEqual(arm.phases[0].drugs.map(core), [
      { drug: "anlotinib", dose: 10, unit: "mg", route: "po", frequency: "qd", days: d1to(14) },
      { drug: "penpulimab", dose: 200, unit: "mg", route: "iv", frequency: undefined, days: [1] },
    ]);
    assert.equal(arm.phases[0].drugs[1].routeText, "ivgtt");
  });
}

test("NCT05807880: three-drug induction every 3 weeks for 4–6 cycles, then penpulimab + capecitabine maintenance until progression", () => {
  const [arm] = regimens.get("NCT05807880")!.arms;
  assert.deepEqual(arm.phases.map((p) => [p.name, p.cycleDays, p.cycles, p.until]), [
    ["induction", 21, { min: 4, max: 6 }, undefined],
    ["maintenance", 21, undefined, "until PD or intolerance to drug toxicity"],
  ]);
  assert.deepEqual(arm.phases[0].drugs.map(core), [
    { drug: "anlotinib", dose: 10, unit: "mg", route: "po", frequency: "qd", days: d1to(14) },
    { drug: "penpulimab", dose: 200, unit: "mg", route: "iv", frequency: undefined, days: [1] },
    { drug: "capecitabine", dose: 650, unit: "mg/m2", route: "po", frequency: "bid", days: d1to(21) },
  ]);
  assert.deepEqual(arm.phases[1].drugs.map(core), [
    { drug: "penpulimab", dose: 200, unit: "mg", route: "iv", frequency: undefined, days: [1] },
    { drug: "capecitabine", dose: 650, unit: "mg/m2", route: "po", frequency: "bid", days: d1to(21) },
  ]);
  const cap = arm.notes.find((n) => n.kind === "cap");
  assert.equal(cap?.drug, "penpulimab");
  assert.deepEqual(cap?.duration, { amount: 2, unit: "year" });
});

test("NCT03792542: anlotinib 12 mg qd po d1–14, 21-day cycles, until progression, dose reduction allowed, taken fasting in the morning", () => {
  const [arm] = regimens.get("NCT03792542")!.arms;
  assert.equal(arm.phases.length, 1);
  const [p] = arm.phases;
  assert.equal(p.cycleDays, 21);
  assert.match(p.until ?? "", /^until disease progress/);
  assert.deepEqual(p.drugs.map(core), [{ drug: "anlotinib", dose: 12, unit: "mg", route: "po", frequency: "qd", days: d1to(14) }]);
  assert.ok(arm.notes.some((n) => n.kind === "dose-reduction" && /declined dosage/.test(n.text)));
  assert.ok(arm.notes.some((n) => n.kind === "timing" && /limosis in the morning/.test(n.text)));
  assert.deepEqual(arm.texts.flatMap((t) => t.unparsed.map((u) => u.text)), [], "everything in the dosing texts was read");
});

test("NCT04970914: the page names the drugs but gives no doses — said, not invented", () => {
  const [arm] = regimens.get("NCT04970914")!.arms;
  const drugs = arm.phases.flatMap((p) => p.drugs);
  assert.deepEqual(drugs.map((d) => d.drug).sort(), ["anlotinib", "penpulimab"]);
  assert.ok(drugs.every((d) => d.dose === undefined && d.days === undefined && d.route === undefined));
  assert.ok(arm.notes.some((n) => n.kind === "no-dosing" && /no dose for anlotinib, penpulimab/.test(n.text)));
  assert.equal(arm.phases[0].cycleDays, undefined);
});
