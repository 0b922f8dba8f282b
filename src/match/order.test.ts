/**
 * Property tests: verdicts (and per-criterion statuses) never depend on the order of the
 * trial's criteria, of the patient's list entries, or of the resources in a FHIR Bundle.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import fc from "fast-check";
import type { Bundle } from "@medplum/fhirtypes";
import { parseEligibility } from "../criteria/parse.js";
import { parseRegistryPage } from "../ingest/registry-page/index.js";
import type { Patient } from "../model/patient.js";
import { patientFacts } from "./facts.js";
import { parsePatientInput } from "./input.js";
import { matchKnowledge } from "./knowledge.js";
import { patientToFhir } from "./to-fhir.js";
import { evaluateTrial, moduleCriteria, type MatchableTrial } from "./trial.js";

const k = matchKnowledge();
const AS_OF = "2026-11-01";
const seeds = new URL("../../../shared/seeds/", import.meta.url);
const examples = new URL("../../examples/", import.meta.url);

const trials: MatchableTrial[] = fs
  .readdirSync(seeds)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .map((f) => {
    const { study } = parseRegistryPage(fs.readFileSync(new URL(f, seeds), "utf8"), f);
    const p = study.protocolSection;
    const mod = moduleCriteria(
      { conditions: p.conditionsModule?.conditions ?? [], minimumAge: p.eligibilityModule?.minimumAge, maximumAge: p.eligibilityModule?.maximumAge, sex: p.eligibilityModule?.sex, title: p.identificationModule.briefTitle },
      k,
    );
    return {
      nctId: p.identificationModule.nctId,
      briefTitle: p.identificationModule.briefTitle ?? null,
      overallStatus: p.statusModule?.overallStatus ?? null,
      conditions: p.conditionsModule?.conditions ?? [],
      conditionConcepts: mod.concepts,
      criteria: [...mod.criteria, ...parseEligibility(study).criteria.filter((c) => c.source !== "module")],
    };
  });
const patients: Patient[] = fs
  .readdirSync(examples)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => parsePatientInput(JSON.parse(fs.readFileSync(new URL(f, examples), "utf8")), f));

function permute<T>(xs: readonly T[], keys: number[]): T[] {
  return xs
    .map((x, i) => ({ x, key: keys[i % keys.length] ?? 0, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((e) => e.x);
}

const summary = (t: MatchableTrial, p: Patient) => {
  const r = evaluateTrial(t, patientFacts(p, AS_OF, k), k);
  return { verdict: r.verdict, score: r.score, statuses: new Map(r.criteria.map((c) => [`${c.text}@${JSON.stringify(c.constraints.map((x) => ("mentionSpan" in x ? x.mentionSpan : x.span)))}`, c.status])), questions: r.questions.map((q) => q.id) };
};
const sameStatuses = (a: Map<string, string>, b: Map<string, string>) => {
  assert.equal(a.size, b.size);
  for (const [text, s] of a) assert.equal(b.get(text), s, text);
};

test("property: the order of a trial's criteria does not change the verdict, score, statuses or questions", () => {
  fc.assert(
    fc.property(fc.nat(trials.length - 1), fc.nat(patients.length - 1), fc.array(fc.integer(), { minLength: 1, maxLength: 60 }), (ti, pi, keys) => {
      const t = trials[ti];
      const p = patients[pi];
      const a = summary(t, p);
      const b = summary({ ...t, criteria: permute(t.criteria, keys) }, p);
      assert.equal(b.verdict, a.verdict);
      assert.equal(b.score, a.score);
      assert.deepEqual(b.questions, a.questions);
      sameStatuses(a.statuses, b.statuses);
    }),
    { numRuns: 60 },
  );
});

test("property: the order of the patient's conditions, observations, medications and biomarkers does not matter", () => {
  fc.assert(
    fc.property(fc.nat(trials.length - 1), fc.nat(patients.length - 1), fc.array(fc.integer(), { minLength: 1, maxLength: 40 }), (ti, pi, keys) => {
      const p = patients[pi];
      const shuffled: Patient = {
        ...p,
        ...(p.conditions ? { conditions: permute(p.conditions, keys) } : {}),
        ...(p.observations ? { observations: permute(p.observations, keys) } : {}),
        ...(p.medications ? { medications: permute(p.medications, keys) } : {}),
        ...(p.biomarkers ? { biomarkers: permute(p.biomarkers, keys) } : {}),
        ...(p.procedures ? { procedures: permute(p.procedures, keys) } : {}),
      };
      const a = summary(trials[ti], p);
      const b = summary(trials[ti], shuffled);
      assert.equal(b.verdict, a.verdict);
      assert.equal(b.score, a.score);
      sameStatuses(a.statuses, b.statuses);
    }),
    { numRuns: 60 },
  );
});

test("property: the order of the resources in a FHIR Bundle does not matter", () => {
  fc.assert(
    fc.property(fc.nat(trials.length - 1), fc.nat(patients.length - 1), fc.array(fc.integer(), { minLength: 1, maxLength: 60 }), (ti, pi, keys) => {
      const bundle = patientToFhir(patients[pi], "p");
      const shuffled: Bundle = { ...bundle, entry: permute(bundle.entry ?? [], keys) };
      const a = summary(trials[ti], parsePatientInput(bundle));
      const b = summary(trials[ti], parsePatientInput(shuffled));
      assert.equal(b.verdict, a.verdict);
      sameStatuses(a.statuses, b.statuses);
    }),
    { numRuns: 60 },
  );
});
