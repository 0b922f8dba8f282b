/** Prepared statements of the search modules, cached per connection (the same query shapes recur), and their read transactions. */
import type Database from "better-sqlite3";

const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();
export function prepare(db: Database.Database, sql: string): Database.Statement {
  let m = prepared.get(db);
  if (!m) prepared.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) {
    st = db.prepare(sql);
    if (m.size > 500) m.clear();
    m.set(sql, st);
  }
  return st;
}

/** Runs fn in a read transaction (or the caller's), so the snapshot check and every read see one state. */
export function reading<T>(db: Database.Database, fn: (callerInTransaction: boolean) => T): T {
  if (db.inTransaction) return fn(true);
  prepare(db, "BEGIN").run();
  try {
    return fn(false);
  } finally {
    if (db.inTransaction) prepare(db, "COMMIT").run();
  }
}
