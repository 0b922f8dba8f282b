/**
 * Schema migrations, versioned in code. `PRAGMA user_version` records the last one
 * applied; each runs once, in order, inside a transaction. Append, never edit, a
 * migration that has shipped.
 */
import type Database from "better-sqlite3";
import { CONTENTLESS_FTS_SQL, rebuildFullText, rebuildSearchIndex, SEARCH_FILTERS_SQL, SEARCH_SCHEMA_SQL } from "./search-index.js";

export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: "studies with filter columns, conditions, interventions, locations, parsed criteria, meta",
    up(db) {
      db.exec(`
        CREATE TABLE studies (
          nct_id TEXT PRIMARY KEY,
          json TEXT NOT NULL,
          provenance TEXT NOT NULL,
          brief_title TEXT,
          official_title TEXT,
          overall_status TEXT,
          phases TEXT NOT NULL DEFAULT '',          -- ',PHASE2,PHASE3,' for LIKE '%,PHASE2,%'
          study_type TEXT,
          start_date TEXT,
          completion_date TEXT,
          first_posted TEXT,
          last_update TEXT,
          min_age_days INTEGER,
          max_age_days INTEGER,
          sex TEXT,
          healthy_volunteers INTEGER,
          lead_sponsor TEXT,
          conditions TEXT NOT NULL DEFAULT '',      -- joined with '; ' for display
          interventions TEXT NOT NULL DEFAULT '',
          countries TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX studies_status ON studies(overall_status);
        CREATE INDEX studies_type ON studies(study_type);
        CREATE INDEX studies_last_update ON studies(last_update);
        CREATE INDEX studies_start ON studies(start_date);
        CREATE INDEX studies_sponsor ON studies(lead_sponsor COLLATE NOCASE);
        CREATE INDEX studies_age ON studies(min_age_days, max_age_days);

        CREATE TABLE study_conditions (
          nct_id TEXT NOT NULL REFERENCES studies(nct_id) ON DELETE CASCADE,
          condition TEXT NOT NULL COLLATE NOCASE,
          source TEXT NOT NULL                       -- 'condition' | 'keyword' | 'mesh' | 'mesh-ancestor'
        );
        CREATE INDEX study_conditions_nct ON study_conditions(nct_id);
        CREATE INDEX study_conditions_cond ON study_conditions(condition);

        CREATE TABLE study_interventions (
          nct_id TEXT NOT NULL REFERENCES studies(nct_id) ON DELETE CASCADE,
          name TEXT NOT NULL COLLATE NOCASE,
          type TEXT,
          source TEXT NOT NULL                       -- 'name' | 'other-name' | 'mesh'
        );
        CREATE INDEX study_interventions_nct ON study_interventions(nct_id);
        CREATE INDEX study_interventions_name ON study_interventions(name);

        CREATE TABLE study_locations (
          nct_id TEXT NOT NULL REFERENCES studies(nct_id) ON DELETE CASCADE,
          facility TEXT,
          city TEXT COLLATE NOCASE,
          state TEXT,
          country TEXT COLLATE NOCASE,
          status TEXT,
          lat REAL,
          lon REAL
        );
        CREATE INDEX study_locations_nct ON study_locations(nct_id);
        CREATE INDEX study_locations_country ON study_locations(country);
        CREATE INDEX study_locations_city ON study_locations(city);
        CREATE INDEX study_locations_latlon ON study_locations(lat, lon);

        CREATE TABLE parsed_criteria (
          nct_id TEXT PRIMARY KEY REFERENCES studies(nct_id) ON DELETE CASCADE,
          parser_version TEXT NOT NULL,
          json TEXT NOT NULL
        );

        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    },
  },
  {
    version: 2,
    description: "search: FTS5 index with synonyms, condition families, geocoded-site flag (filled by migration 3)",
    up(db) {
      db.exec(SEARCH_SCHEMA_SQL);
    },
  },
  {
    version: 3,
    description: "search: filter and display columns beside the full-text rows; (re)builds the search index",
    up(db) {
      db.exec(SEARCH_FILTERS_SQL);
      rebuildSearchIndex(db);
    },
  },
  // There is no version 4 (it was reserved and never used); versions only need to increase.
  {
    version: 5,
    description: "import speed: drop the studies filter indexes nothing reads (search filters use search_docs); contentless full-text table without prefix indexes (refilled)",
    up(db) {
      db.exec(`
        DROP INDEX IF EXISTS studies_status;
        DROP INDEX IF EXISTS studies_type;
        DROP INDEX IF EXISTS studies_last_update;
        DROP INDEX IF EXISTS studies_start;
        DROP INDEX IF EXISTS studies_sponsor;
        DROP INDEX IF EXISTS studies_age;
      `);
      db.exec(CONTENTLESS_FTS_SQL);
      rebuildFullText(db);
    },
  },
  {
    version: 6,
    description: "import speed: the full-text table buffers 16 MB of new terms before writing a segment (was 1 MB): fewer segments to merge",
    up(db) {
      db.exec("INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 16777216)");
    },
  },
  {
    version: 7,
    description:
      "import speed: drop the indexes searches no longer read (filters, sort and sites near a place run over the in-memory search snapshot): sites by country, city and coordinates; search rows by status, update and start date; interventions by name",
    up(db) {
      db.exec(`
        DROP INDEX IF EXISTS study_locations_country;
        DROP INDEX IF EXISTS study_locations_city;
        DROP INDEX IF EXISTS study_locations_latlon;
        DROP INDEX IF EXISTS search_docs_status;
        DROP INDEX IF EXISTS search_docs_last_update;
        DROP INDEX IF EXISTS search_docs_start;
        DROP INDEX IF EXISTS study_interventions_name;
      `);
    },
  },
];

/** Called before each migration a database needs, with how many there are in all (for a message). */
export type MigrationProgress = (m: Migration, index: number, count: number) => void;

export function migrate(db: Database.Database, onMigration?: MigrationProgress): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this eligo (${latest}); upgrade eligo`);
  }
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
  for (const [i, m] of pending.entries()) {
    // Only upgrades of a database with studies in it take long enough to mention.
    if (current > 0) onMigration?.(m, i, pending.length);
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
