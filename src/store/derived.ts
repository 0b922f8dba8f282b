/**
 * Rows derived from a study (filter columns, child tables, search indexes), written in
 * the same transaction as the study itself. Each concern registers one writer; the
 * store calls them all on every insert or replace, after deleting the old rows.
 */
import type Database from "better-sqlite3";
import type { Study } from "../model/study.js";

export interface DerivedWriter {
  name: string;
  /** Removes what this writer derived for nctId (called before rewrite and on delete). */
  clear(db: Database.Database, nctId: string): void;
  write(db: Database.Database, study: Study): void;
}

const writers: DerivedWriter[] = [];

export function registerDerivedWriter(w: DerivedWriter): void {
  if (!writers.some((x) => x.name === w.name)) writers.push(w);
}

export function derivedWriters(): readonly DerivedWriter[] {
  return writers;
}
