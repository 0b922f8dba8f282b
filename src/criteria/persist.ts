/**
 * Parsed criteria kept with the study: parse at import, store with the parser's version,
 * re-parse what is missing or was parsed by another version (the store's upsert drops the
 * parse of a study whose record changed, so a changed text is re-parsed too).
 */
import type { Study } from "../model/study.js";
import type { StudyStore } from "../store/store.js";
import { parseEligibility, parserVersion, type ParseOptions } from "./parse.js";
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
  const ids = store.staleCriteria(PARSER_VERSION);
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
