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

let compiled: { terms: PhraseIndex; families: PhraseIndex; abbr: Map<string, SynonymGroup>; firstTrie: AsciiTrie } | undefined;
function compiledTable() {
  if (!compiled) {
    const t = synonymTable();
    const abbr = new Map<string, SynonymGroup>();
    for (const g of t.groups) {
      // Abbreviations are matched as written (case-sensitively) so that "ALL" the leukaemia
      // is not found in every "all"; an all-caps form is also accepted for mixed-case ones.
      for (const a of g.abbr) for (const f of [a, a.toUpperCase()]) abbr.set(f, g);
    }
    const terms = indexPhrases(t.groups.flatMap((g) => g.terms.map((term) => ({ toks: tokens(term), group: g }))));
    const firstTrie = new AsciiTrie();
    for (const w of terms.keys()) {
      // A first word with other characters is still found, by the non-ASCII path only.
      if (/^[a-z0-9]+$/.test(w)) firstTrie.add(w);
      else throw new Error(`search-synonyms.json: the term word '${w}' is not lower-case ASCII letters and digits`);
    }
    compiled = {
      terms,
      families: indexPhrases(t.families.flatMap((f) => f.phrases.map((ph) => ({ toks: tokens(ph), family: f.name })))),
      abbr,
      firstTrie,
    };
  }
  return compiled;
}

/**
 * Character classes for scanning raw text as tokens() would see it after folding, one entry
 * per UTF-16 code unit: 0 = not yet classified, 1 = word (\p{L} or \p{N}), 2 = separator,
 * 3 = combining mark (\p{M}: folding removes it, so it neither ends nor starts a word).
 * Filled lazily; surrogate pairs are classified per code point (charAt below).
 */
const charClass = new Uint8Array(65536);
for (let c = 0; c < 128; c++) charClass[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 2;
const WORD_RE = /^[\p{L}\p{N}]$/u;
const MARK_RE = /^\p{M}$/u;
const classify = (ch: string) => (WORD_RE.test(ch) ? 1 : MARK_RE.test(ch) ? 3 : 2);
const astralClass = new Map<number, number>();

/** The class of the character at i (1 word, 2 separator, 3 mark) in the low bits, its length in code units above. */
function charAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const k = charClass[c];
  if (k !== 0) return k | 4;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      const cp = text.codePointAt(i)!;
      let a = astralClass.get(cp);
      if (a === undefined) astralClass.set(cp, (a = classify(String.fromCodePoint(cp))));
      return a | 8;
    }
  }
  // A lone surrogate is a separator (as in the regular-expression split); it stays unclassified
  // in the table so that a later pair starting with the same unit is still read as a code point.
  if (c >= 0xd800 && c <= 0xdfff) return 2 | 4;
  return (charClass[c] = classify(String.fromCharCode(c))) | 4;
}

/**
 * The next word of text at or after i, as [start, end, ascii, marks]: a run of word characters
 * and marks holding at least one word character (tokens() folds the marks away, so they join
 * their neighbours). Undefined at the end of the text.
 */
function nextWord(text: string, i: number): [number, number, boolean, boolean] | undefined {
  const n = text.length;
  while (i < n) {
    const k = charAt(text, i);
    const cls = k & 3;
    if (cls === 2) {
      i += k >> 2;
      continue;
    }
    const start = i;
    let words = 0;
    let ascii = true;
    let marks = false;
    for (; i < n; ) {
      const c = text.charCodeAt(i);
      const kk = c < 128 ? charClass[c] | 4 : charAt(text, i);
      const cl = kk & 3;
      if (cl === 2) break;
      if (cl === 1) words++;
      else marks = true;
      if (c >= 128) ascii = false;
      i += kk >> 2;
    }
    if (words) return [start, i, ascii, marks];
  }
  return undefined;
}

/** A word as tokens() spells it: lower case, diacritics and marks removed. */
function foldWord(text: string, start: number, end: number, ascii: boolean): string {
  const w = text.slice(start, end);
  return ascii ? w.toLowerCase() : w.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
}

let abbrStats: { first: Uint8Array; min: number; max: number } | undefined;

/**
 * The synonym groups a text mentions, by a written-out form or by an abbreviation: the
 * written-out forms in text order (longest match first, a match consumes its words), then
 * the abbreviations in text order. The result of scanning tokens(text), but in one pass over
 * the raw characters that spells out a word only when it can start a form: the search index
 * runs this over every study's whole text at import.
 */
export function synonymGroupsIn(text: string): SynonymGroup[] {
  const { terms, abbr, firstTrie } = compiledTable();
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
  const byTerm: SynonymGroup[] = [];
  const byAbbr: SynonymGroup[] = [];
  let skipUntil = 0;
  for (let w = nextWord(text, 0); w; w = nextWord(text, w[1])) {
    const [start, end, ascii, marks] = w;
    // Abbreviations are matched on the raw words, as written, where a mark separates words.
    if (marks) {
      for (const part of text.slice(start, end).split(/\p{M}+/u)) {
        const g = part.length >= min && part.length <= max ? abbr.get(part) : undefined;
        if (g) byAbbr.push(g);
      }
    } else if (end - start >= min && end - start <= max && first[text.charCodeAt(start)]) {
      const g = abbr.get(text.slice(start, end));
      if (g) byAbbr.push(g);
    }
    if (start < skipUntil) continue;
    let list: Phrase[] | undefined;
    if (ascii) {
      // Walk the trie of first words (lower-case ASCII) without building the word.
      let node = 0;
      for (let i = start; i < end && node >= 0; i++) {
        let c = text.charCodeAt(i);
        if (c >= 65 && c <= 90) c += 32;
        node = firstTrie.next(node, c);
      }
      if (node < 0 || !firstTrie.terminal(node)) continue;
      list = terms.get(text.slice(start, end).toLowerCase());
    } else {
      list = terms.get(foldWord(text, start, end, false));
    }
    if (!list) continue;
    // Read as many following words as the longest phrase needs, then try longest first.
    const want = list[0].toks.length;
    const next: Array<[string, number]> = [];
    for (let x = want > 1 ? nextWord(text, end) : undefined; x && next.length < want - 1; x = nextWord(text, x[1])) {
      next.push([foldWord(text, x[0], x[1], x[2]), x[1]]);
    }
    for (const p of list) {
      if (p.toks.length - 1 > next.length) continue;
      let ok = true;
      for (let j = 1; ok && j < p.toks.length; j++) ok = next[j - 1][0] === p.toks[j];
      if (ok) {
        byTerm.push(p.group!);
        if (p.toks.length > 1) skipUntil = next[p.toks.length - 2][1];
        break;
      }
    }
  }
  return [...new Set([...byTerm, ...byAbbr])];
}

/** A character trie over lower-case ASCII letters and digits. */
class AsciiTrie {
  private readonly edges: number[][] = [[]];
  private readonly ends: boolean[] = [false];
  add(word: string): void {
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      let to = this.edges[node][c];
      if (to === undefined) {
        to = this.edges.length;
        this.edges.push([]);
        this.ends.push(false);
        this.edges[node][c] = to;
      }
      node = to;
    }
    this.ends[node] = true;
  }
  /** The child of node by character code c, or -1. */
  next(node: number, c: number): number {
    return this.edges[node][c] ?? -1;
  }
  terminal(node: number): boolean {
    return this.ends[node];
  }
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
