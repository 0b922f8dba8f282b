/**
 * Live sync from ClinicalTrials.gov API v2: pages through `GET /api/v2/studies` for a
 * query, validates each page's studies and upserts them in one transaction per page.
 *
 * State lives in the store's meta table, keyed by endpoint and query (see syncStateKey):
 * - `<key>#cursor`: the page token of the next page of an unfinished run, written in the
 *   same transaction as the page before it, so an interrupted run resumes exactly where
 *   it stopped and never writes a page twice or half;
 * - `<key>#lastSync`: when the last complete run started; the next run asks only for
 *   records updated since (`filter.advanced=AREA[LastUpdatePostDate]RANGE[…,MAX]`).
 */
import { z } from "zod";
import { formatZodError, nctIdOf, Study } from "../../model/study.js";
import type { StudyStore } from "../../store/store.js";
import { AbortedError, getJson, type HttpOptions } from "./http.js";
import {
  DEFAULT_BASE_URL,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  normaliseQuery,
  pageUrl,
  syncStateKey,
  type NormalisedQuery,
  type SyncQuery,
} from "./params.js";

/** What the sync needs of a store: upserts, transactions and the meta table. */
export type SyncStore = Pick<StudyStore, "upsert" | "transaction" | "getMeta" | "setMeta">;

export interface SyncOptions {
  /** Default https://clinicaltrials.gov. */
  baseUrl?: string;
  query?: SyncQuery;
  /** 1–1000, default 100. */
  pageSize?: number;
  /** Stop after this many pages; the cursor is kept, so the next run continues. */
  maxPages?: number;
  /** Ignore a saved page token and start the run again from its first page. */
  restart?: boolean;
  /** Ignore the last sync date: fetch every matching record, not only updated ones. */
  full?: boolean;
  /** Retry, timeout and transport settings (tests inject sleep and fetch here). */
  http?: Partial<HttpOptions>;
  /** Clock for importedAt and the last sync time. */
  now?: () => Date;
  onProgress?: (p: SyncProgress) => void;
  /** Stops the run between or during requests; committed pages stay, the cursor is kept. */
  signal?: AbortSignal;
}

export interface SyncCounts {
  imported: number;
  updated: number;
  unchanged: number;
}

export interface SyncProgress extends SyncCounts {
  /** Pages committed in this run and, for a resumed run, before it. */
  page: number;
  /** Studies received so far (this run and, when resumed, the interrupted one). */
  studies: number;
  /** Matching studies in all pages, when the server counted them. */
  total?: number;
}

export interface SyncResult extends SyncCounts {
  /** The endpoint synced, e.g. https://clinicaltrials.gov/api/v2/studies. */
  endpoint: string;
  query: NormalisedQuery;
  /** Pages fetched and committed by this run. */
  pages: number;
  /** Studies received by this run. */
  studies: number;
  total?: number;
  /** True when the last page was reached; false when --max-pages stopped the run. */
  complete: boolean;
  /** This run continued an interrupted one from its saved page token. */
  resumed: boolean;
  /** Incremental run: records updated on or after this date (YYYY-MM-DD). */
  since?: string;
  /** When the run started (ISO time); saved as the last sync time once complete. */
  startedAt: string;
}

/** A sync stopped for a reason worth telling the user; committed pages stay. */
export class SyncError extends Error {
  constructor(
    message: string,
    readonly pagesCommitted: number,
  ) {
    super(message);
    this.name = "SyncError";
  }
}

/** The run was interrupted through options.signal; run it again to resume. */
export class SyncInterruptedError extends SyncError {
  constructor(pagesCommitted: number) {
    super(`sync interrupted after ${pagesCommitted} page${pagesCommitted === 1 ? "" : "s"}; run it again to resume`, pagesCommitted);
    this.name = "SyncInterruptedError";
  }
}

/** What is kept between pages of a run (meta `<key>#cursor`). */
const Cursor = z.object({
  pageToken: z.string().min(1),
  /** The run's filter: every page of a run must repeat the first page's parameters. */
  since: z.string().nullable(),
  startedAt: z.string(),
  pages: z.number().int().nonnegative(),
  studies: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
});
type Cursor = z.infer<typeof Cursor>;

/** One page of the API's answer. `studies` is checked study by study afterwards. */
const PageEnvelope = z.looseObject({
  studies: z.array(z.unknown()),
  nextPageToken: z.string().optional(),
  totalCount: z.number().int().nonnegative().optional(),
});

export interface SyncState {
  key: string;
  lastSync?: string;
  cursor?: Cursor;
}

/** The saved state of a query: last complete sync and unfinished run, if any. */
export function syncState(store: SyncStore, baseUrl: string = DEFAULT_BASE_URL, query: SyncQuery = {}): SyncState {
  const key = syncStateKey(baseUrl, normaliseQuery(query));
  return { key, lastSync: store.getMeta(`${key}#lastSync`), cursor: readCursor(store, `${key}#cursor`) };
}

function readCursor(store: SyncStore, metaKey: string): Cursor | undefined {
  const raw = store.getMeta(metaKey);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const r = Cursor.safeParse(parsed);
  if (!r.success) {
    throw new Error(`the saved sync cursor (meta "${metaKey}") is unreadable; start the run again with --restart`);
  }
  return r.data;
}

/** The date one day before `iso`'s UTC date: the registry posts on US time, so overlap a day. */
export function sinceDate(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`invalid last sync time "${iso}"`);
  return new Date(t - 86_400_000).toISOString().slice(0, 10);
}

/** Pages through the API for options.query and upserts every study into store. */
export async function syncStudies(store: SyncStore, options: SyncOptions = {}): Promise<SyncResult> {
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
  const query = normaliseQuery(options.query);
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new Error(`invalid page size ${pageSize}: expected a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (options.maxPages !== undefined && (!Number.isInteger(options.maxPages) || options.maxPages < 1)) {
    throw new Error(`invalid page limit ${options.maxPages}: expected a whole number of at least 1`);
  }
  const now = options.now ?? (() => new Date());
  const key = syncStateKey(baseUrl, query);
  const cursorKey = `${key}#cursor`;
  const lastSyncKey = `${key}#lastSync`;
  const endpoint = pageUrl(baseUrl, query, { pageSize }).split("?")[0] as string;

  // --restart drops an unfinished run; so does --full when that run was incremental.
  let saved = options.restart ? undefined : readCursor(store, cursorKey);
  if (options.full && saved?.since) saved = undefined;
  if (options.restart || (options.full && !saved)) store.setMeta(cursorKey, null);
  const lastSync = options.full ? undefined : store.getMeta(lastSyncKey);
  // A resumed run keeps its own filter: the API wants every page's parameters unchanged.
  const since = saved ? (saved.since ?? undefined) : lastSync ? sinceDate(lastSync) : undefined;
  const startedAt = saved?.startedAt ?? now().toISOString();

  const counts: SyncCounts = { imported: 0, updated: 0, unchanged: 0 };
  let total = saved?.total ?? undefined;
  const pageToken = saved?.pageToken;
  const pagesBefore = saved?.pages ?? 0;
  const studiesBefore = saved?.studies ?? 0;
  let pages = 0;
  let studies = 0;
  let complete = false;
  const userSignal = options.signal ?? options.http?.signal;
  // The run's own signal also cancels a prefetched page when the run stops early.
  const runCtrl = new AbortController();
  const onUserAbort = () => runCtrl.abort();
  if (userSignal?.aborted) runCtrl.abort();
  else userSignal?.addEventListener("abort", onUserAbort, { once: true });
  const http: Partial<HttpOptions> = { ...options.http, signal: runCtrl.signal };
  const withinLimit = (pagesDone: number) => options.maxPages === undefined || pagesDone < options.maxPages;

  interface Fetched {
    url: string;
    token: string | undefined;
    result: Promise<{ body: unknown } | { error: unknown }>;
  }
  const fetchPage = (token: string | undefined): Fetched => {
    const url = pageUrl(baseUrl, query, { pageSize, pageToken: token, since, countTotal: token === undefined });
    // Settled either way, so a prefetch that is never awaited cannot go unhandled.
    const result = getJson(url, http).then(
      (body) => ({ body }),
      (error: unknown) => ({ error }),
    );
    return { url, token, result };
  };

  try {
    let inflight: Fetched | undefined = withinLimit(0) ? fetchPage(pageToken) : undefined;
    while (inflight) {
      const { url, token } = inflight;
      const got = await inflight.result;
      inflight = undefined;
      const pageNo = pagesBefore + pages + 1;
      if (userSignal?.aborted) throw new SyncInterruptedError(pages);
      if ("error" in got) {
        if (got.error instanceof AbortedError) throw new SyncInterruptedError(pages);
        const resumeHint = token ? " (run it again to resume from this page, or --restart)" : "";
        throw new SyncError(`sync stopped at page ${pageNo}: ${(got.error as Error).message}${resumeHint}`, pages);
      }

      const env = PageEnvelope.safeParse(got.body);
      if (!env.success) {
        throw new SyncError(
          `sync stopped at page ${pageNo}: ${url} did not answer a page of studies (${formatZodError(env.error)})`,
          pages,
        );
      }
      const next = env.data.nextPageToken || undefined;
      if (next !== undefined && next === token) {
        throw new SyncError(`sync stopped at page ${pageNo}: ${url} answered its own page token as the next one`, pages);
      }
      if (token === undefined && env.data.totalCount !== undefined) total = env.data.totalCount;

      // Validate the whole page before writing any of it.
      const valid: Study[] = [];
      const problems: string[] = [];
      env.data.studies.forEach((raw, i) => {
        const r = Study.safeParse(raw);
        if (r.success) valid.push(r.data);
        else problems.push(`study ${i + 1} (${describeRaw(raw)}): ${formatZodError(r.error)}`);
      });
      if (problems.length) {
        throw new SyncError(
          `sync stopped at page ${pageNo} (${url}): ${problems.length} of ${env.data.studies.length} studies are invalid, ` +
            `so nothing from this page was written: ${problems.slice(0, 3).join(" | ")}` +
            (problems.length > 3 ? ` | … and ${problems.length - 3} more` : ""),
          pages,
        );
      }

      // Ask for the next page now, so the network works while this one is written. The
      // cursor moves only when this page commits, so the prefetch changes nothing on resume.
      if (next && withinLimit(pages + 1)) inflight = fetchPage(next);

      const importedAt = now().toISOString();
      const provenance = { sourceKind: "ctgov-api-sync" as const, source: url, importedAt };
      const pageCounts: SyncCounts = { imported: 0, updated: 0, unchanged: 0 };
      store.transaction(() => {
        for (const s of valid) pageCounts[store.upsert(s, provenance)]++;
        if (next) {
          const c: Cursor = {
            pageToken: next,
            since: since ?? null,
            startedAt,
            pages: pageNo,
            studies: studiesBefore + studies + valid.length,
            total: total ?? null,
          };
          store.setMeta(cursorKey, JSON.stringify(c));
        } else {
          store.setMeta(cursorKey, null);
          store.setMeta(lastSyncKey, startedAt);
        }
      });
      pages++;
      studies += valid.length;
      counts.imported += pageCounts.imported;
      counts.updated += pageCounts.updated;
      counts.unchanged += pageCounts.unchanged;
      options.onProgress?.({ page: pageNo, studies: studiesBefore + studies, total, ...counts });
      if (!next) complete = true;
    }
  } finally {
    runCtrl.abort();
    userSignal?.removeEventListener("abort", onUserAbort);
  }

  return {
    endpoint,
    query,
    pages,
    studies,
    ...counts,
    ...(total !== undefined ? { total } : {}),
    complete,
    resumed: saved !== undefined,
    ...(since !== undefined ? { since } : {}),
    startedAt,
  };
}

function describeRaw(raw: unknown): string {
  try {
    return nctIdOf(raw as Study) ?? "no NCT id";
  } catch {
    return "no NCT id";
  }
}
