import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Study, type Provenance } from "../model/study.js";
import { openStore, type SqliteStudyStore } from "../store/sqlite.js";
import type { StudyStore } from "../store/store.js";
import { PARSER_VERSION, parseAndStore, reparseStale, reparseStaleParallel, storedCriteria } from "./persist.js";
import type { ParsedCriteria } from "./types.js";

const V2 = new URL("../../../shared/data/ctgov-v2/", import.meta.url);
const studies = readdirSync(V2)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => Study.parse(JSON.parse(readFileSync(new URL(f, V2), "utf8"))));
const withText = studies.filter((s) => (s.protocolSection.eligibilityModule?.eligibilityCriteria ?? "").length > 100);
const prov: Provenance = { sourceKind: "ctgov-v2-json", source: "test", importedAt: "2026-01-01T00:00:00Z" };

function withStore(t: { after(fn: () => void): void }): SqliteStudyStore {
  const dir = mkdtempSync(join(tmpdir(), "eligo-criteria-"));
  const store = openStore(join(dir, "s.db"));
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

test("parseAndStore keeps the parse with the parser version; storedCriteria reads it back", (t) => {
  const store = withStore(t);
  const s = withText[0];
  const id = s.protocolSection.identificationModule.nctId;
  store.upsert(s, prov);
  assert.deepEqual(store.staleCriteria(PARSER_VERSION), [id]);
  const parsed = parseAndStore(store, s);
  assert.equal(parsed.parserVersion, PARSER_VERSION);
  assert.ok(parsed.criteria.length > 0);
  assert.deepEqual(storedCriteria(store, id), JSON.parse(JSON.stringify(parsed)) as ParsedCriteria);
  assert.deepEqual(store.staleCriteria(PARSER_VERSION), []);
});

test("reparseStale parses missing and other-version parses, in batches, with progress; a changed record is re-parsed", (t) => {
  const store = withStore(t);
  for (const s of studies) store.upsert(s, prov);
  const ids = withText.map((s) => s.protocolSection.identificationModule.nctId);
  store.setParsedCriteria(ids[0], "0.0.0-old", "{}");
  store.setParsedCriteria(ids[1], PARSER_VERSION, JSON.stringify({ parserVersion: PARSER_VERSION, criteria: [] }));
  const progress: Array<[number, number]> = [];
  const sum = reparseStale(store, (d, n) => progress.push([d, n]), { batchSize: 5 });
  const n = studies.length - 1;
  assert.equal(sum.parsed, n, "every study but the one already at this version");
  assert.equal(sum.missing, 0);
  assert.deepEqual(progress[progress.length - 1], [n, n]);
  assert.equal(progress.length, Math.ceil(n / 5));
  assert.deepEqual(store.staleCriteria(PARSER_VERSION), []);
  assert.equal(storedCriteria(store, ids[1])!.criteria.length, 0, "a parse at this version is left alone");
  assert.ok(storedCriteria(store, ids[0])!.criteria.length > 0);
  // a nothing-to-do run reports nothing
  assert.deepEqual(reparseStale(store), { parsed: 0, missing: 0 });

  // an updated record drops its parse, and the next run parses it again
  const changed = structuredClone(withText[2]);
  changed.protocolSection.eligibilityModule = { ...changed.protocolSection.eligibilityModule, eligibilityCriteria: "Inclusion Criteria:\n- Hb ≥ 9 g/dL" };
  changed.protocolSection.statusModule = { ...changed.protocolSection.statusModule, lastUpdatePostDateStruct: { date: "2099-01-01", type: "ACTUAL" } };
  assert.equal(store.upsert(changed, prov), "updated");
  const cid = changed.protocolSection.identificationModule.nctId;
  assert.deepEqual(store.staleCriteria(PARSER_VERSION), [cid]);
  assert.deepEqual(reparseStale(store), { parsed: 1, missing: 0 });
  const c = storedCriteria(store, cid)!.criteria.find((x) => x.source === "text")!;
  assert.deepEqual(
    c.constraints.filter((k) => k.type === "numeric").map((k) => k.type === "numeric" && [k.variable, k.op, k.value, k.unit]),
    [["hemoglobin", ">=", 9, "g/dL"]],
  );
});

test("module criteria: minimum/maximum age and sex become constraints with source 'module'", (t) => {
  const store = withStore(t);
  const s = structuredClone(studies[0]);
  s.protocolSection.eligibilityModule = { ...s.protocolSection.eligibilityModule, minimumAge: "18 Years", maximumAge: "6 Months", sex: "FEMALE" };
  store.upsert(s, prov);
  const mod = parseAndStore(store, s).criteria.filter((c) => c.source === "module");
  assert.deepEqual(
    mod.map((c) => c.constraints[0]).map((k) => (k.type === "numeric" ? [k.variable, k.op, k.value, k.unit] : k.type === "demographic" ? [k.aspect, k.sex] : [])),
    [
      ["age", ">=", 18, "a"],
      ["age", "<=", 6, "mo"],
      ["sex", "female"],
    ],
  );
});

test("parseAndStore names the problem when the study has no NCT id", (t) => {
  const store = withStore(t);
  assert.throws(() => parseAndStore(store, { protocolSection: {} } as unknown as Study), /no protocolSection\.identificationModule\.nctId/);
});

test("reparseStaleParallel stores exactly what reparseStale stores, in batches, with progress; a study gone from the store counts as missing", { timeout: 120_000 }, async (t) => {
  const ids = studies.map((s) => s.protocolSection.identificationModule.nctId);
  const seq = withStore(t);
  for (const s of studies) seq.upsert(s, prov);
  reparseStale(seq);
  for (const opts of [
    { workers: 1, batchSize: 3 },
    { workers: 2, batchSize: 200 },
    { workers: 0, batchSize: 4 },
  ]) {
    const store = withStore(t);
    for (const s of studies) store.upsert(s, prov);
    // the stale list is read first; one study disappears before its turn comes
    const gone = ids[5];
    const flaky = new Proxy(store, {
      get(target, key) {
        if (key === "get") return (id: string) => (id === gone ? undefined : target.get(id));
        if (key === "eligibilityModuleOf") return (id: string) => (id === gone ? undefined : target.eligibilityModuleOf(id));
        const v = Reflect.get(target, key) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as StudyStore;
    const progress: Array<[number, number]> = [];
    const sum = await reparseStaleParallel(flaky, (d, n) => progress.push([d, n]), opts);
    assert.deepEqual(sum, { parsed: ids.length - 1, missing: 1 }, JSON.stringify(opts));
    assert.deepEqual(progress[progress.length - 1], [ids.length, ids.length]);
    assert.ok(progress.every(([d], i) => i === 0 || d > progress[i - 1][0]), "progress only grows");
    if (opts.batchSize < ids.length) assert.ok(progress.length >= Math.ceil((ids.length - 1) / opts.batchSize), "one report per written batch");
    for (const id of ids) {
      if (id === gone) assert.equal(store.getParsedCriteria(id), undefined);
      else assert.equal(store.getParsedCriteria(id)?.json, seq.getParsedCriteria(id)!.json, id);
    }
    assert.deepEqual(store.staleCriteria(PARSER_VERSION), [gone]);
  }
});
