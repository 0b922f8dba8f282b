/**
 * Related trials: for one stored study, the others most alike by shared interventions,
 * conditions (and MeSH terms), condition families (MeSH ancestors or the synonym table's
 * families), phase and title words — each shared item weighted by how rare it is in the
 * store (IDF), so "anlotinib" counts for more than "Neoplasms". Links that the study's
 * registry page lists (referencesModule.seeAlsoLinks) are included when stored.
 */
import type Database from "better-sqlite3";
import type { Study } from "../model/study.js";
import { FTS_COLUMNS } from "./search-index.js";
import { searchSnapshot } from "./search-snapshot.js";
import { reading } from "./search-statements.js";
import { synonymTable, tokens } from "./search-text.js";

export interface RelatedStudy {
  nctId: string;
  briefTitle: string | null;
  overallStatus: string | null;
  phases: string[];
  /** Higher is more alike; comparable within one answer only. */
  score: number;
  /** The reasons, joined: "same drug: anlotinib; same condition family: lung neoplasms". */
  why: string;
  reasons: string[];
}

const BASE = { intervention: 3, condition: 2.5, family: 1.2, phase: 0.4, text: 1.5, seeAlso: 4 } as const;

const STOP = new Set(
  "a an and as at by for from in into of on or the to with without versus vs study trial patients patient phase randomized randomised clinical open label single arm multicenter multi center efficacy safety evaluate evaluating treatment treated therapy combined combination plus after before previously second line first who".split(
    " ",
  ),
);

interface Acc {
  score: number;
  reasons: string[];
  kinds: Set<string>;
}

const lower = (s: string) => s.trim().toLowerCase();

/** The words naming a study's interventions → "drug" or "intervention" (by intervention type). */
function interventionWords(db: Database.Database, nctId: string): Map<string, "drug" | "intervention"> {
  const t = synonymTable();
  const generic = new Set(t.genericInterventions.map(lower));
  const stop = new Set(t.interventionStopWords);
  const out = new Map<string, "drug" | "intervention">();
  const rows = db.prepare("SELECT name, type FROM study_interventions WHERE nct_id = ?").all(nctId) as Array<{ name: string; type: string | null }>;
  for (const r of rows) {
    if (generic.has(lower(r.name))) continue;
    const kind = r.type === null || r.type === "DRUG" || r.type === "BIOLOGICAL" ? "drug" : "intervention";
    for (const w of tokens(r.name)) {
      if (w.length < 4 || stop.has(w) || /^\d/.test(w)) continue;
      if (!out.has(w) || kind === "drug") out.set(w, kind);
    }
  }
  return out;
}

/** The related studies of nctId, best first; undefined when nctId is not stored. */
export function relatedStudies(db: Database.Database, nctId: string, limit = 10): RelatedStudy[] | undefined {
  // One read transaction: the snapshot and the tables seen in one state.
  return reading(db, (callerInTransaction) => related(db, nctId, limit, callerInTransaction));
}

function related(db: Database.Database, nctId: string, limit: number, callerInTransaction: boolean): RelatedStudy[] | undefined {
  const row = db.prepare("SELECT json, phases FROM studies WHERE nct_id = ?").get(nctId) as { json: string; phases: string } | undefined;
  if (!row) return undefined;
  const study = JSON.parse(row.json) as Study;
  const n = (db.prepare("SELECT count(*) FROM studies").pluck().get() as number) || 1;
  const idf = (df: number) => Math.log(1 + n / Math.max(1, df));
  const acc = new Map<string, Acc>();
  const add = (id: string, kind: string, points: number, reason: string | undefined) => {
    if (id === nctId) return;
    let a = acc.get(id);
    if (!a) acc.set(id, (a = { score: 0, reasons: [], kinds: new Set() }));
    a.score += points;
    if (reason && !a.reasons.includes(reason)) a.reasons.push(reason);
    a.kinds.add(kind);
  };

  // Shared interventions, by the words that name them: "Anlotinib Plus Penpulimab" and
  // "Anlotinib" share anlotinib. Generic interventions (placebo, usual care) and words such as
  // salts, forms and connectives do not count.
  const ivWords = interventionWords(db, nctId);
  if (ivWords.size) {
    const dfStmt = db.prepare("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?").pluck();
    const df = new Map([...ivWords.keys()].map((w) => [w, dfStmt.get(`{interv} : "${w}"`) as number]));
    // Candidates: the studies whose interventions mention any of the words (best 1000 by BM25).
    const rows = db
      .prepare(
        `SELECT d.nct_id FROM search_fts JOIN search_docs d ON d.doc_id = search_fts.rowid
         WHERE search_fts MATCH ? ORDER BY bm25(search_fts) LIMIT 1000`,
      )
      .pluck()
      .all(`{interv} : (${[...ivWords.keys()].map((w) => `"${w}"`).join(" OR ")})`) as string[];
    for (const other of rows) {
      if (other === nctId) continue;
      const theirs = interventionWords(db, other);
      const shared = [...ivWords.keys()].filter((w) => theirs.has(w));
      if (!shared.length) continue;
      const points = shared.reduce((sum, w) => sum + BASE.intervention * idf(df.get(w) ?? 1), 0);
      const drugs = shared.every((w) => ivWords.get(w) === "drug");
      const what = drugs ? (shared.length > 1 ? "drugs" : "drug") : shared.length > 1 ? "interventions" : "intervention";
      add(other, "intervention", points, `same ${what}: ${shared.join(", ")}`);
    }
  }

  // Shared conditions, keywords and MeSH terms.
  const conds = db
    .prepare("SELECT DISTINCT lower(condition) k, condition FROM study_conditions WHERE nct_id = ? AND source IN ('condition', 'keyword', 'mesh')")
    .all(nctId) as Array<{ k: string; condition: string }>;
  if (conds.length) {
    const keys = conds.map((c) => c.k);
    const ph = keys.map(() => "?").join(",");
    const df = new Map(
      (
        db.prepare(`SELECT lower(condition) k, count(DISTINCT nct_id) n FROM study_conditions WHERE condition IN (${ph}) GROUP BY 1`).all(...keys) as Array<{
          k: string;
          n: number;
        }>
      ).map((r) => [r.k, r.n]),
    );
    const hits = db
      .prepare(`SELECT DISTINCT nct_id, lower(condition) k FROM study_conditions WHERE condition IN (${ph}) AND source IN ('condition', 'keyword', 'mesh') AND nct_id <> ?`)
      .all(...keys, nctId) as Array<{ nct_id: string; k: string }>;
    for (const h of hits) add(h.nct_id, "condition", BASE.condition * idf(df.get(h.k) ?? 1), `same condition: ${h.k}`);
  }

  // Condition families: only the most specific shared family is named, all add a little.
  const fams = db.prepare("SELECT DISTINCT family FROM search_families WHERE nct_id = ?").pluck().all(nctId) as string[];
  if (fams.length) {
    const ph = fams.map(() => "?").join(",");
    const df = new Map(
      (
        db.prepare(`SELECT lower(family) k, count(DISTINCT nct_id) n FROM search_families WHERE family IN (${ph}) GROUP BY 1`).all(...fams) as Array<{
          k: string;
          n: number;
        }>
      ).map((r) => [r.k, r.n]),
    );
    const hits = db
      .prepare(`SELECT DISTINCT nct_id, lower(family) k FROM search_families WHERE family IN (${ph}) AND nct_id <> ?`)
      .all(...fams, nctId) as Array<{ nct_id: string; k: string }>;
    const best = new Map<string, { k: string; df: number }>();
    for (const h of hits) {
      const d = df.get(h.k) ?? n;
      add(h.nct_id, "family", (BASE.family * idf(d)) / Math.max(1, fams.length / 2), undefined);
      const b = best.get(h.nct_id);
      if (!b || d < b.df) best.set(h.nct_id, { k: h.k, df: d });
    }
    for (const [id, b] of best) {
      const a = acc.get(id)!;
      // Name the family unless the same exact condition is already given.
      if (!a.kinds.has("condition") || !a.reasons.some((r) => r === `same condition: ${b.k}`)) a.reasons.push(`same condition family: ${b.k}`);
    }
  }

  // Title words (text similarity through the FTS index), top 50.
  const words = [...new Set(tokens(study.protocolSection.identificationModule.briefTitle ?? "").filter((w) => w.length > 2 && !STOP.has(w) && !/^\d+$/.test(w)))].slice(0, 12);
  if (words.length) {
    const weights = FTS_COLUMNS.map((c) => c.weight).join(", ");
    const match = words.map((w) => `"${w}"`).join(" OR ");
    const rows = db
      .prepare(
        `SELECT d.nct_id, bm25(search_fts, ${weights}) s FROM search_fts JOIN search_docs d ON d.doc_id = search_fts.rowid
         WHERE search_fts MATCH ? ORDER BY s LIMIT 51`,
      )
      .all(match) as Array<{ nct_id: string; s: number }>;
    const others = rows.filter((r) => r.nct_id !== nctId);
    const top = others.length ? -others[0].s : 0;
    for (const r of others) if (top > 0) add(r.nct_id, "text", (BASE.text * -r.s) / top, undefined);
  }

  // Registry-page "related trials" links.
  for (const link of study.protocolSection.referencesModule?.seeAlsoLinks ?? []) {
    const m = /NCT\d{8}/.exec(`${link.url} ${link.label ?? ""}`);
    if (m && m[0] !== nctId && db.prepare("SELECT 1 FROM studies WHERE nct_id = ?").get(m[0])) {
      add(m[0], "seeAlso", BASE.seeAlso, "listed as related on the registry page");
    }
  }

  // Same phase only adds to trials already related by something else. The candidates'
  // phases come from the search snapshot (common conditions make tens of thousands of
  // candidates); titles and statuses are read for the best `limit` only.
  const phases = row.phases.split(",").filter(Boolean);
  const snap = searchSnapshot(db, callerInTransaction);
  const ranked: Array<{ nctId: string; a: Acc; score: number }> = [];
  for (const [id, a] of acc) {
    const i = snap.idxOfNct(id);
    if (i < 0) continue;
    const theirs = snap.phasesValues[snap.cols.phases[i]] ?? "";
    const shared = phases.filter((p) => theirs.includes(`,${p},`));
    if (shared.length && a.kinds.size) {
      a.score += BASE.phase;
      a.reasons.push(`same phase: ${shared.join(", ").toLowerCase().replace("phase", "phase ")}`);
    }
    if (a.kinds.has("text") && a.kinds.size === 1) a.reasons.push("similar title");
    ranked.push({ nctId: id, a, score: Math.round(a.score * 100) / 100 });
  }
  ranked.sort((x, y) => y.score - x.score || x.nctId.localeCompare(y.nctId));
  const best = ranked.slice(0, limit);
  const info = new Map(
    (
      db
        .prepare(`SELECT nct_id, brief_title, overall_status, phases FROM search_docs WHERE nct_id IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(best.map((r) => r.nctId))) as Array<{ nct_id: string; brief_title: string | null; overall_status: string | null; phases: string }>
    ).map((r) => [r.nct_id, r]),
  );
  return best.map(({ nctId: id, a, score }) => {
    const r = info.get(id)!;
    return {
      nctId: id,
      briefTitle: r.brief_title,
      overallStatus: r.overall_status,
      phases: r.phases.split(",").filter(Boolean),
      score,
      why: a.reasons.join("; "),
      reasons: a.reasons,
    };
  });
}
