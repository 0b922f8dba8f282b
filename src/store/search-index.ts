/**
 * The search index: an FTS5 table with one row per study (columns weighted at query time),
 * condition families, and offline geocoding of sites without coordinates. Both are derived
 * writers (./derived.ts), so every upsert keeps them in step inside its own transaction.
 * The tables are created by migration 2 (./migrations.ts), which also back-fills them.
 */
import type Database from "better-sqlite3";
import type { Study } from "../model/study.js";
import { columnsOf } from "./columns.js";
import { registerDerivedWriter, type DerivedWriter } from "./derived.js";
import { geocodeSite } from "./search-geo.js";
import { familiesOf, synonymExpansion, synonymGroupsIn } from "./search-text.js";

/** FTS columns in order, with their BM25 weights (titles > conditions, interventions, keywords > summary > the rest). */
export const FTS_COLUMNS = [
  { name: "ids", weight: 10 },
  { name: "title", weight: 10 },
  { name: "cond", weight: 5 },
  { name: "interv", weight: 5 },
  { name: "summary", weight: 2 },
  { name: "body", weight: 1 },
  { name: "syn", weight: 3 },
] as const;

export const SEARCH_SCHEMA_SQL = `
  CREATE TABLE search_docs (
    doc_id INTEGER PRIMARY KEY,               -- rowid of the study's row in search_fts
    nct_id TEXT NOT NULL UNIQUE
  );
  CREATE VIRTUAL TABLE search_fts USING fts5(
    ${FTS_COLUMNS.map((c) => c.name).join(", ")},
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
  );
  CREATE TABLE search_families (
    nct_id TEXT NOT NULL,
    family TEXT NOT NULL COLLATE NOCASE
  );
  CREATE INDEX search_families_nct ON search_families(nct_id);
  CREATE INDEX search_families_family ON search_families(family);
  ALTER TABLE study_locations ADD COLUMN geocoded INTEGER NOT NULL DEFAULT 0;  -- 1: lat/lon from the gazetteer (city centre)
`;

/**
 * Migration 3: the filter and display columns move beside the full-text rows, so a search
 * reads only narrow rows (studies keeps each record's JSON ahead of its columns, and walking
 * past it for every match made searches ~10x slower).
 */
export const SEARCH_FILTERS_SQL = `
  ALTER TABLE search_docs ADD COLUMN brief_title TEXT;
  ALTER TABLE search_docs ADD COLUMN overall_status TEXT;
  ALTER TABLE search_docs ADD COLUMN phases TEXT NOT NULL DEFAULT '';
  ALTER TABLE search_docs ADD COLUMN study_type TEXT;
  ALTER TABLE search_docs ADD COLUMN start_date TEXT;
  ALTER TABLE search_docs ADD COLUMN last_update TEXT;
  ALTER TABLE search_docs ADD COLUMN min_age_days INTEGER;
  ALTER TABLE search_docs ADD COLUMN max_age_days INTEGER;
  ALTER TABLE search_docs ADD COLUMN sex TEXT;
  ALTER TABLE search_docs ADD COLUMN healthy_volunteers INTEGER;
  ALTER TABLE search_docs ADD COLUMN lead_sponsor TEXT;
  ALTER TABLE search_docs ADD COLUMN conditions TEXT NOT NULL DEFAULT '';
  ALTER TABLE search_docs ADD COLUMN interventions TEXT NOT NULL DEFAULT '';
  CREATE INDEX search_docs_status ON search_docs(overall_status);
  CREATE INDEX search_docs_last_update ON search_docs(last_update);
  CREATE INDEX search_docs_start ON search_docs(start_date);
`;

/**
 * Migration 5: the full-text table becomes contentless (`content=''`, deletable) and loses its
 * prefix indexes. Nothing reads column text back from it (results come from search_docs), and
 * the copy of every study's text plus two prefix indexes were two thirds of its write cost at
 * import. Prefix queries still work: FTS5 merges the terms that start with the prefix.
 */
export const CONTENTLESS_FTS_SQL = `
  DROP TABLE search_fts;
  CREATE VIRTUAL TABLE search_fts USING fts5(
    ${FTS_COLUMNS.map((c) => c.name).join(", ")},
    tokenize = 'unicode61 remove_diacritics 2',
    content = '',
    contentless_delete = 1
  );
`;

const join = (xs: Array<string | undefined | null>) => xs.filter((x): x is string => Boolean(x && x.trim())).join(" ; ");

/** The text of each FTS column for a study. */
export function ftsDocument(study: Study): Record<(typeof FTS_COLUMNS)[number]["name"], string> {
  const p = study.protocolSection;
  const id = p.identificationModule;
  const conds = [...(p.conditionsModule?.conditions ?? []), ...(p.conditionsModule?.keywords ?? [])];
  const cb = study.derivedSection?.conditionBrowseModule;
  const mesh = [...(cb?.meshes ?? []), ...(cb?.ancestors ?? [])].map((m) => m.term);
  const ivs = p.armsInterventionsModule?.interventions ?? [];
  const ib = study.derivedSection?.interventionBrowseModule;
  const ivNames = [...ivs.flatMap((i) => [i.name, ...(i.otherNames ?? [])]), ...(ib?.meshes ?? []).map((m) => m.term)];
  const families = conditionFamilies(study);
  const title = join([id.briefTitle, id.officialTitle, id.acronym]);
  const summary = p.descriptionModule?.briefSummary ?? "";
  const body = join([
    p.descriptionModule?.detailedDescription,
    p.eligibilityModule?.eligibilityCriteria,
    ...(p.armsInterventionsModule?.armGroups ?? []).flatMap((a) => [a.label, a.description]),
    ...ivs.map((i) => i.description),
    ...[...(p.outcomesModule?.primaryOutcomes ?? []), ...(p.outcomesModule?.secondaryOutcomes ?? [])].map((o) => o.measure),
    p.sponsorCollaboratorsModule?.leadSponsor?.name,
    ...(p.sponsorCollaboratorsModule?.collaborators ?? []).map((c) => c.name),
    ...(p.contactsLocationsModule?.locations ?? []).map((l) => join([l.facility, l.city, l.country])),
  ]);
  return {
    ids: join([id.nctId, id.orgStudyIdInfo?.id, ...(id.secondaryIdInfos ?? []).map((s) => s.id), id.acronym]),
    title,
    cond: join([...conds, ...mesh, ...families, synonymExpansion(synonymGroupsIn(conds.join(" ; ")))]),
    interv: join(ivNames),
    summary,
    body,
    syn: synonymExpansion(synonymGroupsIn(join([title, summary, body]))),
  };
}

/**
 * The condition families of a study: from its conditions, keywords and MeSH terms (or, when
 * it lists no condition, its titles, as registry pages often do), plus the MeSH ancestors
 * that are disease headings (e.g. "Lung Neoplasms").
 */
export function conditionFamilies(study: Study): string[] {
  const p = study.protocolSection;
  const cb = study.derivedSection?.conditionBrowseModule;
  const conds = [...(p.conditionsModule?.conditions ?? []), ...(p.conditionsModule?.keywords ?? []), ...(cb?.meshes ?? []).map((m) => m.term)];
  const id = p.identificationModule;
  const fams = new Set(familiesOf(conds.length ? conds : [id.briefTitle ?? "", id.officialTitle ?? ""]));
  for (const a of cb?.ancestors ?? []) if (/neoplasm|disease|infection|disorder/i.test(a.term)) fams.add(a.term);
  return [...fams];
}

/** The columns of search_docs copied from the study's filter columns (./columns.ts). */
const DOC_COLUMNS = [
  "brief_title",
  "overall_status",
  "phases",
  "study_type",
  "start_date",
  "last_update",
  "min_age_days",
  "max_age_days",
  "sex",
  "healthy_volunteers",
  "lead_sponsor",
  "conditions",
  "interventions",
] as const;

const stmtCache = new WeakMap<Database.Database, Record<string, Database.Statement>>();
function stmts(db: Database.Database) {
  let s = stmtCache.get(db);
  if (!s) {
    s = {
      docOf: db.prepare("SELECT doc_id FROM search_docs WHERE nct_id = ?").pluck(),
      delDoc: db.prepare("DELETE FROM search_docs WHERE nct_id = ?"),
      delFts: db.prepare("DELETE FROM search_fts WHERE rowid = ?"),
      insDoc: db.prepare(`INSERT INTO search_docs (nct_id, ${DOC_COLUMNS.join(", ")}) VALUES (?, ${DOC_COLUMNS.map(() => "?").join(", ")})`),
      insFts: db.prepare(
        `INSERT INTO search_fts (rowid, ${FTS_COLUMNS.map((c) => c.name).join(", ")}) VALUES (?, ${FTS_COLUMNS.map(() => "?").join(", ")})`,
      ),
      delFam: db.prepare("DELETE FROM search_families WHERE nct_id = ?"),
      insFam: db.prepare("INSERT INTO search_families (nct_id, family) VALUES (?, ?)"),
      ungeocoded: db.prepare(
        "SELECT rowid, city, country FROM study_locations WHERE nct_id = ? AND (lat IS NULL OR lon IS NULL) AND city IS NOT NULL",
      ),
      setGeo: db.prepare("UPDATE study_locations SET lat = ?, lon = ?, geocoded = 1 WHERE rowid = ?"),
    };
    stmtCache.set(db, s);
  }
  return s;
}

/** What the search index stores for a study: its full-text columns and condition families. */
export interface SearchIndexData {
  doc: ReturnType<typeof ftsDocument>;
  families: string[];
}

export const searchIndexWriter: DerivedWriter<SearchIndexData> = {
  name: "search-index",
  derive(study) {
    return { doc: ftsDocument(study), families: conditionFamilies(study) };
  },
  clear(db, nctId) {
    const s = stmts(db);
    const doc = s.docOf.get(nctId) as number | undefined;
    if (doc !== undefined) s.delFts.run(doc);
    s.delDoc.run(nctId);
    s.delFam.run(nctId);
  },
  write(db, nctId, { doc, families }, cols) {
    const s = stmts(db);
    const docId = s.insDoc.run(nctId, ...DOC_COLUMNS.map((c) => cols[c])).lastInsertRowid;
    s.insFts.run(docId, ...FTS_COLUMNS.map((c) => doc[c.name]));
    for (const f of families) s.insFam.run(nctId, f);
  },
};

/**
 * Fills lat/lon of stored sites that have a city but no coordinates, from the gazetteer: the
 * back-fill for databases from before geocoding (migration 3). New sites are geocoded as the
 * store writes them (sqlite.ts), so this is not a registered derived writer.
 */
function geocodeStoredSites(db: Database.Database, nctId: string): void {
  const s = stmts(db);
  const rows = s.ungeocoded.all(nctId) as Array<{ rowid: number; city: string; country: string | null }>;
  for (const r of rows) {
    const place = geocodeSite(r.city, r.country);
    if (place) s.setGeo.run(place.lat, place.lon, r.rowid);
  }
}

registerDerivedWriter(searchIndexWriter);

/** Migration 5's refill of the (new, empty) full-text table from every stored study. */
export function rebuildFullText(db: Database.Database): void {
  const s = stmts(db);
  const batch = db.prepare(
    "SELECT d.doc_id, s.json FROM search_docs d JOIN studies s ON s.nct_id = d.nct_id WHERE d.doc_id > ? ORDER BY d.doc_id LIMIT 500",
  );
  for (let last = Number.MIN_SAFE_INTEGER; ; ) {
    const rows = batch.all(last) as Array<{ doc_id: number; json: string }>;
    if (!rows.length) break;
    for (const r of rows) {
      const doc = ftsDocument(JSON.parse(r.json) as Study);
      s.insFts.run(r.doc_id, ...FTS_COLUMNS.map((c) => doc[c.name]));
    }
    last = rows[rows.length - 1].doc_id;
  }
}

/** Migration 3's (re)build: indexes and geocodes every stored study afresh. */
export function rebuildSearchIndex(db: Database.Database): void {
  db.exec("DELETE FROM search_docs; DELETE FROM search_fts; DELETE FROM search_families;");
  // In batches: better-sqlite3 cannot write while a read cursor is open on the connection.
  const batch = db.prepare("SELECT rowid, json FROM studies WHERE rowid > ? ORDER BY rowid LIMIT 500");
  for (let last = Number.MIN_SAFE_INTEGER; ; ) {
    const rows = batch.all(last) as Array<{ rowid: number; json: string }>;
    if (!rows.length) break;
    for (const r of rows) {
      const study = JSON.parse(r.json) as Study;
      const nctId = study.protocolSection.identificationModule.nctId;
      const cols = columnsOf(study);
      searchIndexWriter.write(db, nctId, searchIndexWriter.derive(study, cols), cols);
      geocodeStoredSites(db, nctId);
    }
    last = rows[rows.length - 1].rowid;
  }
}
