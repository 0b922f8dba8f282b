/**
 * The parse pool: eligibility texts parsed on worker threads (node:worker_threads), with the
 * results handed back in input order, a batch at a time.
 *
 *   runParsePool(tasks, onBatch, {workers, local, batchSize, numericOnly})
 *
 * Tasks (./pool-task.ts) are pulled from `tasks` lazily, `batchSize` at a time; each worker
 * has at most two batches in flight, and with `local` the calling thread parses batches too
 * between messages. `onBatch(tasks, results)` is called once per batch, in input order; when
 * it throws, the pool stops and the promise rejects with that error. A worker that fails or
 * exits rejects the promise with an error naming the input it was parsing. Workers are
 * terminated when the promise settles, so nothing is left running.
 *
 * A worker pays its own start-up and warm-up: loading the parser and the knowledge tables,
 * compiling some 350 regexes, and above all V8's optimising compiler, which for the parser's code
 * costs about a CPU-second per thread (measured with callgrind: 35% of all the instructions of
 * a 4,940-document `eligo criteria` run). That compiler runs on background threads: on a 2-core
 * machine the worker competes with it and with the main thread, and was measured no faster than
 * one thread at 4,940 documents (2-core AMD EPYC VM, quiet: median wall 2.08 s vs 2.03 s; shared
 * with other work: 4.0-4.2 s vs 2.8-3.0 s). So by default the pool is used only on machines
 * with at least 3 cores, leaving one core to the compiler and the garbage collector; callers
 * can still ask for workers (`eligo criteria --threads N`). See `poolWorthwhile`. A large re-parse
 * of stored studies is the exception: there this thread is busy with the store, and one worker
 * pays even on 2 cores (see `reparseWorkers`).
 *
 * The worker runs from dist (compiled JS); under tsx (tests, benchmarks from sources) it runs
 * the TypeScript source (see workerUrl).
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { BatchMessage } from "./pool-worker.js";
import type { PoolResult, PoolTask, PoolTaskOptions } from "./pool-task.js";

export type { PoolResult, PoolTask } from "./pool-task.js";

export interface ParsePoolOptions extends PoolTaskOptions {
  /** Worker threads; default: poolWorkers(). */
  workers?: number;
  /** Parse batches on the calling thread as well (default true). */
  local?: boolean;
  /** Tasks per batch (default 16). */
  batchSize?: number;
}

/**
 * Documents below which one thread is faster than the pool, with a core to spare: a worker's
 * start-up and warm-up cost about a CPU-second, what one thread needs for ~2,000 documents once warm.
 */
export const POOL_MIN_DOCUMENTS = 2000;

/** Worker threads beside the calling thread: the cores but two (one for V8's compiler and GC threads), at most 6. */
export function poolWorkers(): number {
  return Math.min(6, Math.max(0, availableParallelism() - 2));
}

/** True when `documents` are enough to pay for the pool's start-up on this machine (never on fewer than 3 cores). */
export function poolWorthwhile(documents: number): boolean {
  return poolWorkers() > 0 && documents >= POOL_MIN_DOCUMENTS;
}

/**
 * Stale studies from which a re-parse (persist.ts's reparseStaleParallel) takes one worker on a
 * 2-core machine. Unlike `eligo criteria FILE...`, a re-parse keeps this thread busy with the
 * store (reading each study's eligibility, writing the results), so a worker parsing beside it
 * pays on 2 cores once its start-up is spread over enough studies. Measured with
 * `eligo criteria --reparse --threads 0|1` on stores of generated studies (2-core AMD EPYC VM,
 * quiet, 3 runs each): 1,000 studies 0.84-1.01 s alone vs 1.00-1.09 s with a worker; 3,000:
 * 1.87-2.50 s vs 1.84-1.97 s; 10,000: 5.4-6.0 s vs 4.0-4.1 s.
 */
export const REPARSE_TWO_CORE_MIN = 5000;

/** Worker threads for re-parsing `stale` stored studies: poolWorkers() where the pool pays, else one on 2 cores from REPARSE_TWO_CORE_MIN, else none. */
export function reparseWorkers(stale: number): number {
  if (poolWorthwhile(stale)) return poolWorkers();
  return availableParallelism() >= 2 && stale >= REPARSE_TWO_CORE_MIN ? 1 : 0;
}

function workerUrl(): URL {
  if (!import.meta.url.endsWith(".ts")) return new URL("./pool-worker.js", import.meta.url);
  // Under tsx (tests, benchmarks from the sources) this module is the .ts source. A worker thread
  // does not inherit tsx's loader on Node 20, so it starts from a module that registers it and
  // then loads the worker's TypeScript source.
  const api = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./pool-worker.ts", import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

function describe(tasks: PoolTask[]): string {
  const name = (t: PoolTask) => (t.kind === "file" ? t.file : t.nctId);
  return tasks.length ? `${name(tasks[0])}${tasks.length > 1 ? ` (or one of the ${tasks.length - 1} inputs after it)` : ""}` : "nothing";
}

export async function runParsePool(
  source: Iterable<PoolTask>,
  onBatch: (tasks: PoolTask[], results: PoolResult[]) => void,
  opts: ParsePoolOptions = {},
): Promise<void> {
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 16));
  const workerCount = Math.max(0, Math.floor(opts.workers ?? poolWorkers()));
  const local = opts.local ?? true;
  if (workerCount === 0 && !local) throw new Error("runParsePool: no worker threads and no local parsing: nothing would parse");
  const taskOpts: PoolTaskOptions = { numericOnly: Boolean(opts.numericOnly), strict: Boolean(opts.strict) };
  const runLocal = local ? (await import("./pool-task.js")).runPoolTask : undefined;

  const it = source[Symbol.iterator]();
  // One task read ahead, so the batch that ends the source is known to be the last.
  let ahead = it.next();
  let exhausted = Boolean(ahead.done);
  let nextId = 0;
  /** Tasks of every batch taken and not yet delivered. */
  const pending = new Map<number, PoolTask[]>();
  /** Results waiting for an earlier batch to be delivered. */
  const done = new Map<number, PoolResult[]>();
  let delivered = 0;
  const take = (): BatchMessage | undefined => {
    if (exhausted) return undefined;
    const tasks: PoolTask[] = [];
    while (!ahead.done && tasks.length < batchSize) {
      tasks.push(ahead.value);
      ahead = it.next();
    }
    exhausted = Boolean(ahead.done);
    const id = nextId++;
    pending.set(id, tasks);
    return { id, tasks };
  };
  const first = take();
  if (!first) return;

  const workers: Worker[] = [];
  const inFlight = new Map<Worker, Set<number>>();
  let settled = false;
  const stop = () => Promise.all(workers.map((w) => w.terminate())).then(() => undefined);

  return new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      const e = err instanceof Error ? err : new Error(String(err));
      stop().then(
        () => reject(e),
        () => reject(e),
      );
    };
    const finish = () => {
      settled = true;
      stop().then(resolve, reject);
    };
    /** Hands every batch whose turn has come to onBatch; finishes when all are delivered. */
    const flush = () => {
      while (!settled && done.has(delivered)) {
        const results = done.get(delivered)!;
        const tasks = pending.get(delivered)!;
        done.delete(delivered);
        pending.delete(delivered);
        delivered++;
        try {
          onBatch(tasks, results);
        } catch (e) {
          fail(e);
          return;
        }
      }
      if (!settled && exhausted && delivered === nextId) finish();
    };
    /** take(), with an error of the task source (a store read …) ending the pool. */
    const next = (): BatchMessage | undefined => {
      try {
        return take();
      } catch (e) {
        fail(e);
        return undefined;
      }
    };
    const send = (w: Worker, b: BatchMessage): boolean => {
      inFlight.get(w)!.add(b.id);
      try {
        w.postMessage(b);
        return true;
      } catch (e) {
        fail(new Error(`cannot hand ${describe(b.tasks)} to a criteria worker: ${(e as Error).message}`));
        return false;
      }
    };
    const feed = (w: Worker) => {
      while (!settled && inFlight.get(w)!.size < 2) {
        const b = next();
        if (!b || !send(w, b)) break;
      }
    };
    const tasksOf = (w: Worker) => [...(inFlight.get(w) ?? [])].flatMap((id) => pending.get(id) ?? []);

    for (let i = 0; i < workerCount; i++) {
      let w: Worker;
      try {
        w = new Worker(workerUrl(), { workerData: taskOpts });
      } catch (e) {
        fail(new Error(`cannot start a criteria worker thread: ${(e as Error).message}`));
        return;
      }
      workers.push(w);
      inFlight.set(w, new Set());
      w.on("message", (m: { id: number; results: PoolResult[] }) => {
        if (settled) return;
        inFlight.get(w)!.delete(m.id);
        done.set(m.id, m.results);
        flush();
        feed(w);
      });
      w.on("error", (e: Error) => fail(new Error(`criteria worker failed while parsing ${describe(tasksOf(w))}: ${e.message}`)));
      w.on("exit", (code) => {
        if (!settled) fail(new Error(`criteria worker stopped (exit code ${code}) while parsing ${describe(tasksOf(w))}`));
      });
    }
    // The calling thread starts with the first batch (output starts at once); the workers, once
    // loaded, take the batches after it.
    const localBatch = (b: BatchMessage) => {
      done.set(b.id, b.tasks.map((t) => runLocal!(t, taskOpts)));
      flush();
    };
    // `first` goes to the first worker, ahead of the batches fed below (or is parsed here).
    if (!runLocal && !send(workers[0], first)) return;
    for (const w of workers) feed(w);
    if (!runLocal) return;
    const step = () => {
      if (settled) return;
      const b = next();
      if (!b) return; // the rest is in flight on the workers
      try {
        localBatch(b);
      } catch (e) {
        fail(e);
        return;
      }
      setImmediate(step);
    };
    try {
      localBatch(first);
    } catch (e) {
      fail(e);
      return;
    }
    setImmediate(step);
  });
}
