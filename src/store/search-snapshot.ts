/**
 * The read side of search in memory: the narrow per-study columns that searches filter,
 * sort and count on (status, phases, type, ages, sex, healthy volunteers, dates, lead
 * sponsor, conditions, interventions, site countries, cities and coordinates), in typed
 * arrays indexed by a dense study number (`idx`, ascending doc_id).
 *
 * Why: a common word matches most of a large store, and per-match SQL (a join, a row read,
 * a grouped join for countries, a distance subquery) cost ~1 µs each several times over;
 * the same work over typed arrays costs tens of µs per 1,000 matches.
 *
 * Column values are interned: each distinct value gets an id, so a filter is evaluated once
 * per distinct value (with the same SQL expression where SQL semantics are subtle: LIKE and
 * the date ranges) and per study it is a table lookup.
 *
 * It also holds a bounded result cache (text matches, facet counts) for searches that
 * repeat, dropped with it.
 *
 * A snapshot belongs to one connection and is rebuilt when the database changes:
 * `PRAGMA data_version` changes when another connection commits, `total_changes()` when
 * this one writes. A snapshot built inside the caller's open transaction is used for that
 * search only (a rollback would leave no trace in either counter).
 */
import type Database from "better-sqlite3";

/** Distinct values of one column, each with an id (in first-seen order). */
class Interner<T extends string | null> {
  readonly values: T[] = [];
  private readonly ids = new Map<T, number>();
  id(v: T): number {
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(v);
      this.ids.set(v, id);
    }
    return id;
  }
}

/** SQLite's BINARY order (UTF-8 bytes, i.e. code points) for JS strings (UTF-16 code units). */
export function compareBinary(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) stand for code points above 0xFFFF: move them past 0xFFFF.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/** SQLite's NOCASE folding: ASCII letters only. */
export function foldNocase(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/** Lists per study in compressed-row form: the items of study i are items[start[i]..start[i+1]). */
export interface Lists {
  start: Int32Array;
  items: Int32Array;
}

/** A growable Int32Array. */
class IntBuffer {
  private a = new Int32Array(1024);
  private n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  get length(): number {
    return this.n;
  }
  view(): Int32Array {
    return this.a.subarray(0, this.n);
  }
}

/** Builds Lists one study at a time: add its items, then end() it. */
class ListBuilder {
  private readonly items = new IntBuffer();
  private readonly start = new IntBuffer();
  constructor() {
    this.start.push(0);
  }
  add(x: number): void {
    this.items.push(x);
  }
  end(): void {
    this.start.push(this.items.length);
  }
  build(): Lists {
    return { start: this.start.view().slice(), items: this.items.view().slice() };
  }
}

/**
 * A "; "-joined list column (conditions, interventions) as the facets read it: each key
 * (the lower-cased value) once per study, with the spelling of its first occurrence.
 */
class FoldedLists {
  readonly keys = new Interner<string>();
  readonly spellings = new Interner<string>();
  readonly lists = new ListBuilder();
  readonly spelling = new IntBuffer();
  private readonly keyOfSpelling: number[] = [];
  /** Whole column texts seen before (registries repeat "Placebo", "Healthy"...): [key, spelling, ...]. */
  private readonly byText = new Map<string, Int32Array>();
  add(text: string | null): void {
    if (text) {
      let pairs = this.byText.get(text);
      if (!pairs) {
        const out: number[] = [];
        for (const v of text.split("; ")) {
          if (!v) continue;
          const sp = this.spellings.id(v);
          let key = this.keyOfSpelling[sp];
          if (key === undefined) this.keyOfSpelling[sp] = key = this.keys.id(v.toLowerCase());
          let dup = false;
          for (let j = 0; j < out.length; j += 2) if (out[j] === key) dup = true;
          if (!dup) out.push(key, sp);
        }
        pairs = Int32Array.from(out);
        this.byText.set(text, pairs);
      }
      for (let j = 0; j < pairs.length; j += 2) {
        this.lists.add(pairs[j]);
        this.spelling.push(pairs[j + 1]);
      }
    }
    this.lists.end();
  }
}

const NO_VALUE = Number.NaN;

type SiteHandler = (nct: unknown, country: unknown, city: unknown, lat: unknown, lon: unknown) => null;
type DocHandler = (...values: unknown[]) => null;
let onSiteRow: SiteHandler | undefined;
let onDocRow: DocHandler | undefined;
const withRowFunctions = new WeakSet<Database.Database>();

/**
 * Runs sql, whose eligo_snapshot_site(5 values) / eligo_snapshot_doc(14 values) calls hand
 * each row to the handler: one JS call per row, no row array through the driver (~3x less
 * CPU). Fixed arities: a rest parameter would allocate an array per row.
 */
function eachRow(db: Database.Database, sql: string, handlers: { site?: SiteHandler; doc?: DocHandler }): void {
  if (!withRowFunctions.has(db)) {
    const fn = { deterministic: false, directOnly: true } as const;
    db.function("eligo_snapshot_site", fn, (a, b, c, d, e) => onSiteRow!(a, b, c, d, e));
    db.function("eligo_snapshot_doc", fn, (a, b, c, d, e, f, g, h, i, j, k, l, m, n) => onDocRow!(a, b, c, d, e, f, g, h, i, j, k, l, m, n));
    withRowFunctions.add(db);
  }
  onSiteRow = handlers.site;
  onDocRow = handlers.doc;
  try {
    db.prepare(sql).pluck().get();
  } finally {
    onSiteRow = onDocRow = undefined;
  }
}

export interface SnapshotColumns {
  /** idx → doc_id (the search_fts rowid), ascending. */
  docId: Float64Array;
  nctId: string[];
  /** idx → position in nct_id order (the tie-break of every sort), and back. */
  nctRank: Int32Array;
  byNct: Int32Array;
  status: Int32Array;
  phases: Int32Array;
  studyType: Int32Array;
  sex: Int32Array;
  sponsor: Int32Array;
  startDate: Int32Array;
  lastUpdate: Int32Array;
  /** NaN where NULL. */
  minAgeDays: Float64Array;
  maxAgeDays: Float64Array;
  healthyVolunteers: Float64Array;
  /** idx → position in "last_update DESC, nct_id" / "start_date DESC, nct_id" order. */
  lastUpdateRank: Int32Array;
  startDateRank: Int32Array;
}

export class SearchSnapshot {
  readonly n: number;
  readonly cols: SnapshotColumns;
  readonly statusValues: Array<string | null>;
  readonly phasesValues: Array<string | null>;
  readonly studyTypeValues: Array<string | null>;
  readonly sexValues: Array<string | null>;
  readonly sponsorValues: Array<string | null>;
  /** Distinct start_date and last_update values (one table for both). */
  readonly dateValues: Array<string | null>;
  /** Per study: its distinct condition keys (lower-cased, as the facet folds them) ... */
  readonly conditions: Lists;
  /** ... and, parallel to it, the spelling it first gave each key. */
  readonly conditionSpelling: Int32Array;
  readonly conditionSpellings: string[];
  readonly conditionKeyCount: number;
  readonly interventions: Lists;
  readonly interventionSpelling: Int32Array;
  readonly interventionSpellings: string[];
  readonly interventionKeyCount: number;
  /** Per study: its sites' countries as NOCASE groups, with the spelling of the first site in each group. */
  readonly countries: Lists;
  readonly countrySpelling: Int32Array;
  readonly countrySpellings: string[];
  /** Group id → the NOCASE-folded name. */
  readonly countryGroups: string[];
  readonly cities: Lists;
  readonly cityGroups: string[];
  /** Per study: its distinct site coordinates (sites with both lat and lon). */
  readonly points: Lists;
  readonly pointLat: Float64Array;
  readonly pointLon: Float64Array;
  /** Per point: the studies with a site there. */
  readonly studiesAtPoint: Lists;
  /** Point ids in ascending latitude, and their latitudes: a band of latitudes is a binary search. */
  readonly pointsByLat: Int32Array;
  readonly latOfPointsByLat: Float64Array;
  /** Results of repeated searches (see search-query.ts), least recently used first; dropped with the snapshot. */
  readonly cache = new Map<string, { value: unknown; bytes: number }>();
  cacheBytes = 0;
  private readonly idxOfDoc: Int32Array | undefined;

  constructor(db: Database.Database) {
    const docId: number[] = [];
    const nctId: string[] = [];
    const status = new Interner<string | null>();
    const phases = new Interner<string | null>();
    const studyType = new Interner<string | null>();
    const sex = new Interner<string | null>();
    const sponsor = new Interner<string | null>();
    const dates = new Interner<string | null>();
    const st: number[] = [];
    const ph: number[] = [];
    const ty: number[] = [];
    const sx: number[] = [];
    const sp: number[] = [];
    const sd: number[] = [];
    const lu: number[] = [];
    const minAge: number[] = [];
    const maxAge: number[] = [];
    const hv: number[] = [];
    const conds = new FoldedLists();
    const ivs = new FoldedLists();
    const num = (v: unknown) => (v === null || v === undefined ? NO_VALUE : Number(v));
    const onDoc: DocHandler = (...r) => {
      if (docId.length && (r[0] as number) <= docId[docId.length - 1]) throw new Error("search_docs rows came out of doc_id order");
      docId.push(r[0] as number);
      nctId.push(r[1] as string);
      st.push(status.id(r[2] as string | null));
      ph.push(phases.id(r[3] as string | null));
      ty.push(studyType.id(r[4] as string | null));
      sd.push(dates.id(r[5] as string | null));
      lu.push(dates.id(r[6] as string | null));
      minAge.push(num(r[7]));
      maxAge.push(num(r[8]));
      sx.push(sex.id(r[9] as string | null));
      hv.push(num(r[10]));
      sp.push(sponsor.id(r[11] as string | null));
      conds.add(r[12] as string | null);
      ivs.add(r[13] as string | null);
      return null;
    };
    // Table order is doc_id order.
    eachRow(
      db,
      `SELECT count(eligo_snapshot_doc(doc_id, nct_id, overall_status, phases, study_type, start_date, last_update, min_age_days,
         max_age_days, sex, healthy_volunteers, lead_sponsor, conditions, interventions)) FROM search_docs`,
      { doc: onDoc },
    );
    const n = docId.length;
    this.n = n;

    // Sort orders: nct_id, then "date DESC (NULLs last), nct_id" through the ranks of the distinct dates.
    const byNct = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareBinary(nctId[a], nctId[b]));
    const nctRank = new Int32Array(n);
    byNct.forEach((i, r) => (nctRank[i] = r));
    const dateOrder = dates.values.map((_, i) => i).sort((a, b) => {
      const x = dates.values[a];
      const y = dates.values[b];
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return compareBinary(y, x);
    });
    const dateRank = new Int32Array(dates.values.length);
    dateOrder.forEach((d, r) => (dateRank[d] = r));
    const rankBy = (key: number[]) => {
      const order = byNct.slice().sort((a, b) => dateRank[key[a]] - dateRank[key[b]]);
      const rank = new Int32Array(n);
      order.forEach((i, r) => (rank[i] = r));
      return rank;
    };

    this.cols = {
      docId: Float64Array.from(docId),
      nctId,
      nctRank,
      byNct: Int32Array.from(byNct),
      status: Int32Array.from(st),
      phases: Int32Array.from(ph),
      studyType: Int32Array.from(ty),
      sex: Int32Array.from(sx),
      sponsor: Int32Array.from(sp),
      startDate: Int32Array.from(sd),
      lastUpdate: Int32Array.from(lu),
      minAgeDays: Float64Array.from(minAge),
      maxAgeDays: Float64Array.from(maxAge),
      healthyVolunteers: Float64Array.from(hv),
      lastUpdateRank: rankBy(lu),
      startDateRank: rankBy(sd),
    };
    this.statusValues = status.values;
    this.phasesValues = phases.values;
    this.studyTypeValues = studyType.values;
    this.sexValues = sex.values;
    this.sponsorValues = sponsor.values;
    this.dateValues = dates.values;
    this.conditions = conds.lists.build();
    this.conditionSpelling = conds.spelling.view().slice();
    this.conditionSpellings = conds.spellings.values;
    this.conditionKeyCount = conds.keys.values.length;
    this.interventions = ivs.lists.build();
    this.interventionSpelling = ivs.spelling.view().slice();
    this.interventionSpellings = ivs.spellings.values;
    this.interventionKeyCount = ivs.keys.values.length;

    // doc_id → idx: a table when doc ids are dense enough, else binary search.
    const maxDoc = n ? docId[n - 1] : 0;
    if (maxDoc <= 4 * n + 65_536) {
      this.idxOfDoc = new Int32Array(maxDoc + 1).fill(-1);
      for (let i = 0; i < n; i++) this.idxOfDoc[docId[i]] = i;
    }

    // Sites: per study, the distinct NOCASE groups of its countries and cities and its
    // distinct coordinates. One JS call per site row (no row objects), into flat arrays that
    // are then grouped by study.
    const idxOfNct = new Map<string, number>();
    nctId.forEach((id, i) => idxOfNct.set(id, i));
    const countrySpellings = new Interner<string>();
    const countryGroups = new Interner<string>();
    const cityGroups = new Interner<string>();
    const groupOfCountry: number[] = [];
    const cityGroupOf = new Map<string, number>();
    const pointIds = new Map<number, Map<number, number>>();
    const pointLat: number[] = [];
    const pointLon: number[] = [];
    // Flat per-site arrays, sized by a count first (grown if the table grew meanwhile).
    let cap = Math.max(16, (db.prepare("SELECT count(*) FROM study_locations").pluck().get() as number) + 16);
    let sDoc = new Int32Array(cap);
    let sCountry = new Int32Array(cap);
    let sSpelling = new Int32Array(cap);
    let sCity = new Int32Array(cap);
    let sPoint = new Int32Array(cap);
    let sites = 0;
    const grow = () => {
      cap *= 2;
      const more = (a: Int32Array) => {
        const b = new Int32Array(cap);
        b.set(a);
        return b;
      };
      [sDoc, sCountry, sSpelling, sCity, sPoint] = [sDoc, sCountry, sSpelling, sCity, sPoint].map(more);
    };
    let lastNct: unknown;
    let cur = -1;
    let lastLat: unknown;
    let lastLon: unknown;
    let lastPoint = -1;
    let lastCountry: string | undefined;
    let lastSpelling = -1;
    let lastCountryGroup = -1;
    let lastCity: string | undefined;
    let lastCityGroup = -1;
    const onSite: SiteHandler = (nct, country, city, lat, lon) => {
      if (nct !== lastNct) {
        lastNct = nct;
        cur = idxOfNct.get(nct as string) ?? -1;
      }
      if (cur < 0) return null;
      if (sites === cap) grow();
      const k = sites++;
      sDoc[k] = cur;
      if (typeof country === "string") {
        if (country !== lastCountry) {
          lastCountry = country;
          lastSpelling = countrySpellings.id(country);
          let g = groupOfCountry[lastSpelling];
          if (g === undefined) groupOfCountry[lastSpelling] = g = countryGroups.id(foldNocase(country));
          lastCountryGroup = g;
        }
        sCountry[k] = lastCountryGroup;
        sSpelling[k] = lastSpelling;
      } else {
        sCountry[k] = -1;
        sSpelling[k] = -1;
      }
      if (typeof city === "string") {
        if (city !== lastCity) {
          lastCity = city;
          let g = cityGroupOf.get(city);
          if (g === undefined) cityGroupOf.set(city, (g = cityGroups.id(foldNocase(city))));
          lastCityGroup = g;
        }
        sCity[k] = lastCityGroup;
      } else sCity[k] = -1;
      if (typeof lat === "number" && typeof lon === "number") {
        if (lat !== lastLat || lon !== lastLon) {
          let byLon = pointIds.get(lat);
          if (!byLon) pointIds.set(lat, (byLon = new Map()));
          let pt = byLon.get(lon);
          if (pt === undefined) {
            byLon.set(lon, (pt = pointLat.length));
            pointLat.push(lat);
            pointLon.push(lon);
          }
          lastLat = lat;
          lastLon = lon;
          lastPoint = pt;
        }
        sPoint[k] = lastPoint;
      } else sPoint[k] = -1;
      return null;
    };
    // Table order (rowid): a study's sites in record order.
    eachRow(db, "SELECT count(eligo_snapshot_site(nct_id, country, city, lat, lon)) FROM study_locations", { site: onSite });
    // Sites grouped by study, in table order within a study (a stable counting sort).
    const siteDoc = sDoc.subarray(0, sites);
    const bySite = new Int32Array(siteDoc.length);
    const first = new Int32Array(n + 1);
    for (const d of siteDoc) first[d + 1]++;
    for (let i = 0; i < n; i++) first[i + 1] += first[i];
    const fill = first.slice(0, n);
    siteDoc.forEach((d, k) => (bySite[fill[d]++] = k));
    /** Per study, the distinct non-negative values of one site field (first occurrence first). */
    const distinctPerStudy = (field: Int32Array, values: number, also?: { from: Int32Array; into: IntBuffer }): Lists => {
      const stamp = new Int32Array(values);
      const out = new ListBuilder();
      for (let i = 0; i < n; i++) {
        for (let j = first[i]; j < first[i + 1]; j++) {
          const k = bySite[j];
          const v = field[k];
          if (v < 0 || stamp[v] === i + 1) continue;
          stamp[v] = i + 1;
          out.add(v);
          also?.into.push(also.from[k]);
        }
        out.end();
      }
      return out.build();
    };
    const countrySpelling = new IntBuffer();
    this.countries = distinctPerStudy(sCountry, countryGroups.values.length, { from: sSpelling, into: countrySpelling });
    this.countrySpelling = countrySpelling.view().slice();
    this.countrySpellings = countrySpellings.values;
    this.countryGroups = countryGroups.values;
    this.cities = distinctPerStudy(sCity, cityGroups.values.length);
    this.cityGroups = cityGroups.values;
    this.points = distinctPerStudy(sPoint, pointLat.length);
    this.pointLat = Float64Array.from(pointLat);
    this.pointLon = Float64Array.from(pointLon);
    // And the other way round: the studies with a site at each point, ascending idx.
    const pointStart = new Int32Array(pointLat.length + 1);
    for (const pt of this.points.items) pointStart[pt + 1]++;
    for (let k = 0; k < pointLat.length; k++) pointStart[k + 1] += pointStart[k];
    const pointItems = new Int32Array(this.points.items.length);
    const at = pointStart.slice(0, pointLat.length);
    for (let i = 0; i < n; i++) for (let j = this.points.start[i]; j < this.points.start[i + 1]; j++) pointItems[at[this.points.items[j]]++] = i;
    this.studiesAtPoint = { start: pointStart, items: pointItems };
    this.pointsByLat = Int32Array.from(pointLat.keys()).sort((a, b) => pointLat[a] - pointLat[b]);
    this.latOfPointsByLat = Float64Array.from(this.pointsByLat, (k) => pointLat[k]);
  }

  /** The idx of an nct_id, or -1 (a binary search in nct_id order). */
  idxOfNct(nctId: string): number {
    const { byNct, nctId: ids } = this.cols;
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareBinary(ids[byNct[mid]], nctId);
      if (c === 0) return byNct[mid];
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The idx of a doc_id, or -1 when the snapshot has no such study. */
  idxOf(docId: number): number {
    if (this.idxOfDoc) return docId >= 0 && docId < this.idxOfDoc.length ? this.idxOfDoc[docId] : -1;
    return indexInAscending(this.cols.docId, docId);
  }

  /** Approximate bytes held (typed arrays exactly; strings and tables estimated), for the report and the bench. */
  bytes(): number {
    let b = 0;
    const typed = (a: ArrayBufferView) => (b += a.byteLength);
    for (const v of Object.values(this.cols)) if (ArrayBuffer.isView(v)) typed(v);
    for (const l of [this.conditions, this.interventions, this.countries, this.cities, this.points, this.studiesAtPoint]) {
      typed(l.start);
      typed(l.items);
    }
    typed(this.conditionSpelling);
    typed(this.interventionSpelling);
    typed(this.countrySpelling);
    typed(this.pointLat);
    typed(this.pointLon);
    typed(this.pointsByLat);
    typed(this.latOfPointsByLat);
    if (this.idxOfDoc) typed(this.idxOfDoc);
    const str = (xs: Array<string | null>) => {
      for (const s of xs) b += 16 + (s ? s.length * 2 : 0);
    };
    str(this.cols.nctId);
    for (const xs of [
      this.statusValues,
      this.phasesValues,
      this.studyTypeValues,
      this.sexValues,
      this.sponsorValues,
      this.dateValues,
      this.conditionSpellings,
      this.interventionSpellings,
      this.countrySpellings,
      this.countryGroups,
      this.cityGroups,
    ]) {
      str(xs);
    }
    return b + this.cacheBytes;
  }
}

// ---- The result cache: an LRU per snapshot of text matches and facet counts (dropped with it) ----

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

/** A cached result, now the most recently used; undefined if absent. */
export function cached<T>(snap: SearchSnapshot, key: string): T | undefined {
  trimCache(snap);
  const hit = snap.cache.get(key);
  if (!hit) return undefined;
  // Most recently used last.
  snap.cache.delete(key);
  snap.cache.set(key, hit);
  return hit.value as T;
}

/** Caches a result of about `bytes` (not if it alone exceeds the limit), dropping the least recently used to fit. */
export function keep(snap: SearchSnapshot, key: string, value: unknown, bytes: number): void {
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

/** The cache's limit in bytes (0: off). */
export function searchCacheBytes(): number {
  return cacheLimit;
}

interface Held {
  snapshot: SearchSnapshot;
  dataVersion: number;
  totalChanges: number;
}
const held = new WeakMap<Database.Database, Held>();
const versionStmts = new WeakMap<Database.Database, { dv: Database.Statement; tc: Database.Statement }>();

/**
 * The connection's snapshot, rebuilt first if the database changed since it was built.
 * Call inside a read transaction, so that the check and the caller's other reads see one
 * state of the database.
 */
export function searchSnapshot(db: Database.Database, callerInTransaction: boolean): SearchSnapshot {
  let v = versionStmts.get(db);
  if (!v) versionStmts.set(db, (v = { dv: db.prepare("PRAGMA data_version").pluck(), tc: db.prepare("SELECT total_changes()").pluck() }));
  const dataVersion = v.dv.get() as number;
  const totalChanges = v.tc.get() as number;
  const h = held.get(db);
  if (h && h.dataVersion === dataVersion && h.totalChanges === totalChanges) return h.snapshot;
  const snapshot = new SearchSnapshot(db);
  if (callerInTransaction) held.delete(db);
  else held.set(db, { snapshot, dataVersion, totalChanges });
  return snapshot;
}

/** What the connection's snapshot holds: studies, approximate bytes (of which cached results), or undefined before the first search. */
export function searchSnapshotInfo(db: Database.Database): { studies: number; bytes: number; cacheBytes: number } | undefined {
  const h = held.get(db);
  return h && { studies: h.snapshot.n, bytes: h.snapshot.bytes(), cacheBytes: h.snapshot.cacheBytes };
}

/** Drops the connection's snapshot (tests, and callers that know the data changed). */
export function dropSearchSnapshot(db: Database.Database): void {
  held.delete(db);
}

/** Where v sits in an ascending array, or -1. */
export function indexInAscending(a: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] === v) return mid;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
