import { test } from "node:test";
import assert from "node:assert/strict";
import { parseStudy, type Study } from "../../model/study.js";
import { statusClass } from "./format.js";
import { renderMatchResultsPage, renderMatchFormPage, emptyPatientForm, verdictBadge } from "./match-page.js";
import { renderSearchPage, searchParams } from "./search-page.js";
import { renderStudyPage, safeUrl } from "./study-page.js";
import type { SearchQuery } from "./views.js";

const EVIL = `<script>alert("x")</script>`;

function evilStudy(): Study {
  return parseStudy({
    protocolSection: {
      identificationModule: { nctId: "NCT09999999", briefTitle: `Trial ${EVIL}`, orgStudyIdInfo: { id: `ORG-${EVIL}` } },
      statusModule: { overallStatus: "RECRUITING", lastUpdatePostDateStruct: { date: "2026-01-01", type: "ACTUAL" } },
      sponsorCollaboratorsModule: { leadSponsor: { name: `Sponsor ${EVIL}` } },
      descriptionModule: { briefSummary: `Summary ${EVIL}` },
      conditionsModule: { conditions: [`Cond ${EVIL}`] },
      designModule: { studyType: "INTERVENTIONAL", phases: ["PHASE2"] },
      eligibilityModule: { eligibilityCriteria: `Inclusion Criteria:\n* ${EVIL} aged 18 or more`, sex: "ALL", minimumAge: "18 Years" },
      contactsLocationsModule: { locations: [{ facility: `Site ${EVIL}`, city: "Guangzhou", country: "China" }] },
      referencesModule: {
        references: [{ pmid: "12345678", citation: `Cite ${EVIL}` }],
        seeAlsoLinks: [{ label: "bad link", url: "javascript:alert(1)" }, { label: "good", url: "https://example.org/x" }],
      },
    },
  });
}

const query = (over: Partial<SearchQuery> = {}): SearchQuery => ({
  q: "", status: [], phase: [], studyType: [], country: [], sex: "", near: "", radiusKm: null, sort: "", page: 1, pageSize: 20, ...over,
});

test("status badge classes group statuses by what they mean for a patient", () => {
  assert.equal(statusClass("RECRUITING"), "badge status-open");
  assert.equal(statusClass("NOT_YET_RECRUITING"), "badge status-soon");
  assert.equal(statusClass("ACTIVE_NOT_RECRUITING"), "badge status-active");
  assert.equal(statusClass("TERMINATED"), "badge status-stopped");
  assert.equal(statusClass("COMPLETED"), "badge status-closed");
  assert.equal(statusClass(null), "badge status-closed");
  assert.match(verdictBadge("possible").value, /class="badge verdict verdict-possible">Possibly eligible</);
});

test("study page escapes every registry text and drops non-http links", () => {
  const out = renderStudyPage({ study: evilStudy(), related: [] });
  assert.equal(out.includes("<script>alert"), false);
  assert.ok(out.includes("Trial &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  assert.equal(out.includes('href="javascript:'), false);
  assert.ok(out.includes('href="https://example.org/x"'));
  assert.ok(out.includes('href="https://pubmed.ncbi.nlm.nih.gov/12345678/"'));
  assert.ok(out.includes('href="/api/studies/NCT09999999"'));
  assert.match(out, /These criteria have not been parsed yet/);
  // The only script element is the external enhancement file.
  assert.deepEqual(out.match(/<script[^>]*>/g), ['<script src="/assets/enhance.js?v=1" defer>']);
});

test("study page lists sections in the registry's reading order", () => {
  const out = renderStudyPage({ study: evilStudy(), related: [{ nctId: "NCT00000001", reasons: ["same condition: X"] }] });
  const order = ["summary", "conditions", "design", "eligibility", "sponsors", "locations", "references", "identifiers", "related", "source"].map((id) =>
    out.indexOf(`<section id="${id}"`),
  );
  assert.ok(order.every((i) => i > 0), String(order));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.match(out, /same condition: X/);
});

test("study page shows parsed criteria with highlights and a constraint list", () => {
  const s = evilStudy();
  const text = s.protocolSection.eligibilityModule!.eligibilityCriteria!;
  const start = text.indexOf("aged");
  const out = renderStudyPage({
    study: s,
    related: [],
    parserVersion: "test-1",
    criteria: [
      {
        kind: "inclusion", depth: 0, text: text.slice(text.indexOf("<script>")), span: [text.indexOf("<script>"), text.length],
        constraints: [{ type: "numeric", variable: "age", mention: "aged", mentionSpan: [start, start + 4], op: ">=", value: 18, valueSpan: [start + 5, start + 7], unit: "a" }],
      },
    ],
  });
  assert.match(out, /<mark class="c c-numeric" data-constraints="c0-k0">aged<\/mark>/);
  assert.match(out, /<li id="c0-k0" class="constraint c-numeric"><span class="ctype">Measurement<\/span> age ≥ 18 years<\/li>/);
  assert.equal(out.includes("<script>alert"), false);
});

test("search page: escaped hits, facets with counts, pagination keeps the query", () => {
  const hits = Array.from({ length: 20 }, (_, i) => ({
    nctId: `NCT0000000${i % 10}`, title: `T${i} ${EVIL}`, status: "RECRUITING", phases: ["PHASE2"], conditions: [EVIL], sponsor: EVIL,
    minAge: "18 Years", siteCount: 2, nearestSite: { city: "Guangzhou", country: "China", distanceKm: 12.4 },
  }));
  const out = renderSearchPage({
    query: query({ q: `lung ${EVIL}`, status: ["RECRUITING"], page: 2 }), total: 45, hits,
    facets: { status: [{ value: "RECRUITING", count: 30 }, { value: "COMPLETED", count: 15 }], phase: [{ value: "PHASE2", count: 45 }] },
  });
  assert.equal(out.includes("<script>alert"), false);
  assert.match(out, /Showing 21–40 of 45 trials/);
  assert.match(out, /name="status" value="RECRUITING" checked><label for="f-status-0">Recruiting <span class="count">30<\/span>/);
  assert.match(out, /href="\/\?q=lung\+%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E&amp;status=RECRUITING&amp;page=3"/);
  assert.match(out, /Guangzhou, China <span class="distance">\(12 km\)<\/span>/);
  assert.match(out, /18 Years and older · all sexes/);
  assert.equal(searchParams(query({ sort: "startDate", near: "Paris", radiusKm: 20 }), { page: 2 }), "?near=Paris&radius=20&sort=startDate&page=2", "links keep order and place");
});

test("match results: verdict badges, per-criterion marks with evidence, questions", () => {
  const out = renderMatchResultsPage({
    patientSummary: `58-year-old female · ${EVIL}`,
    evaluated: 2,
    warnings: [],
    trials: [
      { nctId: "NCT05807880", title: "NPC", status: "RECRUITING", verdict: "possible", questions: [`Is ${EVIL} known?`],
        criteria: [
          { kind: "inclusion", text: "Age 18–65", outcome: "pass", evidence: "age 58" },
          { kind: "exclusion", text: "Brain metastases", outcome: "unknown" },
        ] },
      { nctId: "NCT00000002", title: "Other", status: "COMPLETED", verdict: "ineligible", questions: [], criteria: [{ kind: "inclusion", text: "Male", outcome: "fail", evidence: "sex female" }] },
    ],
  });
  assert.equal(out.includes("<script>alert"), false);
  assert.match(out, /verdict-possible">Possibly eligible/);
  assert.match(out, /verdict-ineligible">Not eligible/);
  assert.match(out, /class="result result-pass"><span class="mark mark-pass" aria-hidden="true">✓<\/span><span class="visually-hidden">Met:<\/span>/);
  assert.match(out, /<span class="evidence">age 58<\/span>/);
  assert.match(out, /Questions to settle/);
  assert.ok(out.indexOf("NCT05807880") < out.indexOf("NCT00000002"));
  // Ineligible trials show why up front, with every criterion collapsed; others open.
  assert.match(out, /<details open><summary>Criteria \(2\)/);
  assert.match(out, /<h3>Why not eligible<\/h3><ul class="results-list"><li class="result result-fail">/);
  assert.match(out, /<details><summary>All criteria \(1\)/);
});

test("match form: every input has a label, suggestions come from known conditions", () => {
  const out = renderMatchFormPage(emptyPatientForm(), { conditions: ["Nasopharyngeal Carcinoma", EVIL], labs: [{ name: "Haemoglobin", unit: "g/L" }] });
  assert.equal(out.includes("<script>alert"), false);
  assert.match(out, /<datalist id="known-conditions"><option value="Nasopharyngeal Carcinoma"><\/option>/);
  const ids = [...out.matchAll(/<(?:input|select|textarea)[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
  for (const id of ids) assert.ok(out.includes(`<label for="${id}"`), `label for ${id}`);
  for (const m of out.matchAll(/<input(?![^>]*\bid=)[^>]*>/g)) assert.match(m[0], /aria-label="/, m[0]);
  assert.match(out, /enctype="multipart\/form-data"/);
});

test("safeUrl admits http(s) only", () => {
  assert.equal(safeUrl("javascript:alert(1)"), undefined);
  assert.equal(safeUrl("data:text/html,x"), undefined);
  assert.equal(safeUrl("not a url"), undefined);
  assert.equal(safeUrl("https://pubmed.ncbi.nlm.nih.gov/1/"), "https://pubmed.ncbi.nlm.nih.gov/1/");
});

test("study page groups more than 20 sites by country, largest first", () => {
  const s = evilStudy();
  s.protocolSection.contactsLocationsModule!.locations = [
    ...Array.from({ length: 15 }, (_, i) => ({ facility: `US site ${i}`, city: "Boston", country: "United States" })),
    ...Array.from({ length: 7 }, (_, i) => ({ facility: `FR site ${i}`, city: "Paris", country: "France" })),
  ];
  const out = renderStudyPage({ study: s, related: [] });
  assert.match(out, /Locations \(22\)/);
  assert.match(out, /22 sites in 2 countries/);
  assert.ok(out.indexOf("<summary>United States (15 sites)</summary>") < out.indexOf("<summary>France (7 sites)</summary>"));
  const few = renderStudyPage({ study: evilStudy(), related: [] });
  assert.doesNotMatch(few, /class="country-sites"/);
});

test("match results: another cohort's criteria are shown last, marked, and not counted", () => {
  const out = renderMatchResultsPage({
    patientSummary: "46-year-old",
    evaluated: 1,
    warnings: [],
    trials: [
      { nctId: "NCT03861182", title: "Volunteers and neonates", status: "RECRUITING", verdict: "eligible", questions: [],
        criteria: [
          { kind: "inclusion", text: "Aged between 1h of life and 28 days of life", outcome: "fail", otherCohort: "Neonates" },
          { kind: "inclusion", text: "Over 18 years of age", outcome: "pass" },
        ] },
    ],
  });
  assert.match(out, /0 not met/);
  assert.match(out, /1 met/);
  assert.match(out, /<li class="result result-other">.*<\/span>\n<span class="kind">Inclusion<\/span> <span class="crit">Aged between 1h/s);
  assert.match(out, /For Neonates only: not this patient&#39;s group|For Neonates only: not this patient's group/);
  assert.ok(out.indexOf("Over 18 years") < out.indexOf("Aged between 1h"));
});
