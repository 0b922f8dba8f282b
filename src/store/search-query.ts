/**
 * Study search over the store: FTS5 with BM25 field weights, filters, facets, distance to a
 * place, cursor pagination. Callers pass a `SearchParams` and get plain objects back; the SQL
 * stays here. Bad input raises `SearchInputError` naming the parameter.
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { boundingBox, countryCode, countryNames, distanceKm } from "./search-geo.js";
import { FTS_COLUMNS } from "./search-index.js";
import { parseTextQuery } from "./search-text.js";

export type SortKey = "relevance" | "lastUpdate" | "startDate" | "distance";

export interface SearchParams {
  /** Words the trial must mention (all of them; "phrases"; -excluded; last word a prefix). */
  q?: string;
  status?: string[];
  phase?: string[];
  studyType?: string[];
  /** Words the trial's conditions (incl. keywords, MeSH terms and ancestors, synonyms) or titles must contain. */
  condition?: string;
  /** Words the trial's interventions (names, other names, MeSH) must contain. */
  intervention?: string;
  /** Part of the lead sponsor's name (case-insensitive). */
  sponsor?: string;
  /** Any of these countries (names, aliases or ISO codes) among the sites. */
  country?: string[];
  /** Any of these cities among the sites. */
  city?: string[];
  /** A patient's age in years: trials whose age range admits it. */
  age?: number;
  /** A patient's sex: trials open to it (FEMALE/MALE); ALL: trials open to every sex. */
  sex?: "FEMALE" | "MALE" | "ALL";
  healthyVolunteers?: boolean;
  /** ISO dates (YYYY, YYYY-MM or YYYY-MM-DD), inclusive. */
  startFrom?: string;
  startTo?: string;
  updatedFrom?: string;
  updatedTo?: string;
  /** Sites within radiusKm of this point. */
  near?: { lat: number; lon: number };
  radiusKm?: number;
  sort?: SortKey;
  cursor?: string;
  pageSize?: number;
  /** Compute facet counts over the whole result (default false here; the API asks for them). */
  facets?: boolean;
}

export interface SearchLocation {
  facility: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  status: string | null;
  lat: number | null;
  lon: number | null;
  /** True when lat/lon come from the gazetteer (the city's centre), not the record. */
  geocoded: boolean;
  distanceKm?: number;
}

export interface SearchHit {
  nctId: string;
  briefTitle: string | null;
  overallStatus: string | null;
  phases: string[];
  studyType: string | null;
  conditions: string[];
  interventions: string[];
  leadSponsor: string | null;
  startDate: string | null;
  lastUpdate: string | null;
  minimumAgeDays: number | null;
  maximumAgeDays: number | null;
  sex: string | null;
  /** BM25 relevance (higher is better) when the search had words. */
  score?: number;
  /** Distance in km from `near` to the closest site. */
  distanceKm?: number;
  locationCount: number;
  /** Up to 10 sites: the closest first when `near` is given. */
  locations: SearchLocation[];
}

export interface FacetCount {
  value: string;
  count: number;
}
export interface Facets {
  status: FacetCount[];
  phase: FacetCount[];
  studyType: FacetCount[];
  country: FacetCount[];
  conditions: FacetCount[];
  interventions: FacetCount[];
}

export interface SearchResult {
  total: number;
  studies: SearchHit[];
  facets?: Facets;
  /** Cursor for the next page, null on the last. */
  next: string | null;
  sort: SortKey;
}

/** A search parameter the caller got wrong; `field` names it. */
export class SearchInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
export const DEFAULT_RADIUS_KM = 50;
const WEIGHTS = FTS_COLUMNS.map((c) => c.weight).join(", ");
const DATE_RE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

const withFunctions = new WeakSet<Database.Database>();
function ensureFunctions(db: Database.Database) {
  if (withFunctions.has(db)) return;
  db.function("eligo_distance_km", { deterministic: true }, (lat1, lon1, lat2, lon2) =>
    lat1 === null || lon1 === null ? null : distanceKm(lat1 as number, lon1 as number, lat2 as number, lon2 as number),
  );
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version < 3) {
    throw new Error(`database schema version ${version} has no search index; open it read-write once to upgrade it`);
  }
  withFunctions.add(db);
}

interface Compiled {
  from: string;
  where: string[];
  args: Record<string, unknown>;
  hasText: boolean;
}

/** Builds the FROM and WHERE shared by the page, the count and the facets. */
function compile(p: SearchParams): Compiled {
  const where: string[] = [];
  const args: Record<string, unknown> = {};
  const matches: string[] = [];
  if (p.q !== undefined) {
    const m = parseTextQuery(p.q).match;
    if (m) matches.push(m);
  }
  if (p.condition !== undefined) {
    // As the registry's condition search: conditions, keywords, MeSH terms and ancestors, and titles.
    const m = parseTextQuery(p.condition, { prefixLast: false, column: "cond title", expandWords: true }).match;
    if (!m) throw new SearchInputError("condition", "has no words to look for");
    matches.push(m);
  }
  if (p.intervention !== undefined) {
    const m = parseTextQuery(p.intervention, { prefixLast: false, column: "interv" }).match;
    if (!m) throw new SearchInputError("intervention", "has no words to look for");
    matches.push(m);
  }
  const hasText = matches.length > 0;
  const from = hasText
    ? // CROSS JOIN pins the full-text index as the outer loop: otherwise SQLite may drive from a
      // filter's index and re-run the MATCH once per candidate row (orders of magnitude slower).
      "search_fts CROSS JOIN search_docs s ON s.doc_id = search_fts.rowid"
    : "search_docs s";
  if (hasText) {
    where.push("search_fts MATCH @match");
    args.match = matches.map((m) => `(${m})`).join(" AND ");
  }
  const inList = (name: string, col: string, values: string[] | undefined) => {
    if (!values?.length) return;
    where.push(`${col} IN (${values.map((_, i) => `@${name}${i}`).join(", ")})`);
    values.forEach((v, i) => (args[`${name}${i}`] = v));
  };
  inList("status", "s.overall_status", p.status);
  inList("studyType", "s.study_type", p.studyType);
  if (p.phase?.length) {
    where.push(`(${p.phase.map((_, i) => `s.phases LIKE @phase${i}`).join(" OR ")})`);
    p.phase.forEach((v, i) => (args[`phase${i}`] = `%,${v},%`));
  }
  if (p.sponsor !== undefined) {
    if (!p.sponsor.trim()) throw new SearchInputError("sponsor", "is empty");
    where.push("s.lead_sponsor LIKE @sponsor ESCAPE '\\'");
    args.sponsor = `%${p.sponsor.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  if (p.country?.length) {
    const names = new Set<string>();
    for (const c of p.country) {
      names.add(c.trim());
      const code = countryCode(c);
      if (!code) throw new SearchInputError("country", `unknown country '${c}'`);
      for (const n of countryNames(code)) names.add(n);
    }
    // Every spelling of the country (CLDR name, registry aliases, what was typed), case-insensitively.
    const list = [...names];
    where.push(
      `s.nct_id IN (SELECT nct_id FROM study_locations WHERE country IN (${list.map((_, i) => `@country${i}`).join(", ")}))`,
    );
    list.forEach((n, i) => (args[`country${i}`] = n));
  }
  if (p.city?.length) {
    where.push(`s.nct_id IN (SELECT nct_id FROM study_locations WHERE city IN (${p.city.map((_, i) => `@city${i}`).join(", ")}))`);
    p.city.forEach((c, i) => (args[`city${i}`] = c.trim()));
  }
  if (p.age !== undefined) {
    if (!Number.isFinite(p.age) || p.age < 0 || p.age > 150) throw new SearchInputError("age", "must be a number of years from 0 to 150");
    const days = Math.floor(p.age * 365.25);
    where.push("(s.min_age_days IS NULL OR s.min_age_days <= @ageDays) AND (s.max_age_days IS NULL OR s.max_age_days >= @ageDays)");
    args.ageDays = days;
  }
  if (p.sex !== undefined) {
    if (p.sex === "ALL") where.push("(s.sex IS NULL OR s.sex = 'ALL')");
    else {
      where.push("(s.sex IS NULL OR s.sex IN ('ALL', @sex))");
      args.sex = p.sex;
    }
  }
  if (p.healthyVolunteers !== undefined) {
    where.push(p.healthyVolunteers ? "s.healthy_volunteers = 1" : "(s.healthy_volunteers IS NULL OR s.healthy_volunteers = 0)");
  }
  const dateRange = (field: keyof SearchParams, col: string, dir: ">=" | "<=") => {
    const v = p[field] as string | undefined;
    if (v === undefined) return;
    if (!DATE_RE.test(v)) throw new SearchInputError(field, `'${v}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`);
    // Compare at the coarser precision of the two, so "2019-05" is within 2019-05-10..2019-06-30.
    if (dir === ">=") where.push(`${col} IS NOT NULL AND ${col} >= substr(@${field}, 1, length(${col}))`);
    else where.push(`${col} IS NOT NULL AND substr(${col}, 1, length(@${field})) <= @${field}`);
    args[field] = v;
  };
  dateRange("startFrom", "s.start_date", ">=");
  dateRange("startTo", "s.start_date", "<=");
  dateRange("updatedFrom", "s.last_update", ">=");
  dateRange("updatedTo", "s.last_update", "<=");
  if (p.near) {
    const r = p.radiusKm ?? DEFAULT_RADIUS_KM;
    if (!(r > 0 && r <= 20040)) throw new SearchInputError("radius", "must be more than 0 and at most 20040 km");
    const box = boundingBox(p.near.lat, p.near.lon, r);
    where.push(`s.nct_id IN (SELECT nct_id FROM study_locations WHERE lat BETWEEN @minLat AND @maxLat
      AND lon BETWEEN @minLon AND @maxLon AND eligo_distance_km(lat, lon, @nearLat, @nearLon) <= @radius)`);
    Object.assign(args, box, { nearLat: p.near.lat, nearLon: p.near.lon, radius: r });
  } else if (p.radiusKm !== undefined) {
    throw new SearchInputError("radius", "needs near");
  }
  return { from, where, args, hasText };
}

const whereSql = (c: Compiled) => (c.where.length ? `WHERE ${c.where.join(" AND ")}` : "");

function fingerprint(p: SearchParams): string {
  const { cursor: _c, pageSize: _s, facets: _f, ...rest } = p;
  return createHash("sha1").update(JSON.stringify(rest)).digest("base64url").slice(0, 10);
}

function decodeCursor(cursor: string, fp: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new SearchInputError("cursor", "is not a cursor this server issued");
  }
  const c = parsed as { o?: unknown; f?: unknown };
  if (typeof c !== "object" || c === null || typeof c.o !== "number" || !Number.isInteger(c.o) || c.o < 0 || typeof c.f !== "string") {
    throw new SearchInputError("cursor", "is not a cursor this server issued");
  }
  if (c.f !== fp) throw new SearchInputError("cursor", "belongs to a different search (the parameters changed)");
  return c.o;
}
const encodeCursor = (offset: number, fp: string) => Buffer.from(JSON.stringify({ o: offset, f: fp })).toString("base64url");

function orderSql(sort: SortKey, c: Compiled): string {
  switch (sort) {
    case "relevance":
      return c.hasText ? "score, s.nct_id" : "s.last_update DESC, s.nct_id";
    // NULLs sort last in DESC order; no "IS NULL" term, so the date index serves the sort.
    case "lastUpdate":
      return "s.last_update DESC, s.nct_id";
    case "startDate":
      return "s.start_date DESC, s.nct_id";
    case "distance":
      return "dist IS NULL, dist, s.nct_id";
  }
}

/** The ranking query: narrow rows (id, sort keys), so sorting many matches stays cheap. */
function selectSql(p: SearchParams, c: Compiled): string {
  const cols = [
    "s.doc_id, s.nct_id, s.last_update, s.start_date",
    c.hasText ? `bm25(search_fts, ${WEIGHTS}) AS score` : "NULL AS score",
    p.near
      ? "(SELECT min(eligo_distance_km(l.lat, l.lon, @nearLat, @nearLon)) FROM study_locations l WHERE l.nct_id = s.nct_id AND l.lat IS NOT NULL) AS dist"
      : "NULL AS dist",
  ];
  return `SELECT ${cols.join(", ")} FROM ${c.from} ${whereSql(c)}`;
}

/** The display columns of the ranked rows, in rank order. */
function withDisplayColumns(db: Database.Database, ranked: Array<{ doc_id: number; score: number | null; dist: number | null }>): Row[] {
  if (!ranked.length) return [];
  const rows = prepare(
    db,
    `SELECT doc_id, nct_id, brief_title, overall_status, phases, study_type, conditions, interventions, lead_sponsor,
       start_date, last_update, min_age_days, max_age_days, sex FROM search_docs WHERE doc_id IN (${ranked.map(() => "?").join(", ")})`,
  ).all(...ranked.map((r) => r.doc_id)) as Array<Row & { doc_id: number }>;
  const byId = new Map(rows.map((r) => [r.doc_id, r]));
  return ranked.map((r) => ({ ...byId.get(r.doc_id)!, score: r.score, dist: r.dist }));
}

function defaultSort(p: SearchParams, hasText: boolean): SortKey {
  if (p.sort) return p.sort;
  if (hasText) return "relevance";
  return p.near ? "distance" : "lastUpdate";
}

interface Row {
  nct_id: string;
  brief_title: string | null;
  overall_status: string | null;
  phases: string;
  study_type: string | null;
  conditions: string;
  interventions: string;
  lead_sponsor: string | null;
  start_date: string | null;
  last_update: string | null;
  min_age_days: number | null;
  max_age_days: number | null;
  sex: string | null;
  score: number | null;
  dist: number | null;
}

const splitList = (s: string, sep: string) => (s ?? "").split(sep).filter(Boolean);

function toHit(r: Row): Omit<SearchHit, "locations" | "locationCount"> {
  const hit: Omit<SearchHit, "locations" | "locationCount"> = {
    nctId: r.nct_id,
    briefTitle: r.brief_title,
    overallStatus: r.overall_status,
    phases: splitList(r.phases, ","),
    studyType: r.study_type,
    conditions: splitList(r.conditions, "; "),
    interventions: splitList(r.interventions, "; "),
    leadSponsor: r.lead_sponsor,
    startDate: r.start_date,
    lastUpdate: r.last_update,
    minimumAgeDays: r.min_age_days,
    maximumAgeDays: r.max_age_days,
    sex: r.sex,
  };
  if (r.score !== null) hit.score = Math.round(-r.score * 1000) / 1000;
  if (r.dist !== null) hit.distanceKm = Math.round(r.dist * 10) / 10;
  return hit;
}

function locationsOf(db: Database.Database, ids: string[], near: SearchParams["near"]): Map<string, { count: number; list: SearchLocation[] }> {
  const out = new Map<string, { count: number; list: SearchLocation[] }>();
  if (!ids.length) return out;
  const rows = db
    .prepare(
      `SELECT rowid, nct_id, facility, city, state, country, status, lat, lon, geocoded FROM study_locations
       WHERE nct_id IN (${ids.map(() => "?").join(", ")})`,
    )
    .all(...ids) as Array<Omit<SearchLocation, "geocoded" | "distanceKm"> & { rowid: number; nct_id: string; geocoded: number }>;
  // Record order (sorting here, not in SQL, keeps the nct_id index in use).
  rows.sort((a, b) => a.rowid - b.rowid);
  for (const r of rows) {
    const loc: SearchLocation = {
      facility: r.facility,
      city: r.city,
      state: r.state,
      country: r.country,
      status: r.status,
      lat: r.lat,
      lon: r.lon,
      geocoded: r.geocoded === 1,
    };
    if (near && r.lat !== null && r.lon !== null) loc.distanceKm = Math.round(distanceKm(near.lat, near.lon, r.lat, r.lon) * 10) / 10;
    let e = out.get(r.nct_id);
    if (!e) out.set(r.nct_id, (e = { count: 0, list: [] }));
    e.count++;
    e.list.push(loc);
  }
  for (const e of out.values()) {
    if (near) e.list.sort((a, b) => (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity));
    e.list = e.list.slice(0, 10);
  }
  return out;
}

const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();
/** Statement cache: the same query shapes recur (the API, the bench), so parse them once. */
function prepare(db: Database.Database, sql: string): Database.Statement {
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

function setup(db: Database.Database) {
  if (!withFunctions.has(db)) ensureFunctions(db);
}

/** One page of results, the total and (when asked) the facets. */
export function searchStudies(db: Database.Database, p: SearchParams): SearchResult {
  setup(db);
  const pageSize = p.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new SearchInputError("pageSize", `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  const c = compile(p);
  const sort = defaultSort(p, c.hasText);
  if (sort === "distance" && !p.near) throw new SearchInputError("sort", "distance needs near");
  const fp = fingerprint(p);
  const offset = p.cursor ? decodeCursor(p.cursor, fp) : 0;
  const ranked = prepare(db, `${selectSql(p, c)} ORDER BY ${orderSql(sort, c)} LIMIT @limit OFFSET @offset`).all({
    ...c.args,
    limit: pageSize + 1,
    offset,
  }) as Array<{ doc_id: number; score: number | null; dist: number | null }>;
  const rows = withDisplayColumns(db, ranked);
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  const total = offset === 0 && !more ? page.length : countOf(db, c);
  const locs = locationsOf(db, page.map((r) => r.nct_id), p.near);
  const studies = page.map((r) => {
    const l = locs.get(r.nct_id);
    return { ...toHit(r), locationCount: l?.count ?? 0, locations: l?.list ?? [] };
  });
  const result: SearchResult = { total, studies, next: more ? encodeCursor(offset + pageSize, fp) : null, sort };
  if (p.facets) result.facets = facetsOf(db, c);
  return result;
}

/** The number of matches; words alone are counted in the full-text index, without the join. */
function countOf(db: Database.Database, c: Compiled): number {
  if (c.hasText && c.where.length === 1) {
    return prepare(db, "SELECT count(*) FROM search_fts WHERE search_fts MATCH @match").pluck().get({ match: c.args.match }) as number;
  }
  return prepare(db, `SELECT count(*) FROM ${c.from} ${whereSql(c)}`).pluck().get(c.args) as number;
}

/** Every match in order (for CSV export), without pagination. */
export function* searchAll(db: Database.Database, p: SearchParams): IterableIterator<SearchHit> {
  setup(db);
  const c = compile(p);
  const sort = defaultSort(p, c.hasText);
  if (sort === "distance" && !p.near) throw new SearchInputError("sort", "distance needs near");
  const sql = `${selectSql(p, c)} ORDER BY ${orderSql(sort, c)} LIMIT @limit OFFSET @offset`;
  // Pages of 500 so no read cursor stays open across the caller's work.
  for (let offset = 0; ; offset += 500) {
    const rows = withDisplayColumns(
      db,
      prepare(db, sql).all({ ...c.args, limit: 500, offset }) as Array<{ doc_id: number; score: number | null; dist: number | null }>,
    );
    const locs = locationsOf(db, rows.map((r) => r.nct_id), p.near);
    for (const r of rows) {
      const l = locs.get(r.nct_id);
      yield { ...toHit(r), locationCount: l?.count ?? 0, locations: l?.list ?? [] };
    }
    if (rows.length < 500) return;
  }
}

function facetsOf(db: Database.Database, c: Compiled): Facets {
  // One pass over the matches' narrow rows counts status, phase, type, conditions and
  // interventions in JS (cheaper than one grouped join per facet); sites need a join.
  const status = new Map<string, number>();
  const phase = new Map<string, number>();
  const studyType = new Map<string, number>();
  const conditions = new Map<string, { value: string; count: number }>();
  const interventions = new Map<string, { value: string; count: number }>();
  const bump = (m: Map<string, number>, k: string | null) => {
    if (k) m.set(k, (m.get(k) ?? 0) + 1);
  };
  const bumpFolded = (m: Map<string, { value: string; count: number }>, list: string) => {
    const seen = new Set<string>();
    for (const v of splitList(list, "; ")) {
      const k = v.toLowerCase();
      if (seen.has(k)) continue;
      seen.add(k);
      const e = m.get(k);
      if (e) e.count++;
      else m.set(k, { value: v, count: 1 });
    }
  };
  const rows = prepare(
    db,
    `SELECT s.overall_status, s.phases, s.study_type, s.conditions, s.interventions FROM ${c.from} ${whereSql(c)}`,
  )
    .raw()
    .iterate(c.args) as IterableIterator<[string | null, string, string | null, string, string]>;
  for (const [st, ph, ty, co, iv] of rows) {
    bump(status, st);
    bump(studyType, ty);
    for (const x of splitList(ph, ",")) bump(phase, x);
    bumpFolded(conditions, co);
    bumpFolded(interventions, iv);
  }
  const sortCounts = (m: Map<string, number>) =>
    [...m].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const top = (m: Map<string, { value: string; count: number }>, n: number) =>
    [...m.values()].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)).slice(0, n);
  const country = (
    prepare(
      db,
      `WITH m(nct_id) AS MATERIALIZED (SELECT s.nct_id FROM ${c.from} ${whereSql(c)})
       SELECT l.country v, count(DISTINCT l.nct_id) n FROM m CROSS JOIN study_locations l ON l.nct_id = m.nct_id
       WHERE l.country IS NOT NULL AND l.country <> '' GROUP BY l.country ORDER BY n DESC, v LIMIT 20`,
    ).all(c.args) as Array<{ v: string; n: number }>
  ).map((r) => ({ value: r.v, count: r.n }));
  return {
    status: sortCounts(status),
    phase: sortCounts(phase),
    studyType: sortCounts(studyType),
    country,
    conditions: top(conditions, 10),
    interventions: top(interventions, 10),
  };
}
