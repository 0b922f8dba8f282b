import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  classAncestors,
  conceptOf,
  condition,
  drugClassOf,
  drugClassesOf,
  drugsInClass,
  isA,
  knowledgeVersions,
  normaliseDrug,
  prednisoneEquivalentFactor,
  procedureOf,
} from "./knowledge.js";
import { compactKey } from "./lexicon.js";

const read = (f: string) => JSON.parse(readFileSync(new URL(`../../../data/knowledge/${f}`, import.meta.url), "utf8"));
const drugTable = read("drug-classes.json") as { version: string; classes: Array<{ id: string; parents?: string[]; synonyms?: string[]; members: Array<{ id: string; names: string[] }> }> };
const conditionTable = read("conditions.json") as { version: string; conditions: Array<{ id: string; name: string; parents?: string[]; synonyms: string[]; icd10?: string }> };
const procedureTable = read("procedures.json") as { version: string; procedures: Array<{ id: string; synonyms: string[] }> };

test("every table has a version, and knowledgeVersions reports them", () => {
  assert.match(drugTable.version, /\S/);
  assert.match(conditionTable.version, /\S/);
  assert.match(procedureTable.version, /\S/);
  assert.deepEqual(knowledgeVersions(), { drugClasses: drugTable.version, conditions: conditionTable.version, procedures: procedureTable.version });
});

test("every drug named in a class resolves to that drug, and its classes include the class and its ancestors", () => {
  let names = 0;
  for (const c of drugTable.classes) {
    for (const m of c.members) {
      for (const name of [m.id, ...m.names]) {
        names++;
        assert.equal(normaliseDrug(name), m.id, `normaliseDrug(${JSON.stringify(name)}) in class ${c.id}`);
        const classes = drugClassesOf(name);
        for (const a of classAncestors(c.id)) assert.ok(classes.includes(a), `drugClassesOf(${JSON.stringify(name)}) lacks ${a}`);
        assert.ok(isA(m.id, c.id), `isA(${m.id}, ${c.id})`);
      }
    }
  }
  assert.ok(names > 400, `only ${names} drug names`);
});

test("no drug name or condition synonym is claimed by two entries", () => {
  const drugs = new Map<string, string>();
  for (const c of drugTable.classes)
    for (const m of c.members)
      for (const n of [m.id, ...m.names]) {
        const k = compactKey(n);
        const prev = drugs.get(k);
        assert.ok(prev === undefined || prev === m.id, `"${n}" names both ${prev} and ${m.id}`);
        drugs.set(k, m.id);
      }
  const conds = new Map<string, string>();
  for (const c of conditionTable.conditions)
    for (const s of [c.name, ...c.synonyms]) {
      const k = compactKey(s);
      const prev = conds.get(k);
      assert.ok(prev === undefined || prev === c.id, `"${s}" names both ${prev} and ${c.id}`);
      conds.set(k, c.id);
    }
});

test("class synonyms resolve to their class; parents exist", () => {
  const ids = new Set(drugTable.classes.map((c) => c.id));
  for (const c of drugTable.classes) {
    for (const p of c.parents ?? []) assert.ok(ids.has(p), `${c.id} parent ${p}`);
    for (const s of c.synonyms ?? []) assert.equal(drugClassOf(s), c.id, `drugClassOf(${JSON.stringify(s)})`);
  }
});

test("clinical look-ups a matcher relies on", () => {
  assert.ok(drugClassesOf("bevacizumab").includes("antiangiogenic"));
  assert.ok(drugClassesOf("Avastin").includes("anti-vegf"));
  assert.deepEqual(drugClassesOf("nivolumab").slice(0, 2), ["anti-pd-1", "immune-checkpoint-inhibitor"]);
  assert.ok(isA("anti-pd-1", "immune-checkpoint-inhibitor"));
  assert.ok(isA("anti-pd-l1", "immune-checkpoint-inhibitor"));
  assert.ok(!isA("anti-pd-1", "anti-pd-l1"));
  for (const [name, id] of [
    ["AK105", "penpulimab"], ["AK-105", "penpulimab"], ["SHR-1210", "camrelizumab"], ["sintilimab", "sintilimab"], ["BGB-A317", "tislelizumab"],
    ["JS001", "toripalimab"], ["HLX10", "serplulimab"], ["Keytruda", "pembrolizumab"], ["AL3818", "anlotinib"], ["Anlotinib Hydrochloride", "anlotinib"],
    ["5-FU", "fluorouracil"], ["5FU", "fluorouracil"], ["S-1", "S-1"], ["Xeloda", "capecitabine"], ["rifampin", "rifampicin"], ["Coumadin", "warfarin"],
  ] as const) assert.equal(normaliseDrug(name), id, name);
  for (const d of ["penpulimab", "camrelizumab", "sintilimab", "tislelizumab", "toripalimab", "serplulimab", "zimberelimab"]) assert.ok(isA(d, "anti-pd-1"), d);
  for (const d of ["anlotinib", "apatinib", "fruquintinib", "sorafenib", "sunitinib", "regorafenib", "lenvatinib", "pazopanib", "axitinib", "cabozantinib", "endostar", "ramucirumab", "aflibercept"])
    assert.ok(isA(d, "antiangiogenic"), d);
  assert.ok(isA("capecitabine", "fluoropyrimidine") && isA("capecitabine", "chemotherapy"));
  assert.ok(isA("cisplatin", "platinum") && isA("docetaxel", "taxane") && isA("epirubicin", "anthracycline"));
  assert.ok(isA("osimertinib", "egfr-tki") && isA("alectinib", "alk-inhibitor"));
  assert.ok(isA("ketoconazole", "strong-cyp3a4-inhibitor") && !isA("erythromycin", "strong-cyp3a4-inhibitor") && isA("erythromycin", "cyp3a4-inhibitor"));
  assert.ok(isA("rifampicin", "strong-cyp3a4-inducer"));
  assert.ok(isA("warfarin", "anticoagulant") && isA("enoxaparin", "anticoagulant"));
  assert.ok(isA("BCG vaccine", "live-vaccine") || isA(normaliseDrug("BCG")!, "live-vaccine"));
  assert.equal(normaliseDrug("not a drug at all"), null);
  assert.deepEqual(drugClassesOf("paracetamol"), []);
  assert.ok(drugsInClass("anti-pd-1").includes("penpulimab"));
  assert.ok(drugsInClass("immune-checkpoint-inhibitor").includes("atezolizumab"));
});

test("prednisone-equivalent factors", () => {
  assert.equal(prednisoneEquivalentFactor("prednisone"), 1);
  assert.equal(prednisoneEquivalentFactor("Decadron"), 6.67);
  assert.equal(prednisoneEquivalentFactor("methylprednisolone"), 1.25);
  assert.equal(prednisoneEquivalentFactor("hydrocortisone"), 0.25);
  assert.equal(prednisoneEquivalentFactor("nivolumab"), null);
});

test("conditions: synonyms, hierarchy, codes", () => {
  for (const c of conditionTable.conditions) {
    for (const s of [c.name, ...c.synonyms]) assert.equal(conceptOf(s), c.id, `conceptOf(${JSON.stringify(s)})`);
    for (const p of c.parents ?? []) assert.ok(condition(p), `${c.id} parent ${p}`);
  }
  assert.equal(conceptOf("Non Small cell lung cancer"), "nsclc");
  assert.equal(conceptOf("NSCLC"), "nsclc");
  assert.equal(conceptOf("Nasopharyngeal Neoplasms"), "npc");
  assert.equal(conceptOf("mCRC"), "mcrc");
  assert.equal(conceptOf("Histologically confirmed metastatic soft tissue sarcoma"), "soft-tissue-sarcoma");
  assert.equal(conceptOf("nothing clinical here"), null);
  assert.ok(isA("lung-adenocarcinoma", "nsclc") && isA("lung-adenocarcinoma", "lung-cancer") && isA("es-sclc", "sclc"));
  assert.ok(isA("leiomyosarcoma", "soft-tissue-sarcoma") && isA("mcrc", "colorectal-cancer") && isA("rectal-cancer", "colorectal-cancer"));
  assert.ok(!isA("sclc", "nsclc") && !isA("nsclc", "lung-adenocarcinoma"));
  assert.equal(condition("npc")?.icd10, "C11");
  assert.equal(condition("nsclc")?.snomed, "254637007");
});

test("procedures", () => {
  assert.equal(procedureOf("SBRT"), "radiotherapy");
  assert.equal(procedureOf("major surgical procedure"), "major-surgery");
  assert.equal(procedureOf("allogeneic hematopoietic stem cell transplantation"), "allogeneic-hsct");
  for (const p of procedureTable.procedures) for (const s of p.synonyms) assert.equal(procedureOf(s), p.id, s);
});
