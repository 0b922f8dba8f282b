import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../store/sqlite.js";
import { writeZip } from "../../test/support/zip.js";
import { totalInputBytes } from "./inputs.js";
import { importPaths, type ImportProgress } from "./run.js";

const SHARED = new URL("../../../shared/data/", import.meta.url);
const v2 = (id: string) => readFileSync(new URL(`ctgov-v2/${id}.json`, SHARED), "utf8");
const xml = (id: string) => readFileSync(new URL(`ctgov-legacy-xml/${id}.xml`, SHARED), "utf8");
const min = (id: string) => JSON.stringify(JSON.parse(v2(id)));

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "eligo-run-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("files, directories, NDJSON, pages and zips import; bad files are reported and skipped", async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, "in");
  mkdirSync(join(inputs, "nested", "deeper"), { recursive: true });
  writeFileSync(join(inputs, "a-single"), v2("NCT03418623")); // no extension: content decides
  writeFileSync(join(inputs, "b.ndjson"), `${min("NCT00465816")}\n${min("NCT00763412")}\n`);
  writeFileSync(join(inputs, "c-page.json"), JSON.stringify({ studies: [JSON.parse(v2("NCT00973089"))], nextPageToken: "t" }));
  writeFileSync(join(inputs, "nested", "deeper", "d.xml"), xml("NCT05381025"));
  writeFileSync(join(inputs, "e-truncated.json"), v2("NCT02210780").slice(0, 700));
  writeFileSync(join(inputs, "f-notes.txt"), "Some notes about trials\n");
  writeFileSync(join(inputs, "g-empty.json"), "");
  await writeZip(join(inputs, "h-archive.bin"), [
    { name: "studies/NCT05482516.xml", data: xml("NCT05482516") },
    { name: "studies/page.json", data: JSON.stringify({ studies: [JSON.parse(v2("NCT02552212"))] }) },
    { name: "studies/more.ndjson", data: `${min("NCT03453554")}\n${min("NCT03475563")}` },
    { name: "studies/broken.xml", data: "<clinical_study><id_info>" },
  ]);
  writeFileSync(join(inputs, "i-corrupt.zip"), Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]));

  const store = openStore(join(dir, "db.sqlite"));
  t.after(() => store.close());
  const progress: ImportProgress[] = [];
  const afterUpsert: string[] = [];
  const missing = join(dir, "no-such-file.json");
  const counts = await importPaths(store, [inputs, missing], {
    onProgress: (p) => progress.push(p),
    afterUpsert: (s, outcome) => afterUpsert.push(`${s.study.protocolSection.identificationModule.nctId}:${outcome}`),
  });

  const expectedIds = [
    "NCT00465816", "NCT00763412", "NCT00973089", "NCT02552212", "NCT03418623",
    "NCT03453554", "NCT03475563", "NCT05381025", "NCT05482516",
  ];
  assert.deepEqual(store.list().map((s) => s.nctId), expectedIds);
  assert.equal(counts.imported, 9);
  assert.equal(counts.updated + counts.unchanged, 0);
  assert.equal(counts.inputs, 7);
  const bySource = new Map(counts.errors.map((e) => [e.source.slice(dir.length + 1), e.reason]));
  assert.equal(counts.failed, 6);
  assert.match(bySource.get("in/e-truncated.json")!, /invalid JSON/);
  assert.match(bySource.get("in/f-notes.txt")!, /not a recognised format/);
  assert.match(bySource.get("in/g-empty.json")!, /empty file/);
  assert.match(bySource.get("in/h-archive.bin!studies/broken.xml")!, /invalid XML/);
  assert.match(bySource.get("in/i-corrupt.zip")!, /cannot read zip archive/);
  assert.match(bySource.get("no-such-file.json")!, /no such file or directory/);

  // Provenance names the file, and the member of an archive.
  assert.equal(store.get("NCT05381025")!.provenance.source, join(inputs, "nested", "deeper", "d.xml"));
  assert.equal(store.get("NCT05482516")!.provenance.source, `${join(inputs, "h-archive.bin")}!studies/NCT05482516.xml`);
  assert.equal(store.get("NCT05482516")!.provenance.sourceKind, "ctgov-legacy-xml");
  assert.equal(store.get("NCT03453554")!.provenance.sourceKind, "ctgov-v2-json");

  assert.deepEqual(afterUpsert.sort(), expectedIds.map((id) => `${id}:imported`));
  const last = progress[progress.length - 1];
  assert.equal(last.studies, 9);
  assert.equal(last.failed, 6);
  assert.ok(last.bytes <= (await totalInputBytes([inputs])) && last.bytes > 0);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i].bytes >= progress[i - 1].bytes, "progress never goes back");

  // Again: nothing new, nothing changed, the same failures.
  const again = await importPaths(store, [inputs]);
  assert.deepEqual([again.imported, again.updated, again.unchanged, again.failed], [0, 0, 9, 5]);
  assert.equal(store.count(), 9);
});

test("one transaction per file: a file whose second study is invalid imports none of its studies", async (t) => {
  const dir = tempDir(t);
  const bad = JSON.parse(v2("NCT04207047"));
  bad.protocolSection.identificationModule.nctId = "NCT-broken";
  writeFileSync(join(dir, "mixed.ndjson"), `${min("NCT05594173")}\n${JSON.stringify(bad)}\n${min("NCT06171568")}\n`);
  writeFileSync(join(dir, "good.json"), v2("NCT03630471"));
  const store = openStore(join(dir, "db.sqlite"));
  t.after(() => store.close());
  const counts = await importPaths(store, [join(dir, "mixed.ndjson"), join(dir, "good.json")]);
  assert.equal(counts.failed, 1);
  assert.equal(counts.errors[0].source, join(dir, "mixed.ndjson"));
  assert.match(counts.errors[0].reason, /^line 2: study \(NCT-broken\) is not a valid study: protocolSection\.identificationModule\.nctId/);
  assert.equal(store.has("NCT05594173"), false, "the valid first study was rolled back with its file");
  assert.equal(store.has("NCT06171568"), false);
  assert.equal(store.has("NCT03630471"), true, "the next file still imports");
  assert.equal(counts.imported, 1);
});

test("an afterUpsert hook that throws rolls its file back", async (t) => {
  const root = tempDir(t);
  const dir = join(root, "in");
  mkdirSync(dir);
  writeFileSync(join(dir, "two.ndjson"), `${min("NCT05594173")}\n${min("NCT06171568")}\n`);
  const store = openStore(join(root, "db.sqlite"));
  t.after(() => store.close());
  const counts = await importPaths(store, [dir], {
    afterUpsert: (s) => {
      if (s.study.protocolSection.identificationModule.nctId === "NCT06171568") throw new Error("criteria parser failed");
    },
  });
  assert.deepEqual(counts.errors, [{ source: join(dir, "two.ndjson"), reason: "criteria parser failed" }]);
  assert.equal(store.count(), 0);
});

test("a newer record in a later file updates; an older one is left alone", async (t) => {
  const root = tempDir(t);
  const dir = join(root, "in");
  mkdirSync(dir);
  const base = JSON.parse(v2("NCT03418623"));
  const newer = structuredClone(base);
  newer.protocolSection.statusModule.lastUpdatePostDateStruct.date = "2021-01-01";
  newer.protocolSection.statusModule.overallStatus = "TERMINATED";
  const older = structuredClone(base);
  older.protocolSection.statusModule.lastUpdatePostDateStruct.date = "2019-01-01";
  older.protocolSection.statusModule.overallStatus = "RECRUITING";
  writeFileSync(join(dir, "1.json"), JSON.stringify(base));
  writeFileSync(join(dir, "2.json"), JSON.stringify(newer));
  writeFileSync(join(dir, "3.json"), JSON.stringify(older));
  const store = openStore(join(root, "db.sqlite"));
  t.after(() => store.close());
  const counts = await importPaths(store, [dir]);
  assert.deepEqual([counts.imported, counts.updated, counts.unchanged, counts.failed], [1, 1, 1, 0]);
  assert.equal(store.get("NCT03418623")!.study.protocolSection.statusModule!.overallStatus, "TERMINATED");
  assert.equal(store.get("NCT03418623")!.provenance.source, join(dir, "2.json"));
});
