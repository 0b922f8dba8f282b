/**
 * Dictionary matching over word tokens: finds the longest known phrase (synonym of a drug,
 * class, procedure or condition) at each position of a text, with character spans.
 *
 * Tokens are maximal runs of letters or of digits, so "PD-1", "PD1" and "PD 1" all read as
 * ["pd", "1"], and "AL3818" as ["al", "3818"]. Between the tokens of one phrase only
 * spaces, hyphens, slashes, apostrophes and dots may stand (no commas, semicolons or
 * brackets), so a phrase never spans two list items. Short all-capital abbreviations
 * ("RT", "HBV", "AIDS", "DDP") match only in capitals, so "aids" or "rt" in running text
 * do not. The last token of a phrase also matches its plural (+s / +es).
 *
 * The lexicon is built once; scanning allocates only the token list and the matches.
 */

export interface Token {
  /** Lower-cased token text. */
  lower: string;
  /** Token text as written. */
  raw: string;
  start: number;
  end: number;
  /** Bit set of the lexicons that have a phrase starting with this token (see `Lexicon.scan`). */
  mask: number;
}

/**
 * First tokens of every phrase of every lexicon, as bit sets (one bit per lexicon), so a
 * scan skips a token with one bit test instead of a map look-up per lexicon. `version`
 * changes whenever a phrase is added; tokens carry the version they were made under and
 * a scan trusts their masks only when it is current.
 */
const FIRST_TOKENS = new Map<string, number>();
let firstTokensVersion = 0;
let nextLexiconBit = 0;
export type Tokens = Token[] & { version?: number };

/** Between the tokens of a phrase: at most 3 of space, hyphen/dash, slash, apostrophe, dot. */
function isPhraseGap(text: string, from: number, to: number): boolean {
  if (to - from > 3) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // space, tab, newline, CR, '-', '/', "'", '.', U+2010–U+2013 (dashes), U+2019 (’), NBSP
    if (!(c === 32 || c === 9 || c === 10 || c === 13 || c === 45 || c === 47 || c === 39 || c === 46 || (c >= 0x2010 && c <= 0x2013) || c === 0x2019 || c === 0xa0)) return false;
  }
  return true;
}

/** A letter of TOKEN_RE's first alternative: A-Z, a-z, U+00C0–U+024F. */
function isTokenLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f);
}

/** A token; its text as written is cut from the source only when asked for (few phrases are case-sensitive). */
class WordToken implements Token {
  constructor(
    readonly lower: string,
    readonly start: number,
    readonly end: number,
    readonly mask: number,
    private readonly source: string,
  ) {}
  get raw(): string {
    return this.source.slice(this.start, this.end);
  }
}

/**
 * The tokens of `text`: the matches of TOKEN_RE, found by a character scan (the hottest loop of the
 * clinical extractor: no match arrays; lexicon.test.ts checks it against TOKEN_RE).
 *
 * `lowerText` must be `text.toLowerCase()` (callers that have it pass it). A token's lower case is
 * cut from it: lower-casing maps every UTF-16 unit to one unit except "İ" (U+0130, two), so when the
 * lengths agree the positions do (lexicon.test.ts checks this over every code point); else each
 * token is lower-cased alone.
 */
export function tokenize(text: string, lowerText: string = text.toLowerCase()): Tokens {
  const out: Tokens = [];
  const n = text.length;
  const aligned = lowerText.length === n;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    let j = i + 1;
    if (isTokenLetter(c)) while (j < n && isTokenLetter(text.charCodeAt(j))) j++;
    else if (c >= 48 && c <= 57) while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    else {
      i = j;
      continue;
    }
    const lower = aligned ? lowerText.slice(i, j) : text.slice(i, j).toLowerCase();
    out.push(new WordToken(lower, i, j, FIRST_TOKENS.get(lower) ?? 0, text));
    i = j;
  }
  out.version = firstTokensVersion;
  return out;
}

/** The tokenizer's definition, for tests: letters (Latin, with accents) or digits. */
export const TOKEN_RE = /[A-Za-z\u00C0-\u024F]+|[0-9]+/g;

/** Compact key of a phrase: its tokens, lower-cased and joined — "Anti-PD-1" → "antipd1". */
export function compactKey(text: string): string {
  let key = "";
  for (const t of tokenize(text)) key += t.lower;
  return key;
}

interface Phrase<T> {
  tokens: string[];
  /** Raw tokens, compared exactly when the phrase is case-sensitive. */
  raw: string[];
  caseSensitive: boolean;
  value: T;
}

export interface LexiconMatch<T> {
  value: T;
  start: number;
  end: number;
  /** Index of the first and one past the last token matched. */
  tokenStart: number;
  tokenEnd: number;
}

/** Regular English plurals: "lines" → "line", "crosses" → "cross", "therapies" → "therapy". */
function isPlural(word: string, singular: string): boolean {
  const extra = word.length - singular.length;
  // therapy → therapies, antibody → antibodies
  if (extra === 2 && singular.endsWith("y") && word.endsWith("ies")) return word.startsWith(singular.slice(0, -1));
  if (singular.length <= 2 || extra < 1 || extra > 2) return false;
  if (extra === 1 ? word.charCodeAt(word.length - 1) !== 115 : !word.endsWith("es")) return false;
  return word.startsWith(singular);
}

/** True for an abbreviation such as "RT", "HBV", "AIDS": no lower-case letter and at most 4 letters. */
function isShortCapitalised(phrase: string): boolean {
  const letters = phrase.replace(/[^A-Za-z]/g, "");
  // (and abbreviations with a small letter inside capitals, "IMiD", "IMiDs": "IMID" is another thing)
  return letters.length > 0 && ((letters.length <= 4 && letters === letters.toUpperCase()) || (letters.length <= 5 && /[A-Z][a-z]+[A-Z]/.test(letters)));
}

const ALNUM_RE = /[A-Za-z0-9]/;

/**
 * An abbreviation must be a word of its own: "RT" is not the start of "RT-PCR" or "RT2",
 * and "MI" is not the end of "2MI".
 */
function abbreviationStandsAlone(text: string, start: number, end: number): boolean {
  const before = start > 0 ? text[start - 1] : "";
  const after = end < text.length ? text[end] : "";
  if (before && ALNUM_RE.test(before)) return false;
  if (after && ALNUM_RE.test(after)) return false;
  if (after === "-" && end + 1 < text.length && ALNUM_RE.test(text[end + 1])) return false;
  return true;
}

/** Puts a phrase into a list kept longest first: after every phrase at least as long (as a stable sort would). */
function insertLongestFirst<T>(list: Phrase<T>[], p: Phrase<T>): void {
  let i = list.length;
  while (i > 0 && list[i - 1].tokens.length < p.tokens.length) i--;
  list.splice(i, 0, p);
}

export class Lexicon<T> {
  private readonly byFirst = new Map<string, Phrase<T>[]>();
  /** For each list of byFirst, the phrases in it as "tokens joined\0case-sensitive": the duplicate check. */
  private readonly listed = new Map<string, Set<string>>();
  private size = 0;
  /** This lexicon's bit in FIRST_TOKENS (0 when all 31 bits are taken: scans then use the map). */
  private readonly bit = nextLexiconBit < 31 ? 1 << nextLexiconBit++ : 0;

  private markFirst(key: string): void {
    if (this.bit) FIRST_TOKENS.set(key, (FIRST_TOKENS.get(key) ?? 0) | this.bit);
    firstTokensVersion++;
  }

  /**
   * Adds a phrase; a phrase added twice keeps the first value. `plural: false` for names that
   * are never written in the plural (a drug's generic or brand name): each plural form is one
   * more first token for every token of every text to be looked up against.
   */
  add(phrase: string, value: T, opts: { plural?: boolean } = {}): void {
    const toks = tokenize(phrase);
    if (toks.length === 0) return;
    const tokens = toks.map((t) => t.lower);
    const list = this.byFirst.get(tokens[0]) ?? [];
    const caseSensitive = isShortCapitalised(phrase);
    const listed = this.listedIn(tokens[0]);
    const key = `${tokens.join(" ")}\0${caseSensitive}`;
    if (listed.has(key)) return;
    // Longest phrases first, so the first full match at a position is the longest.
    insertLongestFirst(list, { tokens, raw: toks.map((t) => t.raw), caseSensitive, value });
    this.narrowed.clear();
    listed.add(key);
    this.byFirst.set(tokens[0], list);
    this.markFirst(tokens[0]);
    this.size++;
    // A one-word phrase is also found through its plural ("lines", "therapies").
    if (opts.plural !== false && tokens.length === 1 && tokens[0].length > 2 && /[a-z]$/.test(tokens[0])) {
      const w = tokens[0];
      const plurals = w.endsWith("y") ? [w + "s", w.slice(0, -1) + "ies"] : [w + "s", w + "es"];
      for (const pl of plurals) {
        const other = this.byFirst.get(pl) ?? [];
        if (!other.includes(list[list.length - 1]) && !other.some((o) => o.tokens.length === 1 && o.tokens[0] === pl)) {
          const phrase = list.find((x) => x.tokens.length === 1 && x.tokens[0] === w);
          if (phrase) {
            insertLongestFirst(other, phrase);
            this.listedIn(pl).add(`${phrase.tokens.join(" ")}\0${phrase.caseSensitive}`);
            this.byFirst.set(pl, other);
            this.markFirst(pl);
          }
        }
      }
    }
  }

  private listedIn(key: string): Set<string> {
    let set = this.listed.get(key);
    if (!set) this.listed.set(key, (set = new Set()));
    return set;
  }

  get phraseCount(): number {
    return this.size;
  }

  /**
   * For first tokens that start many phrases ("anti": 132 in the drug table), the phrases that
   * can match given the next token: those of one token, and those whose second token is it (or
   * its singular, for a plural last word). Filtered once per pair of tokens and kept, in the
   * list's longest-first order.
   */
  private readonly narrowed = new Map<string, Phrase<T>[]>();

  private candidatesAfter(first: string, list: Phrase<T>[], second: string | undefined): Phrase<T>[] {
    const key = `${first}\u0000${second ?? ""}`;
    let hit = this.narrowed.get(key);
    if (hit) return hit;
    hit = list.filter((p) => p.tokens.length === 1 || (second !== undefined && (p.tokens[1] === second || (p.tokens.length === 2 && isPlural(second, p.tokens[1])))));
    // bounded: the pairs of a long run are few, but texts are many
    if (this.narrowed.size >= 50_000) this.narrowed.clear();
    this.narrowed.set(key, hit);
    return hit;
  }

  /** Longest match starting at token i, or null. */
  matchAt(text: string, tokens: Token[], i: number): LexiconMatch<T> | null {
    const first = tokens[i].lower;
    let candidates = this.byFirst.get(first);
    if (!candidates) return null;
    if (candidates.length > 8) candidates = this.candidatesAfter(first, candidates, i + 1 < tokens.length ? tokens[i + 1].lower : undefined);
    outer: for (const p of candidates) {
      const n = p.tokens.length;
      if (i + n > tokens.length) continue;
      for (let k = 0; k < n; k++) {
        const tok = tokens[i + k];
        const want = p.tokens[k];
        const last = k === n - 1;
        if (tok.lower !== want && !(last && isPlural(tok.lower, want))) continue outer;
        if (p.caseSensitive && !tok.raw.startsWith(p.raw[k])) continue outer;
        if (k > 0 && !isPhraseGap(text, tokens[i + k - 1].end, tok.start)) continue outer;
      }
      if (p.caseSensitive && !abbreviationStandsAlone(text, tokens[i].start, tokens[i + n - 1].end)) continue;
      return { value: p.value, start: tokens[i].start, end: tokens[i + n - 1].end, tokenStart: i, tokenEnd: i + n };
    }
    return null;
  }

  /** All non-overlapping longest matches, left to right. */
  scan(text: string, tokens: Tokens = tokenize(text)): LexiconMatch<T>[] {
    const out: LexiconMatch<T>[] = [];
    const bit = this.bit !== 0 && tokens.version === firstTokensVersion ? this.bit : 0;
    for (let i = 0; i < tokens.length; ) {
      if (bit ? (tokens[i].mask & bit) === 0 : !this.byFirst.has(tokens[i].lower)) {
        i++;
        continue;
      }
      const m = this.matchAt(text, tokens, i);
      if (m) {
        out.push(m);
        i = m.tokenEnd;
      } else i++;
    }
    return out;
  }

  /** The value of a phrase equal (as tokens, ignoring case rules) to the whole text, if any. */
  exact(text: string): T | null {
    const tokens = tokenize(text);
    if (tokens.length === 0) return null;
    const candidates = this.byFirst.get(tokens[0].lower);
    if (!candidates) return null;
    for (const p of candidates) {
      if (p.tokens.length !== tokens.length) continue;
      if (p.tokens.every((t, k) => t === tokens[k].lower)) return p.value;
    }
    return null;
  }
}
