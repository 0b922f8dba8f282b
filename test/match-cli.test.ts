/** `eligo match` end to end: JSON shape, prefilter and --trial, statuses, errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseRegistryPage } from "../src/ingest/registry-page/index.js";
import { openStore } from "../src/store/sqlite.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const seeds = fileURLToPath(new URL("../../shared/seeds/", import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eligo-match-cli-"));
const db = path.join(dir, "t.db");
{
  const store = openStore(db);
  for (const f of fs.readdirSync(seeds).sort()) {
    const { study, provenance } = parseRegistryPage(fs.readFileSync(path.join(seeds, f), "utf8"), f);
    store.upsert(study, provenance);
  }
  store.close();
}
const eligo = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_NO_WARNINGS: "1", NO_COLOR: "1" } });

test("--json prints exactly asOf, patient, results, questions; the prefilter keeps the patient's family", () => {
  const r = eligo("match", "examples/nsclc-fits.json", "--db", db, "--as-of", "2026-11-01", "--status", "all", "--json");
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { asOf: string; patient: Record<string, unknown>; results: Array<Record<string, unknown>>; questions: unknown[] };
  assert.deepEqual(Object.keys(out), ["asOf", "patient", "results", "questions"]);
  assert.equal(out.asOf, "2026-11-01");
  assert.deepEqual(Object.keys(out.results[0]), ["nctId", "briefTitle", "verdict", "score", "criteria", "questions"]);
  assert.deepEqual(Object.keys((out.results[0].criteria as Array<Record<string, unknown>>)[0]), ["kind", "text", "status", "evidence", "constraints"]);
  assert.equal(out.results[0].nctId, "NCT05460481");
  assert.equal(out.results[0].verdict, "eligible");
  // Lung family: the NSCLC trial and the SCLC one (which lists no conditions); not colorectal, sarcoma, NPC.
  assert.deepEqual(out.results.map((x) => x.nctId).sort(), ["NCT05001971", "NCT05460481"]);
  assert.ok(!("birthDate" in out.patient) && !("id" in out.patient));
});

test("default statuses are recruiting and not yet recruiting; --trial evaluates exactly the trials named", () => {
  const r = eligo("match", "examples/crc-fits.json", "--db", db, "--as-of", "2026-11-01", "--json");
  assert.equal(r.status, 0, r.stderr);
  // The colorectal trial's status is UNKNOWN: not a default candidate.
  assert.ok(!(JSON.parse(r.stdout) as { results: Array<{ nctId: string }> }).results.some((x) => x.nctId === "NCT04970914"));
  const t = eligo("match", "examples/crc-fits.json", "--db", db, "--as-of", "2026-11-01", "--trial", "NCT04970914", "--trial", "NCT03792542", "--json");
  const res = (JSON.parse(t.stdout) as { results: Array<{ nctId: string; verdict: string }> }).results;
  assert.deepEqual(res.map((x) => [x.nctId, x.verdict]), [["NCT04970914", "eligible"], ["NCT03792542", "ineligible"]]);
});

test("errors name the input and the reason, exit status 1, nothing printed on stdout", () => {
  const bad = path.join(dir, "bad.json");
  fs.writeFileSync(bad, JSON.stringify({ sex: "x", observations: [{ value: 1 }] }));
  const r = eligo("match", bad, "--db", db);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /invalid patient .*bad\.json/);
  assert.match(r.stderr, /sex:/);
  assert.match(r.stderr, /observations\[0\]:/);
  assert.match(eligo("match", "examples/crc-fits.json", "--db", db, "--status", "open").stderr, /unknown trial status "open"/);
  assert.match(eligo("match", "examples/crc-fits.json", "--db", db, "--trial", "NCT99999999").stderr, /not in the database: NCT99999999/);
  assert.match(eligo("match", "examples/crc-fits.json", "--db", db, "--as-of", "01/11/2026").stderr, /invalid --as-of date/);
  assert.match(eligo("match", path.join(dir, "missing.json"), "--db", db).stderr, /cannot read patient file .*no such file/);
});
