import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import Fastify from "fastify";
import type { Patient } from "../../model/patient.js";
import { parseStudy } from "../../model/study.js";
import { openStore } from "../../store/sqlite.js";
import { CONTENT_SECURITY_POLICY, createWebPlugin, readSearchQuery } from "./index.js";
import { engineServices, reportToView, type WebServices } from "./services.js";

const V2 = new URL("../../../../shared/data/ctgov-v2/", import.meta.url);

async function appWith(services: WebServices = engineServices) {
  const store = openStore(":memory:");
  for (const f of fs.readdirSync(V2)) {
    store.upsert(parseStudy(JSON.parse(fs.readFileSync(new URL(f, V2), "utf8"))), { sourceKind: "ctgov-v2-json", source: f, importedAt: "2026-11-22T00:00:00Z" });
  }
  store.upsert(
    parseStudy({
      protocolSection: {
        identificationModule: { nctId: "NCT09999999", briefTitle: 'Evil <script>alert("x")</script> trial' },
        statusModule: { overallStatus: "RECRUITING" },
        conditionsModule: { conditions: ["Nasopharyngeal Carcinoma"] },
        eligibilityModule: { eligibilityCriteria: "* <script>document.title='pwned'</script>" },
        contactsLocationsModule: { locations: [{ facility: "Sun Yat-sen University Cancer Center", city: "Guangzhou", country: "China" }] },
      },
    }),
    { sourceKind: "registry-page", source: "test", importedAt: "2026-11-22T00:00:00Z" },
  );
  const app = Fastify();
  await createWebPlugin(services)(app, { store });
  return { app, store };
}

test("pages carry the CSP and no-sniff headers; assets are cached for a year", async () => {
  const { app } = await appWith();
  for (const url of ["/", "/match", "/study/NCT09999999", "/no-such-page"]) {
    const r = await app.inject({ url });
    assert.equal(r.headers["content-security-policy"], CONTENT_SECURITY_POLICY, url);
    assert.equal(r.headers["x-content-type-options"], "nosniff");
  }
  for (const [name, type] of [["style.css", "text/css"], ["enhance.js", "text/javascript"], ["logo.svg", "image/svg+xml"]]) {
    const r = await app.inject({ url: `/assets/${name}` });
    assert.equal(r.statusCode, 200);
    assert.ok(String(r.headers["content-type"]).startsWith(type));
    assert.match(String(r.headers["cache-control"]), /max-age=31536000/);
  }
  assert.equal((await app.inject({ url: "/assets/../index.ts" })).statusCode, 404);
});

test("a registry text containing <script> is served escaped", async () => {
  const { app } = await appWith();
  const r = await app.inject({ url: "/study/NCT09999999" });
  assert.equal(r.statusCode, 200);
  assert.equal(r.body.includes("<script>alert"), false);
  assert.equal(r.body.includes("<script>document"), false);
  assert.ok(r.body.includes("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
  const s = await app.inject({ url: "/?q=evil" });
  assert.match(s.body, /Evil &lt;script&gt;/);
});

test("study ids: lower case redirects, malformed is 400, unknown is 404 naming the id", async () => {
  const { app } = await appWith();
  const r = await app.inject({ url: "/study/nct09999999" });
  assert.equal(r.statusCode, 301);
  assert.equal(r.headers.location, "/study/NCT09999999");
  assert.equal((await app.inject({ url: "/study/12" })).statusCode, 400);
  const nf = await app.inject({ url: "/study/NCT00000000" });
  assert.equal(nf.statusCode, 404);
  assert.match(nf.body, /NCT00000000 is not in this database/);
});

test("search: words, facets and near a city", async () => {
  const { app, store } = await appWith();
  const all = await app.inject({ url: "/" });
  assert.match(all.body, new RegExp(`${store.count()} trials`));
  const near = await app.inject({ url: "/?near=guangzhou" });
  assert.match(near.body, /<h2 id="results-h" class="results-summary" aria-live="polite">1 trial with a site within/);
  assert.match(near.body, /Sun Yat-sen University Cancer Center, Guangzhou, China <span class="distance">\(0 km\)<\/span>/);
  assert.match(near.body, /with a site within 50 km of Guangzhou \(CN\)/);
  const nowhere = await app.inject({ url: "/?near=Atlantis%2C%20Narnia" });
  assert.match(nowhere.body, /Near “Atlantis, Narnia”: unknown country &#39;Narnia&#39;/);
  const narnia = await app.inject({ url: "/?q=evil&country=Narnia" });
  assert.equal(narnia.statusCode, 400);
  assert.match(narnia.body, /Search not understood: country: unknown country &#39;Narnia&#39;/);
  assert.match(narnia.body, /name="q" value="evil"/, "the form keeps the query");
  const sorted = await app.inject({ url: "/?sort=startDate" });
  assert.match(sorted.body, /<option value="startDate" selected>Start date<\/option>/);
  assert.doesNotMatch(sorted.body, /value="distance"/, "nearest only with a place");
  const past = await app.inject({ url: "/?q=evil&page=7" });
  assert.match(past.body, /Page 7 is past the last page/);
  const rec = await app.inject({ url: "/?status=RECRUITING" });
  assert.match(rec.body, /value="RECRUITING" checked/);
  assert.deepEqual(readSearchQuery({ q: " x ", status: ["A", "B"], type: "INTERVENTIONAL", page: "-3", radius: "abc" }), {
    q: "x", status: ["A", "B"], phase: [], studyType: ["INTERVENTIONAL"], country: [], sex: "", near: "", radiusKm: null, sort: "", page: 1, pageSize: 20,
  });
});

test("match: an empty form or bad field is sent back with errors naming the field", async () => {
  const { app } = await appWith();
  const empty = await app.inject({ method: "POST", url: "/match", payload: "sex=", headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /The form is empty/);
  const bad = await app.inject({ method: "POST", url: "/match", payload: "diagnosis=NPC&lab0.name=Haemoglobin&lab0.value=abc", headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Lab row 1 \(Haemoglobin\): value “abc” is not a number/);
  assert.match(bad.body, /value="NPC"/, "typed values are kept");
  const json = await app.inject({ method: "POST", url: "/match", payload: "json=%7Bnope", headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.match(json.body, /Pasted record: not JSON/);
});

test("match: without a matcher the page says so; with one, the form becomes a patient and results render", async () => {
  const { match: _m, ...withoutMatch } = engineServices;
  const { app: bare } = await appWith(withoutMatch);
  const r0 = await bare.inject({ method: "POST", url: "/match", payload: "diagnosis=NPC", headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(r0.statusCode, 503);
  assert.match(r0.body, /matching engine is not installed/);

  let seen: Patient | undefined;
  let statuses: unknown;
  const { app } = await appWith({
    ...engineServices,
    match: (_store, req) => {
      seen = req.patient;
      statuses = req.statuses;
      return { evaluated: 1, warnings: [], trials: [{ nctId: "NCT09999999", title: "T", status: "RECRUITING", verdict: "eligible", questions: [], criteria: [{ kind: "inclusion", text: "c", outcome: "pass", evidence: "e" }] }] };
    },
  });
  const boundary = "----eligo";
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const body =
    part("age", "58") + part("sex", "female") + part("diagnosis", "Nasopharyngeal Carcinoma") + part("stage", "IVB") + part("metastases", "liver") +
    part("ecog", "1") + part("lab0.name", "Haemoglobin") + part("lab0.value", "120") + part("lab0.unit", "g/L") + part("lab0.refLow", "115") + part("lab0.refHigh", "150") +
    part("tx0.name", "cisplatin") + part("tx0.start", "2025-01-10") + part("tx0.end", "2025-03-01") + part("bm0.marker", "PD-L1") + part("bm0.status", "positive, TPS 60%") + part("trials", "all") + `--${boundary}--\r\n`;
  const r = await app.inject({ method: "POST", url: "/match", payload: body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers["cache-control"], "no-store");
  assert.match(r.body, /verdict-eligible/);
  assert.match(r.body, /58-year-old female · Nasopharyngeal Carcinoma, stage IVB; metastases: liver · ECOG 1/);
  assert.equal(statuses, "all");
  assert.deepEqual(seen, {
    age: 58, sex: "female", ecog: 1,
    conditions: [{ text: "Nasopharyngeal Carcinoma", primary: true, stage: "IVB", metastases: [{ site: "liver" }] }],
    observations: [{ text: "Haemoglobin", value: 120, variable: "hemoglobin", unit: "g/L", referenceRange: { low: 115, high: 150 } }],
    medications: [{ name: "cisplatin", start: "2025-01-10", end: "2025-03-01" }],
    biomarkers: [{ marker: "PD-L1", status: "positive", value: 60, unit: "%" }],
  });
});

test("match with the real engine: a pasted eligo patient is ranked against the stored trials", async () => {
  const { app } = await appWith();
  const patient = { age: 60, sex: "female", conditions: [{ text: "Nasopharyngeal Carcinoma", stage: "IVB" }], ecog: 1 };
  const r = await app.inject({ method: "POST", url: "/match", payload: `json=${encodeURIComponent(JSON.stringify(patient))}&trials=all`, headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(r.statusCode, 200, r.body.slice(0, 500));
  assert.match(r.body, /60-year-old female · Nasopharyngeal Carcinoma, stage IVB · ECOG 1/);
  assert.match(r.body, /class="match-trial verdict-row-(eligible|possible|ineligible)"/);
  assert.match(r.body, /class="result result-(pass|fail|unknown)"/);
  const bad = await app.inject({ method: "POST", url: "/match", payload: `json=${encodeURIComponent(JSON.stringify({ age: -4 }))}`, headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Pasted record: age: /);
});

test("match: 'Add a lab row' without scripts returns the form with the typed values and two more rows", async () => {
  const { app } = await appWith();
  const r = await app.inject({
    method: "POST",
    url: "/match",
    payload: "diagnosis=NPC&lab0.name=Haemoglobin&lab0.value=120&more=lab",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /<h1>Match a patient to trials<\/h1>/);
  assert.match(r.body, /name="lab0.name" list="known-labs" value="Haemoglobin"/);
  assert.match(r.body, /name="lab5.name"/);
  assert.doesNotMatch(r.body, /name="lab6.name"/, "the 4 default rows + 2 asked for");
  const more = await app.inject({
    method: "POST",
    url: "/match",
    payload: "lab0.name=A&lab0.value=1&lab1.name=B&lab1.value=2&lab2.name=C&lab2.value=3&lab3.name=D&lab3.value=4&more=lab",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.match(more.body, /name="lab6.name"/, "4 filled + 1 spare + 2 asked for");
  assert.doesNotMatch(more.body, /name="lab7.name"/);
  assert.match(more.body, /name="lab3.name" list="known-labs" value="D"/);
});

test("match results list the best trials and count every verdict", async () => {
  const { store } = await appWith();
  const result = (i: number, verdict: "eligible" | "possible" | "ineligible") => ({
    nctId: `NCT0000${String(i).padStart(4, "0")}`, briefTitle: `T${i}`, verdict, score: 100 - i, questions: [],
    criteria: [{ kind: "inclusion" as const, text: "Age ≥ 18", status: "pass" as const, constraints: [], evidence: [
      { constraint: 0, result: "true" as const, fact: "age 40 years", threshold: "≥ 18 a" },
      { constraint: 0, result: "true" as const, fact: "age 40 years", threshold: "≥ 18 a" },
    ] }],
  });
  const report = {
    asOf: "2026-11-22",
    patient: { conditions: [], biomarkers: [], observations: 0 },
    results: [result(1, "eligible"), result(2, "possible"), result(3, "ineligible"), result(4, "ineligible")],
    questions: [],
  };
  const view = reportToView(store, report, 2);
  assert.deepEqual(view.trials.map((t) => t.nctId), ["NCT00000001", "NCT00000002"]);
  assert.deepEqual(view.counts, { eligible: 1, possible: 1, ineligible: 2 });
  assert.equal(view.evaluated, 4);
  assert.deepEqual(view.warnings, ["Showing the best 2 of 4 trials evaluated."]);
  assert.equal(view.trials[0].criteria[0].evidence, "age 40 years; threshold ≥ 18 years", "repeats dropped, UCUM years read as words");
});
