import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { openStore, type SqliteStudyStore } from "../../store/sqlite.js";
import type { HttpOptions } from "./http.js";
import { startReplayServer, type ReplayServer } from "./replay-server.js";
import { SyncError, SyncInterruptedError, syncState, syncStudies, type SyncOptions, type SyncProgress } from "./sync.js";

const dataDir = new URL("../../../../shared/data/ctgov-v2/", import.meta.url);
const records: Array<Record<string, any>> = readdirSync(dataDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(new URL(f, dataDir), "utf8")));
const allIds = records.map((r) => r.protocolSection.identificationModule.nctId as string).sort();

let server: ReplayServer;
let tmp: string;
const stores: SqliteStudyStore[] = [];
before(async () => {
  server = await startReplayServer({ studies: records });
  tmp = mkdtempSync(join(tmpdir(), "eligo-sync-"));
});
after(async () => {
  for (const s of stores) s.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  server.clearFaults();
  server.requests.length = 0;
});

let dbN = 0;
function newStorePath(): string {
  return join(tmp, `t${++dbN}.db`);
}
function open(path = newStorePath()): SqliteStudyStore {
  const s = openStore(path);
  stores.push(s);
  return s;
}
function ids(store: SqliteStudyStore): string[] {
  return store.list().map((s) => s.nctId);
}
/** Sleeps recorded, never waited. */
const noWait = (sleeps: number[] = []): Partial<HttpOptions> => ({
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  random: () => 0.5,
});
const fixedNow = (iso: string) => () => new Date(iso);
const params = (u: URL) => Object.fromEntries(u.searchParams);

test("pages through all 12 studies, page by page, and records where each came from", async () => {
  const store = open();
  const progress: SyncProgress[] = [];
  const res = await syncStudies(store, {
    baseUrl: server.url,
    pageSize: 5,
    http: noWait(),
    now: fixedNow("2026-11-22T10:00:00Z"),
    onProgress: (p) => progress.push(p),
  });
  assert.equal(res.pages, 3);
  assert.equal(res.studies, 12);
  assert.equal(res.total, 12);
  assert.deepEqual([res.imported, res.updated, res.unchanged], [12, 0, 0]);
  assert.equal(res.complete, true);
  assert.equal(res.resumed, false);
  assert.equal(res.since, undefined);
  assert.equal(res.endpoint, `${server.url}/api/v2/studies`);
  assert.deepEqual(ids(store), allIds);

  // What the server saw: a first page with countTotal, then each nextPageToken in turn.
  assert.equal(server.requests.length, 3);
  const [p1, p2, p3] = server.requests.map(params);
  assert.deepEqual(p1, { pageSize: "5", countTotal: "true", format: "json" });
  assert.ok(p2!.pageToken && p3!.pageToken && p2!.pageToken !== p3!.pageToken);
  assert.equal(p2!.countTotal, undefined);

  assert.deepEqual(
    progress.map((p) => [p.page, p.studies, p.total]),
    [
      [1, 5, 12],
      [2, 10, 12],
      [3, 12, 12],
    ],
  );
  const stored = store.get("NCT05594173")!;
  assert.equal(stored.provenance.sourceKind, "ctgov-api-sync");
  assert.equal(stored.provenance.importedAt, "2026-11-22T10:00:00.000Z");
  assert.ok(stored.provenance.source.startsWith(`${server.url}/api/v2/studies?`));
  assert.ok(stored.provenance.source.includes(`pageToken=${p3!.pageToken}`), "the page URL it came from");
  // The stored record is the registry's, unknown fields included.
  assert.deepEqual(stored.study, records.find((r) => r.protocolSection.identificationModule.nctId === "NCT05594173"));

  const state = syncState(store, server.url);
  assert.equal(state.cursor, undefined);
  assert.equal(state.lastSync, "2026-11-22T10:00:00.000Z");
});

test("passes the query through and runs incrementally from the last sync date", async () => {
  const store = open();
  const query = { cond: " ", term: "placebo", intr: "placebo", status: ["recruiting", "COMPLETED", "ACTIVE_NOT_RECRUITING"] };
  const first = await syncStudies(store, { baseUrl: server.url, query, pageSize: 2, http: noWait(), now: fixedNow("2020-01-01T12:00:00Z") });
  assert.equal(first.complete, true);
  assert.deepEqual(params(server.requests[0]!), {
    "query.term": "placebo",
    "query.intr": "placebo",
    "filter.overallStatus": "ACTIVE_NOT_RECRUITING,COMPLETED,RECRUITING",
    pageSize: "2",
    countTotal: "true",
    format: "json",
  });
  // Every later page repeats the query (the replay server answers 400 otherwise).
  for (const u of server.requests.slice(1)) {
    assert.equal(u.searchParams.get("query.intr"), "placebo");
    assert.equal(u.searchParams.get("filter.overallStatus"), "ACTIVE_NOT_RECRUITING,COMPLETED,RECRUITING");
  }
  const got = ids(store);
  assert.deepEqual(got, ["NCT00763412", "NCT02210780", "NCT02552212", "NCT03418623"], "placebo-controlled, with those statuses");
  assert.equal(first.studies, got.length);
  for (const id of got) {
    const st = store.get(id)!.study.protocolSection.statusModule?.overallStatus;
    assert.ok(["ACTIVE_NOT_RECRUITING", "COMPLETED", "RECRUITING"].includes(st!), `${id}: ${st}`);
  }

  // Second run of the same query: only records updated since the day before the last sync.
  server.requests.length = 0;
  const second = await syncStudies(store, { baseUrl: server.url, query, pageSize: 2, http: noWait(), now: fixedNow("2020-06-01T00:00:00Z") });
  assert.equal(second.since, "2019-12-31");
  for (const u of server.requests) {
    assert.equal(u.searchParams.get("filter.advanced"), "AREA[LastUpdatePostDate]RANGE[2019-12-31,MAX]");
  }
  const expected = got.filter((id) => (store.get(id)!.study.protocolSection.statusModule?.lastUpdatePostDateStruct?.date ?? "") >= "2019-12-31");
  assert.deepEqual(expected, ["NCT02210780", "NCT02552212", "NCT03418623"]);
  assert.equal(second.studies, expected.length);
  assert.deepEqual([second.imported, second.updated, second.unchanged], [0, 0, expected.length]);
  assert.equal(syncState(store, server.url, query).lastSync, "2020-06-01T00:00:00.000Z");

  // Another query has its own state; --full ignores the last sync date.
  server.requests.length = 0;
  const byCond = await syncStudies(store, { baseUrl: server.url, query: { cond: "atopic dermatitis" }, http: noWait() });
  assert.deepEqual(params(server.requests[0]!), { "query.cond": "atopic dermatitis", pageSize: "100", countTotal: "true", format: "json" });
  assert.deepEqual([byCond.studies, byCond.total], [1, 1]);
  server.requests.length = 0;
  const full = await syncStudies(store, { baseUrl: server.url, query, full: true, http: noWait() });
  assert.equal(server.requests[0]!.searchParams.get("filter.advanced"), null);
  assert.equal(full.since, undefined);
  assert.equal(full.studies, got.length);
});

test("429 with Retry-After is waited out (injected sleep), then the sync completes", async () => {
  const store = open();
  const sleeps: number[] = [];
  server.inject({ page: 2, status: 429, headers: { "Retry-After": "3" } });
  const res = await syncStudies(store, { baseUrl: server.url, pageSize: 5, http: noWait(sleeps) });
  assert.deepEqual(sleeps, [3000]);
  assert.equal(server.requests.length, 4);
  assert.equal(server.requests[1]!.searchParams.get("pageToken"), server.requests[2]!.searchParams.get("pageToken"), "the same page is asked again");
  assert.equal(res.complete, true);
  assert.deepEqual(ids(store), allIds);
});

test("5xx on every try: retries, then fails with a clear error; nothing is half-written", async () => {
  const store = open();
  const sleeps: number[] = [];
  server.inject({ status: 500, times: Infinity });
  await assert.rejects(
    syncStudies(store, { baseUrl: server.url, pageSize: 5, http: { ...noWait(sleeps), maxRetries: 3 } }),
    (e: unknown) => {
      assert.ok(e instanceof SyncError);
      assert.equal(e.pagesCommitted, 0);
      assert.match(e.message, /^sync stopped at page 1: GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/studies\?pageSize=5&countTotal=true&format=json failed after 4 attempts: HTTP 500/);
      return true;
    },
  );
  assert.equal(server.requests.length, 4);
  assert.equal(sleeps.length, 3);
  assert.equal(store.count(), 0);
  assert.equal(syncState(store, server.url).cursor, undefined);
  assert.equal(syncState(store, server.url).lastSync, undefined);
});

test("an interrupted sync resumes from the saved page token and ends with every study once", async () => {
  const path = newStorePath();
  let store = open(path);
  server.inject({ page: 3, status: 503, times: Infinity });
  await assert.rejects(
    syncStudies(store, { baseUrl: server.url, pageSize: 4, http: { ...noWait(), maxRetries: 1 }, now: fixedNow("2026-11-20T08:00:00Z") }),
    /sync stopped at page 3: .*HTTP 503.*run it again to resume/,
  );
  assert.equal(store.count(), 8, "pages 1 and 2 were committed");
  const servedToken = server.requests[2]!.searchParams.get("pageToken");
  const saved = syncState(store, server.url).cursor!;
  assert.equal(saved.pageToken, servedToken);
  assert.equal(saved.pages, 2);
  assert.equal(saved.total, 12);
  store.close();

  // A new process: reopen the database and run the same command.
  server.clearFaults();
  server.requests.length = 0;
  store = open(path);
  const progress: SyncProgress[] = [];
  const res = await syncStudies(store, {
    baseUrl: server.url,
    pageSize: 4,
    http: noWait(),
    now: fixedNow("2026-11-21T09:00:00Z"),
    onProgress: (p) => progress.push(p),
  });
  assert.equal(server.requests.length, 1);
  assert.equal(server.requests[0]!.searchParams.get("pageToken"), servedToken);
  assert.equal(server.requests[0]!.searchParams.get("countTotal"), null);
  assert.equal(res.resumed, true);
  assert.equal(res.complete, true);
  assert.deepEqual([res.pages, res.studies, res.imported, res.updated, res.unchanged], [1, 4, 4, 0, 0]);
  assert.deepEqual(progress.map((p) => [p.page, p.studies, p.total]), [[3, 12, 12]]);
  assert.deepEqual(ids(store), allIds);
  assert.equal(store.count(), 12);
  // The run counts from when it first started.
  assert.equal(syncState(store, server.url).lastSync, "2026-11-20T08:00:00.000Z");
  assert.equal(syncState(store, server.url).cursor, undefined);
});

test("a resumed incremental run keeps its original filter, even after the last sync date moved", async () => {
  const store = open();
  await syncStudies(store, { baseUrl: server.url, http: noWait(), now: fixedNow("2019-01-10T00:00:00Z") });
  server.requests.length = 0;
  server.inject({ page: 2, status: 500, times: Infinity });
  await assert.rejects(syncStudies(store, { baseUrl: server.url, pageSize: 2, http: { ...noWait(), maxRetries: 0 }, now: fixedNow("2019-06-01T00:00:00Z") }));
  server.clearFaults();
  server.requests.length = 0;
  const res = await syncStudies(store, { baseUrl: server.url, pageSize: 2, http: noWait(), now: fixedNow("2030-01-01T00:00:00Z") });
  assert.equal(res.since, "2019-01-09");
  assert.ok(server.requests.length > 0);
  for (const u of server.requests) assert.equal(u.searchParams.get("filter.advanced"), "AREA[LastUpdatePostDate]RANGE[2019-01-09,MAX]");
  assert.equal(syncState(store, server.url).lastSync, "2019-06-01T00:00:00.000Z");
});

test("--full drops an unfinished incremental run and fetches everything from page 1", async () => {
  const store = open();
  await syncStudies(store, { baseUrl: server.url, http: noWait(), now: fixedNow("2019-01-10T00:00:00Z") });
  await syncStudies(store, { baseUrl: server.url, pageSize: 2, maxPages: 1, http: noWait(), now: fixedNow("2019-06-01T00:00:00Z") });
  assert.equal(syncState(store, server.url).cursor?.since, "2019-01-09");
  server.requests.length = 0;
  const res = await syncStudies(store, { baseUrl: server.url, pageSize: 5, full: true, http: noWait(), now: fixedNow("2019-07-01T00:00:00Z") });
  assert.deepEqual(params(server.requests[0]!), { pageSize: "5", countTotal: "true", format: "json" });
  assert.deepEqual([res.resumed, res.complete, res.studies, res.since], [false, true, 12, undefined]);
  assert.equal(syncState(store, server.url).lastSync, "2019-07-01T00:00:00.000Z");
});

test("an already aborted signal sends no request", async () => {
  const store = open();
  const ctrl = new AbortController();
  ctrl.abort();
  await assert.rejects(syncStudies(store, { baseUrl: server.url, http: noWait(), signal: ctrl.signal }), SyncInterruptedError);
  assert.equal(server.requests.length, 0);
});

test("--restart ignores the saved page token", async () => {
  const store = open();
  const part = await syncStudies(store, { baseUrl: server.url, pageSize: 5, maxPages: 1, http: noWait() });
  assert.equal(part.complete, false);
  assert.equal(store.count(), 5);
  assert.ok(syncState(store, server.url).cursor);
  server.requests.length = 0;
  const res = await syncStudies(store, { baseUrl: server.url, pageSize: 5, restart: true, http: noWait() });
  assert.equal(server.requests[0]!.searchParams.get("pageToken"), null);
  assert.equal(res.resumed, false);
  assert.deepEqual([res.pages, res.imported, res.unchanged], [3, 7, 5]);
});

test("--max-pages stops early and keeps the cursor; the next run continues", async () => {
  const store = open();
  const a = await syncStudies(store, { baseUrl: server.url, pageSize: 3, maxPages: 2, http: noWait() });
  assert.deepEqual([a.pages, a.studies, a.complete], [2, 6, false]);
  assert.equal(syncState(store, server.url).lastSync, undefined, "an unfinished run is not a sync");
  const b = await syncStudies(store, { baseUrl: server.url, pageSize: 3, http: noWait() });
  assert.deepEqual([b.pages, b.studies, b.complete, b.resumed], [2, 6, true, true]);
  assert.deepEqual(ids(store), allIds);
});

test("an invalid study fails its page without writing any of it", async () => {
  const bad = structuredClone(records.find((r) => r.protocolSection.identificationModule.nctId === "NCT03418623")!);
  bad.protocolSection.identificationModule.nctId = "NCT03418624";
  bad.protocolSection.statusModule.overallStatus = "RECRUITNG";
  const withBad = await startReplayServer({ studies: [...records, bad] });
  try {
    const store = open();
    // NCT id order: page 2 of 4 holds NCT02552212, NCT03418623, NCT03418624 (bad), NCT03453554.
    await assert.rejects(syncStudies(store, { baseUrl: withBad.url, pageSize: 4, http: noWait() }), (e: unknown) => {
      assert.ok(e instanceof SyncError);
      assert.equal(e.pagesCommitted, 1);
      assert.match(e.message, /sync stopped at page 2 \(http:\/\/127\.0\.0\.1:\d+\/api\/v2\/studies\?pageSize=4&pageToken=/);
      assert.match(e.message, /1 of 4 studies are invalid, so nothing from this page was written: study 3 \(NCT03418624\): protocolSection\.statusModule\.overallStatus: /);
      return true;
    });
    assert.equal(store.count(), 4);
    assert.equal(store.has("NCT02552212"), false, "a valid study of the failed page is not written either");
    assert.equal(store.has("NCT03418623"), false);
    const cursor = syncState(store, withBad.url).cursor!;
    assert.equal(cursor.pageToken, withBad.requests[1]!.searchParams.get("pageToken"), "a rerun retries that page");
  } finally {
    await withBad.close();
  }
});

test("a page that is not a page of studies is a clear error", async () => {
  const store = open();
  server.inject({ status: 200, body: JSON.stringify({ message: "hello" }) });
  await assert.rejects(syncStudies(store, { baseUrl: server.url, http: noWait() }), /did not answer a page of studies \(studies: /);
});

test("the abort signal interrupts a hanging request; committed pages stay and the run can resume", async () => {
  const store = open();
  const ctrl = new AbortController();
  server.inject({ page: 2, kind: "hang" });
  const opts: SyncOptions = {
    baseUrl: server.url,
    pageSize: 6,
    http: noWait(),
    signal: ctrl.signal,
    onProgress: () => setImmediate(() => setTimeout(() => ctrl.abort(), 20)),
  };
  await assert.rejects(syncStudies(store, opts), (e: unknown) => e instanceof SyncInterruptedError && e.pagesCommitted === 1);
  assert.equal(store.count(), 6);
  const res = await syncStudies(store, { baseUrl: server.url, pageSize: 6, http: noWait() });
  assert.equal(res.resumed, true);
  assert.deepEqual(ids(store), allIds);
});

test("option errors name the value", async () => {
  const store = open();
  await assert.rejects(syncStudies(store, { baseUrl: server.url, pageSize: 0 }), /invalid page size 0/);
  await assert.rejects(syncStudies(store, { baseUrl: server.url, maxPages: 0 }), /invalid page limit 0/);
  await assert.rejects(syncStudies(store, { baseUrl: "not a url" }), /invalid base URL "not a url"/);
  await assert.rejects(syncStudies(store, { baseUrl: server.url, query: { status: ["OPEN"] } }), /unknown overall status "OPEN"/);
  store.setMeta(`${syncState(store, server.url).key}#cursor`, "{garbage");
  await assert.rejects(syncStudies(store, { baseUrl: server.url, http: noWait() }), /saved sync cursor .* is unreadable; .*--restart/);
  const ok = await syncStudies(store, { baseUrl: server.url, restart: true, http: noWait() });
  assert.equal(ok.complete, true);
});

test("whatever the page size and wherever runs fail, repeated runs end with exactly the 12 studies (property)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 13 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 13 }), { maxLength: 4 }),
      async (pageSize, failingPages) => {
        server.clearFaults();
        const store = open();
        for (const page of failingPages) server.inject({ page, status: 502 });
        let imported = 0;
        let pagesTotal = 0;
        let complete = false;
        for (let run = 0; run < 10 && !complete; run++) {
          try {
            const r = await syncStudies(store, { baseUrl: server.url, pageSize, http: { ...noWait(), maxRetries: 0 } });
            imported += r.imported;
            pagesTotal += r.pages;
            complete = r.complete;
          } catch (e) {
            if (!(e instanceof SyncError)) throw e;
            pagesTotal += e.pagesCommitted;
            imported = store.count();
          }
        }
        assert.ok(complete);
        assert.equal(imported, 12);
        assert.equal(pagesTotal, Math.ceil(12 / pageSize), "no page committed twice");
        assert.deepEqual(ids(store), allIds);
        store.close();
      },
    ),
    { numRuns: 30 },
  );
});
