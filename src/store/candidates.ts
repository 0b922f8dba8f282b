/**
 * Candidate trials for matching, narrowed by the filter columns before any criterion is
 * evaluated: overall status, age range (days), sex, and condition family (keywords
 * matched against the trial's listed conditions). Returns light rows: no study JSON is
 * parsed here, so a caller can keep evaluated trials cached by (nctId, lastUpdate,
 * parserVersion).
 */
import type { SqliteStudyStore } from "./sqlite.js";

export interface CandidateFilter {
  /** Overall statuses admitted (e.g. ["RECRUITING", "NOT_YET_RECRUITING"]); "all" for any. */
  statuses: string[] | "all";
  /** The patient's age in days: trials whose range excludes it are skipped. */
  ageDays?: number;
  sex?: "male" | "female";
  /** Lower-case substrings; a trial passes when one occurs in its conditions (or it lists none). */
  conditionKeywords?: string[];
  /** Exactly these trials, no other filter (the "why not this one?" case). */
  nctIds?: string[];
}

export interface CandidateRow {
  nctId: string;
  briefTitle: string | null;
  overallStatus: string | null;
  conditions: string[];
  lastUpdate: string | null;
  /** Version of the stored parsed criteria, or null when none is stored. */
  parserVersion: string | null;
}

/** A year's slack on the maximum age: "70 Years" admits a patient of 70 years and 11 months. */
const MAX_AGE_SLACK_DAYS = 366;

interface IndexedRow extends CandidateRow {
  minAgeDays: number | null;
  maxAgeDays: number | null;
  sex: string | null;
  /** Lower-cased conditions joined with "; " (what the keywords are matched against). */
  conditionsLower: string;
}

/**
 * The filter columns of every study, read once and kept per store until the database
 * changes (PRAGMA data_version for other connections' commits, total_changes() for this
 * one's): a server matching many patients scans memory, not SQLite, and each distinct
 * conditions text is tested against a keyword set once.
 */
interface FilterIndex {
  version: string;
  rows: IndexedRow[];
  keywordMemo: Map<string, Map<string, boolean>>;
}
const indexes = new WeakMap<SqliteStudyStore, FilterIndex>();

function filterIndex(store: SqliteStudyStore): FilterIndex {
  const version = `${store.db.pragma("data_version", { simple: true })}:${store.db.prepare("SELECT total_changes()").pluck().get()}`;
  let idx = indexes.get(store);
  if (idx && idx.version === version) return idx;
  const raw = store.db
    .prepare(
      `SELECT s.nct_id, s.brief_title, s.overall_status, s.conditions, s.last_update, c.parser_version, s.min_age_days, s.max_age_days, s.sex
       FROM studies s LEFT JOIN parsed_criteria c ON c.nct_id = s.nct_id ORDER BY s.nct_id`,
    )
    .raw()
    .all() as Array<[string, string | null, string | null, string, string | null, string | null, number | null, number | null, string | null]>;
  const rows = raw.map(([nctId, briefTitle, overallStatus, conditions, lastUpdate, parserVersion, minAgeDays, maxAgeDays, sex]) => ({
    nctId,
    briefTitle,
    overallStatus,
    conditions: conditions ? conditions.split("; ").filter(Boolean) : [],
    lastUpdate,
    parserVersion,
    minAgeDays,
    maxAgeDays,
    sex,
    conditionsLower: (conditions ?? "").toLowerCase(),
  }));
  idx = { version, rows, keywordMemo: new Map() };
  indexes.set(store, idx);
  return idx;
}

const strip = ({ nctId, briefTitle, overallStatus, conditions, lastUpdate, parserVersion }: IndexedRow): CandidateRow => ({
  nctId,
  briefTitle,
  overallStatus,
  conditions,
  lastUpdate,
  parserVersion,
});

export function findCandidates(store: SqliteStudyStore, f: CandidateFilter): CandidateRow[] {
  const idx = filterIndex(store);
  if (f.nctIds) {
    const want = new Set(f.nctIds);
    return idx.rows.filter((r) => want.has(r.nctId)).map(strip);
  }
  const statuses = f.statuses === "all" ? undefined : new Set(f.statuses);
  if (statuses && statuses.size === 0) return [];
  const sex = f.sex?.toUpperCase();
  const keywords = f.conditionKeywords?.length ? f.conditionKeywords.map((k) => k.toLowerCase()) : undefined;
  let memo: Map<string, boolean> | undefined;
  if (keywords) {
    const key = keywords.join("\u0000");
    memo = idx.keywordMemo.get(key);
    if (!memo) idx.keywordMemo.set(key, (memo = new Map()));
  }
  const out: CandidateRow[] = [];
  for (const r of idx.rows) {
    if (statuses && !statuses.has(r.overallStatus ?? "")) continue;
    if (f.ageDays !== undefined) {
      if (r.minAgeDays !== null && r.minAgeDays > f.ageDays) continue;
      if (r.maxAgeDays !== null && r.maxAgeDays + MAX_AGE_SLACK_DAYS < f.ageDays) continue;
    }
    if (sex && r.sex !== null && r.sex !== "ALL" && r.sex !== sex) continue;
    if (keywords && r.conditionsLower !== "") {
      let hit = memo!.get(r.conditionsLower);
      if (hit === undefined) {
        hit = keywords.some((k) => r.conditionsLower.includes(k));
        memo!.set(r.conditionsLower, hit);
      }
      if (!hit) continue;
    }
    out.push(strip(r));
  }
  return out;
}

export interface MatchRow {
  nctId: string;
  /** The study's JSON, as stored. */
  json: string;
  /** Parsed criteria (JSON) and the parser version that made them, when stored. */
  criteria: { parserVersion: string; json: string } | null;
}

/** Study JSON and stored criteria of many trials in few queries (matching's cache misses). */
export function loadMatchRows(store: SqliteStudyStore, nctIds: string[]): MatchRow[] {
  const out: MatchRow[] = [];
  const CHUNK = 500;
  for (let i = 0; i < nctIds.length; i += CHUNK) {
    const ids = nctIds.slice(i, i + CHUNK);
    const rows = store.db
      .prepare(
        `SELECT s.nct_id, s.json, c.parser_version, c.json FROM studies s LEFT JOIN parsed_criteria c ON c.nct_id = s.nct_id
         WHERE s.nct_id IN (${ids.map(() => "?").join(",")})`,
      )
      .raw()
      .all(...ids) as Array<[string, string, string | null, string | null]>;
    for (const [nctId, json, pv, cj] of rows) out.push({ nctId, json, criteria: pv !== null && cj !== null ? { parserVersion: pv, json: cj } : null });
  }
  return out;
}
