/**
 * Study search over the store: FTS5 with BM25 field weights, filters, facets, distance to a
 * place, cursor pagination. Callers pass a `SearchParams` and get plain objects back; the SQL
 * stays here. Bad input raises `SearchInputError` naming the parameter.
 *
 * FTS5 finds the studies that mention the words and scores them (./search-fts.ts); filters
 * (./search-matches.ts), facets (./search-facets.ts), distance and ordering run over the
 * connection's in-memory snapshot of the narrow columns (./search-snapshot.ts); only the
 * page's display columns and sites are read by SQL here. The semantics are those of plain
 * SQL over the tables (search-query.test.ts compares the two).
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { cachedFacets } from "./search-facets.js";
import { rankedTextMatches, scoresOf, textKey, type RankedText } from "./search-fts.js";
import { boundingBox, countryCode, countryNames, distanceKm } from "./search-geo.js";
import { filtersOf, matchesOf, nearPoints, type Matches, type NearPoints, type SearchPlan } from "./search-matches.js";
import { cached, foldNocase, indexInAscending, keep, searchSnapshot, type SearchSnapshot } from "./search-snapshot.js";
import { prepare, reading } from "./search-statements.js";
import { parseTextQuery } from "./search-text.js";

export { DEFAULT_SEARCH_CACHE_BYTES, setSearchCacheBytes } from "./search-snapshot.js";

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
const DATE_RE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

/** Refuses a database without the search index (a read-only connection cannot migrate it). */
const checked = new WeakSet<Database.Database>();
function setup(db: Database.Database) {
  if (checked.has(db)) return;
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version < 3) {
    throw new Error(`database schema version ${version} has no search index; open it read-write once to upgrade it`);
  }
  // A site's distance from `near` as shown (km, one decimal); NULL without coordinates.
  db.function("eligo_site_km", { deterministic: true }, (lat, lon, nearLat, nearLon) =>
    lat === null || lon === null ? null : Math.round(distanceKm(nearLat as number, nearLon as number, lat as number, lon as number) * 10) / 10,
  );
  checked.add(db);
}

/** Validates the parameters in the order the API reports them; throws SearchInputError. */
function compile(p: SearchParams): SearchPlan {
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
  const c: SearchPlan = { match: matches.length ? matches.map((m) => `(${m})`).join(" AND ") : undefined, hasText: matches.length > 0, p };
  if (p.sponsor !== undefined) {
    if (!p.sponsor.trim()) throw new SearchInputError("sponsor", "is empty");
    c.sponsorPattern = `%${p.sponsor.trim().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  }
  if (p.country?.length) {
    // Every spelling of the country (CLDR name, registry aliases, what was typed), case-insensitively.
    const names = new Set<string>();
    for (const x of p.country) {
      names.add(foldNocase(x.trim()));
      const code = countryCode(x);
      if (!code) throw new SearchInputError("country", `unknown country '${x}'`);
      for (const n of countryNames(code)) names.add(foldNocase(n));
    }
    c.countries = names;
  }
  if (p.city?.length) c.cities = new Set(p.city.map((x) => foldNocase(x.trim())));
  if (p.age !== undefined) {
    if (!Number.isFinite(p.age) || p.age < 0 || p.age > 150) throw new SearchInputError("age", "must be a number of years from 0 to 150");
    c.ageDays = Math.floor(p.age * 365.25);
  }
  for (const field of ["startFrom", "startTo", "updatedFrom", "updatedTo"] as const) {
    const v = p[field];
    if (v !== undefined && !DATE_RE.test(v)) throw new SearchInputError(field, `'${v}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`);
  }
  if (p.near) {
    const r = p.radiusKm ?? DEFAULT_RADIUS_KM;
    if (!(r > 0 && r <= 20040)) throw new SearchInputError("radius", "must be more than 0 and at most 20040 km");
    c.near = { lat: p.near.lat, lon: p.near.lon, radiusKm: r, box: boundingBox(p.near.lat, p.near.lon, r) };
  } else if (p.radiusKm !== undefined) {
    throw new SearchInputError("radius", "needs near");
  }
  return c;
}

// ---- Ordering ----

/** Distances from `near` to each study's closest site (NaN: no site with coordinates), per point memoised. */
function distances(snap: SearchSnapshot, near: { lat: number; lon: number }) {
  const memo = new Float64Array(snap.pointLat.length).fill(Number.NaN);
  const { start, items } = snap.points;
  const { pointLat, pointLon } = snap;
  const { lat, lon } = near;
  return (i: number): number => {
    let best = Number.NaN;
    for (let j = start[i], end = start[i + 1]; j < end; j++) {
      const k = items[j];
      let d = memo[k];
      if (d !== d) memo[k] = d = distanceKm(pointLat[k], pointLon[k], lat, lon);
      if (!(d >= best)) best = d;
    }
    return best;
  };
}

/**
 * Each match's distance to its closest site. A match has a site within the radius, so its
 * closest site is among the points within it: walking those nearest first, a study's first
 * point is its closest. (Any match not reached is measured site by site.)
 */
function matchDistances(snap: SearchSnapshot, m: Matches, near: NearPoints, dist: (i: number) => number): Float64Array {
  const { idx } = m;
  const d = new Float64Array(idx.length).fill(Number.NaN);
  const position = new Int32Array(snap.n).fill(-1);
  for (let k = 0; k < idx.length; k++) position[idx[k]] = k;
  const { start, items } = snap.studiesAtPoint;
  let left = idx.length;
  for (let x = 0; x < near.within.length && left > 0; x++) {
    const p = near.within[x];
    const km = near.withinKm[x];
    for (let j = start[p], end = start[p + 1]; j < end; j++) {
      const k = position[items[j]];
      if (k >= 0 && d[k] !== d[k]) {
        d[k] = km;
        left--;
      }
    }
  }
  if (left > 0) for (let k = 0; k < idx.length; k++) if (d[k] !== d[k]) d[k] = dist(idx[k]);
  return d;
}

/**
 * The search's order as sort keys per position in `m`: `primary` ascending, then `tie`
 * (nct_id rank) ascending; undefined tie when primary is already unique.
 */
function sortKeys(
  snap: SearchSnapshot,
  m: Matches,
  sort: SortKey,
  c: SearchPlan,
  near: NearPoints | undefined,
  dist: ((i: number) => number) | undefined,
): { primary: Float64Array | Int32Array; tie?: Int32Array } {
  const { idx } = m;
  const gather = (by: Int32Array) => {
    const out = new Int32Array(idx.length);
    for (let k = 0; k < idx.length; k++) out[k] = by[idx[k]];
    return out;
  };
  switch (sort) {
    case "relevance":
      if (c.hasText) return { primary: m.score!, tie: gather(snap.cols.nctRank) };
      return sortKeys(snap, m, "lastUpdate", c, near, dist);
    // The ranks of "date DESC, nct_id" orders: unique, no tie-break needed.
    case "lastUpdate":
      return { primary: gather(snap.cols.lastUpdateRank) };
    case "startDate":
      return { primary: gather(snap.cols.startDateRank) };
    case "distance": {
      const d = matchDistances(snap, m, near!, dist!);
      // NULL (no coordinates) last.
      for (let k = 0; k < d.length; k++) if (d[k] !== d[k]) d[k] = Infinity;
      return { primary: d, tie: gather(snap.cols.nctRank) };
    }
  }
}

/** The first k positions in key order (a bounded heap, O(count · log k), for a small k). */
function firstK(count: number, k: number, keys: { primary: Float64Array | Int32Array; tie?: Int32Array }): number[] {
  const { primary: p, tie: t } = keys;
  const before = t ? (a: number, b: number) => p[a] < p[b] || (p[a] === p[b] && t[a] < t[b]) : (a: number, b: number) => p[a] < p[b];
  if (k >= count / 4) {
    const all = Array.from({ length: count }, (_, j) => j);
    return all.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)).slice(0, k);
  }
  // Max-heap of the best k so far: the root is the last of them.
  const heap: number[] = [];
  for (let x = 0; x < count; x++) {
    if (heap.length < k) {
      heap.push(x);
      for (let j = heap.length - 1; j > 0; ) {
        const parent = (j - 1) >> 1;
        if (!before(heap[parent], heap[j])) break;
        [heap[j], heap[parent]] = [heap[parent], heap[j]];
        j = parent;
      }
    } else if (k > 0 && p[x] <= p[heap[0]] && before(x, heap[0])) {
      heap[0] = x;
      for (let j = 0; ; ) {
        const l = 2 * j + 1;
        const r = l + 1;
        let w = j;
        if (l < heap.length && before(heap[w], heap[l])) w = l;
        if (r < heap.length && before(heap[w], heap[r])) w = r;
        if (w === j) break;
        [heap[j], heap[w]] = [heap[w], heap[j]];
        j = w;
      }
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : 1));
}

// ---- Pages ----

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

/** The display columns of ranked studies, in rank order (studies gone from the table are skipped). */
function withDisplayColumns(db: Database.Database, ranked: Array<{ docId: number; score: number | null; dist: number | null }>): Row[] {
  if (!ranked.length) return [];
  const rows = prepare(
    db,
    `SELECT doc_id, nct_id, brief_title, overall_status, phases, study_type, conditions, interventions, lead_sponsor,
       start_date, last_update, min_age_days, max_age_days, sex FROM search_docs WHERE doc_id IN (${ranked.map(() => "?").join(", ")})`,
  ).all(...ranked.map((r) => r.docId)) as Array<Row & { doc_id: number }>;
  const byId = new Map(rows.map((r) => [r.doc_id, r]));
  return ranked.filter((r) => byId.has(r.docId)).map((r) => ({ ...byId.get(r.docId)!, score: r.score, dist: r.dist }));
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
/**
 * The sites of the page's studies: how many each has, and the first 10 in record order (the
 * closest 10 with `near`, ties in record order). Per study, so SQL reads 10 sites of a study
 * with hundreds; raw rows, as objects cost twice as much.
 */
function locationsOf(db: Database.Database, ids: string[], near: SearchParams["near"]): Map<string, { count: number; list: SearchLocation[] }> {
  const out = new Map<string, { count: number; list: SearchLocation[] }>();
  if (!ids.length) return out;
  const count = prepare(db, "SELECT count(*) FROM study_locations WHERE nct_id = ?").pluck();
  const first = near
    ? prepare(
        db,
        `SELECT facility, city, state, country, status, lat, lon, geocoded, eligo_site_km(lat, lon, @lat, @lon) AS km
         FROM study_locations WHERE nct_id = @id ORDER BY km IS NULL, km, rowid LIMIT 10`,
      ).raw()
    : prepare(db, "SELECT facility, city, state, country, status, lat, lon, geocoded, NULL FROM study_locations WHERE nct_id = @id ORDER BY rowid LIMIT 10").raw();
  for (const id of ids) {
    const rows = first.all(near ? { id, lat: near.lat, lon: near.lon } : { id }) as Array<
      [string | null, string | null, string | null, string | null, string | null, number | null, number | null, number, number | null]
    >;
    const list = rows.map(([facility, city, state, country, status, lat, lon, geocoded, km]) => {
      const loc: SearchLocation = { facility, city, state, country, status, lat, lon, geocoded: geocoded === 1 };
      if (km !== null) loc.distanceKm = km;
      return loc;
    });
    out.set(id, { count: rows.length < 10 ? rows.length : (count.get(id) as number), list });
  }
  return out;
}


/** The ordered matches of a search, before display columns are read. */
interface Ranked {
  snap: SearchSnapshot;
  /** The FTS expression, if the search has words. */
  match: string | undefined;
  matches: Matches;
  /** Positions in `matches`, in the search's order (the first `limit` of them). */
  order: number[];
  dist?: (i: number) => number;
  /** Scores by position in `matches`, when only the best were scored (matches has no scores then). */
  scoreAt?: Map<number, number>;
}

/** How many of the best a words-only search ranks ahead of its page (and caches for the next pages). */
const BEST_AHEAD = 100;
const BEST_MAX = 1_000;

function rank(db: Database.Database, c: SearchPlan, sort: SortKey, limit: number, callerInTransaction: boolean): Ranked {
  const snap = searchSnapshot(db, callerInTransaction);
  const near = c.near ? nearPoints(snap, c.near) : undefined;
  // Words alone, ranked by relevance, not seen before: one pass of FTS5 gives the matches and
  // their best (rankedTextMatches). Words seen before score every match once, for the cache.
  const filters = filtersOf(db, snap, c, near);
  if (sort === "relevance" && c.match !== undefined && limit <= BEST_MAX && cached(snap, textKey(c.match)) === undefined && !filters.length) {
    const key = `best:${c.match}`;
    let best = cached<RankedText>(snap, key);
    if (!best || (best.best.length < limit && !best.complete)) {
      best = rankedTextMatches(db, snap, c.match, Math.max(limit, BEST_AHEAD));
      keep(snap, key, best, 4 * best.idx.length + 12 * best.best.length + 64);
    }
    if (best.best.length >= Math.min(limit, best.idx.length) || best.complete) {
      const order: number[] = [];
      const scoreAt = new Map<number, number>();
      for (let j = 0; j < best.best.length && j < limit; j++) {
        const k = indexInAscending(best.idx, best.best[j]);
        order.push(k);
        scoreAt.set(k, best.bestScore[j]);
      }
      return { snap, match: c.match, matches: { idx: best.idx }, order, scoreAt };
    }
  }
  const matches = matchesOf(db, snap, c, sort === "relevance" && c.hasText, filters);
  const dist = c.near ? distances(snap, c.near) : undefined;
  const order = firstK(matches.idx.length, limit, sortKeys(snap, matches, sort, c, near, dist));
  return { snap, match: c.match, matches, order, dist };
}

function rankedRows(db: Database.Database, r: Ranked, positions: number[]): Row[] {
  const { snap, matches, dist } = r;
  const pageScores = r.match !== undefined && !matches.score && !r.scoreAt ? scoresOf(db, r.match, positions.map((k) => snap.cols.docId[matches.idx[k]])) : undefined;
  return withDisplayColumns(
    db,
    positions.map((k) => {
      const i = matches.idx[k];
      const docId = snap.cols.docId[i];
      const d = dist ? dist(i) : Number.NaN;
      const score = matches.score ? matches.score[k] : (r.scoreAt?.get(k) ?? pageScores?.get(docId) ?? null);
      return { docId, score, dist: Number.isNaN(d) ? null : d };
    }),
  );
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
  return reading(db, (inTx) => {
    const r = rank(db, c, sort, offset + pageSize, inTx);
    const total = r.matches.idx.length;
    const page = rankedRows(db, r, r.order.slice(offset));
    const locs = locationsOf(db, page.map((row) => row.nct_id), p.near);
    const studies = page.map((row) => {
      const l = locs.get(row.nct_id);
      return { ...toHit(row), locationCount: l?.count ?? 0, locations: l?.list ?? [] };
    });
    const result: SearchResult = { total, studies, next: offset + pageSize < total ? encodeCursor(offset + pageSize, fp) : null, sort };
    if (p.facets) result.facets = cachedFacets(r.snap, p, r.matches);
    return result;
  });
}

/** Every match in order (for CSV export), without pagination. */
export function* searchAll(db: Database.Database, p: SearchParams): IterableIterator<SearchHit> {
  setup(db);
  const c = compile(p);
  const sort = defaultSort(p, c.hasText);
  if (sort === "distance" && !p.near) throw new SearchInputError("sort", "distance needs near");
  const r = reading(db, (inTx) => rank(db, c, sort, Number.MAX_SAFE_INTEGER, inTx));
  // Pages of 500, so no read cursor stays open across the caller's work.
  for (let from = 0; from < r.order.length; from += 500) {
    const rows = rankedRows(db, r, r.order.slice(from, from + 500));
    const locs = locationsOf(db, rows.map((row) => row.nct_id), p.near);
    for (const row of rows) {
      const l = locs.get(row.nct_id);
      yield { ...toHit(row), locationCount: l?.count ?? 0, locations: l?.list ?? [] };
    }
  }
}
