/**
 * Text handling shared by the search index and search queries: the tokenisation that
 * matches FTS5's unicode61 tokenizer, the synonym table (data/knowledge/search-synonyms.json),
 * condition families, and turning user words into FTS5 MATCH expressions.
 */
import fs from "node:fs";

export interface SynonymGroup {
  abbr: string[];
  terms: string[];
  family: string | null;
}
export interface SynonymTable {
  version: string;
  groups: SynonymGroup[];
  families: Array<{ name: string; phrases: string[] }>;
  words: Record<string, string[]>;
  genericInterventions: string[];
}

let table: SynonymTable | undefined;
export function synonymTable(): SynonymTable {
  if (!table) {
    const url = new URL("../../data/knowledge/search-synonyms.json", import.meta.url);
    const raw = JSON.parse(fs.readFileSync(url, "utf8")) as SynonymTable;
    if (!raw.version || !Array.isArray(raw.groups) || !Array.isArray(raw.families) || typeof raw.words !== "object") {
      throw new Error(`${url.pathname}: not a synonym table (needs version, groups, families, words)`);
    }
    table = raw;
  }
  return table;
}

/** Lower-case word tokens as FTS5's unicode61 tokenizer (remove_diacritics 2) sees them. */
export function tokens(text: string): string[] {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Tokens joined by single spaces, with a space at each end, for whole-word substring tests. */
export function normalizeForMatch(text: string): string {
  return ` ${tokens(text).join(" ")} `;
}

interface CompiledTerm {
  norm: string; // " non small cell lung cancer "
  group: SynonymGroup;
}
let compiled: { terms: CompiledTerm[]; abbr: Array<{ re: RegExp; group: SynonymGroup }> } | undefined;
function compiledTable() {
  if (!compiled) {
    const t = synonymTable();
    const terms: CompiledTerm[] = [];
    const abbr: Array<{ re: RegExp; group: SynonymGroup }> = [];
    for (const g of t.groups) {
      for (const term of g.terms) terms.push({ norm: normalizeForMatch(term), group: g });
      for (const a of g.abbr) {
        // Abbreviations are matched as written (case-sensitively) so that "ALL" the leukaemia
        // is not found in every "all"; an all-caps form is also accepted for mixed-case ones.
        const forms = [...new Set([a, a.toUpperCase()])].map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
        abbr.push({ re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${forms.join("|")})(?![\\p{L}\\p{N}])`, "u"), group: g });
      }
    }
    // Longest first, so "non small cell lung cancer" claims its words before "small cell lung cancer".
    terms.sort((a, b) => b.norm.length - a.norm.length);
    compiled = { terms, abbr };
  }
  return compiled;
}

/** The synonym groups a text mentions, by a written-out form or by an abbreviation. */
export function synonymGroupsIn(text: string): SynonymGroup[] {
  const { terms, abbr } = compiledTable();
  const found = new Set<SynonymGroup>();
  let norm = normalizeForMatch(text);
  for (const t of terms) {
    if (norm.includes(t.norm)) {
      found.add(t.group);
      norm = norm.split(t.norm).join(" | ");
    }
  }
  for (const a of abbr) if (a.re.test(text)) found.add(a.group);
  return [...found];
}

/** Words to index beside a text so that its abbreviations and written-out forms find each other. */
export function synonymExpansion(groups: SynonymGroup[]): string {
  return groups.map((g) => [...g.abbr, g.terms[0]].join(" ")).join(" ; ");
}

/** Condition families (MeSH headings such as "Lung Neoplasms") that condition texts belong to. */
export function familiesOf(conditionTexts: string[]): string[] {
  const t = synonymTable();
  const out = new Set<string>();
  for (const text of conditionTexts) {
    for (const g of synonymGroupsIn(text)) if (g.family) out.add(g.family);
    const norm = normalizeForMatch(text);
    for (const f of t.families) {
      if (f.phrases.some((p) => norm.includes(normalizeForMatch(p)))) out.add(f.name);
    }
  }
  return [...out];
}

/** An FTS5 string literal. */
const lit = (s: string) => `"${s.replace(/"/g, '""')}"`;

function termExpr(words: string[], prefix: boolean, expandWords: boolean): string {
  if (words.length > 1) return lit(words.join(" ")) + (prefix ? " *" : "");
  const w = words[0];
  const alts = [lit(w) + (prefix ? " *" : "")];
  if (expandWords) for (const s of synonymTable().words[w] ?? []) alts.push(lit(s));
  return alts.length === 1 ? alts[0] : `(${alts.join(" OR ")})`;
}

export interface ParsedTextQuery {
  /** The FTS5 expression, or undefined when the text holds no searchable word. */
  match: string | undefined;
  /** The positive words and phrases, for highlighting and related-trial reasons. */
  terms: string[];
}

/**
 * Turns what a user typed into an FTS5 expression: every word must occur (AND), "quoted
 * phrases" as phrases, a leading "-" excludes, the last bare word is a prefix (as typed so
 * far) unless `prefixLast` is false. Never produces an FTS5 syntax error: every token is quoted.
 */
export function parseTextQuery(text: string, opts: { prefixLast?: boolean; column?: string } = {}): ParsedTextQuery {
  const parts: Array<{ words: string[]; phrase: boolean; neg: boolean }> = [];
  const re = /(-?)"([^"]*)"?|(-?)([^\s"]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[2] !== undefined) {
      const words = tokens(m[2]);
      if (words.length) parts.push({ words, phrase: true, neg: m[1] === "-" });
    } else {
      const raw = m[4];
      const words = tokens(raw);
      if (words.length) parts.push({ words, phrase: false, neg: m[3] === "-" });
    }
  }
  const endsInSpace = /\s$/.test(text);
  const pos = parts.filter((p) => !p.neg);
  const neg = parts.filter((p) => p.neg);
  if (!pos.length) return { match: undefined, terms: [] };
  const lastBare = [...pos].reverse().find(() => true)!;
  const exprs = pos.map((p) =>
    termExpr(p.words, opts.prefixLast !== false && !endsInSpace && p === lastBare && !p.phrase, !p.phrase),
  );
  let match = exprs.join(" AND ");
  if (neg.length) match = `(${match}) NOT (${neg.map((p) => termExpr(p.words, false, false)).join(" OR ")})`;
  if (opts.column) match = `{${opts.column}} : (${match})`;
  return { match, terms: pos.map((p) => p.words.join(" ")) };
}
