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
  interventionStopWords: string[];
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
  // ASCII fast path: most registry text is ASCII, and the Unicode-aware path is ~5x slower.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

interface Phrase {
  toks: string[];
  group?: SynonymGroup;
  family?: string;
}
type PhraseIndex = Map<string, Phrase[]>;

/** Phrases indexed by their first token, longest first, for one left-to-right scan of a text. */
function indexPhrases(phrases: Phrase[]): PhraseIndex {
  const m: PhraseIndex = new Map();
  for (const p of phrases) {
    if (!p.toks.length) continue;
    const list = m.get(p.toks[0]);
    if (list) list.push(p);
    else m.set(p.toks[0], [p]);
  }
  for (const list of m.values()) list.sort((a, b) => b.toks.length - a.toks.length);
  return m;
}

let compiled: { terms: PhraseIndex; families: PhraseIndex; abbr: Map<string, SynonymGroup> } | undefined;
function compiledTable() {
  if (!compiled) {
    const t = synonymTable();
    const abbr = new Map<string, SynonymGroup>();
    for (const g of t.groups) {
      // Abbreviations are matched as written (case-sensitively) so that "ALL" the leukaemia
      // is not found in every "all"; an all-caps form is also accepted for mixed-case ones.
      for (const a of g.abbr) for (const f of [a, a.toUpperCase()]) abbr.set(f, g);
    }
    compiled = {
      terms: indexPhrases(t.groups.flatMap((g) => g.terms.map((term) => ({ toks: tokens(term), group: g })))),
      families: indexPhrases(t.families.flatMap((f) => f.phrases.map((ph) => ({ toks: tokens(ph), family: f.name })))),
      abbr,
    };
  }
  return compiled;
}

/**
 * Word characters as FTS5's unicode61 sees them (\p{L} or \p{N}), one entry per UTF-16 code
 * unit: 0 = not yet classified, 1 = word, 2 = separator. Filled lazily; surrogates are
 * classified per code point (see wordEnd).
 */
const wordClass = new Uint8Array(65536);
for (let c = 0; c < 128; c++) wordClass[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 2;
const WORD_RE = /^[\p{L}\p{N}]$/u;
const astralWord = new Map<number, boolean>();

/** Length in code units of the word character at i, or 0 when it is a separator. */
function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  let k = wordClass[c];
  if (k === 0) {
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = text.codePointAt(i)!;
        let w = astralWord.get(cp);
        if (w === undefined) astralWord.set(cp, (w = WORD_RE.test(String.fromCodePoint(cp))));
        return w ? 2 : 0;
      }
    }
    // Lone surrogates are separators, as in the regular-expression split they replace; they
    // stay unclassified in the table (0) so that a later pair is still read as a code point.
    if (c >= 0xd800 && c <= 0xdfff) return 0;
    k = wordClass[c] = WORD_RE.test(String.fromCharCode(c)) ? 1 : 2;
  }
  return k === 1 ? 1 : 0;
}

/** Calls visit(start, end) for each maximal run of word characters in text from `from`; stops when visit returns false. */
function forEachWord(text: string, visit: (start: number, end: number) => boolean | void, from = 0): void {
  const n = text.length;
  let i = from;
  while (i < n) {
    let w = wordCharAt(text, i);
    if (!w) {
      i++;
      continue;
    }
    const start = i;
    while (w) {
      i += w;
      w = i < n ? wordCharAt(text, i) : 0;
    }
    if (visit(start, i) === false) return;
  }
}

/** The text as tokens() sees it before splitting: lower case, diacritics removed. */
function foldForTokens(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
}

let abbrStats: { first: Uint8Array; min: number; max: number } | undefined;

/**
 * The synonym groups a text mentions, by a written-out form or by an abbreviation: the
 * written-out forms in text order (longest match first, a match consumes its words), then
 * the abbreviations in text order. Same result as scanning tokens(text), but in one pass over
 * the characters that looks words up only when they can start a form: the search index runs
 * it over every study's whole text at import.
 */
export function synonymGroupsIn(text: string): SynonymGroup[] {
  const { terms, abbr } = compiledTable();
  const found = new Set<SynonymGroup>();
  const folded = foldForTokens(text);
  let skipUntil = 0;
  forEachWord(folded, (start, end) => {
    if (start < skipUntil) return;
    const list = terms.get(folded.slice(start, end));
    if (!list) return;
    // Read as many following words as the longest phrase needs, then try longest first.
    const want = list[0].toks.length;
    const next: Array<[string, number]> = [];
    if (want > 1) {
      forEachWord(
        folded,
        (s, e) => {
          next.push([folded.slice(s, e), e]);
          return next.length < want - 1;
        },
        end,
      );
    }
    for (const p of list) {
      if (p.toks.length - 1 > next.length) continue;
      let ok = true;
      for (let j = 1; ok && j < p.toks.length; j++) ok = next[j - 1][0] === p.toks[j];
      if (ok) {
        found.add(p.group!);
        if (p.toks.length > 1) skipUntil = next[p.toks.length - 2][1];
        return;
      }
    }
  });
  if (!abbrStats) {
    const first = new Uint8Array(65536);
    let min = Infinity;
    let max = 0;
    for (const a of abbr.keys()) {
      first[a.charCodeAt(0)] = 1;
      min = Math.min(min, a.length);
      max = Math.max(max, a.length);
    }
    abbrStats = { first, min, max };
  }
  const { first, min, max } = abbrStats;
  forEachWord(text, (start, end) => {
    const len = end - start;
    if (len < min || len > max || !first[text.charCodeAt(start)]) return;
    const g = abbr.get(text.slice(start, end));
    if (g) found.add(g);
  });
  return [...found];
}

/** Words to index beside a text so that its abbreviations and written-out forms find each other. */
export function synonymExpansion(groups: SynonymGroup[]): string {
  return groups.map((g) => [...g.abbr, g.terms[0]].join(" ")).join(" ; ");
}

/** Condition families (MeSH headings such as "Lung Neoplasms") that condition texts belong to. */
export function familiesOf(conditionTexts: string[]): string[] {
  const { families } = compiledTable();
  const out = new Set<string>();
  for (const text of conditionTexts) {
    for (const g of synonymGroupsIn(text)) if (g.family) out.add(g.family);
    // Family phrases do not consume: "non small cell lung cancer" still contains "lung cancer".
    const toks = tokens(text);
    for (let i = 0; i < toks.length; i++) {
      for (const p of families.get(toks[i]) ?? []) {
        if (p.toks.every((t, j) => toks[i + j] === t)) out.add(p.family!);
      }
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
export function parseTextQuery(
  text: string,
  opts: { prefixLast?: boolean; column?: string; expandWords?: boolean } = {},
): ParsedTextQuery {
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
    termExpr(p.words, opts.prefixLast !== false && !endsInSpace && p === lastBare && !p.phrase, opts.expandWords === true && !p.phrase),
  );
  let match = exprs.join(" AND ");
  if (neg.length) match = `(${match}) NOT (${neg.map((p) => termExpr(p.words, false, false)).join(" OR ")})`;
  if (opts.column) match = `{${opts.column}} : (${match})`;
  return { match, terms: pos.map((p) => p.words.join(" ")) };
}
