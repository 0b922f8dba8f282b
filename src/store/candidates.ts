/**
 * Candidate trials for matching, narrowed by indexed columns before any criterion is
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

export function findCandidates(store: SqliteStudyStore, f: CandidateFilter): CandidateRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.nctIds) {
    if (!f.nctIds.length) return [];
    where.push(`s.nct_id IN (${f.nctIds.map(() => "?").join(",")})`);
    params.push(...f.nctIds);
  } else {
    if (f.statuses !== "all") {
      if (!f.statuses.length) return [];
      where.push(`s.overall_status IN (${f.statuses.map(() => "?").join(",")})`);
      params.push(...f.statuses);
    }
    if (f.ageDays !== undefined) {
      where.push("(s.min_age_days IS NULL OR s.min_age_days <= ?)", "(s.max_age_days IS NULL OR s.max_age_days + ? >= ?)");
      params.push(f.ageDays, MAX_AGE_SLACK_DAYS, f.ageDays);
    }
    if (f.sex) {
      where.push("(s.sex IS NULL OR s.sex = 'ALL' OR s.sex = ?)");
      params.push(f.sex.toUpperCase());
    }
    if (f.conditionKeywords?.length) {
      const likes = f.conditionKeywords.map(() => "s.conditions LIKE ? ESCAPE '\\'");
      where.push(`(s.conditions = '' OR ${likes.join(" OR ")})`);
      params.push(...f.conditionKeywords.map((k) => `%${k.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
    }
  }
  const sql = `SELECT s.nct_id, s.brief_title, s.overall_status, s.conditions, s.last_update, c.parser_version
    FROM studies s LEFT JOIN parsed_criteria c ON c.nct_id = s.nct_id
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY s.nct_id`;
  const rows = store.db.prepare(sql).raw().all(...params) as Array<[string, string | null, string | null, string, string | null, string | null]>;
  return rows.map(([nctId, briefTitle, overallStatus, conditions, lastUpdate, parserVersion]) => ({
    nctId,
    briefTitle,
    overallStatus,
    conditions: conditions ? conditions.split("; ").filter(Boolean) : [],
    lastUpdate,
    parserVersion,
  }));
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
