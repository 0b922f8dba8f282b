/**
 * Parsed criteria kept with the study: parse at import, store with the parser's version,
 * re-parse what is missing or was parsed by another version (the store's upsert drops the
 * parse of a study whose record changed, so a changed text is re-parsed too).
 */
import type { Study } from "../model/study.js";
import type { StudyStore } from "../store/store.js";
import { parseEligibility, parserVersion, type ParseOptions } from "./parse.js";
import type { PoolResult, PoolTask } from "./pool-task.js";
import type { ParsedCriteria } from "./types.js";

/** Parser code version + lab table version: stored parses from another version are stale. */
export const PARSER_VERSION = parserVersion();

/** Parses a study's eligibility (text and module) and stores it with PARSER_VERSION. */
export function parseAndStore(store: StudyStore, study: Study, opts: ParseOptions = {}): ParsedCriteria {
  const nctId = study.protocolSection?.identificationModule?.nctId;
  if (!nctId) throw new Error("parseAndStore: the study has no protocolSection.identificationModule.nctId");
  const parsed = parseEligibility(study, opts);
  store.setParsedCriteria(nctId, PARSER_VERSION, JSON.stringify(parsed));
  return parsed;
}

/** The stored parse of a study when it is from this parser version, else undefined. */
export function storedCriteria(store: StudyStore, nctId: string): ParsedCriteria | undefined {
  const row = store.getParsedCriteria(nctId);
  if (!row || row.parserVersion !== PARSER_VERSION) return undefined;
  return JSON.parse(row.json) as ParsedCriteria;
}

export interface ReparseSummary {
  /** Studies parsed and stored. */
  parsed: number;
  /** Stale ids that were no longer in the store when reached. */
  missing: number;
}

/**
 * Re-parses every study whose stored criteria are missing or from another parser version,
 * in transactions of `batchSize` (a crash loses at most one batch, never half a study).
 * onProgress(done, total) is called after each batch.
 */
export function reparseStale(
  store: StudyStore,
  onProgress?: (done: number, total: number) => void,
  opts: ParseOptions & { batchSize?: number } = {},
): ReparseSummary {
  return reparseIds(store, store.staleCriteria(PARSER_VERSION), onProgress, opts);
}

function reparseIds(store: StudyStore, ids: string[], onProgress: ((done: number, total: number) => void) | undefined, opts: ParseOptions & { batchSize?: number }): ReparseSummary {
  const batch = Math.max(1, opts.batchSize ?? 200);
  const summary: ReparseSummary = { parsed: 0, missing: 0 };
  for (let i = 0; i < ids.length; i += batch) {
    const slice = ids.slice(i, i + batch);
    store.transaction(() => {
      for (const id of slice) {
        const rec = store.get(id);
        if (!rec) {
          summary.missing++;
          continue;
        }
        parseAndStore(store, rec.study, opts);
        summary.parsed++;
      }
    });
    onProgress?.(Math.min(i + batch, ids.length), ids.length);
  }
  return summary;
}

export interface ParallelReparseOptions {
  /** Studies per write transaction (default 200): a crash loses at most the batch being written. */
  batchSize?: number;
  /** Worker threads (default: reparseWorkers in ./pool.ts, by cores and stale studies); with 0 this thread parses alone. */
  workers?: number;
  numericOnly?: boolean;
  /** Let a clinical extractor error fail the re-parse (tests). */
  strict?: boolean;
  /** Called (on this thread) for each criterion on which the clinical extractor threw; it keeps its numeric constraints. */
  onClinicalError?: (error: Error, criterionText: string) => void;
}

/**
 * reparseStale with the parsing spread over worker threads (./pool.ts): this thread reads the
 * stale studies from the store and writes the results in transactions of `batchSize`, in
 * order (the store stays on this thread; workers never open it), while the workers — and this
 * thread between batches — parse. Same stored results as reparseStale; a crash loses at most
 * the batch being written (what is written is whole batches). With few stale studies it runs
 * reparseStale's single-thread path. onProgress(done, total) after each written batch.
 */
export async function reparseStaleParallel(
  store: StudyStore,
  onProgress?: (done: number, total: number) => void,
  opts: ParallelReparseOptions = {},
): Promise<ReparseSummary> {
  const ids = store.staleCriteria(PARSER_VERSION);
  const batch = Math.max(1, Math.floor(opts.batchSize ?? 200));
  const { reparseWorkers, runParsePool } = await import("./pool.js");
  const workers = opts.workers ?? reparseWorkers(ids.length);
  if (workers === 0) {
    const parseOpts: ParseOptions & { batchSize?: number } = { batchSize: batch, numericOnly: opts.numericOnly, strict: opts.strict };
    if (opts.onClinicalError) parseOpts.onClinicalError = opts.onClinicalError;
    return reparseIds(store, ids, onProgress, parseOpts);
  }
  const summary: ReparseSummary = { parsed: 0, missing: 0 };
  /** Position in `ids` of each task handed to the pool, by nctId. */
  const position = new Map<string, number>();
  function* tasks(): Generator<PoolTask> {
    for (let i = 0; i < ids.length; i++) {
      // Only the eligibility module is read (parseEligibility needs nothing else): reading and
      // parsing each whole record here was a fifth of a large import's re-parse.
      const eligibilityModule = store.eligibilityModuleOf(ids[i]);
      if (eligibilityModule === undefined) {
        summary.missing++;
        continue;
      }
      position.set(ids[i], i);
      const study = { protocolSection: { identificationModule: { nctId: ids[i] }, ...(eligibilityModule ? { eligibilityModule } : {}) } } as Study;
      yield { kind: "study", nctId: ids[i], study };
    }
  }
  let reported = 0;
  let pendingIds: string[] = [];
  let pendingJson: string[] = [];
  const write = () => {
    if (!pendingIds.length) return;
    const [wIds, wJson] = [pendingIds, pendingJson];
    pendingIds = [];
    pendingJson = [];
    store.transaction(() => {
      for (let k = 0; k < wIds.length; k++) store.setParsedCriteria(wIds[k], PARSER_VERSION, wJson[k]);
    });
    summary.parsed += wIds.length;
    reported = position.get(wIds[wIds.length - 1])! + 1;
    onProgress?.(reported, ids.length);
  };
  await runParsePool(
    tasks(),
    (done: PoolTask[], results: PoolResult[]) => {
      results.forEach((r, k) => {
        const nctId = (done[k] as { nctId: string }).nctId;
        for (const ce of r.clinicalErrors) opts.onClinicalError?.(new Error(ce.message), ce.text);
        if (r.json === undefined) throw new Error(`re-parsing the criteria of ${nctId}: ${r.error ?? "no result"}`);
        pendingIds.push(nctId);
        pendingJson.push(r.json);
        if (pendingIds.length >= batch) write();
      });
    },
    { numericOnly: opts.numericOnly, strict: opts.strict, workers },
  );
  write();
  if (reported < ids.length) onProgress?.(ids.length, ids.length); // stale ids no longer in the store, after the last one written
  return summary;
}
