/**
 * The import pipeline for large imports: a worker thread parses, validates and prepares
 * studies (./pipeline-worker.ts) while the main thread only writes them, so the two halves of
 * an import run on two cores. Same contract as importPaths (./run.ts): each input is one
 * transaction, all its studies or none; a bad input is recorded with its reason and the run
 * goes on; memory stays flat (the reader runs at most a bounded number of characters ahead of
 * the writer).
 */
import { Worker } from "node:worker_threads";
import type { Provenance } from "../model/study.js";
import type { PreparedStudy } from "../store/prepare.js";
import type { StudyStore } from "../store/store.js";
import { walkInputs } from "./inputs.js";
import { ChunkReader, sniffFormat, type ImportCounts, type ImportOptions } from "./run.js";
import type { ImportFormat } from "./types.js";

export interface PreparedImport {
  prepared: PreparedStudy;
  provenance: Provenance;
}

/**
 * Main thread → worker. `bytes` is how far the reader was in the input and `chars` how many
 * characters the message carries; the worker echoes both back with the studies they gave
 * (for progress, and so the writer can tell the reader what it has consumed).
 */
export type ToWorker =
  | { t: "begin"; unit: number; format: string; source: string }
  | { t: "bytes"; unit: number; data: Uint8Array; bytes: number; chars: number }
  | { t: "text"; unit: number; text: string; bytes: number; chars: number }
  | { t: "end"; unit: number; bytes: number }
  | { t: "abort"; unit: number };

/** Worker → main thread. */
export type FromWorker =
  | { t: "studies"; unit: number; items: PreparedImport[]; bytes: number; chars: number }
  | { t: "done"; unit: number }
  | { t: "error"; unit: number; reason: string };

/** Bytes (or characters, for whole texts) per message, and how many the reader may run ahead of the writer. */
export interface PipelineTuning {
  batchChars: number;
  aheadChars: number;
}
const DEFAULT_TUNING: PipelineTuning = { batchChars: 1 << 20, aheadChars: 8 << 20 };

/** A queue one side pushes into and the other awaits, in order. */
class Channel<T> {
  private readonly items: T[] = [];
  private waiting: ((v: T) => void) | undefined;
  push(v: T): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w(v);
    } else this.items.push(v);
  }
  next(): Promise<T> {
    if (this.items.length) return Promise.resolve(this.items.shift()!);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

type Job =
  | { kind: "error"; source: string; reason: string; progressSize: number }
  | { kind: "unit"; id: number; source: string; progressSize: number; scale: number; results: Channel<FromWorker>; failed: boolean }
  | { kind: "end" };

/**
 * The worker: the compiled JS next to this file; under tsx (tests, benches from source) the
 * TypeScript source, loaded after registering tsx in the worker (loader hooks are per thread).
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./pipeline-worker.js", import.meta.url));
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./pipeline-worker.ts", import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

/** importPaths with parsing and preparation on a worker thread (the formats are the registered ones). */
export async function importPathsPipelined(
  store: StudyStore,
  paths: Iterable<string>,
  opts: ImportOptions = {},
  tuning: PipelineTuning = DEFAULT_TUNING,
): Promise<ImportCounts> {
  const { batchChars: BATCH_CHARS, aheadChars: AHEAD_CHARS } = tuning;
  const counts: ImportCounts = { imported: 0, updated: 0, unchanged: 0, failed: 0, inputs: 0, errors: [] };
  const worker = startWorker();
  const jobs = new Channel<Job>();
  const byId = new Map<number, Extract<Job, { kind: "unit" }>>();
  let workerFailure: string | undefined;
  let wakeReader: (() => void) | undefined;
  const wake = () => {
    const w = wakeReader;
    wakeReader = undefined;
    w?.();
  };
  const failAll = (reason: string) => {
    workerFailure ??= reason;
    for (const j of byId.values()) j.results.push({ t: "error", unit: j.id, reason: `import worker failed: ${reason}` });
    wake();
  };
  worker.on("message", (m: FromWorker) => byId.get(m.unit)?.results.push(m));
  worker.on("error", (e) => failAll(e.message));
  worker.on("exit", (code) => failAll(`exited with code ${code}`));
  const post = (m: ToWorker) => worker.postMessage(m);

  // Backpressure: characters posted to the worker and not yet written by the main thread.
  const sent = new Map<number, number>();
  let ahead = 0;
  const consumed = (unit: number, n: number) => {
    ahead -= n;
    sent.set(unit, (sent.get(unit) ?? 0) - n);
    if (ahead < AHEAD_CHARS) wake();
  };
  const room = async () => {
    while (ahead >= AHEAD_CHARS && !workerFailure) await new Promise<void>((r) => (wakeReader = r));
  };
  const charge = (unit: number, n: number) => {
    ahead += n;
    sent.set(unit, (sent.get(unit) ?? 0) + n);
  };

  let nextId = 1;
  const reader = (async () => {
    try {
      for await (const item of walkInputs(paths)) {
        if (workerFailure) break;
        if (item.kind === "error") {
          jobs.push({ kind: "error", source: item.source, reason: item.reason, progressSize: 0 });
          continue;
        }
        let streamBytes = 0;
        const job: Extract<Job, { kind: "unit" }> = {
          kind: "unit",
          id: nextId++,
          source: item.source,
          progressSize: item.progressSize,
          scale: item.streamSize > 0 ? item.progressSize / item.streamSize : 0,
          results: new Channel(),
          failed: false,
        };
        const stream = await item.open().catch((e: Error) => e);
        if (stream instanceof Error) {
          jobs.push({ kind: "error", source: item.source, reason: stream.message, progressSize: item.progressSize });
          continue;
        }
        try {
          const chunks = new ChunkReader(stream, (n) => (streamBytes += n));
          let format: ImportFormat;
          try {
            format = await sniffFormat(chunks);
          } catch (e) {
            jobs.push({ kind: "error", source: item.source, reason: (e as Error).message, progressSize: item.progressSize });
            continue;
          }
          byId.set(job.id, job);
          jobs.push(job);
          post({ t: "begin", unit: job.id, format: format.name, source: item.source });
          try {
            if (format.lineReader) {
              // Raw bytes, moved (not copied) to the worker, which decodes and splits the lines:
              // this thread only reads and writes.
              let parts: Buffer[] = [];
              let size = 0;
              const flush = () => {
                const data = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
                // A pooled small Buffer shares its memory: copy it rather than transfer the pool.
                const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : Buffer.from(data);
                charge(job.id, size);
                worker.postMessage({ t: "bytes", unit: job.id, data: own, bytes: streamBytes, chars: size } satisfies ToWorker, [own.buffer as ArrayBuffer]);
                parts = [];
                size = 0;
              };
              for await (const b of chunks.chunks()) {
                parts.push(b);
                size += b.length;
                if (size >= BATCH_CHARS) {
                  flush();
                  await room();
                  if (job.failed || workerFailure) break;
                }
              }
              if (size) flush();
            } else {
              const text = await chunks.text();
              charge(job.id, text.length);
              post({ t: "text", unit: job.id, text, bytes: streamBytes, chars: text.length });
            }
            post({ t: "end", unit: job.id, bytes: streamBytes });
            await room();
          } catch (e) {
            // The input could not be read to its end (a truncated zip member, say).
            post({ t: "abort", unit: job.id });
            job.results.push({ t: "error", unit: job.id, reason: (e as Error).message });
          }
        } finally {
          stream.destroy();
        }
      }
    } catch (e) {
      jobs.push({ kind: "error", source: "(inputs)", reason: (e as Error).message, progressSize: 0 });
    } finally {
      jobs.push({ kind: "end" });
    }
  })();

  let bytesDone = 0;
  let studiesInFlight = 0;
  const progress = (source: string, extraBytes = 0) =>
    opts.onProgress?.({
      bytes: bytesDone + extraBytes,
      studies: counts.imported + counts.updated + counts.unchanged + studiesInFlight,
      inputs: counts.inputs,
      failed: counts.failed,
      source,
    });

  try {
    for (let job = await jobs.next(); job.kind !== "end"; job = await jobs.next()) {
      if (job.kind === "error") {
        counts.failed++;
        counts.errors.push({ source: job.source, reason: job.reason });
        bytesDone += job.progressSize;
        progress(job.source);
        continue;
      }
      const j = job;
      const local = { imported: 0, updated: 0, unchanged: 0 };
      try {
        await store.transactionAsync(async () => {
          for (let m = await j.results.next(); m.t !== "done"; m = await j.results.next()) {
            if (m.t === "error") throw new Error(m.reason);
            for (const it of m.items) {
              local[store.upsertPrepared(it.prepared, it.provenance)]++;
              studiesInFlight++;
            }
            consumed(j.id, m.chars);
            progress(j.source, Math.min(j.progressSize, m.bytes * j.scale));
          }
        });
        counts.imported += local.imported;
        counts.updated += local.updated;
        counts.unchanged += local.unchanged;
        counts.inputs++;
      } catch (e) {
        j.failed = true;
        counts.failed++;
        counts.errors.push({ source: j.source, reason: (e as Error).message });
      } finally {
        byId.delete(j.id);
        // What was sent for a failed input never comes back as studies.
        consumed(j.id, sent.get(j.id) ?? 0);
        sent.delete(j.id);
        studiesInFlight = 0;
        bytesDone += j.progressSize;
        progress(j.source);
      }
    }
    await reader;
    // Inputs after a worker failure were never read: the import cannot say it is complete.
    if (workerFailure) throw new Error(`import worker failed: ${workerFailure}`);
  } finally {
    worker.removeAllListeners("exit");
    await worker.terminate();
  }
  return counts;
}
