/**
 * The search over the in-memory snapshot (search-query.ts, search-snapshot.ts) against a
 * plain SQL reference — the joins, LIKEs, subqueries and ORDER BYs the search was first
 * written as — on a generated store: same totals, same order (ties by nct_id), same scores
 * and distances, same facets, for every filter and sort.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import type Database from "better-sqlite3";
import type { Study } from "../model/study.js";
import { boundingBox, countryCode, countryNames, distanceKm } from "./search-geo.js";
import { FTS_COLUMNS } from "./search-index.js";
import {
  DEFAULT_SEARCH_CACHE_BYTES,
  searchAll,
  searchStudies,
  setSearchCacheBytes,
  type Facets,
  type SearchLocation,
  type SearchParams,
  type SortKey,
} from "./search-query.js";
import { searchSnapshotInfo } from "./search-snapshot.js";
import { parseTextQuery } from "./search-text.js";
import { openStore, type SqliteStudyStore } from "./sqlite.js";

const prov = { sourceKind: "ctgov-v2-json" as const, source: "test", importedAt: "2026-01-01T00:00:00Z" };

/** mulberry32 */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const maybe = <T>(x: T, p = 0.8): T | undefined => (next() < p ? x : undefined);
  return { next, int, pick, maybe };
}

const WORDS = ["alpha", "beta", "gamma", "cancer", "cancers", "pain", "sleep", "apnea", "tumour", "tumor", "exercise", "quokka"];
const CONDITIONS = ["Lung Cancer", "lung cancer", "LUNG CANCER", "Chronic Pain", "Sleep Apnea", "NSCLC", "Breast Cancer", "Ästhma"];
const INTERVENTIONS = ["Drug A", "drug a", "Placebo", "Exercise", "Anlotinib"];
const SPONSORS = ["Acme 100% Pharma", "acme_bio", "AcmeXbio", "Beta Corp", "GlaxoSmithKline", "Ünïcode Sponsor"];
const SITES: Array<{ facility?: string; city?: string; country?: string; geoPoint?: { lat: number; lon: number } }> = [
  { facility: "A", city: "Chicago", country: "United States" },
  { facility: "B", city: "chicago", country: "united states", geoPoint: { lat: 41.88, lon: -87.63 } },
  { facility: "C", city: "Evanston", country: "United States", geoPoint: { lat: 42.05, lon: -87.69 } },
  { facility: "D", city: "Berlin", country: "Germany" },
  { facility: "E", city: "Potsdam", country: "GERMANY", geoPoint: { lat: 52.39, lon: 13.06 } },
  { facility: "F", city: "Paris", country: "France" },
  { facility: "G", city: "Hangzhou", country: "China" },
  { facility: "H", city: "Nowhere Town", country: "" },
  { facility: "I" },
  { facility: "J", city: "Toronto", country: "Canada", geoPoint: { lat: 43.65, lon: -79.38 } },
  { facility: "K", country: "United States", geoPoint: { lat: 41.88, lon: -87.63 } },
];
const STATUSES = ["RECRUITING", "COMPLETED", "NOT_YET_RECRUITING", "Recruiting"];
const PHASES = [[], ["PHASE1"], ["PHASE2"], ["PHASE2", "PHASE3"], ["NA"], ["PHASE1", "PHASE2"]];

function date(r: ReturnType<typeof rng>): string | undefined {
  const y = 2005 + r.int(18);
  const m = String(1 + r.int(12)).padStart(2, "0");
  const d = String(1 + r.int(28)).padStart(2, "0");
  return r.pick([undefined, `${y}`, `${y}-${m}`, `${y}-${m}-${d}`, `${y}-${m}-${d}`]);
}

/** Studies with every searchable field varied, repeated titles (BM25 ties) and ids not in insertion order. */
function generated(n: number, seed: number): Study[] {
  const r = rng(seed);
  const words = (k: number) => Array.from({ length: 1 + r.int(k) }, () => r.pick(WORDS)).join(" ");
  const titles = Array.from({ length: 12 }, () => words(4));
  const ids = Array.from({ length: n }, (_, i) => i).sort(() => r.next() - 0.5);
  const made: Study[] = [];
  return ids.map((id) => {
    const nctId = `NCT${String(1_000_000 + id * 7919).padStart(8, "0")}`;
    if (made.length && r.next() < 0.15) {
      // A copy of an earlier study under another id: equal BM25 scores, ordered by nct_id.
      const copy = structuredClone(r.pick(made));
      copy.protocolSection.identificationModule.nctId = nctId;
      return copy;
    }
    const minAge = r.maybe(`${r.pick([0, 6, 18, 40])} ${r.pick(["Years", "Months"])}`, 0.6);
    const maxAge = r.maybe(`${r.pick([17, 50, 65, 99])} Years`, 0.5);
    const study = {
      protocolSection: {
        identificationModule: { nctId, briefTitle: r.pick(titles) },
        statusModule: {
          overallStatus: r.maybe(r.pick(STATUSES)),
          startDateStruct: r.maybe({ date: date(r) }),
          lastUpdatePostDateStruct: r.maybe({ date: date(r) }),
        },
        sponsorCollaboratorsModule: r.maybe({ leadSponsor: { name: r.pick(SPONSORS) } }),
        descriptionModule: { briefSummary: words(8), detailedDescription: r.maybe(words(20), 0.5) },
        conditionsModule: { conditions: Array.from({ length: r.int(4) }, () => r.pick(CONDITIONS)), keywords: r.maybe([r.pick(WORDS)], 0.3) },
        designModule: { phases: r.pick(PHASES), studyType: r.maybe(r.pick(["INTERVENTIONAL", "OBSERVATIONAL"])) },
        armsInterventionsModule: { interventions: Array.from({ length: r.int(3) }, () => ({ name: r.pick(INTERVENTIONS), type: "DRUG" })) },
        eligibilityModule: {
          ...(minAge ? { minimumAge: minAge } : {}),
          ...(maxAge ? { maximumAge: maxAge } : {}),
          sex: r.maybe(r.pick(["ALL", "FEMALE", "MALE"])),
          healthyVolunteers: r.maybe(r.next() < 0.5, 0.7),
        },
        contactsLocationsModule: { locations: Array.from({ length: r.next() < 0.1 ? 8 + r.int(10) : r.int(5) }, () => r.pick(SITES)) },
      },
    } as unknown as Study;
    made.push(study);
    return study;
  });
}

// ---- The SQL reference: the search as plain SQL over search_docs, search_fts and study_locations ----

const WEIGHTS = FTS_COLUMNS.map((c) => c.weight).join(", ");

function referenceSearch(db: Database.Database, p: SearchParams) {
  db.function("ref_distance_km", { deterministic: true }, (a, b, c, d) =>
    a === null || b === null ? null : distanceKm(a as number, b as number, c as number, d as number),
  );
  const where: string[] = [];
  const args: Record<string, unknown> = {};
  const matches: string[] = [];
  if (p.q !== undefined) {
    const m = parseTextQuery(p.q).match;
    if (m) matches.push(m);
  }
  if (p.condition !== undefined) matches.push(parseTextQuery(p.condition, { prefixLast: false, column: "cond title", expandWords: true }).match!);
  if (p.intervention !== undefined) matches.push(parseTextQuery(p.intervention, { prefixLast: false, column: "interv" }).match!);
  const hasText = matches.length > 0;
  const from = hasText ? "search_fts CROSS JOIN search_docs s ON s.doc_id = search_fts.rowid" : "search_docs s";
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
    where.push("s.lead_sponsor LIKE @sponsor ESCAPE '\\'");
    args.sponsor = `%${p.sponsor.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  if (p.country?.length) {
    const names = new Set<string>();
    for (const c of p.country) {
      names.add(c.trim());
      for (const n of countryNames(countryCode(c)!)) names.add(n);
    }
    const list = [...names];
    where.push(`s.nct_id IN (SELECT nct_id FROM study_locations WHERE country IN (${list.map((_, i) => `@country${i}`).join(", ")}))`);
    list.forEach((n, i) => (args[`country${i}`] = n));
  }
  if (p.city?.length) {
    where.push(`s.nct_id IN (SELECT nct_id FROM study_locations WHERE city IN (${p.city.map((_, i) => `@city${i}`).join(", ")}))`);
    p.city.forEach((c, i) => (args[`city${i}`] = c.trim()));
  }
  if (p.age !== undefined) {
    where.push("(s.min_age_days IS NULL OR s.min_age_days <= @ageDays) AND (s.max_age_days IS NULL OR s.max_age_days >= @ageDays)");
    args.ageDays = Math.floor(p.age * 365.25);
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
  const dateRange = (field: "startFrom" | "startTo" | "updatedFrom" | "updatedTo", col: string, dir: ">=" | "<=") => {
    const v = p[field];
    if (v === undefined) return;
    if (dir === ">=") where.push(`${col} IS NOT NULL AND ${col} >= substr(@${field}, 1, length(${col}))`);
    else where.push(`${col} IS NOT NULL AND substr(${col}, 1, length(@${field})) <= @${field}`);
    args[field] = v;
  };
  dateRange("startFrom", "s.start_date", ">=");
  dateRange("startTo", "s.start_date", "<=");
  dateRange("updatedFrom", "s.last_update", ">=");
  dateRange("updatedTo", "s.last_update", "<=");
  if (p.near) {
    const r = p.radiusKm ?? 50;
    Object.assign(args, boundingBox(p.near.lat, p.near.lon, r), { nearLat: p.near.lat, nearLon: p.near.lon, radius: r });
    where.push(`s.nct_id IN (SELECT nct_id FROM study_locations WHERE lat BETWEEN @minLat AND @maxLat
      AND lon BETWEEN @minLon AND @maxLon AND ref_distance_km(lat, lon, @nearLat, @nearLon) <= @radius)`);
  }
  const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const sort: SortKey = p.sort ?? (hasText ? "relevance" : p.near ? "distance" : "lastUpdate");
  const order = {
    relevance: hasText ? "score, s.nct_id" : "s.last_update DESC, s.nct_id",
    lastUpdate: "s.last_update DESC, s.nct_id",
    startDate: "s.start_date DESC, s.nct_id",
    distance: "dist IS NULL, dist, s.nct_id",
  }[sort];
  const rows = db
    .prepare(
      `SELECT s.nct_id, ${hasText ? `bm25(search_fts, ${WEIGHTS})` : "NULL"} AS score,
        ${p.near ? "(SELECT min(ref_distance_km(l.lat, l.lon, @nearLat, @nearLon)) FROM study_locations l WHERE l.nct_id = s.nct_id AND l.lat IS NOT NULL)" : "NULL"} AS dist
       FROM ${from} ${whereSql} ORDER BY ${order}`,
    )
    .all(args) as Array<{ nct_id: string; score: number | null; dist: number | null }>;

  // Facets, counted over the matches in doc_id order (a key is shown as first spelt).
  const count = (m: Map<string, number>, k: string | null) => k && m.set(k, (m.get(k) ?? 0) + 1);
  const status = new Map<string, number>();
  const phase = new Map<string, number>();
  const studyType = new Map<string, number>();
  const folded = { conditions: new Map<string, { value: string; count: number }>(), interventions: new Map<string, { value: string; count: number }>() };
  const fold = (m: Map<string, { value: string; count: number }>, list: string) => {
    const seen = new Set<string>();
    for (const v of list.split("; ").filter(Boolean)) {
      const k = v.toLowerCase();
      if (seen.has(k)) continue;
      seen.add(k);
      const e = m.get(k);
      if (e) e.count++;
      else m.set(k, { value: v, count: 1 });
    }
  };
  const facetRows = db
    .prepare(`SELECT s.overall_status, s.phases, s.study_type, s.conditions, s.interventions FROM ${from} ${whereSql} ORDER BY s.doc_id`)
    .raw()
    .all(args) as Array<[string | null, string, string | null, string, string]>;
  for (const [st, ph, ty, co, iv] of facetRows) {
    count(status, st);
    count(studyType, ty);
    for (const x of ph.split(",").filter(Boolean)) count(phase, x);
    fold(folded.conditions, co);
    fold(folded.interventions, iv);
  }
  const byCount = (a: { value: string; count: number }, b: { value: string; count: number }) => b.count - a.count || a.value.localeCompare(b.value);
  const sorted = (m: Map<string, number>) => [...m].map(([value, count]) => ({ value, count })).sort(byCount);
  const country = (
    db
      .prepare(
        `WITH m(nct_id) AS MATERIALIZED (SELECT s.nct_id FROM ${from} ${whereSql})
         SELECT l.country v, count(DISTINCT l.nct_id) n FROM m CROSS JOIN study_locations l ON l.nct_id = m.nct_id
         WHERE l.country IS NOT NULL AND l.country <> '' GROUP BY l.country ORDER BY n DESC, v LIMIT 20`,
      )
      .all(args) as Array<{ v: string; n: number }>
  ).map((r) => ({ value: r.v, count: r.n }));
  const facets: Facets = {
    status: sorted(status),
    phase: sorted(phase),
    studyType: sorted(studyType),
    country,
    conditions: [...folded.conditions.values()].sort(byCount).slice(0, 10),
    interventions: [...folded.interventions.values()].sort(byCount).slice(0, 10),
  };
  return { rows, facets, sort };
}

/** Sites as first written: every site of the studies read, sorted in JS. */
function referenceLocations(db: Database.Database, ids: string[], near: SearchParams["near"]) {
  const out = new Map<string, { count: number; list: SearchLocation[] }>();
  if (!ids.length) return out;
  const rows = db
    .prepare(
      `SELECT rowid, nct_id, facility, city, state, country, status, lat, lon, geocoded FROM study_locations
       WHERE nct_id IN (${ids.map(() => "?").join(", ")}) ORDER BY rowid`,
    )
    .all(...ids) as Array<Omit<SearchLocation, "geocoded" | "distanceKm"> & { nct_id: string; geocoded: number }>;
  for (const r of rows) {
    const loc: SearchLocation = { facility: r.facility, city: r.city, state: r.state, country: r.country, status: r.status, lat: r.lat, lon: r.lon, geocoded: r.geocoded === 1 };
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

// ---- Parameters ----

/** Mostly absent, so that searches combine a few filters and still match something. */
const opt = <T>(a: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: a, weight: 1 });
const some = <T>(xs: T[]) => opt(fc.uniqueArray(fc.constantFrom(...xs), { minLength: 1, maxLength: 3 }));
const dates = fc.constantFrom("2008", "2012-06", "2015-03-15", "2019", "2022-12-31");
const places = [
  { lat: 41.88, lon: -87.63 },
  { lat: 52.52, lon: 13.41 },
  { lat: 43.65, lon: -79.38 },
  { lat: 30.29, lon: 120.16 },
];
const params: fc.Arbitrary<SearchParams> = fc
  .record({
    q: opt(fc.constantFrom("cancer", "canc", "pain sleep", '"sleep apnea"', "alpha -beta", "NSCLC", "tumor", "quokka", "zzzz", "lung cancer")),
    condition: opt(fc.constantFrom("lung cancer", "pain", "asthma")),
    intervention: opt(fc.constantFrom("drug", "placebo", "anlotinib")),
    status: some(STATUSES),
    phase: some(["PHASE1", "PHASE2", "PHASE3", "NA", "phase2", "PHASE_"]),
    studyType: some(["INTERVENTIONAL", "OBSERVATIONAL"]),
    sponsor: opt(fc.constantFrom("acme", "100%", "_bio", "glaxo", "ÜNÏCODE", "corp")),
    country: some(["United States", "germany", "DE", "China", "France", "USA"]),
    city: some(["Chicago", "berlin", " Paris ", "Evanston"]),
    age: opt(fc.constantFrom(0, 10, 17.5, 18, 40, 64, 99, 120)),
    sex: opt(fc.constantFrom("FEMALE" as const, "MALE" as const, "ALL" as const)),
    healthyVolunteers: opt(fc.boolean()),
    startFrom: opt(dates),
    startTo: opt(dates),
    updatedFrom: opt(dates),
    updatedTo: opt(dates),
    near: opt(fc.constantFrom(...places)),
    radiusKm: fc.constantFrom(undefined, 5, 30, 300, 20000),
    sort: opt(fc.constantFrom<SortKey>("relevance", "lastUpdate", "startDate", "distance")),
    pageSize: fc.integer({ min: 1, max: 40 }),
  })
  .map((p) => {
    const out: SearchParams = { ...p, facets: true };
    if (!out.near) {
      delete out.radiusKm;
      if (out.sort === "distance") delete out.sort;
    }
    for (const k of Object.keys(out) as Array<keyof SearchParams>) if (out[k] === undefined) delete out[k];
    return out;
  });

/** The new search's whole order: every page, following the cursors. */
function allPages(db: Database.Database, p: SearchParams) {
  const hits = [];
  let r = searchStudies(db, p);
  const first = r;
  hits.push(...r.studies);
  while (r.next) {
    r = searchStudies(db, { ...p, cursor: r.next });
    assert.equal(r.total, first.total);
    hits.push(...r.studies);
  }
  return { first, hits };
}

function assertSame(db: Database.Database, params: SearchParams) {
  const p = { ...params, facets: true };
  const ref = referenceSearch(db, p);
  const { first, hits } = allPages(db, p);
  const label = JSON.stringify(p);
  assert.equal(first.sort, ref.sort, label);
  assert.equal(first.total, ref.rows.length, label);
  assert.deepEqual(
    hits.map((h) => h.nctId),
    ref.rows.map((r) => r.nct_id),
    label,
  );
  const sites = referenceLocations(
    db,
    hits.map((h) => h.nctId),
    p.near,
  );
  hits.forEach((h, i) => {
    const r = ref.rows[i];
    assert.equal(h.locationCount, sites.get(h.nctId)?.count ?? 0, label);
    assert.deepEqual(h.locations, sites.get(h.nctId)?.list ?? [], label);
    assert.equal(h.score, r.score === null ? undefined : Math.round(-r.score * 1000) / 1000, label);
    assert.equal(h.distanceKm, r.dist === null ? undefined : Math.round(r.dist * 10) / 10, label);
  });
  // Country names group case-insensitively; which spelling SQL shows for a group is its choice.
  const f = first.facets!;
  assert.deepEqual({ ...f, country: f.country.map((c) => ({ ...c, value: c.value.toLowerCase() })) }, { ...ref.facets, country: ref.facets.country.map((c) => ({ ...c, value: c.value.toLowerCase() })) }, label);
  assert.deepEqual(
    [...searchAll(db, p)].map((h) => h.nctId),
    ref.rows.map((r) => r.nct_id),
    label,
  );
  return first.total;
}

function storeOf(studies: Study[]): SqliteStudyStore {
  const store = openStore(":memory:");
  store.transaction(() => {
    for (const s of studies) store.upsert(s, prov);
  });
  return store;
}

test("property: the snapshot search gives the SQL reference's totals, order, scores, distances and facets", () => {
  const store = storeOf(generated(400, 11));
  try {
    // Replaced records: new doc ids, so doc_id order is neither insertion nor nct_id order.
    for (const s of generated(60, 12)) store.upsert(s, prov);
    let matched = 0;
    let paged = 0;
    fc.assert(
      fc.property(params, (p) => {
        const n = assertSame(store.db, p);
        if (n > 0) matched++;
        if (n > (p.pageSize ?? 20)) paged++;
      }),
      { numRuns: 400 },
    );
    // The generated searches do match studies, and many span several pages.
    assert.ok(matched > 200 && paged > 80, `${matched} searches matched, ${paged} had several pages`);
    // Without the result cache, every search matches, scores and counts afresh.
    setSearchCacheBytes(0);
    try {
      fc.assert(
        fc.property(params, (p) => void assertSame(store.db, p)),
        { numRuns: 150 },
      );
    } finally {
      setSearchCacheBytes(DEFAULT_SEARCH_CACHE_BYTES);
    }
  } finally {
    store.close();
  }
});

test("the result cache changes no result, and a cache of 0 bytes keeps nothing", () => {
  const store = storeOf(generated(150, 21));
  try {
    const ps: SearchParams[] = [{ q: "cancer", facets: true }, { q: "cancer", status: ["RECRUITING"] }, { q: "pain sleep", sort: "lastUpdate" }, { q: "cancer", pageSize: 3 }];
    const warm = ps.map((p) => searchStudies(store.db, p));
    assert.ok(searchSnapshotInfo(store.db)!.cacheBytes > 0);
    // Cached facets are the caller's to change: the cache keeps its own.
    const again = searchStudies(store.db, ps[0]);
    assert.deepEqual(again, warm[0]);
    again.facets!.status[0].count = -1;
    again.facets!.status.length = 0;
    assert.deepEqual(searchStudies(store.db, ps[0]), warm[0]);
    setSearchCacheBytes(0);
    try {
      assert.deepEqual(
        ps.map((p) => searchStudies(store.db, p)),
        warm,
      );
      assert.equal(searchSnapshotInfo(store.db)!.cacheBytes, 0);
    } finally {
      setSearchCacheBytes(DEFAULT_SEARCH_CACHE_BYTES);
    }
    // A small cache keeps the most recent expressions only.
    setSearchCacheBytes(1000);
    try {
      for (const p of ps) searchStudies(store.db, p);
      assert.ok(searchSnapshotInfo(store.db)!.cacheBytes <= 1000);
    } finally {
      setSearchCacheBytes(DEFAULT_SEARCH_CACHE_BYTES);
    }
    for (const p of ps) assertSame(store.db, p);
    assert.throws(() => setSearchCacheBytes(-1), /cache size/);
  } finally {
    store.close();
  }
});

test("the snapshot follows writes: this connection's, another connection's, and not a rolled-back one's", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eligo-search-snapshot-"));
  const file = path.join(dir, "s.db");
  const [a, b, c] = generated(3, 31);
  const title = (s: Study, t: string) => ({ ...s, protocolSection: { ...s.protocolSection, identificationModule: { ...s.protocolSection.identificationModule, briefTitle: t } } }) as Study;
  const one = openStore(file);
  const two = openStore(file);
  try {
    one.upsert(title(a, "wombat one"), prov);
    const ids = (db: Database.Database, q: string) => searchStudies(db, { q }).studies.map((s) => s.nctId);
    assert.deepEqual(ids(one.db, "wombat"), [a.protocolSection.identificationModule.nctId]);
    assert.deepEqual(ids(two.db, "wombat"), [a.protocolSection.identificationModule.nctId]);
    // This connection's write (total_changes), then another connection's (data_version).
    one.upsert(title(b, "wombat two"), prov);
    assert.equal(searchStudies(one.db, { q: "wombat" }).total, 2);
    assert.equal(searchStudies(two.db, { q: "wombat" }).total, 2);
    assert.equal(searchStudies(two.db, { status: ["RECRUITING", "COMPLETED", "NOT_YET_RECRUITING", "Recruiting"] }).total, referenceSearch(two.db, { status: ["RECRUITING", "COMPLETED", "NOT_YET_RECRUITING", "Recruiting"] }).rows.length);
    two.upsert(title(a, "numbat one"), prov);
    assert.deepEqual(ids(one.db, "wombat"), [b.protocolSection.identificationModule.nctId]);
    assert.deepEqual(ids(one.db, "numbat"), [a.protocolSection.identificationModule.nctId]);
    // A search inside a transaction sees its writes; after the rollback they are gone.
    assert.throws(() =>
      one.transaction(() => {
        one.upsert(title(c, "wombat three"), prov);
        assert.equal(searchStudies(one.db, { q: "wombat" }).total, 2);
        throw new Error("roll back");
      }),
    /roll back/);
    assert.deepEqual(ids(one.db, "wombat"), [b.protocolSection.identificationModule.nctId]);
    assertSame(one.db, { q: "wombat", facets: true });
  } finally {
    one.close();
    two.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an empty store: no matches, empty facets", () => {
  const store = openStore(":memory:");
  try {
    for (const p of [{}, { q: "cancer" }, { near: places[0], radiusKm: 100 }, { status: ["RECRUITING"], facets: true }] as SearchParams[]) {
      const r = searchStudies(store.db, { ...p, facets: true });
      assert.equal(r.total, 0);
      assert.deepEqual(r.studies, []);
      assert.equal(r.next, null);
      assert.deepEqual(r.facets, { status: [], phase: [], studyType: [], country: [], conditions: [], interventions: [] });
    }
  } finally {
    store.close();
  }
});
