/**
 * Which studies match a search: the words' matches from FTS5 (./search-fts.ts), narrowed by
 * the filters over the snapshot's typed arrays. Each filter is evaluated once per distinct
 * value of its column (by SQLite, with the expression a column filter would use, where SQL
 * semantics are subtle: LIKE, the date ranges) and per study it is a table lookup.
 */
import type Database from "better-sqlite3";
import { boundingBox, distanceKm } from "./search-geo.js";
import { scoresOf, textMatches } from "./search-fts.js";
import type { SearchParams } from "./search-query.js";
import { searchCacheBytes, type Lists, type SearchSnapshot } from "./search-snapshot.js";
import { prepare } from "./search-statements.js";

/** A validated search: the FTS expression and the filters, not yet bound to a snapshot. */
export interface SearchPlan {
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

/** The studies matching a search, ascending idx, with their BM25 scores when asked. */
export interface Matches {
  idx: Int32Array;
  score?: Float64Array;
}

/** A snapshot's distinct values as JSON, written once per snapshot. */
const jsonOfValues = new WeakMap<Array<string | null>, string>();

/** Which distinct values of a column pass: evaluated by SQLite with the expression the column filter would use. */
function passingValues(db: Database.Database, values: Array<string | null>, condition: string, args: Record<string, unknown>): Uint8Array {
  const out = new Uint8Array(values.length);
  let json = jsonOfValues.get(values);
  if (json === undefined) jsonOfValues.set(values, (json = JSON.stringify(values)));
  const keys = prepare(db, `SELECT key FROM json_each(@values) WHERE ${condition}`)
    .pluck()
    .all({ ...args, values: json }) as number[];
  for (const k of keys) out[k] = 1;
  return out;
}

const inSet = (values: Array<string | null>, wanted: string[]) => Uint8Array.from(values, (v) => (v !== null && wanted.includes(v) ? 1 : 0));

/** The sites' points as seen from `near`. */
export interface NearPoints {
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
export function nearPoints(snap: SearchSnapshot, near: NonNullable<SearchPlan["near"]>): NearPoints {
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
export type Filter =
  /** The study's value of a column (its id in `ids`) passes. */
  | { kind: "value"; ids: Int32Array; pass: Uint8Array }
  /** One of the study's list items (sites' countries, cities, coordinates) passes. */
  | { kind: "any"; lists: Lists; pass: Uint8Array }
  /** The study is marked (mark[idx] === 1). */
  | { kind: "mark"; mark: Uint8Array }
  | { kind: "age"; days: number }
  | { kind: "healthyVolunteers"; want: boolean };

/** The filters of a search over the snapshot (the text match is applied before them). */
/** The search's filters over the snapshot (none: the words alone decide). */
export function filtersOf(db: Database.Database, snap: SearchSnapshot, c: SearchPlan, near: NearPoints | undefined): Filter[] {
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

function allStudies(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/** The studies that pass the text match (if any) and every filter (filtersOf), ascending idx, with BM25 scores when asked. */
export function matchesOf(db: Database.Database, snap: SearchSnapshot, c: SearchPlan, withScores: boolean, filtersGiven: Filter[]): Matches {
  let filters = filtersGiven;
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
  if (idx.length > text.idx.length / 2 || text.idx.length * 12 <= searchCacheBytes()) {
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
