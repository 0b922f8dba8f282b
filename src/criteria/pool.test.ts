import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { Study } from "../model/study.js";
import { parseEligibility } from "./parse.js";
import { POOL_MIN_DOCUMENTS, poolWorkers, REPARSE_TWO_CORE_MIN, reparseWorkers, runParsePool, type PoolResult, type PoolTask } from "./pool.js";
import { runPoolTask } from "./pool-task.js";

const docs = fileURLToPath(new URL("../../../shared/eval/lct-dev/docs/", import.meta.url));
const v2 = fileURLToPath(new URL("../../../shared/data/ctgov-v2/", import.meta.url));
const files = readdirSync(docs)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .slice(0, 40)
  .map((f) => docs + f);
const studyFiles = readdirSync(v2)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => v2 + f);

async function collect(tasks: PoolTask[], opts: Parameters<typeof runParsePool>[2]): Promise<{ results: PoolResult[]; batches: number[] }> {
  const results: PoolResult[] = [];
  const batches: number[] = [];
  await runParsePool(
    tasks,
    (batch, rs) => {
      assert.equal(batch.length, rs.length);
      batches.push(rs.length);
      results.push(...rs);
    },
    opts,
  );
  return { results, batches };
}

test("runParsePool: results in input order, the same as one thread, with and without parsing on the calling thread", { timeout: 120_000 }, async () => {
  // a missing file in the middle, v2 study files (read as studies) at the end
  const tasks: PoolTask[] = [...files.slice(0, 20), `${docs}absent.txt`, ...files.slice(20), ...studyFiles].map((file) => ({ kind: "file", file }));
  const want = tasks.map((t) => runPoolTask(t, {}));
  assert.equal(want[20].unreadable, "no such file");
  assert.ok(want.filter((r) => r.json).length === tasks.length - 1);
  for (const opts of [
    { workers: 2, local: false, batchSize: 3 },
    { workers: 1, local: true, batchSize: 5 },
    { workers: 2, local: true, batchSize: 64 },
    { workers: 0, local: true, batchSize: 7 },
  ]) {
    const { results, batches } = await collect(tasks, opts);
    assert.deepEqual(results, want, JSON.stringify(opts));
    assert.deepEqual(batches, batches.map((_, i) => Math.min(opts.batchSize, tasks.length - i * opts.batchSize)), "whole batches, in order");
  }
  // numeric only reaches the workers
  const { results } = await collect(tasks.slice(0, 5), { workers: 1, local: false, numericOnly: true });
  assert.deepEqual(results, tasks.slice(0, 5).map((t) => runPoolTask(t, { numericOnly: true })));
  assert.ok(results.some((r) => r.json && !r.json.includes('"type":"diagnosis"')));
});

test("runParsePool: study tasks give parseEligibility's JSON; an empty source gives no batch", { timeout: 60_000 }, async () => {
  const studies = studyFiles.map((f) => JSON.parse(readFileSync(f, "utf8")) as Study);
  const tasks: PoolTask[] = studies.map((study) => ({ kind: "study", nctId: study.protocolSection.identificationModule.nctId, study }));
  const { results } = await collect(tasks, { workers: 1, local: false, batchSize: 4 });
  assert.deepEqual(
    results.map((r) => r.json),
    studies.map((s) => JSON.stringify(parseEligibility(s))),
  );
  assert.deepEqual(await collect([], { workers: 2 }), { results: [], batches: [] });
});

test("runParsePool: an error in onBatch, in the task source or in handing a task over ends the pool with that error (no thread left running)", { timeout: 60_000 }, async () => {
  const tasks: PoolTask[] = files.map((file) => ({ kind: "file", file }));
  let calls = 0;
  await assert.rejects(
    runParsePool(
      tasks,
      () => {
        if (++calls === 2) throw new Error("disk full");
      },
      { workers: 2, batchSize: 4 },
    ),
    /disk full/,
  );
  assert.equal(calls, 2, "no batch after the failing one");
  function* failing(): Generator<PoolTask> {
    yield* tasks.slice(0, 10);
    throw new Error("store read failed");
  }
  await assert.rejects(runParsePool(failing(), () => {}, { workers: 1, batchSize: 2 }), /store read failed/);
  // a study with a function in it cannot be copied to a worker thread: the error names it
  const bad = { kind: "study", nctId: "NCT00000001", study: { protocolSection: { f: () => 1 } } } as unknown as PoolTask;
  await assert.rejects(runParsePool([bad], () => {}, { workers: 1, local: false }), /cannot hand NCT00000001 to a criteria worker/);
  await assert.rejects(runParsePool(tasks, () => {}, { workers: 0, local: false }), /nothing would parse/);
});

test("runPoolTask: a parse that throws is reported in the result, not thrown", () => {
  const broken = { kind: "study", nctId: "NCT00000002", study: null } as unknown as PoolTask;
  const r = runPoolTask(broken, {});
  assert.equal(r.json, undefined);
  assert.match(r.error ?? "", /./);
});

test("reparseWorkers: none for a small re-parse; from REPARSE_TWO_CORE_MIN stale studies at least one worker on 2 or more cores; the pool's own size where it pays", () => {
  assert.equal(reparseWorkers(0), 0);
  assert.equal(reparseWorkers(Math.min(POOL_MIN_DOCUMENTS, REPARSE_TWO_CORE_MIN) - 1), 0);
  const cores = availableParallelism();
  assert.equal(reparseWorkers(REPARSE_TWO_CORE_MIN), cores >= 3 ? poolWorkers() : cores === 2 ? 1 : 0);
  if (cores >= 3) assert.equal(reparseWorkers(POOL_MIN_DOCUMENTS), poolWorkers());
});
