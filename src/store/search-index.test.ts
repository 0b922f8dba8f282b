import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Study } from "../model/study.js";
import { searchStudies } from "./search-query.js";
import { relatedStudies } from "./search-related.js";
import { ftsDocument } from "./search-index.js";
import { migrations } from "./migrations.js";
import { openStore } from "./sqlite.js";

const prov = { sourceKind: "ctgov-v2-json" as const, source: "test", importedAt: "2026-01-01T00:00:00Z" };
function study(id: string, title: string, extra: Partial<Study["protocolSection"]> = {}, lastUpdate = "2024-01-01"): Study {
  return {
    protocolSection: {
      identificationModule: { nctId: id, briefTitle: title },
      statusModule: { overallStatus: "RECRUITING", lastUpdatePostDateStruct: { date: lastUpdate } },
      ...extra,
    },
  } as Study;
}
const ids = (r: { studies: Array<{ nctId: string }> }) => r.studies.map((s) => s.nctId).sort();

test("the FTS document holds titles, conditions with synonyms and families, interventions, text", () => {
  const d = ftsDocument(
    study("NCT00000001", "Drug X in NSCLC", {
      conditionsModule: { conditions: ["Non-Small Cell Lung Cancer"] },
      armsInterventionsModule: { interventions: [{ name: "Anlotinib", otherNames: ["AL3818"], type: "DRUG" }] },
      descriptionModule: { briefSummary: "A summary", detailedDescription: "Hepatocellular carcinoma cohort" },
    }),
  );
  assert.match(d.ids, /NCT00000001/);
  assert.match(d.title, /Drug X in NSCLC/);
  assert.match(d.cond, /Non-Small Cell Lung Cancer/);
  assert.match(d.cond, /NSCLC/);
  assert.match(d.cond, /Lung Neoplasms/);
  assert.match(d.interv, /AL3818/);
  assert.match(d.syn, /HCC/);
  assert.doesNotMatch(d.syn, /\bSCLC\b/);
});

test("upsert keeps the index in step: replaced records lose their old words", () => {
  const store = openStore(":memory:");
  store.upsert(study("NCT00000002", "Quokka trial", {}, "2024-01-01"), prov);
  assert.deepEqual(ids(searchStudies(store.db, { q: "quokka" })), ["NCT00000002"]);
  store.upsert(study("NCT00000002", "Wombat trial", {}, "2024-06-01"), prov);
  assert.deepEqual(ids(searchStudies(store.db, { q: "quokka" })), []);
  assert.deepEqual(ids(searchStudies(store.db, { q: "wombat" })), ["NCT00000002"]);
  assert.equal(searchStudies(store.db, {}).total, 1);
  store.close();
});

test("a database from before the search index is indexed and geocoded by the migrations", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eligo-search-mig-"));
  const file = path.join(dir, "old.db");
  try {
    let store = openStore(file);
    store.upsert(
      study("NCT00000003", "Numbat study in SCLC", {
        contactsLocationsModule: { locations: [{ facility: "Hospital", city: "Hangzhou", country: "China" }] },
      }),
      prov,
    );
    // Make it look like a version-1 database: no search tables, no geocoding.
    store.db.exec(`DROP TABLE search_docs; DROP TABLE search_fts; DROP TABLE search_families;
      UPDATE study_locations SET lat = NULL, lon = NULL; ALTER TABLE study_locations DROP COLUMN geocoded; PRAGMA user_version = 1;`);
    store.close();
    const told: number[] = [];
    store = openStore(file, { onMigration: (m, i, n) => told.push(m.version, i, n) });
    assert.deepEqual(told, [2, 0, 5, 3, 1, 5, 5, 2, 5, 6, 3, 5, 7, 4, 5], "each upgrade step is announced before it runs");
    assert.equal(store.db.pragma("user_version", { simple: true }), Math.max(...migrations.map((m) => m.version)));
    assert.deepEqual(ids(searchStudies(store.db, { q: "numbat small cell lung cancer" })), ["NCT00000003"]);
    // Migration 5: the full-text table keeps no copy of the text, and has no prefix indexes.
    const ftsSql = store.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'search_fts'").pluck().get() as string;
    assert.match(ftsSql, /content = ''/);
    assert.doesNotMatch(ftsSql, /prefix/);
    assert.deepEqual(ids(searchStudies(store.db, { q: "numb" })), ["NCT00000003"], "prefix queries still work");
    const near = searchStudies(store.db, { near: { lat: 30.29, lon: 120.16 }, radiusKm: 10 });
    assert.deepEqual(ids(near), ["NCT00000003"]);
    assert.equal(near.studies[0].locations[0].geocoded, true);
    store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("related trials: shared drug words and condition family, with reasons; registry-page links when stored", () => {
  const store = openStore(":memory:");
  const iv = (name: string) => ({ armsInterventionsModule: { interventions: [{ name }] } });
  store.upsert(study("NCT00000010", "Anlotinib plus penpulimab in small cell lung cancer", { ...iv("Anlotinib Plus Penpulimab"), referencesModule: { seeAlsoLinks: [{ url: "https://clinicaltrials.gov/study/NCT00000013" }, { url: "https://clinicaltrials.gov/study/NCT09999999" }] } }), prov);
  store.upsert(study("NCT00000011", "Anlotinib for NSCLC", { conditionsModule: { conditions: ["NSCLC"] }, ...iv("Anlotinib") }), prov);
  store.upsert(study("NCT00000012", "Anlotinib in soft tissue sarcoma", { conditionsModule: { conditions: ["Soft Tissue Sarcoma"] }, ...iv("Anlotinib hydrochloride capsules") }), prov);
  store.upsert(study("NCT00000013", "Exercise after surgery", { conditionsModule: { conditions: ["Fatigue"] } }), prov);
  store.upsert(study("NCT00000014", "Placebo in lung cancer screening", { conditionsModule: { conditions: ["Lung Cancer"] }, ...iv("Placebo") }), prov);
  const rel = relatedStudies(store.db, "NCT00000010")!;
  assert.equal(rel[0].nctId, "NCT00000011");
  assert.match(rel[0].why, /same drug: anlotinib/);
  assert.match(rel[0].why, /same condition family: lung neoplasms/);
  const sarcoma = rel.find((r) => r.nctId === "NCT00000012")!;
  assert.match(sarcoma.why, /same drug: anlotinib/);
  assert.doesNotMatch(sarcoma.why, /family/);
  const link = rel.find((r) => r.nctId === "NCT00000013")!;
  assert.match(link.why, /listed as related on the registry page/);
  assert.ok(!rel.some((r) => r.nctId === "NCT09999999" || r.nctId === "NCT00000010"));
  // Placebo does not relate trials; the shared lung family does.
  const placebo = rel.find((r) => r.nctId === "NCT00000014");
  assert.ok(placebo && !/placebo/.test(placebo.why));
  assert.equal(relatedStudies(store.db, "NCT00000099"), undefined);
  store.close();
});
