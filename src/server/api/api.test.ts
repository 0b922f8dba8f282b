/**
 * The JSON API end to end through app.inject, on the real records in ../shared/data (v2 JSON
 * and legacy XML) plus the five seed pages when the registry-page importer is present.
 * Filters are checked against oracles computed from the stored v2 records themselves.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { formats } from "../../ingest/formats.js";
import { importPaths } from "../../ingest/run.js";
import { ageToDays } from "../../model/age.js";
import type { Study } from "../../model/study.js";
import { distanceKm, geocodeCity } from "../../search/index.js";
import { openStore, type SqliteStudyStore } from "../../store/sqlite.js";
import { buildApp } from "../app.js";

const SHARED = new URL("../../../../shared/", import.meta.url).pathname;
const SEEDS = path.join(SHARED, "seeds");
const hasRegistryPages = formats.some((f) => f.sourceKind === "registry-page");
const SEED_SKIP = hasRegistryPages ? false : "registry-page importer not present in src/ingest/formats.ts yet";
const TOKEN = "test-admin-token-0123456789";

let dir: string;
let store: SqliteStudyStore;
let app: FastifyInstance;
let studies: Study[];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "eligo-api-"));
  store = openStore(path.join(dir, "t.db"));
  const inputs = [path.join(SHARED, "data/ctgov-v2"), path.join(SHARED, "data/ctgov-legacy-xml")];
  if (hasRegistryPages) inputs.push(SEEDS);
  const counts = await importPaths(store, inputs);
  assert.equal(counts.failed, 0, JSON.stringify(counts.errors));
  studies = [...store.iterate()].map((s) => s.study);
  app = await buildApp({ store, adminToken: TOKEN, bodyLimit: 256 * 1024 });
});

after(async () => {
  await app?.close();
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function get(url: string) {
  const r = await app.inject({ url });
  return { status: r.statusCode, body: r.headers["content-type"]?.toString().includes("json") ? r.json() : r.body, headers: r.headers };
}

/** Every NCT id the search returns, following the cursor. */
async function allIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  let url = `/api/studies?${query}${query ? "&" : ""}pageSize=100&facets=false`;
  for (;;) {
    const r = await get(url);
    assert.equal(r.status, 200, `${url}: ${JSON.stringify(r.body)}`);
    ids.push(...r.body.studies.map((s: { nctId: string }) => s.nctId));
    if (!r.body.next) return ids;
    url = `/api/studies?${query}${query ? "&" : ""}pageSize=100&facets=false&cursor=${r.body.next}`;
  }
}

const idOf = (s: Study) => s.protocolSection.identificationModule.nctId;
const sorted = (xs: string[]) => [...xs].sort();
const oracle = (pred: (s: Study) => boolean) => sorted(studies.filter(pred).map(idOf));
const text = (s: Study) => JSON.stringify(s.protocolSection).toLowerCase();

describe("search filters against oracles on the stored records", () => {
  test("no parameters: every study, newest update first", async () => {
    const r = await get("/api/studies?pageSize=100");
    assert.equal(r.body.total, studies.length);
    const dates = r.body.studies.map((s: { lastUpdate: string | null }) => s.lastUpdate).filter(Boolean);
    assert.deepEqual(dates, [...dates].sort().reverse());
    assert.deepEqual(sorted(await allIds("")), oracle(() => true));
  });

  test("status (several, repeated or comma-separated, any case)", async () => {
    const want = oracle((s) => ["RECRUITING", "NOT_YET_RECRUITING"].includes(s.protocolSection.statusModule?.overallStatus ?? ""));
    assert.ok(want.length > 0);
    assert.deepEqual(sorted(await allIds("status=RECRUITING&status=NOT_YET_RECRUITING")), want);
    assert.deepEqual(sorted(await allIds("status=recruiting,not_yet_recruiting")), want);
  });

  test("phase (several)", async () => {
    const want = oracle((s) => (s.protocolSection.designModule?.phases ?? []).some((p) => p === "PHASE2" || p === "PHASE3"));
    assert.ok(want.length > 0);
    assert.deepEqual(sorted(await allIds("phase=PHASE2,PHASE3")), want);
  });

  test("studyType", async () => {
    const want = oracle((s) => s.protocolSection.designModule?.studyType === "OBSERVATIONAL");
    assert.ok(want.length > 0);
    assert.deepEqual(sorted(await allIds("studyType=OBSERVATIONAL")), want);
  });

  test("sponsor: part of the lead sponsor's name, any case", async () => {
    const want = oracle((s) => /glaxosmithkline/i.test(s.protocolSection.sponsorCollaboratorsModule?.leadSponsor?.name ?? ""));
    assert.ok(want.length > 0);
    assert.deepEqual(sorted(await allIds("sponsor=glaxoSmithKline")), want);
    assert.deepEqual(await allIds("sponsor=%25"), oracle((s) => (s.protocolSection.sponsorCollaboratorsModule?.leadSponsor?.name ?? "").includes("%")));
  });

  test("country: name, ISO code or registry spelling find the same trials", async () => {
    const want = oracle((s) => (s.protocolSection.contactsLocationsModule?.locations ?? []).some((l) => l.country === "Germany"));
    assert.ok(want.length > 0);
    for (const c of ["Germany", "germany", "DE"]) assert.deepEqual(sorted(await allIds(`country=${c}`)), want, c);
    const ru = oracle((s) => (s.protocolSection.contactsLocationsModule?.locations ?? []).some((l) => l.country === "Russian Federation"));
    assert.ok(ru.length > 0);
    assert.deepEqual(sorted(await allIds("country=Russia")), ru);
  });

  test("city (several)", async () => {
    const cities = ["Chicago", "Berlin"];
    const want = oracle((s) => (s.protocolSection.contactsLocationsModule?.locations ?? []).some((l) => cities.includes(l.city ?? "")));
    assert.ok(want.length > 0);
    assert.deepEqual(sorted(await allIds("city=Chicago&city=Berlin")), want);
  });

  test("age: trials whose limits admit a patient's age in years", async () => {
    for (const age of [8, 18, 70]) {
      const days = Math.floor(age * 365.25);
      const want = oracle((s) => {
        const el = s.protocolSection.eligibilityModule;
        const min = ageToDays(el?.minimumAge);
        const max = ageToDays(el?.maximumAge);
        return (min === undefined || min <= days) && (max === undefined || max >= days);
      });
      assert.deepEqual(sorted(await allIds(`age=${age}`)), want, `age ${age}`);
    }
  });

  test("sex: trials open to the patient's sex; ALL: open to every sex", async () => {
    const sexOf = (s: Study) => s.protocolSection.eligibilityModule?.sex;
    assert.deepEqual(sorted(await allIds("sex=FEMALE")), oracle((s) => sexOf(s) !== "MALE"));
    assert.deepEqual(sorted(await allIds("sex=male")), oracle((s) => sexOf(s) !== "FEMALE"));
    assert.deepEqual(sorted(await allIds("sex=ALL")), oracle((s) => sexOf(s) === undefined || sexOf(s) === "ALL"));
  });

  test("healthyVolunteers", async () => {
    const hv = (s: Study) => s.protocolSection.eligibilityModule?.healthyVolunteers;
    assert.deepEqual(sorted(await allIds("healthyVolunteers=true")), oracle((s) => hv(s) === true));
    assert.deepEqual(sorted(await allIds("healthyVolunteers=false")), oracle((s) => hv(s) !== true));
  });

  test("start and last-update date ranges (inclusive, at the record's precision)", async () => {
    const start = (s: Study) => s.protocolSection.statusModule?.startDateStruct?.date;
    const upd = (s: Study) => s.protocolSection.statusModule?.lastUpdatePostDateStruct?.date;
    const want = oracle((s) => {
      const d = start(s);
      return d !== undefined && d.slice(0, 7) >= "2015-01" && d.slice(0, 7) <= "2020-12";
    });
    assert.ok(want.length > 0);
    assert.deepEqual(sorted(await allIds("startFrom=2015-01&startTo=2020-12")), want);
    const want2 = oracle((s) => (upd(s) ?? "") >= "2023");
    assert.deepEqual(sorted(await allIds("updatedFrom=2023")), want2);
    const want3 = oracle((s) => upd(s) !== undefined && upd(s)!.slice(0, 4) <= "2010");
    assert.deepEqual(sorted(await allIds("updatedTo=2010")), want3);
  });

  test("condition: words in conditions, keywords, MeSH terms and titles (as the registry's condition search)", async () => {
    const r = await allIds("condition=dementia");
    const want = oracle((s) =>
      [
        s.protocolSection.identificationModule.briefTitle ?? "",
        s.protocolSection.identificationModule.officialTitle ?? "",
        ...(s.protocolSection.conditionsModule?.conditions ?? []),
        ...(s.protocolSection.conditionsModule?.keywords ?? []),
        ...(s.derivedSection?.conditionBrowseModule?.meshes ?? []).map((m) => m.term),
        ...(s.derivedSection?.conditionBrowseModule?.ancestors ?? []).map((m) => m.term),
      ].some((c) => /dementia/i.test(c)),
    );
    assert.ok(want.length > 0);
    assert.deepEqual(sorted(r), want);
  });

  test("intervention: words in intervention names, other names, MeSH", async () => {
    const names = (s: Study) => [
      ...(s.protocolSection.armsInterventionsModule?.interventions ?? []).flatMap((i) => [i.name, ...(i.otherNames ?? [])]),
      ...(s.derivedSection?.interventionBrowseModule?.meshes ?? []).map((m) => m.term),
    ];
    const want = oracle((s) => names(s).some((n) => /\bplacebos?\b/i.test(n)));
    assert.ok(want.length > 0);
    assert.deepEqual(sorted(await allIds("intervention=placebo")), want);
  });

  test("q: the trials that mention all the words; the last word is a prefix; phrases; exclusions", async () => {
    const all = await allIds("q=alcohol");
    assert.deepEqual(sorted(all), oracle((s) => /\balcohol/.test(text(s))));
    const two = await allIds("q=alcohol%20cannabis");
    assert.deepEqual(sorted(two), oracle((s) => /\balcohol/.test(text(s)) && /\bcannabis/.test(text(s))));
    assert.ok(two.length > 0 && two.length < all.length);
    const prefix = await allIds("q=demen");
    assert.deepEqual(sorted(prefix), oracle((s) => /\bdemen/.test(text(s))));
    const phrase = await allIds(`q=${encodeURIComponent('"alcohol use disorder"')}`);
    assert.ok(phrase.length > 0 && phrase.every((id) => all.includes(id)));
    const without = await allIds(`q=${encodeURIComponent("alcohol -cannabis")}`);
    assert.deepEqual(sorted(without), sorted(all.filter((id) => !two.includes(id))));
  });

  test("q ranks title matches above body-only matches (BM25 field weights)", async () => {
    const r = await get("/api/studies?q=dementia&pageSize=100&facets=false");
    const hits = r.body.studies as Array<{ nctId: string; briefTitle: string; score: number }>;
    const scores = hits.map((h) => h.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    const firstBodyOnly = hits.findIndex((h) => !/dementia/i.test(h.briefTitle));
    const lastTitle = hits.map((h) => /dementia/i.test(h.briefTitle)).lastIndexOf(true);
    if (firstBodyOnly >= 0) assert.ok(lastTitle < firstBodyOnly || lastTitle - firstBodyOnly < 3, "title matches should lead");
  });

  test("near: lat,lon or city with radius, by the sites' coordinates (geocoded when missing)", async () => {
    const center = geocodeCity("Chicago", "United States")!;
    const within = (s: Study, r: number) =>
      (s.protocolSection.contactsLocationsModule?.locations ?? []).some((l) => {
        const p = l.geoPoint ?? (l.city ? geocodeCity(l.city, l.country) : undefined);
        return p !== undefined && distanceKm(center.lat, center.lon, p.lat, p.lon) <= r;
      });
    const want = oracle((s) => within(s, 300));
    assert.ok(want.length > 0);
    assert.deepEqual(sorted(await allIds("near=Chicago&radius=300")), want);
    assert.deepEqual(sorted(await allIds(`near=${center.lat},${center.lon}&radius=300`)), want);
    const r = await get("/api/studies?near=Chicago,%20United%20States&radius=300&pageSize=100");
    assert.equal(r.body.near.place.name, "Chicago");
    const d = r.body.studies.map((s: { distanceKm: number }) => s.distanceKm);
    assert.deepEqual(d, [...d].sort((a, b) => a - b), "distance sort by default with near alone");
    assert.ok(d.every((x: number) => x <= 300));
    for (const s of r.body.studies) assert.equal(s.locations[0].distanceKm, s.distanceKm);
    // The default radius is 50 km.
    assert.deepEqual(sorted(await allIds("near=Chicago")), oracle((s) => within(s, 50)));
  });

  test("filters combine (AND)", async () => {
    const want = oracle(
      (s) =>
        s.protocolSection.statusModule?.overallStatus === "COMPLETED" &&
        (s.protocolSection.contactsLocationsModule?.locations ?? []).some((l) => l.country === "United States"),
    );
    assert.ok(want.length > 0);
    assert.deepEqual(sorted(await allIds("status=COMPLETED&country=US")), want);
  });
});

describe("sorting, pages and facets", () => {
  test("sort by start date and last update", async () => {
    for (const [sort, field] of [["startDate", "startDate"], ["lastUpdate", "lastUpdate"]] as const) {
      const r = await get(`/api/studies?sort=${sort}&pageSize=100&facets=false`);
      const v = r.body.studies.map((s: Record<string, string | null>) => s[field]).filter((x: string | null) => x !== null);
      assert.deepEqual(v, [...v].sort().reverse(), sort);
      assert.equal(r.body.sort, sort);
    }
  });

  test("cursor pages cover the result once, and a cursor is tied to its search", async () => {
    const seen: string[] = [];
    let r = await get("/api/studies?pageSize=7&facets=false");
    const total = r.body.total;
    for (;;) {
      assert.ok(r.body.studies.length <= 7);
      seen.push(...r.body.studies.map((s: { nctId: string }) => s.nctId));
      assert.equal(r.body.total, total);
      if (!r.body.next) break;
      r = await get(`/api/studies?pageSize=7&facets=false&cursor=${r.body.next}`);
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    const first = await get("/api/studies?pageSize=7");
    const other = await get(`/api/studies?pageSize=7&status=COMPLETED&cursor=${first.body.next}`);
    assert.equal(other.status, 400);
    assert.equal(other.body.details[0].field, "cursor");
  });

  test("facets count the whole result", async () => {
    const r = await get("/api/studies?pageSize=1");
    const f = r.body.facets;
    const statusCount = (v: string) => studies.filter((s) => s.protocolSection.statusModule?.overallStatus === v).length;
    for (const { value, count } of f.status) assert.equal(count, statusCount(value), value);
    const phaseCount = (v: string) => studies.filter((s) => (s.protocolSection.designModule?.phases ?? []).includes(v as never)).length;
    for (const { value, count } of f.phase) assert.equal(count, phaseCount(value), value);
    for (const { value, count } of f.studyType) assert.equal(count, studies.filter((s) => s.protocolSection.designModule?.studyType === value).length);
    const us = f.country.find((c: { value: string }) => c.value === "United States");
    assert.equal(us.count, studies.filter((s) => (s.protocolSection.contactsLocationsModule?.locations ?? []).some((l) => l.country === "United States")).length);
    assert.ok(f.conditions.length > 0 && f.conditions.length <= 10);
    assert.ok(f.interventions.length > 0 && f.interventions.length <= 10);
    const narrowed = await get("/api/studies?status=RECRUITING&pageSize=1");
    assert.deepEqual(narrowed.body.facets.status, [{ value: "RECRUITING", count: narrowed.body.total }]);
    const none = await get("/api/studies?facets=false");
    assert.equal(none.body.facets, undefined);
  });
});

describe("records, related trials, CSV, OpenAPI, health", () => {
  test("GET /api/studies/{nctId}: the v2 record; 404 unknown; 400 malformed", async () => {
    const id = idOf(studies[0]);
    const r = await get(`/api/studies/${id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, store.get(id)!.study);
    assert.equal((await get(`/api/studies/${id.toLowerCase()}`)).status, 200);
    const missing = await get("/api/studies/NCT99999999");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.details[0].field, "nctId");
    for (const bad of ["NCT123", "12345678", "NCT1234567X", "%20"]) {
      const b = await get(`/api/studies/${bad}`);
      assert.equal(b.status, 400, bad);
      assert.equal(b.body.details[0].field, "nctId");
    }
  });

  test("GET /api/studies/{nctId}/related: others, best first, each with why", async () => {
    const withMesh = studies.find((s) => (s.derivedSection?.conditionBrowseModule?.meshes ?? []).length > 0)!;
    const id = idOf(withMesh);
    const r = await get(`/api/studies/${id}/related?limit=5`);
    assert.equal(r.status, 200);
    assert.ok(r.body.studies.length > 0 && r.body.studies.length <= 5);
    const scores = r.body.studies.map((s: { score: number }) => s.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    for (const s of r.body.studies) {
      assert.notEqual(s.nctId, id);
      assert.ok(s.why.length > 0, `${s.nctId} has no reason`);
      assert.equal(s.why, s.reasons.join("; "));
    }
    assert.equal((await get("/api/studies/NCT99999999/related")).status, 404);
    assert.equal((await get("/api/studies/NCTX/related")).status, 400);
    assert.equal((await get(`/api/studies/${id}/related?limit=0`)).status, 400);
    assert.equal((await get(`/api/studies/${id}/related?foo=1`)).status, 400);
  });

  test("GET /api/studies.csv: the current search, every match, RFC 4180 quoting", async () => {
    const r = await app.inject({ url: "/api/studies.csv?status=COMPLETED" });
    assert.equal(r.statusCode, 200);
    assert.match(r.headers["content-type"] as string, /^text\/csv/);
    assert.match(r.headers["content-disposition"] as string, /studies\.csv/);
    const rows = parseCsv(r.body);
    assert.equal(rows[0][0], "nct_id");
    const want = oracle((s) => s.protocolSection.statusModule?.overallStatus === "COMPLETED");
    assert.deepEqual(sorted(rows.slice(1).map((x) => x[0])), want);
    for (const row of rows.slice(1)) {
      assert.equal(row.length, rows[0].length);
      assert.equal(row[2], "COMPLETED");
      assert.equal(row[1], store.get(row[0])!.study.protocolSection.identificationModule.briefTitle ?? "");
    }
    assert.equal((await app.inject({ url: "/api/studies.csv?phase=PHASE9" })).statusCode, 400);
  });

  test("GET /openapi.json: OpenAPI 3.1 from the validating schemas", async () => {
    const r = await get("/openapi.json");
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, "3.1.0");
    for (const p of ["/api/studies", "/api/studies.csv", "/api/studies/{nctId}", "/api/studies/{nctId}/related", "/api/import", "/healthz"]) {
      assert.ok(r.body.paths[p], `${p} missing`);
    }
    const params = r.body.paths["/api/studies"].get.parameters as Array<{ name: string; schema: { items?: { enum?: string[] }; maximum?: number } }>;
    const names = params.map((p) => p.name);
    for (const n of ["q", "status", "phase", "studyType", "condition", "intervention", "sponsor", "country", "city", "age", "sex", "healthyVolunteers", "near", "radius", "sort", "cursor", "pageSize"]) {
      assert.ok(names.includes(n), `${n} not documented`);
    }
    assert.ok(params.find((p) => p.name === "phase")!.schema.items!.enum!.includes("PHASE2"));
    assert.equal(params.find((p) => p.name === "pageSize")!.schema.maximum, 100);
    // Read-only servers do not document import.
    const ro = await buildApp({ store });
    assert.equal((await ro.inject({ url: "/openapi.json" })).json().paths["/api/import"], undefined);
    await ro.close();
  });

  test("GET /healthz", async () => {
    const r = await get("/healthz");
    assert.deepEqual(r.body, { ok: true, studies: store.count(), schemaVersion: r.body.schemaVersion });
    assert.ok(r.body.schemaVersion >= 2);
  });
});

describe("bad input: 400 naming each field, never a 500", () => {
  test("each malformed parameter is named", async () => {
    const cases: Array<[string, string]> = [
      ["phase=PHASE9", "phase"],
      ["status=OPEN", "status"],
      ["studyType=RANDOM", "studyType"],
      ["pageSize=0", "pageSize"],
      ["pageSize=101", "pageSize"],
      ["pageSize=2.5", "pageSize"],
      ["age=-1", "age"],
      ["age=abc", "age"],
      ["sex=X", "sex"],
      ["healthyVolunteers=maybe", "healthyVolunteers"],
      ["startFrom=2020-13-01", "startFrom"],
      ["updatedTo=yesterday", "updatedTo"],
      ["sort=random", "sort"],
      ["radius=10", "radius"],
      ["near=Chicago&radius=-5", "radius"],
      ["near=91,0", "near"],
      ["near=Qwxzvbnm", "near"],
      ["q=a&q=b", "q"],
      ["cursor=not-a-cursor", "cursor"],
      ["bogus=1", "bogus"],
      ["country=Narnia", "country"],
      ["sort=distance", "sort"],
      ["condition=%20--%20", "condition"],
    ];
    for (const [query, field] of cases) {
      const r = await get(`/api/studies?${query}`);
      assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body.error, "string");
      assert.ok(r.body.details.some((d: { field: string }) => d.field === field), `${query}: ${JSON.stringify(r.body.details)}`);
    }
    const many = await get("/api/studies?phase=PHASE9&status=OPEN&pageSize=0");
    assert.deepEqual(sorted(many.body.details.map((d: { field: string }) => d.field)), ["pageSize", "phase", "status"]);
    assert.equal(many.body.details.find((d: { field: string }) => d.field === "phase").value, "PHASE9");
  });

  test("property: arbitrary query strings never cause a 500", async () => {
    const keys = ["q", "status", "phase", "age", "near", "radius", "cursor", "pageSize", "sort", "startFrom", "condition", "country", "x"];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...keys), fc.string({ maxLength: 12 })), { maxLength: 4 }),
        async (pairs) => {
          const qs = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
          const r = await app.inject({ url: `/api/studies?${qs}` });
          assert.ok(r.statusCode === 200 || r.statusCode === 400, `${qs} → ${r.statusCode} ${r.body}`);
          if (r.statusCode === 400) assert.ok(Array.isArray(r.json().details));
        },
      ),
      { numRuns: 150 },
    );
  });

  test("unknown API routes are JSON 404s", async () => {
    const r = await get("/api/nothing-here");
    assert.equal(r.status, 404);
    assert.ok(r.body.error);
  });
});

describe("POST /api/import", () => {
  const study = (id: string, title: string) => ({
    protocolSection: {
      identificationModule: { nctId: id, briefTitle: title },
      statusModule: { overallStatus: "RECRUITING", lastUpdatePostDateStruct: { date: "2024-01-02" } },
      conditionsModule: { conditions: ["Hepatocellular Carcinoma"] },
      contactsLocationsModule: { locations: [{ facility: "Sun Yat-sen University Cancer Center", city: "Guangzhou", country: "China" }] },
    },
  });

  test("needs the admin token; writes valid studies, which search then finds (synonyms, geocoding)", async () => {
    const body = { studies: [study("NCT09000001", "Zebrafinch regimen in HCC")] };
    assert.equal((await app.inject({ method: "POST", url: "/api/import", payload: body })).statusCode, 401);
    const wrong = await app.inject({ method: "POST", url: "/api/import", payload: body, headers: { authorization: "Bearer nope" } });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().details[0].field, "authorization");
    const ok = await app.inject({ method: "POST", url: "/api/import", payload: body, headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { imported: 1, updated: 0, unchanged: 0, nctIds: ["NCT09000001"] });
    // "hepatocellular carcinoma" in the record, "HCC" and the abbreviation's family in the query.
    assert.deepEqual(await allIds("q=zebrafinch%20hepatocellular"), ["NCT09000001"]);
    assert.deepEqual(await allIds("q=zebrafinch&condition=HCC"), ["NCT09000001"]);
    assert.deepEqual(await allIds("q=zebrafinch&condition=liver%20neoplasms"), ["NCT09000001"]);
    // The site had no coordinates: geocoded from the gazetteer at import.
    const near = await get("/api/studies?near=Guangzhou,%20China&radius=20&q=zebrafinch");
    assert.deepEqual(near.body.studies.map((s: { nctId: string }) => s.nctId), ["NCT09000001"]);
    assert.equal(near.body.studies[0].locations[0].geocoded, true);
    const again = await app.inject({ method: "POST", url: "/api/import", payload: body, headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(again.json().unchanged, 1);
  });

  test("invalid bodies are 400s naming the study and field, and nothing is written", async () => {
    const before = store.count();
    const bad = [study("NCT09000002", "ok"), { protocolSection: { identificationModule: { nctId: "NCT1" } } }];
    const r = await app.inject({ method: "POST", url: "/api/import", payload: bad, headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(r.statusCode, 400);
    assert.match(r.json().details[0].message, /study 2.*nctId/);
    assert.equal(store.count(), before);
    const notJson = await app.inject({
      method: "POST",
      url: "/api/import",
      payload: "{oops",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    });
    assert.equal(notJson.statusCode, 400);
    const big = await app.inject({
      method: "POST",
      url: "/api/import",
      payload: { studies: [study("NCT09000003", "x".repeat(300 * 1024))] },
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(big.statusCode, 413);
    assert.ok(big.json().error);
  });

  test("read-only servers have no import route", async () => {
    const ro = await buildApp({ store });
    const r = await ro.inject({ method: "POST", url: "/api/import", payload: {} });
    assert.equal(r.statusCode, 404);
    await ro.close();
  });
});

describe("CORS", () => {
  test("off by default; any origin or listed origins when configured", async () => {
    const off = await app.inject({ url: "/api/studies?pageSize=1", headers: { origin: "https://a.example" } });
    assert.equal(off.headers["access-control-allow-origin"], undefined);
    const any = await buildApp({ store, cors: true });
    const r1 = await any.inject({ method: "OPTIONS", url: "/api/studies", headers: { origin: "https://a.example", "access-control-request-method": "GET" } });
    assert.ok([200, 204].includes(r1.statusCode));
    assert.equal(r1.headers["access-control-allow-origin"], "https://a.example");
    await any.close();
    const listed = await buildApp({ store, cors: ["https://b.example"] });
    const r2 = await listed.inject({ url: "/api/studies?pageSize=1", headers: { origin: "https://b.example" } });
    assert.equal(r2.headers["access-control-allow-origin"], "https://b.example");
    const r3 = await listed.inject({ url: "/api/studies?pageSize=1", headers: { origin: "https://evil.example" } });
    assert.equal(r3.headers["access-control-allow-origin"], undefined);
    await listed.close();
  });
});

describe("the seed trials", () => {
  const SEED_IDS = ["NCT03792542", "NCT04970914", "NCT05001971", "NCT05460481", "NCT05807880"];
  test("q=anlotinib returns the five seed trials", { skip: SEED_SKIP }, async () => {
    assert.deepEqual(sorted(await allIds("q=anlotinib")), SEED_IDS);
  });
  test("adding condition=lung cancer leaves the SCLC and NSCLC trials", { skip: SEED_SKIP }, async () => {
    assert.deepEqual(sorted(await allIds("q=anlotinib&condition=lung%20cancer")), ["NCT05001971", "NCT05460481"]);
  });
  test("adding status=RECRUITING leaves NCT05460481", { skip: SEED_SKIP }, async () => {
    assert.deepEqual(await allIds("q=anlotinib&condition=lung%20cancer&status=RECRUITING"), ["NCT05460481"]);
  });
  test("abbreviations find the written-out conditions", { skip: SEED_SKIP }, async () => {
    assert.deepEqual(await allIds("q=anlotinib%20NSCLC"), ["NCT05460481"]);
    // The NSCLC trial mentions small cell lung cancer too (an exclusion), so it matches, ranked below.
    assert.deepEqual(await allIds("q=anlotinib%20SCLC"), ["NCT05001971", "NCT05460481"]);
    assert.deepEqual(await allIds("q=anlotinib%20mCRC"), ["NCT04970914"]);
    assert.deepEqual(await allIds("q=anlotinib%20NPC"), ["NCT05807880"]);
    assert.deepEqual(await allIds("q=anlotinib%20STS"), ["NCT03792542"]);
  });
  test("the SCLC trial's related trials put the NSCLC anlotinib trial near the top, with a reason", { skip: SEED_SKIP }, async () => {
    const r = await get("/api/studies/NCT05001971/related");
    const ids = r.body.studies.map((s: { nctId: string }) => s.nctId);
    const i = ids.indexOf("NCT05460481");
    assert.ok(i >= 0 && i < 3, `NCT05460481 at ${i} in ${ids}`);
    const why = r.body.studies[i].why as string;
    assert.match(why, /anlotinib/);
    assert.match(why, /lung neoplasms/);
  });
});

/** A small RFC 4180 reader for the CSV test. */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && s[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

describe("POST /api/match", () => {
  const EXAMPLES = new URL("../../../examples/", import.meta.url).pathname;
  const patientJson = JSON.parse(fs.readFileSync(path.join(EXAMPLES, "nsclc-fits.json"), "utf8"));
  const fhirJson = JSON.parse(fs.readFileSync(path.join(EXAMPLES, "fhir/nsclc-fits.fhir.json"), "utf8"));

  test("eligo patient JSON: the report of matchPatient (as `eligo match --json`)", async () => {
    const { matchPatient, parsePatientInput } = await import("../../match/index.js");
    const r = await app.inject({ method: "POST", url: "/api/match?asOf=2026-11-01&status=all", payload: patientJson });
    assert.equal(r.statusCode, 200, r.body);
    const want = JSON.parse(JSON.stringify(matchPatient(store, parsePatientInput(patientJson), { asOf: "2026-11-01", status: "all" })));
    assert.deepEqual(r.json(), want);
    assert.equal(r.json().asOf, "2026-11-01");
    assert.ok(Array.isArray(r.json().results));
  });

  test("FHIR Bundle, also as application/fhir+json", async () => {
    const r = await app.inject({
      method: "POST",
      url: "/api/match?asOf=2026-11-01&status=all&limit=3",
      payload: JSON.stringify(fhirJson),
      headers: { "content-type": "application/fhir+json" },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.ok(r.json().results.length <= 3);
    assert.equal(r.json().patient.sex, patientJson.sex);
  });

  test("bad patients and parameters are 400s naming the field", async () => {
    const cases: Array<[string, unknown, string]> = [
      ["/api/match?asOf=2026-13-01", patientJson, "asOf"],
      ["/api/match?asOf=2026-02-30", patientJson, "asOf"],
      ["/api/match?status=OPEN", patientJson, "status"],
      ["/api/match?limit=0", patientJson, "limit"],
      ["/api/match?whatever=1", patientJson, "whatever"],
      ["/api/match", { ...patientJson, sex: 5 }, "body.sex"],
      ["/api/match", { resourceType: "Observation" }, "body.resourceType"],
      ["/api/match", [1, 2], "body"],
    ];
    for (const [url, payload, field] of cases) {
      const r = await app.inject({ method: "POST", url, payload: payload as object });
      assert.equal(r.statusCode, 400, `${url} ${JSON.stringify(payload).slice(0, 60)} → ${r.body}`);
      assert.ok(r.json().details.some((d: { field: string }) => d.field === field), `${field}: ${r.body}`);
    }
    const notJson = await app.inject({ method: "POST", url: "/api/match", payload: "{", headers: { "content-type": "application/fhir+json" } });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json().details[0].field, "body");
  });
});
