/**
 * The data each page renders. Routes fill these from the store, the search module and
 * the matcher; renderers turn them into HTML and nothing else.
 */
import type { Criterion } from "../../criteria/types.js";
import type { Provenance, Study } from "../../model/study.js";

export interface SearchQuery {
  q: string;
  status: string[];
  phase: string[];
  studyType: string[];
  /** Countries (names or ISO codes) with a site. */
  country: string[];
  /** FEMALE or MALE: trials open to that sex; "" for any. */
  sex: string;
  /** A city name ("Guangzhou", "Guangzhou, China"). */
  near: string;
  radiusKm: number | null;
  /** "" (best match), "lastUpdate", "startDate" or "distance" (with near). */
  sort: string;
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface NearestSite {
  facility?: string;
  city?: string;
  state?: string;
  country?: string;
  distanceKm?: number;
}

export interface SearchHit {
  nctId: string;
  title: string;
  status: string | null;
  phases: string[];
  conditions: string[];
  sponsor: string | null;
  minAge?: string;
  maxAge?: string;
  sex?: string;
  nearestSite?: NearestSite;
  siteCount: number;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface SearchResultView {
  query: SearchQuery;
  total: number;
  hits: SearchHit[];
  /** Facet name ("status", "phase", "studyType", "sex") → values with counts. */
  facets: Record<string, FacetValue[]>;
  /** The radius and place "near" resolved to ("50 km of Guangzhou (CN)"), shown so users can spot a wrong guess. */
  nearResolved?: string;
  /** A problem with the query (unknown city, …), shown above the results. */
  notice?: string;
}

export interface RelatedTrial {
  nctId: string;
  title?: string;
  status?: string | null;
  reasons: string[];
}

export interface StudyView {
  study: Study;
  provenance?: Provenance;
  /** Parsed criteria, when the parser has run (stored or on the fly). */
  criteria?: Criterion[];
  /** Parser version that produced `criteria`. */
  parserVersion?: string;
  related: RelatedTrial[];
  /** Cycle grids of the arms' regimens, when the regimen module yields them. */
  regimens?: RegimenGrid[];
}

/** A regimen schedule as a grid: days × drugs, each cell saying whether the drug is given. */
export interface RegimenGrid {
  arm: string;
  cycleLengthDays: number;
  /** "4–6 cycles". */
  cycles?: string;
  /** Stopping rule as written ("until PD or intolerance"). */
  until?: string;
  /** inferred: the days follow from the frequency rather than being written. */
  rows: Array<{ drug: string; dose?: string; days: number[]; inferred?: boolean }>;
  notes?: string[];
}

export type Verdict = "eligible" | "possible" | "ineligible";
export type Outcome = "pass" | "fail" | "unknown";

export interface CriterionResultView {
  kind: "inclusion" | "exclusion" | "unknown";
  text: string;
  outcome: Outcome;
  evidence?: string;
  /** The cohort this criterion is for, when it is not the patient's: shown, not counted. */
  otherCohort?: string;
}

export interface TrialMatchView {
  nctId: string;
  title: string;
  status: string | null;
  verdict: Verdict;
  /** Higher ranks first; shown as given. */
  score?: number;
  criteria: CriterionResultView[];
  questions: string[];
}

export interface MatchResultView {
  /** One-line summary of the patient as understood ("58-year-old female, nasopharyngeal carcinoma …"). */
  patientSummary: string;
  trials: TrialMatchView[];
  /** Trials evaluated in total (the list may be cut). */
  evaluated: number;
  /** Verdicts over every evaluated trial, when the list is cut. */
  counts?: Record<Verdict, number>;
  warnings: string[];
  /** Questions that would settle the most undecided trials, with how many each decides. */
  topQuestions?: Array<{ text: string; trials: number }>;
}
