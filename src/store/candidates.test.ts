/** The matching prefilter: status, age, sex and condition family narrow the trials; --trial bypasses it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Study } from "../model/study.js";
import { openStore } from "./sqlite.js";

function study(nctId: string, o: { status: string; conditions: string[]; min?: string; max?: string; sex?: string }): Study {
  return {
    protocolSection: {
      identificationModule: { nctId, briefTitle: `Trial ${nctId}` },
      statusModule: { overallStatus: o.status },
      conditionsModule: { conditions: o.conditions },
      eligibilityModule: { ...(o.min ? { minimumAge: o.min } : {}), ...(o.max ? { maximumAge: o.max } : {}), sex: o.sex ?? "ALL" },
    },
  } as unknown as Study;
}

const store = openStore(":memory:");
const prov = { sourceKind: "ctgov-v2-json" as const, source: "test", importedAt: "2026-11-01T00:00:00Z" };
store.upsert(study("NCT00000001", { status: "RECRUITING", conditions: ["Non-small Cell Lung Cancer"], min: "18 Years", max: "70 Years" }), prov);
store.upsert(study("NCT00000002", { status: "COMPLETED", conditions: ["Lung Neoplasms"] }), prov);
store.upsert(study("NCT00000003", { status: "RECRUITING", conditions: ["Breast Cancer"], sex: "FEMALE" }), prov);
store.upsert(study("NCT00000004", { status: "NOT_YET_RECRUITING", conditions: ["Advanced Solid Tumors"] }), prov);
store.upsert(study("NCT00000005", { status: "RECRUITING", conditions: ["Prostate Cancer"], sex: "MALE", min: "50 Years" }), prov);
store.setParsedCriteria("NCT00000001", "v1", "[]");

const ids = (f: Parameters<typeof store.candidates>[0]) => store.candidates(f).map((r) => r.nctId);
const YEAR = 365.25;

test("status filter, or all", () => {
  assert.deepEqual(ids({ statuses: ["RECRUITING", "NOT_YET_RECRUITING"] }), ["NCT00000001", "NCT00000003", "NCT00000004", "NCT00000005"]);
  assert.deepEqual(ids({ statuses: "all" }).length, 5);
  assert.deepEqual(ids({ statuses: [] }), []);
});

test("age: outside the range is skipped, with a year's slack on the maximum (completed years)", () => {
  assert.ok(!ids({ statuses: "all", ageDays: Math.floor(17 * YEAR) }).includes("NCT00000001"));
  assert.ok(ids({ statuses: "all", ageDays: Math.floor(70.9 * YEAR) }).includes("NCT00000001"));
  assert.ok(!ids({ statuses: "all", ageDays: Math.floor(72 * YEAR) }).includes("NCT00000001"));
  assert.ok(!ids({ statuses: "all", ageDays: Math.floor(40 * YEAR) }).includes("NCT00000005"));
});

test("sex and condition keywords (case-insensitive substrings); trials listing no condition stay in", () => {
  assert.deepEqual(ids({ statuses: "all", sex: "male" }), ["NCT00000001", "NCT00000002", "NCT00000004", "NCT00000005"]);
  assert.deepEqual(ids({ statuses: "all", conditionKeywords: ["lung", "solid tumo"] }), ["NCT00000001", "NCT00000002", "NCT00000004"]);
  assert.deepEqual(ids({ statuses: "all", conditionKeywords: ["100%_"] }), []);
});

test("named trials bypass every filter; rows carry the stored parser version", () => {
  const rows = store.candidates({ statuses: [], sex: "male", nctIds: ["NCT00000003", "NCT00000001"] });
  assert.deepEqual(rows.map((r) => [r.nctId, r.parserVersion]), [["NCT00000001", "v1"], ["NCT00000003", null]]);
  assert.deepEqual(store.matchRows(["NCT00000001", "NCT00000009"]).map((r) => [r.nctId, r.criteria?.parserVersion]), [["NCT00000001", "v1"]]);
});
