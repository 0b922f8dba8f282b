/**
 * Study search over the store: FTS5 with BM25 field weights, filters, facets, distance to a
 * place, cursor pagination. Callers pass a `SearchParams` and get plain objects back; the SQL
 * stays here. Bad input raises `SearchInputError` naming the parameter.
 *
 * FTS5 finds the studies that mention the words (and scores them); filters, facets, distance
 * and ordering run over the connection's in-memory snapshot of the narrow columns
 * (./search-snapshot.ts); only the page's display columns and sites are read by SQL.
 * The semantics are the SQL ones (search-query.test.ts compares with a plain SQL reference).
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { boundingBox, countryCode, countryNames, distanceKm } from "./search-geo.js";
import { FTS_COLUMNS } from "./search-index.js";
import { compareBinary, foldNocase, searchSnapshot, type Lists, type SearchSnapshot } from "./search-snapshot.js";
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

/** A validated search: the FTS expression and the filters, not yet bound to a snapshot. */
interface Compiled {
  match: string | undefined;
  hasText: boolean;
  p: SearchParams;
  sponsorPattern?: string;
  /** Every spelling of the countries asked for, NOCASE-folded. */
  countries?: Set<string>;
  cities?: Set<string>;
  ageDays?: number;
  near?: { lat: number; lon: number; radiusKm: number; box: ReturnType<typeof boundingBox> };
}

/** Validates the parameters in the order the API reports them; throws SearchInputError. */
function compile(p: SearchParams): Compiled {
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
  const c: Compiled = { match: matches.length ? matches.map((m) => `(${m})`).join(" AND ") : undefined, hasText: matches.length > 0, p };
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

/** Which distinct values of a column pass: evaluated by SQLite with the expression the column filter would use. */
function passingValues(db: Database.Database, values: Array<string | null>, condition: string, args: Record<string, unknown>): Uint8Array {
  const out = new Uint8Array(values.length);
  const keys = prepare(db, `SELECT key FROM json_each(@values) WHERE ${condition}`)
    .pluck()
    .all({ ...args, values: JSON.stringify(values) }) as number[];
  for (const k of keys) out[k] = 1;
  return out;
}

const inSet = (values: Array<string | null>, wanted: string[]) => Uint8Array.from(values, (v) => (v !== null && wanted.includes(v) ? 1 : 0));

/** The sites' points as seen from `near`. */
interface NearPoints {
  /** Points that pass the filter (in the box and within the radius), as SQL tested them. */
  passing: number[];
  /** Points within the radius, nearest first, with their distances. */
  within: Int32Array;
  withinKm: Float64Array;
}

/** Kilometres per degree of latitude, as distanceKm measures them. */
const KM_PER_DEGREE = distanceKm(0, 0, 1, 0);

/**
 * Distances are computed for the points in the band of latitudes the radius can reach (a
 * great-circle distance is at least R·|Δlatitude|), found by binary search.
 */
function nearPoints(snap: SearchSnapshot, near: NonNullable<Compiled["near"]>): NearPoints {
  const { lat, lon, radiusKm, box } = near;
  const band = radiusKm / KM_PER_DEGREE + 1e-6;
  const lats = snap.latOfPointsByLat;
  let lo = 0;
  let hi = lats.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lats[mid] < lat - band) lo = mid + 1;
    else hi = mid;
  }
  const passing: number[] = [];
  const within: number[] = [];
  const km: number[] = [];
  for (let x = lo; x < lats.length && lats[x] <= lat + band; x++) {
    const k = snap.pointsByLat[x];
    const a = snap.pointLat[k];
    const b = snap.pointLon[k];
    const d = distanceKm(a, b, lat, lon);
    if (d <= radiusKm) {
      within.push(k);
      km.push(d);
      if (a >= box.minLat && a <= box.maxLat && b >= box.minLon && b <= box.maxLon) passing.push(k);
    }
  }
  const order = Array.from(within.keys()).sort((x, y) => km[x] - km[y]);
  return { passing, within: Int32Array.from(order, (x) => within[x]), withinKm: Float64Array.from(order, (x) => km[x]) };
}

/** A filter over the snapshot, as data, so each is applied by its own tight loop. */
type Filter =
  /** The study's value of a column (its id in `ids`) passes. */
  | { kind: "value"; ids: Int32Array; pass: Uint8Array }
  /** One of the study's list items (sites' countries, cities, coordinates) passes. */
  | { kind: "any"; lists: Lists; pass: Uint8Array }
  /** The study is marked (mark[idx] === 1). */
  | { kind: "mark"; mark: Uint8Array }
  | { kind: "age"; days: number }
  | { kind: "healthyVolunteers"; want: boolean };

/** The filters of a search over the snapshot (the text match is applied before them). */
function filtersOf(db: Database.Database, snap: SearchSnapshot, c: Compiled, near: NearPoints | undefined): Filter[] {
  const p = c.p;
  const col = snap.cols;
  const out: Filter[] = [];
  const byValue = (ids: Int32Array, pass: Uint8Array) => out.push({ kind: "value", ids, pass });
  if (p.status?.length) byValue(col.status, inSet(snap.statusValues, p.status));
  if (p.studyType?.length) byValue(col.studyType, inSet(snap.studyTypeValues, p.studyType));
  if (p.phase?.length) {
    const args: Record<string, string> = {};
    p.phase.forEach((v, i) => (args[`phase${i}`] = `%,${v},%`));
    byValue(col.phases, passingValues(db, snap.phasesValues, `(${p.phase.map((_, i) => `value LIKE @phase${i}`).join(" OR ")})`, args));
  }
  if (c.sponsorPattern !== undefined) {
    byValue(col.sponsor, passingValues(db, snap.sponsorValues, "value LIKE @sponsor ESCAPE '\\'", { sponsor: c.sponsorPattern }));
  }
  if (c.ageDays !== undefined) out.push({ kind: "age", days: c.ageDays });
  if (p.sex !== undefined) {
    const sex = p.sex;
    byValue(col.sex, Uint8Array.from(snap.sexValues, (v) => (v === null || v === "ALL" || (sex !== "ALL" && v === sex) ? 1 : 0)));
  }
  if (p.healthyVolunteers !== undefined) out.push({ kind: "healthyVolunteers", want: p.healthyVolunteers });
  // Dates compare at the coarser precision of the two, so "2019-05" is within 2019-05-10..2019-06-30.
  const dateRange = (field: "startFrom" | "startTo" | "updatedFrom" | "updatedTo", ids: Int32Array, dir: ">=" | "<=") => {
    const v = p[field];
    if (v === undefined) return;
    const cond =
      dir === ">="
        ? "value IS NOT NULL AND value >= substr(@v, 1, length(value))"
        : "value IS NOT NULL AND substr(value, 1, length(@v)) <= @v";
    byValue(ids, passingValues(db, snap.dateValues, cond, { v }));
  };
  dateRange("startFrom", col.startDate, ">=");
  dateRange("startTo", col.startDate, "<=");
  dateRange("updatedFrom", col.lastUpdate, ">=");
  dateRange("updatedTo", col.lastUpdate, "<=");
  if (c.countries) out.push({ kind: "any", lists: snap.countries, pass: Uint8Array.from(snap.countryGroups, (g) => (c.countries!.has(g) ? 1 : 0)) });
  if (c.cities) out.push({ kind: "any", lists: snap.cities, pass: Uint8Array.from(snap.cityGroups, (g) => (c.cities!.has(g) ? 1 : 0)) });
  if (near) {
    // The studies with a site at a passing point, marked by the point's own list of studies.
    const mark = new Uint8Array(snap.n);
    const { start, items } = snap.studiesAtPoint;
    for (const k of near.passing) for (let j = start[k]; j < start[k + 1]; j++) mark[items[j]] = 1;
    out.push({ kind: "mark", mark });
  }
  return out;
}

/** Keeps the entries of idx (and score) whose study passes f, in place; returns how many. */
function applyFilter(snap: SearchSnapshot, f: Filter, idx: Int32Array, score: Float64Array | undefined, count: number): number {
  const pass = new Uint8Array(count);
  switch (f.kind) {
    case "value": {
      const { ids, pass: ok } = f;
      for (let k = 0; k < count; k++) pass[k] = ok[ids[idx[k]]];
      break;
    }
    case "any": {
      const { start, items } = f.lists;
      const ok = f.pass;
      for (let k = 0; k < count; k++) {
        const i = idx[k];
        for (let j = start[i], end = start[i + 1]; j < end; j++) {
          if (ok[items[j]] === 1) {
            pass[k] = 1;
            break;
          }
        }
      }
      break;
    }
    case "mark": {
      const mark = f.mark;
      for (let k = 0; k < count; k++) pass[k] = mark[idx[k]];
      break;
    }
    case "age": {
      const d = f.days;
      const min = snap.cols.minAgeDays;
      const max = snap.cols.maxAgeDays;
      // NaN (NULL) admits every age: a comparison with NaN is false, so test "not outside".
      for (let k = 0; k < count; k++) pass[k] = !(min[idx[k]] > d) && !(max[idx[k]] < d) ? 1 : 0;
      break;
    }
    case "healthyVolunteers": {
      const hv = snap.cols.healthyVolunteers;
      if (f.want) for (let k = 0; k < count; k++) pass[k] = hv[idx[k]] === 1 ? 1 : 0;
      else for (let k = 0; k < count; k++) pass[k] = hv[idx[k]] === 0 || Number.isNaN(hv[idx[k]]) ? 1 : 0;
      break;
    }
  }
  let n = 0;
  if (score) {
    for (let k = 0; k < count; k++) {
      if (pass[k] === 1) {
        score[n] = score[k];
        idx[n++] = idx[k];
      }
    }
  } else {
    for (let k = 0; k < count; k++) if (pass[k] === 1) idx[n++] = idx[k];
  }
  return n;
}

/** The studies matching a search, ascending idx, with their BM25 scores when asked. */
interface Matches {
  idx: Int32Array;
  score?: Float64Array;
}

// ---- A per-snapshot LRU of text matches and facet counts (dropped when the data changes) ----

export const DEFAULT_SEARCH_CACHE_BYTES = 16 * 2 ** 20;
let cacheLimit = DEFAULT_SEARCH_CACHE_BYTES;
/**
 * Bytes each connection keeps, until the data changes, for searches that repeat: the studies
 * matching an FTS expression (4 bytes each, 12 with BM25 scores) and the facet counts of a
 * whole search. 0 turns the cache off: every search matches, scores and counts afresh.
 */
export function setSearchCacheBytes(bytes: number): void {
  if (!(bytes >= 0)) throw new RangeError(`search cache size must be ≥ 0 bytes, got ${bytes}`);
  cacheLimit = bytes;
}

function cached<T>(snap: SearchSnapshot, key: string): T | undefined {
  trimCache(snap);
  const hit = snap.cache.get(key);
  if (!hit) return undefined;
  // Most recently used last.
  snap.cache.delete(key);
  snap.cache.set(key, hit);
  return hit.value as T;
}

function keep(snap: SearchSnapshot, key: string, value: unknown, bytes: number): void {
  const old = snap.cache.get(key);
  if (old) {
    snap.cache.delete(key);
    snap.cacheBytes -= old.bytes;
  }
  if (bytes > cacheLimit) return;
  snap.cache.set(key, { value, bytes });
  snap.cacheBytes += bytes;
  trimCache(snap);
}

/** Drops the least recently used entries until the cache fits its limit. */
function trimCache(snap: SearchSnapshot): void {
  for (const [k, v] of snap.cache) {
    if (snap.cacheBytes <= cacheLimit) break;
    snap.cache.delete(k);
    snap.cacheBytes -= v.bytes;
  }
}

// ---- Text matches: FTS5 rowids (and BM25 scores) ----

const bytesOf = (m: Matches) => m.idx.byteLength + (m.score?.byteLength ?? 0);

let collected: { ids: Float64Array; scores: Float64Array; n: number } | undefined;
const withCollector = new WeakSet<Database.Database>();

function textMatches(db: Database.Database, snap: SearchSnapshot, match: string, withScores: boolean): Matches {
  const key = `text:${match}`;
  const hit = cached<Matches>(snap, key);
  if (hit && (hit.score || !withScores)) return hit;
  const m = withScores ? scoredMatches(db, snap, match) : rowidMatches(db, snap, match);
  keep(snap, key, m, bytesOf(m));
  return m;
}

/** Rowids of the matches, as one string from SQLite (a row per match through the driver costs ~1 µs each). */
function rowidMatches(db: Database.Database, snap: SearchSnapshot, match: string): Matches {
  const list = prepare(db, "SELECT group_concat(rowid) FROM search_fts WHERE search_fts MATCH @match").pluck().get({ match }) as string | null;
  const out: number[] = [];
  if (list) {
    let v = 0;
    for (let k = 0; k <= list.length; k++) {
      const ch = k < list.length ? list.charCodeAt(k) : 44;
      if (ch === 44) {
        const i = snap.idxOf(v);
        if (i >= 0) out.push(i);
        v = 0;
      } else if (ch === 45) {
        throw new Error("search_fts has a negative rowid");
      } else v = v * 10 + (ch - 48);
    }
  }
  const idx = Int32Array.from(out);
  if (!isAscending(idx)) idx.sort();
  return { idx };
}

/** Rowids and BM25 scores (exact doubles) of every match, gathered by an aggregate function. */
function scoredMatches(db: Database.Database, snap: SearchSnapshot, match: string): Matches {
  if (!withCollector.has(db)) {
    db.aggregate("eligo_collect_scores", {
      start: 0,
      varargs: false,
      // better-sqlite3's typings know two-argument steps only; the function takes (n, id, score).
      step: ((n: number, id: unknown, score: unknown) => {
        const c = collected!;
        if (c.n === c.ids.length) {
          const ids = new Float64Array(c.ids.length * 2);
          const scores = new Float64Array(c.ids.length * 2);
          ids.set(c.ids);
          scores.set(c.scores);
          c.ids = ids;
          c.scores = scores;
        }
        c.ids[c.n] = id as number;
        c.scores[c.n++] = score as number;
        return n + 1;
      }) as unknown as (total: number, next: number) => number,
    });
    withCollector.add(db);
  }
  collected = { ids: new Float64Array(1024), scores: new Float64Array(1024), n: 0 };
  try {
    // bm25() cannot be an aggregate's argument; a materialised CTE computes it row by row first.
    prepare(
      db,
      `WITH m(id, score) AS MATERIALIZED (SELECT rowid, bm25(search_fts, ${WEIGHTS}) FROM search_fts WHERE search_fts MATCH @match)
       SELECT eligo_collect_scores(id, score) FROM m`,
    )
      .pluck()
      .get({ match });
    const { ids, scores, n } = collected;
    const order: number[] = [];
    const idxs: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = snap.idxOf(ids[k]);
      if (i >= 0) {
        order.push(k);
        idxs.push(i);
      }
    }
    let idx = Int32Array.from(idxs);
    let score = Float64Array.from(order, (k) => scores[k]);
    if (!isAscending(idx)) {
      const perm = Array.from(idx.keys()).sort((a, b) => idx[a] - idx[b]);
      idx = Int32Array.from(perm, (k) => idxs[k]);
      score = Float64Array.from(perm, (k) => scores[order[k]]);
    }
    return { idx, score };
  } finally {
    collected = undefined;
  }
}

function isAscending(a: Int32Array): boolean {
  for (let k = 1; k < a.length; k++) if (a[k] <= a[k - 1]) return false;
  return true;
}

/** The studies that pass the text match (if any) and every filter, ascending idx. */
function allStudies(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

function matchesOf(db: Database.Database, snap: SearchSnapshot, c: Compiled, withScores: boolean, near: NearPoints | undefined): Matches {
  let filters = filtersOf(db, snap, c, near);
  // With filters, the words' matches are fetched without scores (unless cached with them):
  // only the studies that pass the filters need scoring.
  const text = c.match !== undefined ? textMatches(db, snap, c.match, withScores && !filters.length) : undefined;
  if (text && !filters.length) return text;
  // Copies (the text matches may be cached), narrowed by each filter in turn. Without words,
  // a marking filter (near) gives the candidates instead of every study.
  let idx: Int32Array;
  const mark = text ? undefined : filters.find((f): f is Extract<Filter, { kind: "mark" }> => f.kind === "mark");
  if (text) idx = text.idx.slice();
  else if (mark) {
    filters = filters.filter((f) => f !== mark);
    idx = marked(mark.mark);
  } else idx = allStudies(snap.n);
  let score: Float64Array | undefined = text?.score?.slice();
  let n = idx.length;
  for (const f of filters) n = applyFilter(snap, f, idx, score, n);
  idx = idx.subarray(0, n);
  if (withScores && text && !score) score = survivorScores(db, snap, c.match!, text, idx);
  return { idx, score: score?.subarray(0, n) };
}

/**
 * BM25 scores of the matches that passed the filters. When the cache can keep every match's
 * score, or most matches passed: score them all (and cache that, for the next search with
 * these words); else just those that passed (FTS5 still reads its lists, but runs bm25()
 * for those only).
 */
function survivorScores(db: Database.Database, snap: SearchSnapshot, match: string, text: Matches, idx: Int32Array): Float64Array {
  const score = new Float64Array(idx.length);
  if (idx.length > text.idx.length / 2 || text.idx.length * 12 <= cacheLimit) {
    const all = textMatches(db, snap, match, true);
    // Both ascending: a merge.
    for (let k = 0, j = 0; k < idx.length; k++) {
      while (all.idx[j] !== idx[k]) j++;
      score[k] = all.score![j];
    }
    return score;
  }
  const docIds = Array.from(idx, (i) => snap.cols.docId[i]);
  const scores = scoresOf(db, match, docIds);
  docIds.forEach((d, k) => {
    const s = scores.get(d);
    if (s === undefined) throw new Error(`search: no BM25 score for doc ${d} (the full-text index and search_docs disagree)`);
    score[k] = s;
  });
  return score;
}

function marked(mark: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < mark.length; i++) n += mark[i];
  const idx = new Int32Array(n);
  for (let i = 0, k = 0; i < mark.length; i++) if (mark[i] === 1) idx[k++] = i;
  return idx;
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
  c: Compiled,
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


/** Runs fn in a read transaction (or the caller's), so the snapshot check and every read see one state. */
function reading<T>(db: Database.Database, fn: (callerInTransaction: boolean) => T): T {
  if (db.inTransaction) return fn(true);
  prepare(db, "BEGIN").run();
  try {
    return fn(false);
  } finally {
    if (db.inTransaction) prepare(db, "COMMIT").run();
  }
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
}

function rank(db: Database.Database, c: Compiled, sort: SortKey, limit: number, callerInTransaction: boolean): Ranked {
  const snap = searchSnapshot(db, callerInTransaction);
  const near = c.near ? nearPoints(snap, c.near) : undefined;
  const matches = matchesOf(db, snap, c, sort === "relevance" && c.hasText, near);
  const dist = c.near ? distances(snap, c.near) : undefined;
  const order = firstK(matches.idx.length, limit, sortKeys(snap, matches, sort, c, near, dist));
  return { snap, match: c.match, matches, order, dist };
}

function rankedRows(db: Database.Database, r: Ranked, positions: number[]): Row[] {
  const { snap, matches, dist } = r;
  const pageScores = r.match !== undefined && !matches.score ? scoresOf(db, r.match, positions.map((k) => snap.cols.docId[matches.idx[k]])) : undefined;
  return withDisplayColumns(
    db,
    positions.map((k) => {
      const i = matches.idx[k];
      const docId = snap.cols.docId[i];
      const d = dist ? dist(i) : Number.NaN;
      const score = matches.score ? matches.score[k] : (pageScores?.get(docId) ?? null);
      return { docId, score, dist: Number.isNaN(d) ? null : d };
    }),
  );
}

/**
 * BM25 scores of a few matches (a page not ordered by relevance still shows them). The
 * rowid range lets FTS5 read only that stretch of its lists; "+rowid IN" is tested per row
 * (as a plain "rowid IN" FTS5 would restart the query, and bm25's statistics, per rowid).
 */
function scoresOf(db: Database.Database, match: string, docIds: number[]): Map<number, number> {
  if (!docIds.length) return new Map();
  let lo = docIds[0];
  let hi = docIds[0];
  for (const d of docIds) {
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const rows = prepare(
    db,
    `SELECT rowid, bm25(search_fts, ${WEIGHTS}) FROM search_fts
     WHERE search_fts MATCH @match AND rowid BETWEEN @lo AND @hi AND +rowid IN (SELECT value FROM json_each(@ids))`,
  )
    .raw()
    .all({ match, lo, hi, ids: JSON.stringify(docIds) }) as Array<[number, number]>;
  return new Map(rows);
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

// ---- Facets: one pass over the matches' interned columns ----

/** The facets of a search, from the cache when the same search (any page or order) was counted before. */
function cachedFacets(snap: SearchSnapshot, p: SearchParams, m: Matches): Facets {
  const { cursor: _c, pageSize: _s, facets: _f, sort: _o, ...rest } = p;
  const key = `facets:${JSON.stringify(rest)}`;
  let f = cached<Facets>(snap, key);
  if (!f) {
    f = facetsOf(snap, m);
    keep(snap, key, f, 2 * JSON.stringify(f).length + 64);
  }
  // Callers get their own arrays: the cached ones stay as counted.
  const copy = (xs: FacetCount[]) => xs.map((x) => ({ ...x }));
  return {
    status: copy(f.status),
    phase: copy(f.phase),
    studyType: copy(f.studyType),
    country: copy(f.country),
    conditions: copy(f.conditions),
    interventions: copy(f.interventions),
  };
}

const byCountThenValue = (a: FacetCount, b: FacetCount) => b.count - a.count || a.value.localeCompare(b.value);

/** The first n of xs in `cmp` order, sorting only the entries whose count can reach the top n. */
function topByCount(xs: FacetCount[], n: number, cmp: (a: FacetCount, b: FacetCount) => number): FacetCount[] {
  if (xs.length > n) {
    const counts = xs.map((x) => x.count).sort((a, b) => b - a);
    const least = counts[n - 1];
    xs = xs.filter((x) => x.count >= least);
  }
  return xs.sort(cmp).slice(0, n);
}

function facetsOf(snap: SearchSnapshot, m: Matches): Facets {
  const col = snap.cols;
  const { idx } = m;
  const status = new Int32Array(snap.statusValues.length);
  const phases = new Int32Array(snap.phasesValues.length);
  const studyType = new Int32Array(snap.studyTypeValues.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    status[col.status[i]]++;
    phases[col.phases[i]]++;
    studyType[col.studyType[i]]++;
  }
  const counted = (values: Array<string | null>, counts: Int32Array) => {
    const out = new Map<string, number>();
    counts.forEach((n, v) => {
      if (!n) return;
      // As the per-row count did: a value once per study, a phase list split on ",".
      for (const x of values === snap.phasesValues ? splitList(values[v] ?? "", ",") : [values[v]]) if (x) out.set(x, (out.get(x) ?? 0) + n);
    });
    return [...out].map(([value, count]) => ({ value, count })).sort(byCountThenValue);
  };
  // Keyed lists: counts per key, shown with the spelling of the key's first occurrence (ascending doc_id).
  const keyed = (lists: { start: Int32Array; items: Int32Array }, spelling: Int32Array, spellings: string[], keys: number, n: number) => {
    const count = new Int32Array(keys);
    const { start, items } = lists;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      for (let j = start[i], end = start[i + 1]; j < end; j++) count[items[j]]++;
    }
    // The spelling of each key's first occurrence: found by a second pass that stops as soon
    // as every counted key has one.
    const touched: number[] = [];
    for (let key = 0; key < keys; key++) if (count[key] > 0) touched.push(key);
    const shown = new Int32Array(keys).fill(-1);
    let missing = touched.length;
    for (let k = 0; k < idx.length && missing > 0; k++) {
      const i = idx[k];
      for (let j = start[i], end = start[i + 1]; j < end; j++) {
        if (shown[items[j]] < 0) {
          shown[items[j]] = spelling[j];
          missing--;
        }
      }
    }
    return { count, shown, touched, spellings, n };
  };
  const top = (x: ReturnType<typeof keyed>, cmp: (a: FacetCount, b: FacetCount) => number) =>
    topByCount(
      x.touched.map((key) => ({ value: x.spellings[x.shown[key]], count: x.count[key] })),
      x.n,
      cmp,
    );
  const conditions = keyed(snap.conditions, snap.conditionSpelling, snap.conditionSpellings, snap.conditionKeyCount, 10);
  const interventions = keyed(snap.interventions, snap.interventionSpelling, snap.interventionSpellings, snap.interventionKeyCount, 10);
  const countries = keyed(snap.countries, snap.countrySpelling, snap.countrySpellings, snap.countryGroups.length, 20);
  // Sites' countries: studies per country (NOCASE, as the column), none for an empty name;
  // ties in the order SQL's "ORDER BY n DESC, country" gives (NOCASE).
  countries.touched = countries.touched.filter((g) => snap.countryGroups[g] !== "");
  return {
    status: counted(snap.statusValues, status),
    phase: counted(snap.phasesValues, phases),
    studyType: counted(snap.studyTypeValues, studyType),
    country: top(countries, (a, b) => b.count - a.count || compareBinary(foldNocase(a.value), foldNocase(b.value))),
    conditions: top(conditions, byCountThenValue),
    interventions: top(interventions, byCountThenValue),
  };
}
