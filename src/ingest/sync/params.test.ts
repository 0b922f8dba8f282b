import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { lastUpdateFilter, normaliseQuery, pageUrl, studiesEndpoint, syncStateKey } from "./params.js";

test("studiesEndpoint appends /api/v2/studies once, keeping a path prefix", () => {
  assert.equal(studiesEndpoint(), "https://clinicaltrials.gov/api/v2/studies");
  assert.equal(studiesEndpoint("https://clinicaltrials.gov/"), "https://clinicaltrials.gov/api/v2/studies");
  assert.equal(studiesEndpoint("https://clinicaltrials.gov/api/v2"), "https://clinicaltrials.gov/api/v2/studies");
  assert.equal(studiesEndpoint("https://clinicaltrials.gov/api/v2/studies/"), "https://clinicaltrials.gov/api/v2/studies");
  assert.equal(studiesEndpoint("http://127.0.0.1:8080/mirror"), "http://127.0.0.1:8080/mirror/api/v2/studies");
});

test("studiesEndpoint rejects what is not an http(s) base URL, naming it", () => {
  assert.throws(() => studiesEndpoint("clinicaltrials.gov"), /invalid base URL "clinicaltrials.gov": not an absolute URL/);
  assert.throws(() => studiesEndpoint("ftp://example.org"), /only http and https/);
  assert.throws(() => studiesEndpoint("https://example.org/?x=1"), /must not carry a query/);
});

test("normaliseQuery trims text, upper-cases, de-duplicates and sorts statuses", () => {
  assert.deepEqual(normaliseQuery({ cond: "  lung cancer ", term: " ", status: ["recruiting", "COMPLETED", " Recruiting"] }), {
    cond: "lung cancer",
    status: ["COMPLETED", "RECRUITING"],
  });
  assert.deepEqual(normaliseQuery(), { status: [] });
});

test("normaliseQuery names an unknown status and lists the valid ones", () => {
  assert.throws(() => normaliseQuery({ status: ["RECRUITNG"] }), (e: Error) => {
    assert.match(e.message, /unknown overall status "RECRUITNG"/);
    assert.match(e.message, /NOT_YET_RECRUITING/);
    return true;
  });
});

test("pageUrl writes the API's parameter names", () => {
  const q = normaliseQuery({ cond: "small cell lung cancer", term: "anlotinib", intr: "irinotecan", status: ["RECRUITING", "NOT_YET_RECRUITING"] });
  const url = new URL(pageUrl("https://clinicaltrials.gov", q, { pageSize: 50, pageToken: "abc", countTotal: true, since: "2024-03-01" }));
  assert.equal(url.origin + url.pathname, "https://clinicaltrials.gov/api/v2/studies");
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    "query.cond": "small cell lung cancer",
    "query.term": "anlotinib",
    "query.intr": "irinotecan",
    "filter.overallStatus": "NOT_YET_RECRUITING,RECRUITING",
    "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2024-03-01,MAX]",
    pageSize: "50",
    pageToken: "abc",
    countTotal: "true",
    format: "json",
  });
  const bare = new URL(pageUrl("https://clinicaltrials.gov", normaliseQuery(), { pageSize: 100 }));
  assert.deepEqual(Object.fromEntries(bare.searchParams), { pageSize: "100", format: "json" });
});

test("pageUrl refuses page sizes the API refuses", () => {
  const q = normaliseQuery();
  for (const n of [0, 1001, 2.5, Number.NaN]) {
    assert.throws(() => pageUrl("https://clinicaltrials.gov", q, { pageSize: n }), /invalid page size/);
  }
  assert.throws(() => lastUpdateFilter("March 2024"), /invalid last-sync date "March 2024"/);
});

test("any query text survives URL encoding unchanged (property)", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (cond, term, intr) => {
      const q = normaliseQuery({ cond, term, intr });
      const p = new URL(pageUrl("https://clinicaltrials.gov", q, { pageSize: 10 })).searchParams;
      assert.equal(p.get("query.cond"), q.cond ?? null);
      assert.equal(p.get("query.term"), q.term ?? null);
      assert.equal(p.get("query.intr"), q.intr ?? null);
    }),
  );
});

test("syncStateKey: one key per endpoint and query, whatever the spelling of statuses", () => {
  const a = syncStateKey("https://clinicaltrials.gov", normaliseQuery({ cond: "asthma", status: ["recruiting", "COMPLETED"] }));
  const b = syncStateKey("https://clinicaltrials.gov/", normaliseQuery({ cond: " asthma", status: ["COMPLETED", "RECRUITING"] }));
  assert.equal(a, b);
  assert.equal(a, "sync:https://clinicaltrials.gov/api/v2/studies?query.cond=asthma&filter.overallStatus=COMPLETED%2CRECRUITING");
  assert.notEqual(a, syncStateKey("https://clinicaltrials.gov", normaliseQuery({ cond: "asthma" })));
  assert.notEqual(a, syncStateKey("http://127.0.0.1:9", normaliseQuery({ cond: "asthma", status: ["COMPLETED", "RECRUITING"] })));
  assert.equal(syncStateKey("https://clinicaltrials.gov", normaliseQuery()), "sync:https://clinicaltrials.gov/api/v2/studies");
});
