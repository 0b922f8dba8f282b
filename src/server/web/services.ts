/**
 * The engines behind the pages, adapted to the views: search and related trials
 * (src/search), criteria parsing (src/criteria), matching (src/match) and regimens
 * (src/regimen). Adapters only: no search, parsing or matching logic lives here.
 */
import { parseEligibility } from "../../criteria/parse.js";
import type { Criterion } from "../../criteria/types.js";
import { matchPatient, parsePatientInput, TrialCache, type MatchReport } from "../../match/index.js";
import type { Evidence } from "../../match/index.js";
import type { Patient } from "../../model/patient.js";
import type { Study } from "../../model/study.js";
import { regimenOfStudy } from "../../regimen/index.js";
import { frequencyById } from "../../regimen/terms.js";
import { DEFAULT_RADIUS_KM, relatedStudies, resolveNear, searchStudies, type SearchParams } from "../../search/index.js";
import type { SqliteStudyStore } from "../../store/sqlite.js";
import type { FacetValue, MatchResultView, NearestSite, RegimenGrid, RelatedTrial, SearchQuery, TrialMatchView } from "./views.js";

export interface SearchOutcome {
  total: number;
  /** This page's trials, best first, each with its nearest site when "near" was given. */
  items: Array<{ nctId: string; nearestSite?: NearestSite }>;
  facets: Record<string, FacetValue[]>;
  nearResolved?: string;
  notice?: string;
}

export interface MatchRequest {
  patient: Patient;
  asOf: string;
  /** Trial statuses to consider, or "all". */
  statuses: string[] | "all";
}

export interface WebServices {
  search(store: SqliteStudyStore, q: SearchQuery): SearchOutcome;
  related(store: SqliteStudyStore, nctId: string): RelatedTrial[];
  /** Parses a study's eligibility text when the store holds no parse. */
  parseCriteria?: (study: Study) => { parserVersion: string; criteria: Criterion[] } | undefined;
  /** Turns an uploaded FHIR Bundle or eligo JSON into a patient; throws naming the reason. */
  parsePatientInput?: (json: unknown, source: string) => Patient;
  /** Ranks the trials for the patient. Absent: the match page explains matching is unavailable. */
  match?: (store: SqliteStudyStore, req: MatchRequest) => Omit<MatchResultView, "patientSummary">;
  regimens?: (study: Study) => RegimenGrid[];
}

const MAX_OFFSET_STEP = 100;

/** The page the user asked for, reached by following the search's own cursors. */
function searchPage(store: SqliteStudyStore, params: SearchParams, page: number, pageSize: number) {
  let offset = (page - 1) * pageSize;
  let cursor: string | undefined;
  while (offset > 0) {
    const step = Math.min(offset, MAX_OFFSET_STEP);
    const skip = searchStudies(store, { ...params, cursor, pageSize: step });
    if (!skip.next) return { ...searchStudies(store, { ...params, pageSize: 1, facets: true }), studies: [] };
    cursor = skip.next;
    offset -= step;
  }
  return searchStudies(store, { ...params, cursor, pageSize, facets: true });
}

export function engineSearch(store: SqliteStudyStore, q: SearchQuery): SearchOutcome {
  const params: SearchParams = {};
  if (q.q) params.q = q.q;
  if (q.status.length) params.status = q.status;
  if (q.phase.length) params.phase = q.phase;
  if (q.studyType.length) params.studyType = q.studyType;
  if (q.country.length) params.country = q.country;
  if (q.sex === "FEMALE" || q.sex === "MALE") params.sex = q.sex;
  let nearResolved: string | undefined;
  let notice: string | undefined;
  if (q.near) {
    try {
      const point = resolveNear(q.near);
      params.near = { lat: point.lat, lon: point.lon };
      if (q.radiusKm) params.radiusKm = q.radiusKm;
      nearResolved = `${q.radiusKm ?? DEFAULT_RADIUS_KM} km of ${point.place ? `${point.place.name} (${point.place.countryCode})` : `${point.lat}, ${point.lon}`}`;
    } catch (e) {
      notice = `Near “${q.near}”: ${(e as Error).message}. Showing results without distance.`;
    }
  }
  if (q.sort === "lastUpdate" || q.sort === "startDate" || (q.sort === "distance" && params.near)) params.sort = q.sort;
  const r = searchPage(store, params, q.page, q.pageSize);
  const f = r.facets;
  return {
    total: r.total,
    items: r.studies.map((s) => {
      const loc = params.near ? s.locations[0] : undefined;
      return {
        nctId: s.nctId,
        nearestSite: loc
          ? { facility: loc.facility ?? undefined, city: loc.city ?? undefined, state: loc.state ?? undefined, country: loc.country ?? undefined, distanceKm: loc.distanceKm }
          : undefined,
      };
    }),
    facets: f ? { status: f.status, phase: f.phase, studyType: f.studyType, country: f.country.slice(0, 15) } : {},
    nearResolved,
    notice,
  };
}

export function engineRelated(store: SqliteStudyStore, nctId: string): RelatedTrial[] {
  return (relatedStudies(store, nctId, 8) ?? []).map((r) => ({ nctId: r.nctId, title: r.briefTitle ?? undefined, status: r.overallStatus, reasons: r.reasons }));
}

/** Parses kept per study and last update, so a page view does not re-parse. */
const parseCache = new Map<string, { parserVersion: string; criteria: Criterion[] }>();
const PARSE_CACHE_MAX = 500;
export function engineParse(study: Study) {
  const p = study.protocolSection;
  if (!p.eligibilityModule?.eligibilityCriteria) return undefined;
  const key = `${p.identificationModule.nctId}|${p.statusModule?.lastUpdatePostDateStruct?.date ?? ""}|${p.eligibilityModule.eligibilityCriteria.length}`;
  let hit = parseCache.get(key);
  if (!hit) {
    hit = parseEligibility(study);
    if (parseCache.size >= PARSE_CACHE_MAX) parseCache.delete(parseCache.keys().next().value as string);
    parseCache.set(key, hit);
  }
  return hit;
}

const UCUM_TIME: Record<string, string> = { a: "years", mo: "months", wk: "weeks", d: "days" };
/** "≥ 18 a" → "≥ 18 years": UCUM time codes read as words. */
const readableUnits = (s: string) => s.replace(/(\d)\s?(a|mo|wk|d)\b(?![-\w])/g, (_, n: string, u: string) => `${n} ${UCUM_TIME[u]}`);

/** "Haemoglobin 128 g/L; threshold ≥ 90 g/L" — one part per constraint evaluated, repeats dropped. */
export function evidenceText(evidence: Evidence[]): string {
  const parts = evidence.map((e) => {
    const bits: string[] = [];
    if (e.fact) bits.push(e.fact);
    if (e.value !== undefined && !(e.fact ?? "").includes(String(e.value))) bits.push(`${e.value}${e.unit ? ` ${e.unit}` : ""}`);
    if (e.threshold) bits.push(`threshold ${e.threshold}`);
    if (e.missing) bits.push(`not known: ${e.missing}`);
    if (e.note) bits.push(e.note);
    return readableUnits(bits.join("; "));
  });
  return [...new Set(parts.filter(Boolean))].join(" · ");
}

const trialCache = new TrialCache();

/** Trials listed on the results page, best first; the rest are counted. */
export const MAX_TRIALS_SHOWN = 50;

export function reportToView(store: SqliteStudyStore, report: MatchReport, maxShown = MAX_TRIALS_SHOWN): Omit<MatchResultView, "patientSummary"> {
  const counts = { eligible: 0, possible: 0, ineligible: 0 };
  for (const r of report.results) counts[r.verdict]++;
  const trials: TrialMatchView[] = report.results.slice(0, maxShown).map((r) => ({
    nctId: r.nctId,
    title: r.briefTitle ?? r.nctId,
    status: store.get(r.nctId)?.study.protocolSection.statusModule?.overallStatus ?? null,
    verdict: r.verdict,
    score: r.score,
    criteria: r.criteria.map((c) => ({
      kind: c.kind,
      text: c.text,
      outcome: c.status,
      evidence: evidenceText(c.evidence) || undefined,
      ...(c.cohort && !c.cohort.applies ? { otherCohort: c.cohort.title } : {}),
    })),
    questions: r.questions.map((q) => q.text),
  }));
  const warnings = report.results.length > maxShown ? [`Showing the best ${maxShown} of ${report.results.length} trials evaluated.`] : [];
  return { trials, evaluated: report.results.length, counts, warnings, topQuestions: report.questions.slice(0, 8).map((q) => ({ text: q.text, trials: q.trials.length })) };
}

export function engineMatch(store: SqliteStudyStore, req: MatchRequest): Omit<MatchResultView, "patientSummary"> {
  const report = matchPatient(store, req.patient, { asOf: req.asOf, status: req.statuses, cache: trialCache, parse: (s) => engineParse(s) });
  return reportToView(store, report);
}

function doseText(d: { dose?: number; unit?: string; route?: string; frequency?: string }): string {
  const dose = d.dose !== undefined ? `${d.dose} ${d.unit === "mg/m2" ? "mg/m²" : (d.unit ?? "")}`.trim() : "";
  const freq = d.frequency ? (frequencyById.get(d.frequency)?.label ?? d.frequency) : "";
  return [dose, d.route, freq].filter(Boolean).join(" ");
}

const regimenCache = new Map<string, RegimenGrid[]>();
const studyKey = (study: Study) =>
  `${study.protocolSection.identificationModule.nctId}|${study.protocolSection.statusModule?.lastUpdatePostDateStruct?.date ?? ""}|${JSON.stringify(study.protocolSection.armsInterventionsModule ?? {}).length}`;

/** Each arm phase with a cycle length and dosing days becomes a days × drugs grid (kept per study version). */
export function engineRegimens(study: Study): RegimenGrid[] {
  const key = studyKey(study);
  const hit = regimenCache.get(key);
  if (hit) return hit;
  const grids = regimenGrids(study);
  if (regimenCache.size >= PARSE_CACHE_MAX) regimenCache.delete(regimenCache.keys().next().value as string);
  regimenCache.set(key, grids);
  return grids;
}

function regimenGrids(study: Study): RegimenGrid[] {
  const grids: RegimenGrid[] = [];
  for (const arm of regimenOfStudy(study).arms) {
    const start = grids.length;
    for (const ph of arm.phases) {
      const rows = ph.drugs.filter((d) => d.days?.length).map((d) => ({ drug: d.drug, dose: doseText(d) || undefined, days: d.days ?? [], inferred: d.daysInferred }));
      const cycle = ph.cycleDays ?? Math.max(0, ...rows.flatMap((r) => r.days));
      if (!rows.length || cycle < 1 || cycle > 84) continue;
      grids.push({
        arm: arm.phases.length > 1 ? `${arm.label} — ${ph.name}` : arm.label,
        cycleLengthDays: cycle,
        cycles: ph.cycles ? (ph.cycles.min === ph.cycles.max ? `${ph.cycles.min} cycles` : `${ph.cycles.min}–${ph.cycles.max} cycles`) : undefined,
        until: ph.until,
        rows,
      });
    }
    // The arm's notes (caps, dose reductions) once, under its last grid.
    if (grids.length > start && arm.notes.length) grids[grids.length - 1].notes = arm.notes.map((n) => n.text);
  }
  return grids;
}

export const engineServices: WebServices = {
  search: engineSearch,
  related: engineRelated,
  parseCriteria: engineParse,
  parsePatientInput: (json, source) => parsePatientInput(json, source),
  match: engineMatch,
  regimens: engineRegimens,
};
