import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Study, type Provenance } from "../model/study.js";
import { openStore, type SqliteStudyStore } from "./sqlite.js";

const V2 = new URL("../../../shared/data/ctgov-v2/", import.meta.url);
const real = (id: string) => Study.parse(JSON.parse(readFileSync(new URL(`${id}.json`, V2), "utf8")));
const prov = (source: string): Provenance => ({ sourceKind: "ctgov-v2-json", source, importedAt: "2026-01-01T00:00:00Z" });

function withStore(t: { after(fn: () => void): void }): SqliteStudyStore {
  const dir = mkdtempSync(join(tmpdir(), "eligo-store-"));
  const store = openStore(join(dir, "s.db"));
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

function dated(base: Study, date: string, status: "RECRUITING" | "COMPLETED" | "TERMINATED"): Study {
  const s = structuredClone(base);
  s.protocolSection.statusModule = {
    ...s.protocolSection.statusModule,
    overallStatus: status,
    lastUpdatePostDateStruct: { date, type: "ACTUAL" },
  };
  return s;
}

test("upsert: new, identical, newer and older records", (t) => {
  const store = withStore(t);
  const base = real("NCT03418623");
  assert.equal(store.upsert(base, prov("a.json")), "imported");
  assert.equal(store.upsert(base, prov("a-again.json")), "unchanged", "identical record: idempotent");
  assert.equal(store.get("NCT03418623")!.provenance.source, "a.json", "an unchanged record keeps its provenance");

  const newer = dated(base, "2021-06-01", "TERMINATED");
  assert.equal(store.upsert(newer, prov("b.json")), "updated");
  assert.equal(store.get("NCT03418623")!.study.protocolSection.statusModule!.overallStatus, "TERMINATED");
  assert.equal(store.get("NCT03418623")!.provenance.source, "b.json");

  const older = dated(base, "2019-01-01", "RECRUITING");
  assert.equal(store.upsert(older, prov("c.json")), "unchanged", "an older record is ignored");
  const kept = store.get("NCT03418623")!;
  assert.equal(kept.study.protocolSection.statusModule!.overallStatus, "TERMINATED");
  assert.equal(store.list()[0].overallStatus, "TERMINATED", "filter columns follow the kept record");
  assert.equal(store.list()[0].lastUpdate, "2021-06-01");
  assert.equal(store.count(), 1);
});

test("the stored record round-trips in v2 shape, unknown fields included", (t) => {
  const store = withStore(t);
  const s = real("NCT04207047");
  store.upsert(s, prov("x.json"));
  assert.deepEqual(store.get("NCT04207047")!.study, JSON.parse(JSON.stringify(s)));
  const summary = store.list()[0];
  assert.equal(summary.nctId, "NCT04207047");
  assert.equal(summary.briefTitle, s.protocolSection.identificationModule.briefTitle);
});

test("replacing a record replaces its child rows and drops its stale criteria parse", (t) => {
  const store = withStore(t);
  const base = real("NCT03418623");
  store.upsert(base, prov("a"));
  store.setParsedCriteria("NCT03418623", "v1", "[]");
  const newer = dated(base, "2022-01-01", "COMPLETED");
  newer.protocolSection.conditionsModule = { conditions: ["Alcohol Use Disorder", "Anxiety"] };
  store.upsert(newer, prov("b"));
  const conds = store.db.prepare("SELECT condition FROM study_conditions WHERE nct_id = ? AND source = 'condition' ORDER BY condition").pluck().all("NCT03418623");
  assert.deepEqual(conds, ["Alcohol Use Disorder", "Anxiety"]);
  assert.equal(store.getParsedCriteria("NCT03418623"), undefined);
  assert.deepEqual(store.staleCriteria("v1"), ["NCT03418623"]);
});

test("transaction and transactionAsync: all or nothing", async (t) => {
  const store = withStore(t);
  const a = real("NCT03418623");
  const b = real("NCT04207047");
  assert.throws(() =>
    store.transaction(() => {
      store.upsert(a, prov("f"));
      throw new Error("second study invalid");
    }),
  );
  assert.equal(store.count(), 0);
  await assert.rejects(
    store.transactionAsync(async () => {
      store.upsert(a, prov("f"));
      await new Promise((r) => setTimeout(r, 1));
      store.upsert(b, prov("f"));
      throw new Error("file truncated");
    }),
    /file truncated/,
  );
  assert.equal(store.count(), 0, "both upserts rolled back");
  await store.transactionAsync(async () => {
    store.upsert(a, prov("f"));
    await Promise.resolve();
    store.upsert(b, prov("f"));
  });
  assert.equal(store.count(), 2);
  let nested: Promise<number> | undefined;
  store.transaction(() => {
    nested = store.transactionAsync(async () => 1);
  });
  await assert.rejects(nested!, /cannot run inside another transaction/);
});

test("property: whatever order versions arrive in, the newest is kept and re-import changes nothing", (t) => {
  const store = withStore(t);
  const base = real("NCT06171568");
  const statuses = ["RECRUITING", "COMPLETED", "TERMINATED"] as const;
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 6 }),
      (days) => {
        store.db.exec("DELETE FROM studies");
        const versions = days.map((d, i) => {
          const date = new Date(Date.UTC(2015, 0, 1) + d * 86400000).toISOString().slice(0, 10);
          return dated(base, date, statuses[i % 3]);
        });
        for (const v of versions) store.upsert(v, prov("p"));
        const newest = versions.reduce((m, v) =>
          v.protocolSection.statusModule!.lastUpdatePostDateStruct!.date > m.protocolSection.statusModule!.lastUpdatePostDateStruct!.date ? v : m,
        );
        assert.deepEqual(store.get("NCT06171568")!.study, newest);
        for (const v of versions) assert.equal(store.upsert(v, prov("p")), "unchanged");
        assert.equal(store.count(), 1);
      },
    ),
    { numRuns: 60 },
  );
});

test("eligibilityModuleOf reads just the eligibility module: equal to the stored record's, null without one, undefined for no study", (t) => {
  const store = withStore(t);
  const s = real("NCT03418623");
  store.upsert(s, prov("a"));
  assert.deepEqual(store.eligibilityModuleOf("NCT03418623"), store.get("NCT03418623")!.study.protocolSection.eligibilityModule);
  const bare = structuredClone(s);
  bare.protocolSection.identificationModule.nctId = "NCT00000001";
  delete bare.protocolSection.eligibilityModule;
  store.upsert(bare, prov("b"));
  assert.equal(store.eligibilityModuleOf("NCT00000001"), null);
  assert.equal(store.eligibilityModuleOf("NCT99999999"), undefined);
});
