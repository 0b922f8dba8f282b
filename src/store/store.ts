/**
 * The storage interface callers see. No SQL leaves `src/store/`: a server database can
 * be added later by implementing this interface.
 */
import type { ProtocolSection, Provenance, Study } from "../model/study.js";
import type { PreparedStudy } from "./prepare.js";
import type { CandidateFilter, CandidateRow, MatchRow } from "./candidates.js";

export type UpsertOutcome = "imported" | "updated" | "unchanged";

export interface StoredStudy {
  study: Study;
  provenance: Provenance;
}

/** One line of `eligo list`: the columns kept beside the JSON. */
export interface StudySummary {
  nctId: string;
  briefTitle: string | null;
  overallStatus: string | null;
  phases: string[];
  studyType: string | null;
  conditions: string[];
  leadSponsor: string | null;
  lastUpdate: string | null;
}

export interface StudyStore {
  /**
   * Inserts or replaces a study; keeps the record with the newer lastUpdatePostDate. Inside
   * `transaction`/`transactionAsync` a throwing upsert may leave part of its rows written:
   * the caller must let the error end (roll back) its transaction.
   */
  upsert(study: Study, provenance: Provenance): UpsertOutcome;
  /** upsert for a study already prepared (e.g. on an import worker thread) by prepareStudy (./prepare.ts). */
  upsertPrepared(prepared: PreparedStudy, provenance: Provenance): UpsertOutcome;
  /** Runs fn in one transaction: all its writes land, or none. */
  transaction<T>(fn: () => T): T;
  /**
   * Runs async fn in one transaction (all its writes land, or none if it rejects). For
   * streamed imports; no other write may run on this store until the promise settles.
   */
  transactionAsync<T>(fn: () => Promise<T>): Promise<T>;
  get(nctId: string): StoredStudy | undefined;
  /**
   * Only a study's eligibility module (what criteria parsing reads), without reading the whole
   * record: null when the study has none, undefined when there is no such study.
   */
  eligibilityModuleOf(nctId: string): NonNullable<ProtocolSection["eligibilityModule"]> | null | undefined;
  has(nctId: string): boolean;
  count(): number;
  /** Summaries ordered by NCT id. */
  list(opts?: { limit?: number; offset?: number }): StudySummary[];
  /** Every stored study, streamed in NCT id order (memory stays flat). */
  iterate(): IterableIterator<StoredStudy>;
  /** Parsed eligibility criteria kept with the parser version that produced them. */
  getParsedCriteria(nctId: string): { parserVersion: string; json: string } | undefined;
  setParsedCriteria(nctId: string, parserVersion: string, json: string): void;
  /** NCT ids whose parsed criteria are missing or from another parser version. */
  staleCriteria(parserVersion: string): string[];
  /** Trials worth matching a patient against, narrowed by indexed columns (see candidates.ts). */
  candidates(filter: CandidateFilter): CandidateRow[];
  /** Study JSON and stored parsed criteria of the trials named, for matching (in any order). */
  matchRows(nctIds: string[]): MatchRow[];
  /** Small key/value state (sync cursors, last sync time). */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string | null): void;
  close(): void;
}
