/**
 * What the search asks of FTS5: the rowids matching an expression and their BM25 scores
 * (with the field weights of FTS_COLUMNS). Everything else about a search runs over the
 * snapshot (./search-snapshot.ts). Only MATCH, rowid and bm25() are used, so the table may
 * be contentless.
 */
import type Database from "better-sqlite3";
import { FTS_COLUMNS } from "./search-index.js";
import type { Matches } from "./search-matches.js";
import { cached, keep, type SearchSnapshot } from "./search-snapshot.js";
import { prepare } from "./search-statements.js";

const WEIGHTS = FTS_COLUMNS.map((c) => c.weight).join(", ");

const bytesOf = (m: Matches) => m.idx.byteLength + (m.score?.byteLength ?? 0);

let collected: { ids: Float64Array; scores: Float64Array; n: number } | undefined;
const withCollector = new WeakSet<Database.Database>();

/** The result cache's key for an expression's matches. */
export const textKey = (match: string) => `text:${match}`;

/** The studies whose text matches an FTS5 expression (ascending idx), with BM25 scores if asked; cached per snapshot. */
export function textMatches(db: Database.Database, snap: SearchSnapshot, match: string, withScores: boolean): Matches {
  const key = textKey(match);
  const hit = cached<Matches>(snap, key);
  if (hit && (hit.score || !withScores)) return hit;
  const m = withScores ? scoredMatches(db, snap, match) : rowidMatches(db, snap, match);
  keep(snap, key, m, bytesOf(m));
  return m;
}

/** Rowids of the matches, as one string from SQLite (a row per match through the driver costs ~1 µs each). */
function rowidMatches(db: Database.Database, snap: SearchSnapshot, match: string): Matches {
  const list = prepare(db, "SELECT group_concat(rowid) FROM search_fts WHERE search_fts MATCH @match").pluck().get({ match }) as string | null;
  return { idx: idxOfList(snap, list) };
}

/** The best matches by BM25, best first (ties by nct_id), with every match's idx. */
export interface RankedText {
  /** Every match, ascending snapshot idx. */
  idx: Int32Array;
  /** Snapshot idx of the best, in order, and their scores. */
  best: number[];
  bestScore: number[];
  /** True when `best` holds every match. */
  complete: boolean;
}

/**
 * The words' matches and their best `want` by BM25 in one pass of FTS5: its rows are kept in
 * a temporary table that gives both the rowid list and, by a bounded sort in C, the best
 * rows — not a score per match through JS (~0.3 µs each, a third of the time for a word in
 * most studies), nor a second match of the words (a prefix's merge costs as much). Rows
 * scoring as the last one read may continue past it: only those strictly better are kept,
 * so a tie is never cut; fewer than wanted then (rare) is for the caller to complete.
 */
export function rankedTextMatches(db: Database.Database, snap: SearchSnapshot, match: string, want: number): RankedText {
  const rows = prepare(
    db,
    `WITH m(id, s) AS MATERIALIZED (SELECT rowid, bm25(search_fts, ${WEIGHTS}) FROM search_fts WHERE search_fts MATCH @match)
     SELECT NULL, (SELECT group_concat(id) FROM m) UNION ALL SELECT * FROM (SELECT id, s FROM m ORDER BY s LIMIT @n)`,
  )
    .raw()
    .all({ match, n: want }) as Array<[number | null, number | string | null]>;
  const head = rows.find((r) => r[0] === null);
  const idx = idxOfList(snap, (head?.[1] as string | null) ?? null);
  const top = rows.filter((r) => r[0] !== null) as Array<[number, number]>;
  const complete = top.length < want;
  const last = complete ? Infinity : top[top.length - 1][1];
  const scored: Array<[number, number]> = [];
  for (const [docId, s] of top) {
    if (!(s < last)) break;
    const i = snap.idxOf(docId);
    if (i >= 0) scored.push([i, s]);
  }
  const rank = snap.cols.nctRank;
  scored.sort((a, b) => a[1] - b[1] || rank[a[0]] - rank[b[0]]);
  return { idx, best: scored.map((x) => x[0]), bestScore: scored.map((x) => x[1]), complete };
}

/** Snapshot idx (ascending) of a comma-separated rowid list. */
function idxOfList(snap: SearchSnapshot, list: string | null): Int32Array {
  const out: number[] = [];
  if (list) {
    let v = 0;
    for (let k = 0; k <= list.length; k++) {
      const ch = k < list.length ? list.charCodeAt(k) : 44;
      if (ch === 44) {
        const i = snap.idxOf(v);
        if (i >= 0) out.push(i);
        v = 0;
      } else if (ch === 45) {
        throw new Error("search_fts has a negative rowid");
      } else v = v * 10 + (ch - 48);
    }
  }
  const idx = Int32Array.from(out);
  if (!isAscending(idx)) idx.sort();
  return idx;
}

/** Rowids and BM25 scores (exact doubles) of every match, gathered by an aggregate function. */
function scoredMatches(db: Database.Database, snap: SearchSnapshot, match: string): Matches {
  if (!withCollector.has(db)) {
    db.aggregate("eligo_collect_scores", {
      start: 0,
      varargs: false,
      // better-sqlite3's typings know two-argument steps only; the function takes (n, id, score).
      step: ((n: number, id: unknown, score: unknown) => {
        const c = collected!;
        if (c.n === c.ids.length) {
          const ids = new Float64Array(c.ids.length * 2);
          const scores = new Float64Array(c.ids.length * 2);
          ids.set(c.ids);
          scores.set(c.scores);
          c.ids = ids;
          c.scores = scores;
        }
        c.ids[c.n] = id as number;
        c.scores[c.n++] = score as number;
        return n + 1;
      }) as unknown as (total: number, next: number) => number,
    });
    withCollector.add(db);
  }
  collected = { ids: new Float64Array(1024), scores: new Float64Array(1024), n: 0 };
  try {
    // bm25() cannot be an aggregate's argument; a materialised CTE computes it row by row first.
    prepare(
      db,
      `WITH m(id, score) AS MATERIALIZED (SELECT rowid, bm25(search_fts, ${WEIGHTS}) FROM search_fts WHERE search_fts MATCH @match)
       SELECT eligo_collect_scores(id, score) FROM m`,
    )
      .pluck()
      .get({ match });
    const { ids, scores, n } = collected;
    const order: number[] = [];
    const idxs: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = snap.idxOf(ids[k]);
      if (i >= 0) {
        order.push(k);
        idxs.push(i);
      }
    }
    let idx = Int32Array.from(idxs);
    let score = Float64Array.from(order, (k) => scores[k]);
    if (!isAscending(idx)) {
      const perm = Array.from(idx.keys()).sort((a, b) => idx[a] - idx[b]);
      idx = Int32Array.from(perm, (k) => idxs[k]);
      score = Float64Array.from(perm, (k) => scores[order[k]]);
    }
    return { idx, score };
  } finally {
    collected = undefined;
  }
}

function isAscending(a: Int32Array): boolean {
  for (let k = 1; k < a.length; k++) if (a[k] <= a[k - 1]) return false;
  return true;
}

/**
 * BM25 scores of a few matches (a page not ordered by relevance still shows them). The
 * rowid range lets FTS5 read only that stretch of its lists; "+rowid IN" is tested per row
 * (as a plain "rowid IN" FTS5 would restart the query, and bm25's statistics, per rowid).
 */
export function scoresOf(db: Database.Database, match: string, docIds: number[]): Map<number, number> {
  if (!docIds.length) return new Map();
  let lo = docIds[0];
  let hi = docIds[0];
  for (const d of docIds) {
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const rows = prepare(
    db,
    `SELECT rowid, bm25(search_fts, ${WEIGHTS}) FROM search_fts
     WHERE search_fts MATCH @match AND rowid BETWEEN @lo AND @hi AND +rowid IN (SELECT value FROM json_each(@ids))`,
  )
    .raw()
    .all({ match, lo, hi, ids: JSON.stringify(docIds) }) as Array<[number, number]>;
  return new Map(rows);
}
