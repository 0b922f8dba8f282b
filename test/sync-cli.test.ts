// End to end: `eligo sync` as a user runs it, against the local replay server.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startReplayServer, type ReplayServer } from "../src/ingest/sync/replay-server.js";
import { syncState } from "../src/ingest/sync/sync.js";
import { openStore } from "../src/store/sqlite.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dataDir = new URL("../../shared/data/ctgov-v2/", import.meta.url);
const records = readdirSync(dataDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(new URL(f, dataDir), "utf8")) as unknown);

let server: ReplayServer;
let tmp: string;
before(async () => {
  server = await startReplayServer({ studies: records });
  tmp = mkdtempSync(join(tmpdir(), "eligo-sync-cli-"));
});
after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  server.clearFaults();
  server.requests.length = 0;
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs the CLI in a child process (asynchronously: the replay server lives in this one). */
function eligo(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: "1", NODE_NO_WARNINGS: "1" } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const count = (db: string) => {
  const s = openStore(db);
  try {
    return s.count();
  } finally {
    s.close();
  }
};

test("eligo sync pages through the server into the database, then runs incrementally", async () => {
  const db = join(tmp, "tmp.db");
  const runStart = Date.now();
  const first = await eligo(["sync", "--base-url", server.url, "--db", db, "--page-size", "5"]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stderr, "", "no progress bar when stderr is not a terminal");
  assert.match(first.stdout, new RegExp(`^12 studies in 3 pages from ${server.url}/api/v2/studies \\(all studies\\): 12 imported, 0 updated, 0 unchanged$`, "m"));
  assert.match(first.stdout, /Up to date \(database .*tmp\.db\)/);
  assert.equal(server.requests.length, 3);
  assert.equal(count(db), 12);

  // The day before the first run started (read back, so the test holds across midnight).
  const store = openStore(db);
  const lastSync = syncState(store, server.url).lastSync!;
  store.close();
  assert.ok(Date.parse(lastSync) >= runStart && Date.parse(lastSync) <= Date.now(), `last sync ${lastSync} is when the run started`);
  const since = new Date(Date.parse(lastSync) - 86_400_000).toISOString().slice(0, 10);
  server.requests.length = 0;
  const second = await eligo(["sync", "--base-url", server.url, "--db", db, "--page-size", "5"]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(server.requests[0]!.searchParams.get("filter.advanced"), `AREA[LastUpdatePostDate]RANGE[${since},MAX]`);
  assert.match(second.stdout, new RegExp(`only records updated since ${since}`));
  assert.match(second.stdout, /^0 studies in 1 page/m);
  assert.equal(count(db), 12);
});

test("eligo sync --json passes the query options through", async () => {
  const db = join(tmp, "query.db");
  const run = await eligo([
    "sync", "--base-url", server.url, "--db", db, "--json",
    "--intr", "placebo", "--status", "completed,RECRUITING", "--page-size", "2", "--max-pages", "1",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(Object.fromEntries(server.requests[0]!.searchParams), {
    "query.intr": "placebo",
    "filter.overallStatus": "COMPLETED,RECRUITING",
    pageSize: "2",
    countTotal: "true",
    format: "json",
  });
  const result = JSON.parse(run.stdout);
  assert.equal(result.pages, 1);
  assert.equal(result.studies, 2);
  assert.equal(result.total, 4);
  assert.equal(result.complete, false);
  assert.deepEqual(result.query, { intr: "placebo", status: ["COMPLETED", "RECRUITING"] });
});

test("eligo sync resumes after a failed run and reports a server error clearly", async () => {
  const db = join(tmp, "resume.db");
  server.inject({ page: 2, status: 500, times: Infinity });
  const failed = await eligo(["sync", "--base-url", server.url, "--db", db, "--page-size", "5", "--max-retries", "1"]);
  assert.equal(failed.code, 1);
  assert.match(
    failed.stderr,
    new RegExp(`eligo: sync stopped at page 2: GET ${server.url}/api/v2/studies\\?pageSize=5&pageToken=\\S+ failed after 2 attempts: HTTP 500`),
  );
  // (the first backoff is drawn from 500–1,000 ms: printed "1 s" when it is exactly 1,000)
  assert.match(failed.stderr, /warning: .* retry 1\/1 in (?:\d+ ms|1 s) after HTTP 500/);
  assert.match(failed.stderr, /run it again to resume/);
  assert.equal(count(db), 5);
  const token = server.requests[1]!.searchParams.get("pageToken");

  server.clearFaults();
  server.requests.length = 0;
  const resumed = await eligo(["sync", "--base-url", server.url, "--db", db, "--page-size", "5"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(server.requests[0]!.searchParams.get("pageToken"), token);
  assert.match(resumed.stdout, /^7 studies in 2 pages .*: 7 imported, 0 updated, 0 unchanged$/m);
  assert.match(resumed.stdout, /resumed an interrupted run/);
  assert.equal(count(db), 12);
});

test("Ctrl-C stops eligo sync cleanly: exit 130, committed pages kept, the next run resumes", async () => {
  const db = join(tmp, "sigint.db");
  server.inject({ page: 2, kind: "hang" });
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "sync", "--base-url", server.url, "--db", db, "--page-size", "5"], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1", NODE_NO_WARNINGS: "1" },
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // Wait until the request for page 2 has arrived (and hangs), then interrupt.
  while (!server.requests.some((u) => u.searchParams.has("pageToken")) && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGINT");
  assert.equal(await exited, 130);
  assert.match(stderr, /eligo: sync interrupted after 1 page; run it again to resume/);
  assert.equal(count(db), 5);

  server.clearFaults();
  const resumed = await eligo(["sync", "--base-url", server.url, "--db", db, "--page-size", "5"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resumed an interrupted run/);
  assert.equal(count(db), 12);
});

test("eligo sync rejects bad options with the reason", async () => {
  const db = join(tmp, "bad.db");
  const status = await eligo(["sync", "--base-url", server.url, "--db", db, "--status", "OPEN"]);
  assert.equal(status.code, 1);
  assert.match(status.stderr, /eligo: unknown overall status "OPEN"/);
  const size = await eligo(["sync", "--base-url", server.url, "--db", db, "--page-size", "5000"]);
  assert.equal(size.code, 1);
  assert.match(size.stderr, /--page-size must be a whole number from 1 to 1000, got "5000"/);
  const url = await eligo(["sync", "--base-url", "clinicaltrials.gov", "--db", db]);
  assert.equal(url.code, 1);
  assert.match(url.stderr, /invalid base URL "clinicaltrials.gov"/);
  assert.equal(server.requests.length, 0);
});
