/**
 * The patient form and the match results. The form posts as multipart/form-data so a
 * FHIR Bundle or eligo JSON file can be uploaded without JavaScript; nothing is stored.
 */
import { plural, statusBadge } from "./format.js";
import { html, type SafeHtml } from "./html.js";
import { page } from "./layout.js";
import type { CriterionResultView, MatchResultView, Outcome, TrialMatchView, Verdict } from "./views.js";

export interface LabRow {
  name: string;
  value: string;
  unit: string;
  refLow: string;
  refHigh: string;
  date: string;
}
export interface TreatmentRow {
  name: string;
  start: string;
  end: string;
}
export interface BiomarkerRow {
  marker: string;
  status: string;
}

/** What the form holds, as typed by the user (strings, so a redisplay loses nothing). */
export interface PatientForm {
  birthDate: string;
  age: string;
  sex: string;
  diagnosis: string;
  stage: string;
  metastases: string[];
  otherMetastasis: string;
  ecog: string;
  /** Life expectancy in months, as the clinician estimates it. */
  lifeExpectancy: string;
  /** "yes", "no" or "" (not known): measurable disease per RECIST 1.1. */
  measurable: string;
  /** "pregnant", "lactating", "neither" or "" (not known). */
  pregnancy: string;
  labs: LabRow[];
  treatments: TreatmentRow[];
  biomarkers: BiomarkerRow[];
  /** Pasted JSON (FHIR Bundle or eligo patient). */
  json: string;
  /** Which trials to rank: "open" (recruiting or not yet recruiting) or "all". */
  trials: string;
}

export const METASTASIS_SITES = ["brain", "leptomeningeal", "liver", "lung", "bone", "lymph node", "adrenal", "peritoneum", "pleura"];
export const LAB_ROWS = 4;
export const TREATMENT_ROWS = 3;
export const BIOMARKER_ROWS = 3;
/** Rows per table the server reads back (lab0 … lab29). */
export const MAX_FORM_ROWS = 30;

export function emptyPatientForm(): PatientForm {
  return {
    birthDate: "",
    age: "",
    sex: "",
    diagnosis: "",
    stage: "",
    metastases: [],
    otherMetastasis: "",
    ecog: "",
    lifeExpectancy: "",
    measurable: "",
    pregnancy: "",
    labs: [],
    treatments: [],
    biomarkers: [],
    json: "",
    trials: "open",
  };
}

export interface MatchFormOptions {
  /** Known condition names for the diagnosis suggestions. */
  conditions: string[];
  /** Lab names (with their usual units) for the lab suggestions. */
  labs: Array<{ name: string; unit?: string }>;
  /** Errors to show above the form, each naming the field. */
  errors?: string[];
  /** Set when no matcher is wired in: the form still renders, with the reason. */
  unavailable?: string;
  /** The table the user asked for more rows in ("lab", "tx", "bm"). */
  moreRows?: string;
}

function padRows<T>(rows: T[], n: number, empty: () => T): T[] {
  const out = [...rows];
  while (out.length < n) out.push(empty());
  return out;
}

function selectOptions(values: Array<[string, string]>, selected: string): SafeHtml {
  return html`${values.map(([v, l]) => html`<option value="${v}"${v === selected ? html` selected` : ""}>${l}</option>`)}`;
}

export function renderMatchForm(f: PatientForm, opts: MatchFormOptions): SafeHtml {
  // Filled rows, then blank ones: at least the default count and one spare; two more when asked for.
  const rows = (filled: number, min: number, kind: string) => Math.min(MAX_FORM_ROWS, Math.max(min, filled + 1) + (opts.moreRows === kind ? 2 : 0));
  const labs = padRows(f.labs, rows(f.labs.length, LAB_ROWS, "lab"), () => ({ name: "", value: "", unit: "", refLow: "", refHigh: "", date: "" }));
  const treatments = padRows(f.treatments, rows(f.treatments.length, TREATMENT_ROWS, "tx"), () => ({ name: "", start: "", end: "" }));
  const biomarkers = padRows(f.biomarkers, rows(f.biomarkers.length, BIOMARKER_ROWS, "bm"), () => ({ marker: "", status: "" }));
  return html`<form class="match-form" method="post" action="/match" enctype="multipart/form-data" aria-describedby="match-intro">
<button type="submit" class="default-submit" tabindex="-1" aria-hidden="true">Find matching trials</button>
${opts.errors?.length ? html`<div class="errors" role="alert" tabindex="-1" id="form-errors"><h2>Please check the form</h2><ul>${opts.errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : ""}
<fieldset>
<legend>Patient</legend>
<div class="grid">
<div class="field"><label for="birthDate">Birth date</label><input type="date" id="birthDate" name="birthDate" value="${f.birthDate}" aria-describedby="age-hint"></div>
<div class="field"><label for="age">or age (years)</label><input type="number" id="age" name="age" min="0" max="120" step="1" inputmode="numeric" value="${f.age}" aria-describedby="age-hint"></div>
<div class="field"><label for="sex">Sex</label><select id="sex" name="sex">${selectOptions([["", "Not given"], ["female", "Female"], ["male", "Male"]], f.sex)}</select></div>
</div>
<p class="hint" id="age-hint">Give the birth date or the age; the birth date is more precise.</p>
</fieldset>
<fieldset>
<legend>Disease</legend>
<div class="grid">
<div class="field grow"><label for="diagnosis">Diagnosis</label><input type="text" id="diagnosis" name="diagnosis" list="known-conditions" value="${f.diagnosis}" autocomplete="off" placeholder="e.g. Nasopharyngeal carcinoma">
<datalist id="known-conditions">${opts.conditions.map((c) => html`<option value="${c}"></option>`)}</datalist></div>
<div class="field"><label for="stage">Stage</label><input type="text" id="stage" name="stage" value="${f.stage}" placeholder="e.g. IVB or T2N1M1"></div>
<div class="field"><label for="ecog">ECOG performance status</label><select id="ecog" name="ecog">${selectOptions(
    [["", "Not given"], ["0", "0 – fully active"], ["1", "1 – restricted in strenuous activity"], ["2", "2 – ambulatory, no work"], ["3", "3 – limited self-care"], ["4", "4 – completely disabled"]],
    f.ecog,
  )}</select></div>
</div>
<div class="grid">
<div class="field"><label for="lifeExpectancy">Life expectancy (months)</label><input type="number" id="lifeExpectancy" name="lifeExpectancy" min="0" max="600" step="any" inputmode="decimal" value="${f.lifeExpectancy}"></div>
<div class="field"><label for="measurable">Measurable disease (RECIST 1.1)</label><select id="measurable" name="measurable">${selectOptions([["", "Not known"], ["yes", "Yes"], ["no", "No"]], f.measurable)}</select></div>
<div class="field"><label for="pregnancy">Pregnancy or breastfeeding</label><select id="pregnancy" name="pregnancy">${selectOptions([["", "Not known"], ["neither", "Neither"], ["pregnant", "Pregnant"], ["lactating", "Breastfeeding"]], f.pregnancy)}</select></div>
</div>
<fieldset class="inline-choices"><legend>Metastasis sites</legend>
${METASTASIS_SITES.map((s, i) => html`<span class="choice"><input type="checkbox" id="met-${i}" name="metastases" value="${s}"${f.metastases.includes(s) ? html` checked` : ""}><label for="met-${i}">${s}</label></span>`)}
<div class="field"><label for="otherMetastasis">Other sites (comma-separated)</label><input type="text" id="otherMetastasis" name="otherMetastasis" value="${f.otherMetastasis}"></div>
</fieldset>
</fieldset>
<fieldset>
<legend>Laboratory values</legend>
<datalist id="known-labs">${opts.labs.map((l) => html`<option value="${l.name}">${l.unit ?? ""}</option>`)}</datalist>
<div class="table-scroll"><table class="rows" id="lab-rows">
<thead><tr><th scope="col" id="lab-h-name">Test</th><th scope="col" id="lab-h-value">Value</th><th scope="col" id="lab-h-unit">Unit</th><th scope="col" id="lab-h-low">Reference low</th><th scope="col" id="lab-h-high">Reference high</th><th scope="col" id="lab-h-date">Date</th></tr></thead>
<tbody>${labs.map(
    (l, i) => html`<tr>
<td><input type="text" name="lab${i}.name" list="known-labs" value="${l.name}" aria-label="Test ${i + 1}" autocomplete="off"></td>
<td><input type="text" name="lab${i}.value" inputmode="decimal" value="${l.value}" aria-label="Value ${i + 1}" size="6"></td>
<td><input type="text" name="lab${i}.unit" value="${l.unit}" aria-label="Unit ${i + 1}" size="8"${i === 0 ? html` placeholder="g/L"` : ""}></td>
<td><input type="text" name="lab${i}.refLow" inputmode="decimal" value="${l.refLow}" aria-label="Reference low ${i + 1}" size="6"></td>
<td><input type="text" name="lab${i}.refHigh" inputmode="decimal" value="${l.refHigh}" aria-label="Reference high ${i + 1}" size="6"></td>
<td><input type="date" name="lab${i}.date" value="${l.date}" aria-label="Date of test ${i + 1}"></td>
</tr>`,
  )}</tbody></table></div>
<button type="submit" class="secondary add-row" name="more" value="lab" data-table="lab-rows">Add a lab row</button>
<p class="hint">Reference ranges let thresholds such as “≤ 2.5 × ULN” be checked.</p>
</fieldset>
<fieldset>
<legend>Prior treatments</legend>
<div class="table-scroll"><table class="rows" id="treatment-rows">
<thead><tr><th scope="col">Drug or procedure (surgery, radiotherapy…)</th><th scope="col">Start</th><th scope="col">End</th></tr></thead>
<tbody>${treatments.map(
    (t, i) => html`<tr>
<td><input type="text" name="tx${i}.name" value="${t.name}" aria-label="Treatment ${i + 1}"></td>
<td><input type="date" name="tx${i}.start" value="${t.start}" aria-label="Treatment ${i + 1} start"></td>
<td><input type="date" name="tx${i}.end" value="${t.end}" aria-label="Treatment ${i + 1} end"></td>
</tr>`,
  )}</tbody></table></div>
<button type="submit" class="secondary add-row" name="more" value="tx" data-table="treatment-rows">Add a treatment row</button>
</fieldset>
<fieldset>
<legend>Biomarkers</legend>
<div class="table-scroll"><table class="rows" id="biomarker-rows">
<thead><tr><th scope="col">Marker</th><th scope="col">Result</th></tr></thead>
<tbody>${biomarkers.map(
    (b, i) => html`<tr>
<td><input type="text" name="bm${i}.marker" value="${b.marker}" aria-label="Marker ${i + 1}"${i === 0 ? html` placeholder="EGFR"` : ""}></td>
<td><input type="text" name="bm${i}.status" value="${b.status}" aria-label="Result ${i + 1}"${i === 0 ? html` placeholder="exon 19 deletion, negative, TPS 60%"` : ""}></td>
</tr>`,
  )}</tbody></table></div>
<button type="submit" class="secondary add-row" name="more" value="bm" data-table="biomarker-rows">Add a biomarker row</button>
</fieldset>
<fieldset>
<legend>Or a patient record</legend>
<div class="field"><label for="file">Upload a FHIR R4 Bundle or eligo patient JSON</label><input type="file" id="file" name="file" accept=".json,application/json,application/fhir+json"></div>
<div class="field"><label for="json">or paste it here</label><textarea id="json" name="json" rows="4" spellcheck="false">${f.json}</textarea></div>
<p class="hint">A record replaces the fields above. Nothing you enter is stored.</p>
</fieldset>
<div class="actions">
<div class="field"><label for="trials">Trials to consider</label><select id="trials" name="trials">${selectOptions([["open", "Recruiting or not yet recruiting"], ["all", "All trials, whatever their status"]], f.trials)}</select></div>
<button type="submit">Find matching trials</button>
</div>
</form>`;
}

export function renderMatchFormPage(f: PatientForm, opts: MatchFormOptions): string {
  const body = html`<h1>Match a patient to trials</h1>
<p id="match-intro" class="lead">Enter what you know; every criterion the data cannot settle is listed as a question.</p>
${opts.unavailable ? html`<p class="notice" role="status">${opts.unavailable}</p>` : ""}
${renderMatchForm(f, opts)}`;
  return page({ title: opts.errors?.length ? "Check the form – match" : "Match a patient", nav: "match", body, bodyClass: "page-match" });
}

const VERDICT_LABEL: Record<Verdict, string> = { eligible: "Eligible", possible: "Possibly eligible", ineligible: "Not eligible" };
const OUTCOME_LABEL: Record<Outcome, string> = { pass: "Met", fail: "Not met", unknown: "Unknown" };
const OUTCOME_ICON: Record<Outcome, string> = { pass: "✓", fail: "✗", unknown: "?" };

export function verdictBadge(v: Verdict): SafeHtml {
  return html`<span class="badge verdict verdict-${v}">${VERDICT_LABEL[v]}</span>`;
}

function renderCriterionResult(c: CriterionResultView): SafeHtml {
  if (c.otherCohort) {
    return html`<li class="result result-other"><span class="mark mark-other" aria-hidden="true">–</span><span class="visually-hidden">Not applicable:</span>
<span class="kind">${c.kind === "exclusion" ? "Exclusion" : c.kind === "inclusion" ? "Inclusion" : ""}</span> <span class="crit">${c.text}</span>
<span class="evidence">For ${c.otherCohort} only: not this patient's group</span></li>`;
  }
  return html`<li class="result result-${c.outcome}"><span class="mark mark-${c.outcome}" aria-hidden="true">${OUTCOME_ICON[c.outcome]}</span><span class="visually-hidden">${OUTCOME_LABEL[c.outcome]}:</span>
<span class="kind">${c.kind === "exclusion" ? "Exclusion" : c.kind === "inclusion" ? "Inclusion" : ""}</span> <span class="crit">${c.text}</span>
${c.evidence ? html`<span class="evidence">${c.evidence}</span>` : ""}</li>`;
}

const ORDER: Record<Outcome, number> = { fail: 0, unknown: 1, pass: 2 };

export function renderTrialResult(t: TrialMatchView, rank: number): SafeHtml {
  const counts = { pass: 0, fail: 0, unknown: 0 };
  for (const c of t.criteria) if (!c.otherCohort) counts[c.outcome]++;
  // Another cohort's criteria last: they do not count.
  const rankOf = (c: CriterionResultView) => (c.otherCohort ? 3 : ORDER[c.outcome]);
  const sorted = [...t.criteria].sort((a, b) => rankOf(a) - rankOf(b));
  const failing = t.criteria.filter((c) => c.outcome === "fail" && !c.otherCohort);
  const ineligible = t.verdict === "ineligible";
  return html`<li class="match-trial verdict-row-${t.verdict}">
<article aria-labelledby="m-${t.nctId}">
<h2 id="m-${t.nctId}"><span class="rank">${rank}.</span> <a href="/study/${encodeURIComponent(t.nctId)}">${t.title || t.nctId}</a></h2>
<p class="hit-meta">${verdictBadge(t.verdict)} ${statusBadge(t.status)} <span class="nct">${t.nctId}</span>
<span class="tally"><span class="mark mark-pass" aria-hidden="true">✓</span> ${counts.pass} met · <span class="mark mark-fail" aria-hidden="true">✗</span> ${counts.fail} not met · <span class="mark mark-unknown" aria-hidden="true">?</span> ${counts.unknown} unknown</span></p>
${t.criteria.length === 0 ? html`<p class="notice">The record gives no criteria to check: read the trial's page before referring.</p>` : ""}
${ineligible && failing.length
    ? html`<div class="why-not"><h3>Why not eligible</h3><ul class="results-list">${failing.map(renderCriterionResult)}</ul></div>`
    : ""}
${!ineligible && t.questions.length ? html`<div class="questions"><h3>Questions to settle</h3><ul>${t.questions.map((q) => html`<li>${q}</li>`)}</ul></div>` : ""}
${t.criteria.length
    ? html`<details${ineligible ? "" : html` open`}><summary>${ineligible ? "All criteria" : "Criteria"} (${t.criteria.length})</summary>
<ul class="results-list">${sorted.map(renderCriterionResult)}</ul></details>`
    : ""}
</article>
</li>`;
}

export function renderMatchResultsPage(r: MatchResultView): string {
  const by = r.counts ?? { eligible: 0, possible: 0, ineligible: 0 };
  if (!r.counts) for (const t of r.trials) by[t.verdict]++;
  const body = html`<h1>Matching trials</h1>
<section class="patient-summary" aria-labelledby="ps-h"><h2 id="ps-h">Patient</h2><p>${r.patientSummary}</p>
<p class="muted">${r.evaluated} trials evaluated: ${by.eligible} eligible, ${by.possible} possibly eligible, ${by.ineligible} not eligible. Nothing was stored.</p>
${r.warnings.length ? html`<ul class="notice">${r.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ""}
${r.topQuestions?.length ? html`<h3>Questions that would settle the most trials</h3><ol class="top-questions">${r.topQuestions.map((q) => html`<li>${q.text} <span class="muted">(${plural(q.trials, "trial")})</span></li>`)}</ol>` : ""}
<p class="no-print"><a href="/match">New patient</a> · <button type="button" class="secondary" data-action="print" hidden>Print</button></p></section>
${r.trials.length ? html`<ol class="match-results">${r.trials.map((t, i) => renderTrialResult(t, i + 1))}</ol>` : html`<p>No trial in the database could be evaluated.</p>`}`;
  return page({ title: "Matching trials", nav: "match", body, bodyClass: "page-match-results" });
}
