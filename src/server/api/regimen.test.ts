/** GET /api/studies/{nctId}/regimen through app.inject on the imported seed pages. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { importPaths } from "../../ingest/run.js";
import { StudyRegimenSchema } from "../../regimen/schema.js";
import { openStore, type SqliteStudyStore } from "../../store/sqlite.js";
import { buildApp } from "../app.js";

const SEEDS = new URL("../../../../shared/seeds/", import.meta.url).pathname;
let dir: string;
let store: SqliteStudyStore;
let app: FastifyInstance;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "eligo-regimen-api-"));
  store = openStore(path.join(dir, "t.db"));
  const counts = await importPaths(store, [SEEDS]);
  assert.equal(counts.failed, 0, JSON.stringify(counts.errors));
  app = await buildApp({ store });
});
after(async () => {
  await app?.close();
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the regimen of NCT05807880, in the documented shape", async () => {
  const r = await app.inject({ url: "/api/studies/nct05807880/regimen" });
  assert.equal(r.statusCode, 200);
  const body = StudyRegimenSchema.parse(r.json());
  assert.equal(body.nctId, "NCT05807880");
  const [arm] = body.arms;
  assert.deepEqual(arm.phases.map((p) => [p.name, p.cycleDays]), [["induction", 21], ["maintenance", 21]]);
  assert.deepEqual(arm.phases[0].drugs.map((d) => `${d.drug} ${d.dose} ${d.unit}`), ["anlotinib 10 mg", "penpulimab 200 mg", "capecitabine 650 mg/m2"]);
});

test("every seed's regimen validates against the schema; unknown and malformed ids are 404 and 400", async () => {
  for (const id of ["NCT04970914", "NCT05460481", "NCT05001971", "NCT03792542"]) {
    const r = await app.inject({ url: `/api/studies/${id}/regimen` });
    assert.equal(r.statusCode, 200, id);
    StudyRegimenSchema.parse(r.json());
  }
  const missing = await app.inject({ url: "/api/studies/NCT00000001/regimen" });
  assert.equal(missing.statusCode, 404);
  assert.match(missing.json().error, /no study NCT00000001/);
  const bad = await app.inject({ url: "/api/studies/NCT123/regimen" });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().details[0].field, "nctId");
});

test("the OpenAPI document describes the regimen route", async () => {
  const doc = (await app.inject({ url: "/openapi.json" })).json();
  const op = doc.paths["/api/studies/{nctId}/regimen"]?.get;
  assert.equal(op?.operationId, "studyRegimen");
  assert.ok(op.responses["200"].content["application/json"].schema.properties.arms);
});
