/**
 * The query a sync runs, and the request URLs built from it, for ClinicalTrials.gov API
 * v2's `GET /api/v2/studies` (parameters `query.cond`, `query.term`, `query.intr`,
 * `filter.overallStatus`, `filter.advanced`, `pageSize`, `pageToken`, `countTotal`,
 * `format`). Also the meta-table keys that hold a query's sync state.
 */
import { OverallStatus } from "../../model/study.js";

export const DEFAULT_BASE_URL = "https://clinicaltrials.gov";
export const DEFAULT_PAGE_SIZE = 100;
/** The API refuses larger pages. */
export const MAX_PAGE_SIZE = 1000;

/** What to fetch. Empty fields are ignored; no field at all means the whole registry. */
export interface SyncQuery {
  /** `query.cond`: conditions, in the API's Essie syntax. */
  cond?: string;
  /** `query.term`: other terms (the "BasicSearch" area). */
  term?: string;
  /** `query.intr`: interventions. */
  intr?: string;
  /** `filter.overallStatus`: statuses such as RECRUITING. */
  status?: readonly string[];
}

export interface NormalisedQuery {
  cond?: string;
  term?: string;
  intr?: string;
  status: string[];
}

/**
 * Trims the text fields, upper-cases, de-duplicates and sorts the statuses, and checks
 * them against the API's enum, so two spellings of one query share their sync state.
 */
export function normaliseQuery(q: SyncQuery = {}): NormalisedQuery {
  const text = (v: string | undefined) => {
    const t = v?.trim();
    return t ? t : undefined;
  };
  const status = [...new Set((q.status ?? []).map((s) => s.trim().toUpperCase()).filter(Boolean))].sort();
  for (const s of status) {
    if (!OverallStatus.safeParse(s).success) {
      throw new Error(`unknown overall status "${s}": expected one of ${OverallStatus.options.join(", ")}`);
    }
  }
  const out: NormalisedQuery = { status };
  const cond = text(q.cond);
  const term = text(q.term);
  const intr = text(q.intr);
  if (cond) out.cond = cond;
  if (term) out.term = term;
  if (intr) out.intr = intr;
  return out;
}

/**
 * The studies endpoint under a base URL. The base may carry a path prefix (a mirror or a
 * proxy) and may already end in `/api/v2` or `/api/v2/studies`.
 */
export function studiesEndpoint(baseUrl: string = DEFAULT_BASE_URL): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new Error(`invalid base URL "${baseUrl}": not an absolute URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new Error(`invalid base URL "${baseUrl}": only http and https are supported`);
  }
  if (u.search || u.hash) throw new Error(`invalid base URL "${baseUrl}": it must not carry a query or fragment`);
  const path = u.pathname.replace(/\/+$/, "").replace(/\/api\/v2(\/studies)?$/, "");
  return `${u.origin}${path}/api/v2/studies`;
}

/** The query's own parameters, in a fixed order: the part every page of a run repeats. */
export function queryParams(q: NormalisedQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.cond) p.set("query.cond", q.cond);
  if (q.term) p.set("query.term", q.term);
  if (q.intr) p.set("query.intr", q.intr);
  if (q.status.length) p.set("filter.overallStatus", q.status.join(","));
  return p;
}

/** `AREA[LastUpdatePostDate]RANGE[<since>,MAX]`: records posted or updated on or after since. */
export function lastUpdateFilter(since: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new Error(`invalid last-sync date "${since}": expected YYYY-MM-DD`);
  return `AREA[LastUpdatePostDate]RANGE[${since},MAX]`;
}

export interface PageRequest {
  pageSize: number;
  pageToken?: string;
  /** Ask for `totalCount` (the API only answers it on a run's first page). */
  countTotal?: boolean;
  /** Incremental runs: only records updated on or after this date (YYYY-MM-DD). */
  since?: string;
}

/** The URL of one page. */
export function pageUrl(baseUrl: string, q: NormalisedQuery, page: PageRequest): string {
  if (!Number.isInteger(page.pageSize) || page.pageSize < 1 || page.pageSize > MAX_PAGE_SIZE) {
    throw new Error(`invalid page size ${page.pageSize}: expected a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  const p = queryParams(q);
  if (page.since) p.set("filter.advanced", lastUpdateFilter(page.since));
  p.set("pageSize", String(page.pageSize));
  if (page.pageToken) p.set("pageToken", page.pageToken);
  if (page.countTotal) p.set("countTotal", "true");
  p.set("format", "json");
  return `${studiesEndpoint(baseUrl)}?${p.toString()}`;
}

/**
 * The meta-table key prefix of a query's sync state: the endpoint plus the query's
 * parameters (not the page size, which may change between pages of one run).
 */
export function syncStateKey(baseUrl: string, q: NormalisedQuery): string {
  const params = queryParams(q).toString();
  return `sync:${studiesEndpoint(baseUrl)}${params ? `?${params}` : ""}`;
}
