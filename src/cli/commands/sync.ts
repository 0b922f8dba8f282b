/**
 * `eligo sync`: fetch studies from the ClinicalTrials.gov API v2 into the database —
 * resumable after an interruption, incremental after a complete run.
 */
import { InvalidArgumentError, type Command } from "commander";
import cliProgress from "cli-progress";
import { reparseStale } from "../../criteria/persist.js";
import { DEFAULT_BASE_URL, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type NormalisedQuery } from "../../ingest/sync/params.js";
import type { RetryEvent } from "../../ingest/sync/http.js";
import { SyncInterruptedError, syncStudies, type SyncProgress, type SyncResult } from "../../ingest/sync/sync.js";
import { addDbOption, dbPath, openDb, paint, useColor } from "../common.js";

interface SyncCliOptions {
  db?: string;
  cond?: string;
  term?: string;
  intr?: string;
  status?: string;
  pageSize: number;
  maxPages?: number;
  baseUrl: string;
  restart?: boolean;
  full?: boolean;
  maxRetries: number;
  timeout: number;
  json?: boolean;
  progress?: boolean;
}

const wholeNumber = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new InvalidArgumentError(`${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}, got "${value}".`);
  }
  return n;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function describeQuery(q: NormalisedQuery): string {
  const parts: string[] = [];
  if (q.cond) parts.push(`cond="${q.cond}"`);
  if (q.term) parts.push(`term="${q.term}"`);
  if (q.intr) parts.push(`intr="${q.intr}"`);
  if (q.status.length) parts.push(`status=${q.status.join(",")}`);
  return parts.length ? parts.join(" ") : "all studies";
}

/** The lines printed after a run. */
export function summaryLines(r: SyncResult, db: string, color = useColor()): string[] {
  const counts = `${r.imported} imported, ${r.updated} updated, ${r.unchanged} unchanged`;
  const lines = [
    `${plural(r.studies, "study", "studies")} in ${plural(r.pages, "page")} from ${r.endpoint} (${describeQuery(r.query)}): ${paint(counts, "bold", color)}`,
  ];
  const notes: string[] = [];
  if (r.resumed) notes.push("resumed an interrupted run");
  if (r.since) notes.push(`only records updated since ${r.since}`);
  if (r.total !== undefined) notes.push(`${r.total} matching in all`);
  if (notes.length) lines.push(notes.join("; "));
  if (r.complete) {
    lines.push(`Up to date (database ${db}); the next run fetches only records updated since this one.`);
  } else {
    lines.push(paint(`Stopped at the page limit (database ${db}); run the same command again to continue.`, "yellow", color));
  }
  return lines;
}

export function registerSync(program: Command): void {
  addDbOption(
    program
      .command("sync")
      .description(
        "fetch studies from the ClinicalTrials.gov API v2 into the database; resumes an interrupted run, " +
          "and after a complete run fetches only records updated since",
      )
      .option("--cond <text>", "conditions to search (query.cond), e.g. \"lung cancer\"")
      .option("--term <text>", "other terms to search (query.term)")
      .option("--intr <text>", "interventions to search (query.intr), e.g. anlotinib")
      .option("--status <list>", "overall statuses, comma-separated (filter.overallStatus), e.g. RECRUITING,NOT_YET_RECRUITING")
      .option("--page-size <n>", `studies per request, 1–${MAX_PAGE_SIZE}`, wholeNumber("--page-size", 1, MAX_PAGE_SIZE), DEFAULT_PAGE_SIZE)
      .option("--max-pages <n>", "stop after this many pages (the next run continues)", wholeNumber("--max-pages", 1))
      .option("--base-url <url>", "API server (a mirror, a proxy, a test server)", DEFAULT_BASE_URL)
      .option("--restart", "ignore the saved position of an interrupted run and start from the first page")
      .option("--full", "fetch every matching record, not only those updated since the last sync")
      .option("--max-retries <n>", "retries per request on HTTP 429, 5xx, timeouts and network errors", wholeNumber("--max-retries", 0, 100), 5)
      .option("--timeout <seconds>", "time limit per request", wholeNumber("--timeout", 1, 3600), 60)
      .option("--json", "print the result as JSON")
      .option("--no-progress", "never show a progress bar (it is shown only on a terminal anyway)"),
  ).action(async (opts: SyncCliOptions) => {
    const store = openDb(opts);
    const color = useColor();
    const errColor = useColor(process.stderr);
    const showBar = opts.progress !== false && Boolean(process.stderr.isTTY);
    let bar: cliProgress.SingleBar | undefined;
    if (showBar) {
      // Shown from the start: the first page of a large query can take a while.
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: "syncing [{bar}] {value}/{totalText} studies | page {page} | {imported} new, {updated} updated {note}",
          hideCursor: true,
          clearOnComplete: true,
          barsize: 30,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(1, 0, { totalText: "?", page: "-", imported: 0, updated: 0, note: "" });
    }
    const onProgress = bar
      ? (p: SyncProgress) => {
          const total = Math.max(p.total ?? p.studies, p.studies, 1);
          bar!.setTotal(total);
          bar!.update(p.studies, {
            totalText: p.total === undefined ? "?" : String(total),
            page: p.page,
            imported: p.imported,
            updated: p.updated,
            note: "",
          });
        }
      : undefined;
    const onRetry = (e: RetryEvent) => {
      const wait = e.delayMs >= 1000 ? `${Math.round(e.delayMs / 1000)} s` : `${e.delayMs} ms`;
      const msg = `retry ${e.retry}/${e.maxRetries} in ${wait} after ${e.reason}`;
      if (bar) bar.update({ note: `| ${msg}` });
      else process.stderr.write(`${paint("warning", "yellow", errColor)}: ${e.url}: ${msg}\n`);
    };

    const ctrl = new AbortController();
    const onSigint = () => ctrl.abort();
    process.once("SIGINT", onSigint);
    let result: SyncResult;
    let parsed = 0;
    try {
      result = await syncStudies(store, {
        baseUrl: opts.baseUrl,
        query: {
          cond: opts.cond,
          term: opts.term,
          intr: opts.intr,
          status: opts.status?.split(/[,|]/) ?? [],
        },
        pageSize: opts.pageSize,
        maxPages: opts.maxPages,
        restart: opts.restart,
        full: opts.full,
        http: { maxRetries: opts.maxRetries, timeoutMs: opts.timeout * 1000, onRetry },
        onProgress,
        signal: ctrl.signal,
      });
      // Criteria of the new and changed studies, parsed once and stored (see `eligo import`).
      parsed = reparseStale(store).parsed;
    } catch (e) {
      bar?.stop();
      if (e instanceof SyncInterruptedError) {
        process.stderr.write(`eligo: ${e.message} (database ${dbPath(opts)})\n`);
        process.exitCode = 130;
        return;
      }
      throw e;
    } finally {
      process.removeListener("SIGINT", onSigint);
      bar?.stop();
      store.close();
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ ...result, criteriaParsed: parsed }, null, 2)}\n`);
      return;
    }
    for (const line of summaryLines(result, dbPath(opts), color)) process.stdout.write(`${line}\n`);
    if (parsed) process.stdout.write(`eligibility criteria parsed for ${parsed} ${parsed === 1 ? "study" : "studies"}\n`);
  });
}
