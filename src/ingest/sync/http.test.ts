import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AbortedError, backoffDelay, getJson, HttpError, parseRetryAfter, type HttpOptions } from "./http.js";
import { normaliseQuery, pageUrl } from "./params.js";
import { startReplayServer, type ReplayServer } from "./replay-server.js";

const study = (n: number) => ({
  protocolSection: { identificationModule: { nctId: `NCT${String(n).padStart(8, "0")}`, briefTitle: `Study ${n}` } },
});

let server: ReplayServer;
let url: string;
before(async () => {
  server = await startReplayServer({ studies: [study(1), study(2), study(3)] });
  url = pageUrl(server.url, normaliseQuery(), { pageSize: 10 });
});
after(() => server.close());
beforeEach(() => {
  server.clearFaults();
  server.requests.length = 0;
});

/** Records the waits instead of waiting. */
function recorder(extra: Partial<HttpOptions> = {}) {
  const sleeps: number[] = [];
  const opts: Partial<HttpOptions> = {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  };
  return { sleeps, opts };
}

test("parseRetryAfter reads delta-seconds and HTTP dates", () => {
  const now = Date.parse("2026-11-22T10:00:00Z");
  assert.equal(parseRetryAfter("2", now), 2000);
  assert.equal(parseRetryAfter(" 0 ", now), 0);
  assert.equal(parseRetryAfter("Sun, 22 Nov 2026 10:00:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Sun, 22 Nov 2026 09:00:00 GMT", now), 0, "a date in the past means now");
  for (const bad of [null, undefined, "", "soon", "-5", "1.5"]) assert.equal(parseRetryAfter(bad, now), undefined, String(bad));
});

test("backoffDelay grows exponentially, stays within [cap/2, cap] and under the maximum (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: 120_000 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (attempt, baseDelayMs, maxDelayMs, r) => {
        const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
        const d = backoffDelay(attempt, { baseDelayMs, maxDelayMs }, () => r);
        assert.ok(d >= Math.floor(cap / 2) && d <= Math.ceil(cap), `${d} not in [${cap / 2}, ${cap}]`);
        assert.ok(d <= maxDelayMs);
      },
    ),
  );
  const r = () => 0.999999;
  assert.ok(backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 10_000 }, r) > backoffDelay(2, { baseDelayMs: 100, maxDelayMs: 10_000 }, r));
});

test("429 with Retry-After: waits what the server asked, then succeeds", async () => {
  server.inject({ status: 429, headers: { "Retry-After": "2" }, times: 2 });
  const { sleeps, opts } = recorder();
  const retries: string[] = [];
  const body = (await getJson(url, { ...opts, onRetry: (e) => retries.push(`${e.retry}/${e.maxRetries} ${e.reason}`) })) as {
    studies: unknown[];
  };
  assert.equal(body.studies.length, 3);
  assert.deepEqual(sleeps, [2000, 2000]);
  assert.equal(server.requests.length, 3);
  assert.match(retries[0] as string, /^1\/5 HTTP 429/);
});

test("Retry-After as an HTTP date is honoured against the injected clock", async () => {
  const now = Date.parse("2026-11-22T10:00:00Z");
  server.inject({ status: 503, headers: { "Retry-After": new Date(now + 7000).toUTCString() } });
  const { sleeps, opts } = recorder({ now: () => now });
  await getJson(url, opts);
  assert.deepEqual(sleeps, [7000]);
});

test("5xx: retries with growing backoff, then fails naming the URL, the status and the attempts", async () => {
  server.inject({ status: 500, body: "upstream exploded", times: Infinity });
  const { sleeps, opts } = recorder({ maxRetries: 3, baseDelayMs: 100, random: () => 0.999 });
  await assert.rejects(getJson(url, opts), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 500);
    assert.equal(e.attempts, 4);
    assert.ok(e.message.includes(url), e.message);
    assert.match(e.message, /failed after 4 attempts: HTTP 500 Internal Server Error: upstream exploded/);
    return true;
  });
  assert.equal(server.requests.length, 4);
  assert.equal(sleeps.length, 3);
  assert.ok(sleeps[0]! < sleeps[1]! && sleeps[1]! < sleeps[2]!, `backoff grows: ${sleeps}`);
});

test("a 4xx other than 429 is not retried", async () => {
  const { sleeps, opts } = recorder();
  const bad = url.replace("pageSize=10", "pageSize=5000");
  await assert.rejects(getJson(bad, opts), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 400);
    assert.match(e.message, /HTTP 400 Bad Request: pageSize: must be a whole number/);
    assert.ok(e.message.includes(bad));
    return true;
  });
  assert.equal(server.requests.length, 1);
  assert.deepEqual(sleeps, []);
});

test("a dropped connection is retried", async () => {
  server.inject({ kind: "reset" });
  const { sleeps, opts } = recorder();
  const body = (await getJson(url, opts)) as { studies: unknown[] };
  assert.equal(body.studies.length, 3);
  assert.equal(sleeps.length, 1);
  assert.equal(server.requests.length, 2);
});

test("a response that never comes times out, is retried, and the error says so", async () => {
  server.inject({ kind: "hang", times: Infinity });
  const { opts } = recorder({ maxRetries: 1, timeoutMs: 150 });
  await assert.rejects(getJson(url, opts), /failed after 2 attempts: no complete response within 150 ms/);
  assert.equal(server.requests.length, 2);
});

test("a Retry-After longer than the limit fails at once instead of waiting", async () => {
  server.inject({ status: 429, headers: { "Retry-After": "3600" } });
  const { sleeps, opts } = recorder();
  await assert.rejects(getJson(url, opts), /HTTP 429 Too Many Requests.*retry after 3600 s, longer than the 600 s/);
  assert.deepEqual(sleeps, []);
});

test("a 200 whose body is not JSON is an error naming the URL", async () => {
  server.inject({ status: 200, body: "<html>maintenance</html>" });
  await assert.rejects(getJson(url, recorder().opts), (e: Error) => {
    assert.ok(e.message.includes(url));
    assert.match(e.message, /not JSON.*<html>maintenance<\/html>/);
    return true;
  });
});

test("aborting during a wait stops at once with AbortedError", async () => {
  server.inject({ status: 503, times: Infinity });
  const ctrl = new AbortController();
  const opts: Partial<HttpOptions> = {
    signal: ctrl.signal,
    baseDelayMs: 60_000,
    onRetry: () => ctrl.abort(),
  };
  await assert.rejects(getJson(url, opts), AbortedError);
  assert.equal(server.requests.length, 1);
});
