import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type SqliteStudyStore } from "../store/sqlite.js";
import { searchStudies } from "../store/search-query.js";
import { writeZip } from "../../test/support/zip.js";
import { totalInputBytes } from "./inputs.js";
import { importPathsPipelined } from "./pipeline.js";
import { importPaths, type ImportProgress } from "./run.js";

const SHARED = new URL("../../../shared/", import.meta.url);
const v2 = (id: string) => readFileSync(new URL(`data/ctgov-v2/${id}.json`, SHARED), "utf8");
const xml = (id: string) => readFileSync(new URL(`data/ctgov-legacy-xml/${id}.xml`, SHARED), "utf8");
const min = (id: string) => JSON.stringify(JSON.parse(v2(id)));

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "eligo-pipeline-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Everything an import writes, without what differs by design (import times, row ids). */
function contents(store: SqliteStudyStore) {
  const all = (sql: string) => store.db.prepare(sql).all();
  return {
    studies: all("SELECT nct_id, json, json_extract(provenance, '$.source') src, conditions, interventions, countries, min_age_days FROM studies ORDER BY nct_id"),
    conditions: all("SELECT nct_id, condition, source FROM study_conditions ORDER BY nct_id, rowid"),
    interventions: all("SELECT nct_id, name, type, source FROM study_interventions ORDER BY nct_id, rowid"),
    locations: all("SELECT nct_id, facility, city, country, lat, lon, geocoded FROM study_locations ORDER BY nct_id, rowid"),
    docs: all("SELECT nct_id, brief_title, overall_status, phases, conditions, interventions FROM search_docs ORDER BY nct_id"),
    families: all("SELECT nct_id, family FROM search_families ORDER BY nct_id, rowid"),
    searches: ["anlotinib", "lung cancer", "NSCLC", "prostate", "\"small cell\""].map((q) => searchStudies(store.db, { q, pageSize: 100 }).studies.map((s) => s.nctId)),
  };
}

test("the worker pipeline writes exactly what the in-process import writes, and reports the same errors", async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, "in");
  mkdirSync(join(inputs, "nested"), { recursive: true });
  writeFileSync(join(inputs, "a-single"), v2("NCT03418623"));
  writeFileSync(join(inputs, "b.ndjson"), `${min("NCT00465816")}\n${min("NCT00763412")}\n`);
  writeFileSync(join(inputs, "c-page.json"), JSON.stringify({ studies: [JSON.parse(v2("NCT00973089"))], nextPageToken: "t" }));
  writeFileSync(join(inputs, "nested", "d.xml"), xml("NCT05381025"));
  writeFileSync(join(inputs, "e-truncated.json"), v2("NCT02210780").slice(0, 700));
  writeFileSync(join(inputs, "f-notes.txt"), "Some notes about trials\n");
  writeFileSync(join(inputs, "g-empty.json"), "");
  const bad = JSON.parse(v2("NCT04207047"));
  bad.protocolSection.identificationModule.nctId = "NCT-broken";
  writeFileSync(join(inputs, "h-mixed.ndjson"), `${min("NCT05594173")}\n${JSON.stringify(bad)}\n${min("NCT06171568")}\n`);
  await writeZip(join(inputs, "i-archive.zip"), [
    { name: "studies/NCT05482516.xml", data: xml("NCT05482516") },
    { name: "studies/more.ndjson", data: `${min("NCT03453554")}\n${min("NCT03475563")}` },
    { name: "studies/broken.xml", data: "<clinical_study><id_info>" },
  ]);
  const paths = [inputs, new URL("seeds", SHARED).pathname, join(dir, "no-such-file.json")];

  const plain = openStore(join(dir, "plain.db"));
  const piped = openStore(join(dir, "piped.db"));
  t.after(() => {
    plain.close();
    piped.close();
  });
  const a = await importPaths(plain, paths);
  const progress: ImportProgress[] = [];
  const b = await importPaths(piped, paths, { worker: true, onProgress: (p) => progress.push(p) });
  assert.deepEqual(b, a);
  assert.equal(a.imported, 13);
  assert.equal(a.failed, 6);
  assert.ok(a.errors.some((e) => e.source.endsWith("h-mixed.ndjson") && /^line 2: study \(NCT-broken\) is not a valid study/.test(e.reason)));
  assert.equal(piped.has("NCT05594173"), false, "a file with a bad study imports none of its studies");
  assert.deepEqual(contents(piped), contents(plain));
  assert.ok(progress.every((p, i) => i === 0 || p.bytes >= progress[i - 1].bytes), "progress bytes never go back");

  // Again: every study is unchanged, and nothing is written twice.
  const again = await importPaths(piped, paths, { worker: true });
  assert.deepEqual([again.imported, again.updated, again.unchanged], [0, 0, 13]);
  assert.deepEqual(contents(piped), contents(plain));
});

test("a large NDJSON input streams through in many batches with the reader held back, memory bounded", async (t) => {
  const dir = tempDir(t);
  const base = JSON.parse(v2("NCT03418623"));
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const s = structuredClone(base);
    s.protocolSection.identificationModule.nctId = `NCT${String(90_000_000 + i)}`;
    s.protocolSection.identificationModule.briefTitle = `Generated study ${i}`;
    lines.push(JSON.stringify(s));
  }
  const file = join(dir, "many.ndjson");
  writeFileSync(file, lines.join("\n"));
  const store = openStore(join(dir, "db.sqlite"));
  t.after(() => store.close());
  const progress: ImportProgress[] = [];
  // Tiny batches and a look-ahead of two batches: the reader must wait for the writer many times.
  const batch = lines[0].length * 3;
  const counts = await importPathsPipelined(store, [file], { onProgress: (p) => progress.push(p) }, { batchChars: batch, aheadChars: batch * 2 });
  assert.deepEqual([counts.imported, counts.failed, counts.inputs], [300, 0, 1]);
  assert.equal(store.count(), 300);
  assert.equal(searchStudies(store.db, { q: "generated study 299" }).studies[0].nctId, "NCT90000299");
  assert.ok(progress.length >= 5, `progress is reported as batches land (${progress.length})`);
  assert.equal(progress.at(-1)!.bytes, await totalInputBytes([file]));
  assert.equal(progress.at(-1)!.studies, 300);
});

test("an invalid line late in a large input rolls the whole input back and names the line", async (t) => {
  const dir = tempDir(t);
  const good = min("NCT03418623");
  const lines = Array.from({ length: 50 }, (_, i) => good.replace("NCT03418623", `NCT${String(91_000_000 + i)}`));
  lines[47] = lines[47].slice(0, 300);
  const inputs = join(dir, "in");
  mkdirSync(inputs);
  writeFileSync(join(inputs, "late-error.ndjson"), lines.join("\n"));
  writeFileSync(join(inputs, "z-good.json"), v2("NCT00973089"));
  const store = openStore(join(dir, "db.sqlite"));
  t.after(() => store.close());
  const counts = await importPathsPipelined(store, [inputs], {}, { batchChars: good.length * 4, aheadChars: good.length * 8 });
  assert.equal(counts.failed, 1);
  assert.equal(counts.errors[0].source, join(inputs, "late-error.ndjson"));
  assert.match(counts.errors[0].reason, /^line 48: invalid JSON/);
  assert.deepEqual(store.list().map((s) => s.nctId), ["NCT00973089"], "none of the bad file's 47 good studies stay");
});

test("worker cannot be combined with hooks that need the study object", async () => {
  const store = openStore(":memory:");
  await assert.rejects(importPaths(store, [], { worker: true, afterUpsert: () => {} }), /worker cannot be combined/);
  store.close();
});
