/**
 * Rows derived from a study (search indexes, …), written in the same transaction as the
 * study itself. Each concern registers one writer in two halves: `derive` computes what to
 * write from the study alone (no database, so an import worker thread can run it; the result
 * must survive structured cloning), `write` puts it in the database. The store calls `clear`
 * then `write` on every insert or replace.
 */
import type Database from "better-sqlite3";
import type { Study } from "../model/study.js";
import type { StudyColumns } from "./columns.js";

export interface DerivedWriter<T = unknown> {
  name: string;
  /** What this writer stores for the study (pure: same study, same result). */
  derive(study: Study, columns: StudyColumns): T;
  /** Removes what this writer stored for nctId (called before a rewrite). */
  clear(db: Database.Database, nctId: string): void;
  write(db: Database.Database, nctId: string, data: T, columns: StudyColumns): void;
}

const writers: DerivedWriter[] = [];

export function registerDerivedWriter<T>(w: DerivedWriter<T>): void {
  if (!writers.some((x) => x.name === w.name)) writers.push(w as DerivedWriter);
}

export function derivedWriters(): readonly DerivedWriter[] {
  return writers;
}
