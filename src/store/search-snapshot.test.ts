import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Study } from "../model/study.js";
import { compareBinary, foldNocase, SearchSnapshot } from "./search-snapshot.js";
import { openStore } from "./sqlite.js";

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

test("property: compareBinary orders strings as SQLite's BINARY collation (UTF-8 bytes)", () => {
  const text = fc.string({ unit: fc.constantFrom("a", "b", "é", "\uffee", "\ud83d\ude00", "\u{10000}", "\ue000", "Z") });
  fc.assert(
    fc.property(text, text, (a, b) => {
      assert.equal(sign(compareBinary(a, b)), sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
    }),
  );
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
      assert.equal(sign(compareBinary(a, b)), sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
    }),
  );
});

test("foldNocase folds ASCII letters only, as SQLite's NOCASE", () => {
  assert.equal(foldNocase("United STATES"), "united states");
  assert.equal(foldNocase("ÉCOLE Ünï"), "École Ünï");
  assert.equal(foldNocase("already lower"), "already lower");
  const db = openStore(":memory:").db;
  for (const s of ["ÄBC", "Straße", "İstanbul", "ǅ", "MiXeD 42"]) {
    assert.equal(foldNocase(s) === foldNocase(s.toLowerCase()), db.prepare("SELECT ? = ? COLLATE NOCASE").pluck().get(s, s.toLowerCase()) === 1, s);
  }
});

test("the snapshot groups sites per study: distinct countries (NOCASE), cities and points; studies per point", () => {
  const store = openStore(":memory:");
  const study = (id: string, locations: object[]) =>
    ({ protocolSection: { identificationModule: { nctId: id, briefTitle: id }, contactsLocationsModule: { locations } } }) as unknown as Study;
  const prov = { sourceKind: "ctgov-v2-json" as const, source: "test", importedAt: "2026-01-01T00:00:00Z" };
  store.upsert(
    study("NCT00000001", [
      { city: "Springfield", country: "United States", geoPoint: { lat: 1, lon: 2 } },
      { city: "springfield", country: "united states", geoPoint: { lat: 1, lon: 2 } },
      { city: "Shelbyville", country: "Canada", geoPoint: { lat: 3, lon: 4 } },
    ]),
    prov,
  );
  store.upsert(study("NCT00000002", [{ facility: "no place" }, { city: "Springfield", country: "UNITED STATES", geoPoint: { lat: 1, lon: 2 } }]), prov);
  store.upsert(study("NCT00000003", []), prov);
  const s = new SearchSnapshot(store.db);
  assert.equal(s.n, 3);
  const list = (l: { start: Int32Array; items: Int32Array }, i: number) => [...l.items.subarray(l.start[i], l.start[i + 1])];
  assert.deepEqual(
    list(s.countries, 0).map((g) => s.countryGroups[g]),
    ["united states", "canada"],
  );
  // The spelling of each study's first site in the group.
  assert.deepEqual(
    [...s.countrySpelling.subarray(s.countries.start[1], s.countries.start[2])].map((x) => s.countrySpellings[x]),
    ["UNITED STATES"],
  );
  assert.deepEqual(
    list(s.cities, 0).map((g) => s.cityGroups[g]),
    ["springfield", "shelbyville"],
  );
  assert.deepEqual(
    list(s.points, 0).map((p) => [s.pointLat[p], s.pointLon[p]]),
    [
      [1, 2],
      [3, 4],
    ],
  );
  assert.deepEqual(list(s.points, 2), []);
  const springfield = list(s.points, 1)[0];
  assert.deepEqual(list(s.studiesAtPoint, springfield), [0, 1]);
  assert.deepEqual([...s.latOfPointsByLat], [1, 3]);
  store.close();
});
