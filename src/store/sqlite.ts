/**
 * SQLite implementation of StudyStore (better-sqlite3, WAL mode). One row per study keyed
 * by NCT id holding the full JSON, plus the columns and child rows filters use.
 */
import Database from "better-sqlite3";
import { Provenance, type ProtocolSection, type Study } from "../model/study.js";
import { findCandidates, loadMatchRows, type CandidateFilter, type CandidateRow, type MatchRow } from "./candidates.js";
import { derivedWriters } from "./derived.js";
import { migrate, type MigrationProgress } from "./migrations.js";
import { prepareStudy, type PreparedStudy } from "./prepare.js";
import type { StoredStudy, StudyStore, StudySummary, UpsertOutcome } from "./store.js";

/** The columns of a studies row besides its key, in table order. */
const STUDY_COLUMNS = [
  "json",
  "provenance",
  "brief_title",
  "official_title",
  "overall_status",
  "phases",
  "study_type",
  "start_date",
  "completion_date",
  "first_posted",
  "last_update",
  "min_age_days",
  "max_age_days",
  "sex",
  "healthy_volunteers",
  "lead_sponsor",
  "conditions",
  "interventions",
  "countries",
] as const;

export interface OpenOptions {
  readonly?: boolean;
  /** Told before each schema migration of an existing database (some rebuild indexes over every study). */
  onMigration?: MigrationProgress;
}

export class SqliteStudyStore implements StudyStore {
  /** The connection, for the other modules of src/store/ only (search, candidates). */
  readonly db: Database.Database;
  private readonly stmts;

  constructor(path: string, opts: OpenOptions = {}) {
    try {
      this.db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    } catch (e) {
      throw new Error(`cannot open database ${path}: ${(e as Error).message}`);
    }
    if (!opts.readonly) {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
    }
    this.db.pragma("foreign_keys = ON");
    if (!opts.readonly) migrate(this.db, opts.onMigration);
    const d = this.db;
    this.stmts = {
      getRow: d.prepare("SELECT json, provenance, last_update FROM studies WHERE nct_id = ?"),
      has: d.prepare("SELECT 1 FROM studies WHERE nct_id = ?").pluck(),
      // SQLite's JSON reader picks the module out ~3x faster than JSON.parse of the whole record.
      eligibility: d.prepare("SELECT json_extract(json, '$.protocolSection.eligibilityModule') FROM studies WHERE nct_id = ?").raw(),
      count: d.prepare("SELECT count(*) FROM studies").pluck(),
      // A plain INSERT for new studies and an UPDATE for replaced ones: with foreign keys on,
      // INSERT OR REPLACE on the parent table made every insert ~5x slower.
      // Positional parameters (cheaper to bind than named ones): the columns, then nct_id.
      insert: d.prepare(`INSERT INTO studies (${STUDY_COLUMNS.join(", ")}, nct_id) VALUES (${STUDY_COLUMNS.map(() => "?").join(", ")}, ?)`),
      update: d.prepare(`UPDATE studies SET ${STUDY_COLUMNS.map((c) => `${c} = ?`).join(", ")} WHERE nct_id = ?`),
      delConditions: d.prepare("DELETE FROM study_conditions WHERE nct_id = ?"),
      delInterventions: d.prepare("DELETE FROM study_interventions WHERE nct_id = ?"),
      delLocations: d.prepare("DELETE FROM study_locations WHERE nct_id = ?"),
      insCondition: d.prepare("INSERT INTO study_conditions (nct_id, condition, source) VALUES (?, ?, ?)"),
      insIntervention: d.prepare("INSERT INTO study_interventions (nct_id, name, type, source) VALUES (?, ?, ?, ?)"),
      insLocation: d.prepare(
        "INSERT INTO study_locations (nct_id, facility, city, state, country, status, lat, lon, geocoded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      list: d.prepare(`SELECT nct_id, brief_title, overall_status, phases, study_type, conditions, lead_sponsor, last_update
        FROM studies ORDER BY nct_id LIMIT ? OFFSET ?`),
      iterate: d.prepare("SELECT json, provenance FROM studies ORDER BY nct_id"),
      getCriteria: d.prepare("SELECT parser_version, json FROM parsed_criteria WHERE nct_id = ?"),
      setCriteria: d.prepare("INSERT OR REPLACE INTO parsed_criteria (nct_id, parser_version, json) VALUES (?, ?, ?)"),
      staleCriteria: d
        .prepare(
          `SELECT s.nct_id FROM studies s LEFT JOIN parsed_criteria c ON c.nct_id = s.nct_id
           WHERE c.nct_id IS NULL OR c.parser_version <> ? ORDER BY s.nct_id`,
        )
        .pluck(),
      getMeta: d.prepare("SELECT value FROM meta WHERE key = ?").pluck(),
      setMeta: d.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"),
      delMeta: d.prepare("DELETE FROM meta WHERE key = ?"),
      delCriteria: d.prepare("DELETE FROM parsed_criteria WHERE nct_id = ?"),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  async transactionAsync<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) throw new Error("transactionAsync cannot run inside another transaction");
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = await fn();
      this.db.exec("COMMIT");
      return result;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw e;
    }
  }

  upsert(study: Study, provenance: Provenance): UpsertOutcome {
    return this.upsertPrepared(prepareStudy(study), provenance);
  }

  upsertPrepared(prepared: PreparedStudy, provenance: Provenance): UpsertOutcome {
    return this.upsertTx(prepared, provenance);
  }

  /**
   * Built once. Alone, an upsert is its own transaction. Inside a caller's transaction (an
   * input file, a sync page) it runs without a savepoint of its own: every caller rolls its
   * whole transaction back when an upsert throws, and a savepoint per study made SQLite copy
   * each page it touched to a sub-journal (about a sixth of the store's import time).
   */
  private readonly upsertTx = (() => {
    const body = (p: PreparedStudy, provenance: Provenance): UpsertOutcome => {
      const cols = p.columns;
      const old = this.stmts.getRow.get(p.nctId) as { json: string; last_update: string | null } | undefined;
      if (old) {
        if (old.json === p.json) return "unchanged";
        // Keep the newer record; on equal dates the later import wins (a corrected page, say).
        if ((old.last_update ?? "") > (cols.last_update ?? "")) return "unchanged";
      }
      const values = { ...cols, json: p.json, provenance: JSON.stringify(provenance) };
      (old ? this.stmts.update : this.stmts.insert).run(...STUDY_COLUMNS.map((c) => values[c]), p.nctId);
      this.writeChildren(p, old !== undefined);
      // The criteria text may have changed: drop the parse so it is redone.
      if (old) this.stmts.delCriteria.run(p.nctId);
      return old ? "updated" : "imported";
    };
    let tx: ((p: PreparedStudy, provenance: Provenance) => UpsertOutcome) | undefined;
    return (p: PreparedStudy, provenance: Provenance) =>
      this.db.inTransaction ? body(p, provenance) : (tx ??= this.db.transaction(body))(p, provenance);
  })();

  /** Child and derived rows; `replacing` says there are old child rows to delete first (a new study has none). */
  private writeChildren(p: PreparedStudy, replacing: boolean): void {
    const id = p.nctId;
    if (replacing) {
      this.stmts.delConditions.run(id);
      this.stmts.delInterventions.run(id);
      this.stmts.delLocations.run(id);
    }
    for (const c of p.conditions) this.stmts.insCondition.run(id, c.condition, c.source);
    for (const i of p.interventions) this.stmts.insIntervention.run(id, i.name, i.type, i.source);
    for (const l of p.locations) this.stmts.insLocation.run(id, ...l);
    for (const w of derivedWriters()) {
      // Always cleared: derived rows are not tied to studies by foreign keys.
      w.clear(this.db, id);
      if (w.name in p.derived) w.write(this.db, id, p.derived[w.name], p.columns);
    }
  }

  get(nctId: string): StoredStudy | undefined {
    const row = this.stmts.getRow.get(nctId) as { json: string; provenance: string } | undefined;
    return row ? { study: JSON.parse(row.json) as Study, provenance: Provenance.parse(JSON.parse(row.provenance)) } : undefined;
  }

  eligibilityModuleOf(nctId: string) {
    const row = this.stmts.eligibility.get(nctId) as [string | null] | undefined;
    if (!row) return undefined;
    return row[0] === null ? null : (JSON.parse(row[0]) as NonNullable<ProtocolSection["eligibilityModule"]>);
  }

  has(nctId: string): boolean {
    return this.stmts.has.get(nctId) !== undefined;
  }

  count(): number {
    return this.stmts.count.get() as number;
  }

  list(opts: { limit?: number; offset?: number } = {}): StudySummary[] {
    const rows = this.stmts.list.all(opts.limit ?? -1, opts.offset ?? 0) as Array<Record<string, string | null>>;
    return rows.map((r) => ({
      nctId: r.nct_id as string,
      briefTitle: r.brief_title,
      overallStatus: r.overall_status,
      phases: (r.phases ?? "").split(",").filter(Boolean),
      studyType: r.study_type,
      conditions: (r.conditions ?? "").split("; ").filter(Boolean),
      leadSponsor: r.lead_sponsor,
      lastUpdate: r.last_update,
    }));
  }

  *iterate(): IterableIterator<StoredStudy> {
    for (const row of this.stmts.iterate.iterate() as IterableIterator<{ json: string; provenance: string }>) {
      yield { study: JSON.parse(row.json) as Study, provenance: JSON.parse(row.provenance) as Provenance };
    }
  }

  getParsedCriteria(nctId: string) {
    const r = this.stmts.getCriteria.get(nctId) as { parser_version: string; json: string } | undefined;
    return r ? { parserVersion: r.parser_version, json: r.json } : undefined;
  }

  setParsedCriteria(nctId: string, parserVersion: string, json: string): void {
    this.stmts.setCriteria.run(nctId, parserVersion, json);
  }

  staleCriteria(parserVersion: string): string[] {
    return this.stmts.staleCriteria.all(parserVersion) as string[];
  }

  candidates(filter: CandidateFilter): CandidateRow[] {
    return findCandidates(this, filter);
  }

  matchRows(nctIds: string[]): MatchRow[] {
    return loadMatchRows(this, nctIds);
  }

  getMeta(key: string): string | undefined {
    return (this.stmts.getMeta.get(key) as string | undefined) ?? undefined;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.stmts.delMeta.run(key);
    else this.stmts.setMeta.run(key, value);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating and migrating as needed) the store at path. */
export function openStore(path: string, opts: OpenOptions = {}): SqliteStudyStore {
  return new SqliteStudyStore(path, opts);
}
