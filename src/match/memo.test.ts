/**
 * The per-patient memos (constraint results and whole-criterion results shared across
 * trials) never change a result: every trial evaluated with memos shared by many trials,
 * in any order, equals the same trial evaluated alone without memos. The trials mix the
 * seed trials' condition lists with other seed trials' criteria texts, as deep copies, so
 * equal criteria under different studied conditions ("other malignancies") meet in one memo.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import fc from "fast-check";
import { parseEligibility } from "../criteria/parse.js";
import type { Criterion } from "../criteria/types.js";
import { parseRegistryPage } from "../ingest/registry-page/index.js";
import type { Patient } from "../model/patient.js";
import type { LeafResult } from "./evaluate.js";
import { patientFacts } from "./facts.js";
import { parsePatientInput } from "./input.js";
import { matchKnowledge } from "./knowledge.js";
import { evaluateTrial, moduleCriteria, type MatchableTrial } from "./trial.js";

const k = matchKnowledge();
const AS_OF = "2026-11-01";
const seeds = new URL("../../../shared/seeds/", import.meta.url);
const examples = new URL("../../examples/", import.meta.url);

interface Seed {
  nctId: string;
  title: string | null;
  mod: { criteria: Criterion[]; concepts: string[] };
  conditions: string[];
  text: Criterion[];
}

const seedTrials: Seed[] = fs
  .readdirSync(seeds)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .map((f) => {
    const { study } = parseRegistryPage(fs.readFileSync(new URL(f, seeds), "utf8"), f);
    const p = study.protocolSection;
    const conditions = p.conditionsModule?.conditions ?? [];
    const mod = moduleCriteria(
      { conditions, minimumAge: p.eligibilityModule?.minimumAge, maximumAge: p.eligibilityModule?.maximumAge, sex: p.eligibilityModule?.sex, title: p.identificationModule.briefTitle },
      k,
    );
    return { nctId: p.identificationModule.nctId, title: p.identificationModule.briefTitle ?? null, mod, conditions, text: parseEligibility(study).criteria.filter((c) => c.source !== "module") };
  });

/** Trial i's conditions and module criteria with trial j's text criteria, all freshly copied. */
function mixed(i: number, j: number): MatchableTrial {
  const a = seedTrials[i];
  const b = seedTrials[j];
  return {
    nctId: `${a.nctId}x${j}`,
    briefTitle: a.title,
    overallStatus: "RECRUITING",
    conditions: [...a.conditions],
    conditionConcepts: [...a.mod.concepts],
    criteria: structuredClone([...a.mod.criteria, ...b.text]),
  };
}

const patients: Patient[] = fs
  .readdirSync(examples)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => parsePatientInput(JSON.parse(fs.readFileSync(new URL(f, examples), "utf8")), f));

test("the generated mix has trials whose studied conditions differ", () => {
  assert.ok(seedTrials.length >= 2);
  assert.ok(new Set(seedTrials.map((s) => s.mod.concepts.join(","))).size >= 2);
});

test("shared memos never change a trial's result, whatever the order of evaluation", () => {
  const n = seedTrials.length;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: patients.length - 1 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), { minLength: 2, maxLength: 8 }),
      (pi, pairs) => {
        const facts = patientFacts(patients[pi], AS_OF, k);
        const memo = new Map<string, LeafResult>();
        const criterionMemo = new Map<number, unknown>();
        for (const [i, j] of pairs) {
          const shared = evaluateTrial(mixed(i, j), facts, k, memo, criterionMemo);
          const alone = evaluateTrial(mixed(i, j), facts, k);
          assert.deepEqual(shared, alone, `patient ${pi}: trial ${i} with the criteria of ${j}`);
        }
      },
    ),
    { numRuns: 60 },
  );
});
