/**
 * What every clinical extractor needs about one criterion text, computed once: word
 * tokens, clause boundaries, drug/class/procedure mentions (so a condition is not read
 * inside "anti-cancer therapy"), plus the shared readers of negation, exceptions,
 * conditional clauses, comparison operators, number words and temporal windows.
 */
import type { ComparisonOp, Span, TemporalWindow } from "../types.js";
import { conditionLexicon, drugLexicon, procedureLexicon, type DrugTerm } from "./knowledge.js";
import { tokenize, type LexiconMatch, type Tokens } from "./lexicon.js";

export interface ClinicalContext {
  text: string;
  /** The text lower-cased once, for cheap substring pre-filters (`hasAny`). */
  lower: string;
  offset: number;
  tokens: Tokens;
  /** Clause boundaries: [start, end) ranges split at ".", ";", ":" (not decimal points) and line breaks. */
  clauses: Span[];
  drugMatches: LexiconMatch<DrugTerm>[];
  /** negatedBefore's answers by position. */
  negatedAt?: Map<number, boolean>;
  /** Whether the text names an adverse event or toxicity (tested once, by the therapy reader). */
  mayNameAdverse?: boolean;
  procedureMatches: LexiconMatch<string>[];
  windows: TemporalWindow[] | undefined;
  /** Gate words present in the text (by GATE_WORDS index), found once on first use (see `hasAny`). */
  gateHits?: number[];
  /** Per-criterion memos of the therapy extractor (line of therapy and cycles per clause). */
  lineHint?: boolean;
  lines?: Map<number, { line?: unknown; span?: [number, number] }>;
  cycles?: Map<number, number | undefined>;
}

const DISORDER_AFTER_DRUG = /^[\s-]*(?:(?:-?\s*gamma\s+)?release\s+assays?|use[\s-]+disorders?|dependence|dependency|addiction|abuse|misuse|withdrawal|overdose|intoxication|poisoning|toxicity)\b/i;

const CLAUSE_END_RE = /;|\.(?!\d)|:(?!\d)|\r?\n|\u3002|\uff1b/g;

export function buildContext(text: string, offset: number): ClinicalContext {
  // Build every lexicon before tokenising, so the tokens' first-token masks are current.
  const drugs = drugLexicon();
  const procedures = procedureLexicon();
  conditionLexicon();
  const lower = text.toLowerCase();
  const tokens = tokenize(text, lower);
  const clauses: Span[] = [];
  let start = 0;
  CLAUSE_END_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CLAUSE_END_RE.exec(text)) !== null) {
    // "e.g." and "i.e." and "vs." and "St." do not end a clause.
    if (m[0] === "." && /(?:\be\.g|\bi\.e|\bvs|\bSt|\betc|\bNo|\bDr|\bv)$/i.test(text.slice(Math.max(0, m.index - 4), m.index))) continue;
    if (m[0] === "." && /^\s*[a-z]/.test(text.slice(m.index + 1, m.index + 3)) && /[A-Za-z]\.[a-z]$/.test(text.slice(m.index - 1, m.index + 2))) continue;
    clauses.push([start, m.index]);
    start = m.index + m[0].length;
  }
  clauses.push([start, text.length]);
  return {
    text,
    lower,
    offset,
    tokens,
    clauses,
    // "opioid use disorder", "alcohol dependence", "benzodiazepine withdrawal": a disorder, not the drug taken
    // "CKD-EPI" (an equation), "MDRD-EPI": an abbreviation joined to a word before it is part of another name
    drugMatches: drugs.scan(text, tokens).filter(
      (m) => !DISORDER_AFTER_DRUG.test(text.slice(m.end, m.end + 24)) && !(m.start > 1 && text[m.start - 1] === "-" && /[A-Za-z0-9]/.test(text[m.start - 2]) && /^[A-Z0-9]{2,5}$/.test(text.slice(m.start, m.end))),
    ),
    procedureMatches: procedures.scan(text, tokens),
    windows: undefined,
  };
}

/**
 * Gates: cheap "does the text contain any of these words" tests run before costly
 * patterns. Every gate word of every extractor is looked for in one pass over the
 * lower-cased criterion (`gateHits`, one regex `\b(?=(w1|w2|…))`), which gives the longest
 * word at each position; the words that are prefixes of it are there too. The hits are kept
 * as a short list of word ids, so a gate is a few integer comparisons.
 */
export interface Gate {
  readonly words: readonly string[];
  /** Indices of `words` in GATE_WORDS. */
  readonly ids: readonly number[];
}
const GATE_WORDS: string[] = [];
const GATE_WORD_IDS = new Map<string, number>();
let gateRe: RegExp | undefined;
/** For each gate word, the ids of the gate words that are prefixes of it (itself included). */
let gatePrefixes: Map<string, number[]> | undefined;

/**
 * Declares a gate (at module load). Words are lower-case literals matched at the start of a
 * word: list "intoleran" beside "toleran", "leptomening" beside "mening".
 */
export function gate(words: readonly string[]): Gate {
  const ids: number[] = [];
  for (const w of words) {
    let id = GATE_WORD_IDS.get(w);
    if (id === undefined) {
      id = GATE_WORDS.length;
      GATE_WORDS.push(w);
      GATE_WORD_IDS.set(w, id);
    }
    ids.push(id);
  }
  gateRe = undefined;
  return { words, ids };
}

/** Every gate word declared so far (tests compare gates with the regex \b(?=word) of each word). */
export function gateWords(): readonly string[] {
  return GATE_WORDS;
}

/** Ids of the gate words standing at a word start of the lower-cased criterion, computed once per criterion. */
function gateHits(ctx: ClinicalContext): number[] {
  if (ctx.gateHits) return ctx.gateHits;
  if (!gateRe || !gatePrefixes) {
    const alts = [...GATE_WORDS].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
    // Gate words are word starts: trying them only at word boundaries skips most positions.
    gateRe = new RegExp(`\\b(?=(${alts.join("|")}))`, "g");
    gatePrefixes = new Map(GATE_WORDS.map((w) => [w, GATE_WORDS.flatMap((p, id) => (w.startsWith(p) ? [id] : []))]));
  }
  const hits: number[] = [];
  const re = gateRe;
  const prefixes = gatePrefixes;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(ctx.lower)) !== null) {
    // The longest word found at this position; every word that is a prefix of it is there too.
    for (const id of prefixes.get(m[1])!) if (!hits.includes(id)) hits.push(id);
    re.lastIndex = m.index + 1;
  }
  ctx.gateHits = hits;
  return hits;
}

/** True when the criterion contains any word of the gate at the start of a word (case-insensitive). */
export function hasAny(ctx: ClinicalContext, g: Gate): boolean {
  const hits = gateHits(ctx);
  if (hits.length === 0) return false;
  for (const id of g.ids) if (hits.includes(id)) return true;
  return false;
}

/** The clause [start, end) that contains character index i. */
export function clauseAt(ctx: ClinicalContext, i: number): Span {
  // Clauses are sorted and disjoint: binary search for the last clause starting at or before i.
  const cs = ctx.clauses;
  let lo = 0;
  let hi = cs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cs[mid][0] <= i) lo = mid;
    else hi = mid - 1;
  }
  const c = cs[lo];
  return c && i >= c[0] && i <= c[1] ? c : [0, ctx.text.length];
}

/** Words that deny what follows them in the same clause. ("non-" is a prefix — non-small cell, non-interventional — not a denial.) */
const NEGATION_BEFORE_RE =
  /\b(?:no|not|never|without|free\s+of|absence\s+of|absent|lack\s+of|neither|nor|none\s+of|negative\s+(?:for|in|on)|den(?:y|ies|ied)|ruled\s+out|excluding\s+patients\s+with)\b[^.;:]*$/i;
const DENIED_LIST_LEAD_RE = /\b(?:no|not|never|without|free\s+of|absence\s+of|none\s+of)\b[^.;:]*\bof\s+the\s+following\b[^.;:]{0,30}:$/i;
/** "not limited to", "not only", "no more than": hedges and comparisons, not denials. */
const HEDGE_SRC = String.raw`\bno(?:t)?\s+(?:limited|only|just|necessarily|exclusively|(?:more|less|fewer|greater|longer|shorter|later|earlier|higher|lower)\s+than)\b|\bwith\s+or\s+without\b|\bor\s+not\b|\bnot\s+(?:tolerate|tolerated|tolerating)\b|\b(?:no|not|non-?)[\s-]*(?:adequate(?:ly)?\s+|clinical\s+|sufficient(?:ly)?\s+)?(?:respon(?:d|ded|ding|se|sive)|benefit(?:ed)?|improve(?:d|ment)?|controlled)\s+(?:to|from|with|by|on|despite)\b|\bdid\s+not\s+(?:respond|benefit|improve)\b|\bnot\s+otherwise\s+(?:specified|classified)\b`;
const HEDGE_RE = new RegExp(HEDGE_SRC, "i");
const HEDGE_G_RE = new RegExp(HEDGE_SRC, "gi");
/** Words that end the reach of a negation ("no A but B": B is not denied). */
const NEGATION_BREAK_RE = /\b(?:but|however|although|unless|except|excluding|which|who|that|and\s+(?:has|have|had|is|are|must|can|could|will|should|may)|if|contraindicat\w*)\b/i;

/** A JavaScript white-space character (what \s matches). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));
}

/**
 * `s.split(/\s+/).slice(-n).join(" ")` when s has more than n such pieces, else s: its last n
 * words, found from the end without splitting the whole window.
 */
export function lastWords(s: string, n: number): string {
  let runs = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    if (!isSpace(s.charCodeAt(i))) continue;
    let j = i;
    while (j > 0 && isSpace(s.charCodeAt(j - 1))) j--;
    if (++runs === n) return s.slice(i + 1).replace(/\s+/g, " ");
    i = j;
  }
  return s;
}

/**
 * True when a negation word stands before `start` within the same clause and within
 * ~8 words, with no "but"/"however"/relative pronoun between them.
 */
export function negatedBefore(ctx: ClinicalContext, start: number): boolean {
  // (asked twice for most mentions: once to tell duplicates apart, once for the constraint)
  const memo = (ctx.negatedAt ??= new Map<number, boolean>());
  let v = memo.get(start);
  if (v === undefined) memo.set(start, (v = negatedBeforeUncached(ctx, start)));
  return v;
}

function negatedBeforeUncached(ctx: ClinicalContext, start: number): boolean {
  const clause = clauseAt(ctx, start);
  // "No history of any of the following conditions: A, B, C": the denial before the colon reaches the list
  const colon = clause[0] > 0 ? ctx.text.lastIndexOf(":", start) : -1;
  if (colon > 0 && !/\.\s/.test(ctx.text.slice(colon, start)) && DENIED_LIST_LEAD_RE.test(ctx.text.slice(Math.max(0, colon - 120), colon + 1))) return true;
  const from = Math.max(clause[0], start - 150);
  // Limit the look-back to ~8 words.
  const tail = lastWords(ctx.text.slice(from, start), 9);
  // "not limited to", "not only": hedges, not denials (same length keeps indices).
  const m = NEGATION_BEFORE_RE.exec(HEDGE_RE.test(tail) ? tail.replace(HEDGE_G_RE, (h) => "_".repeat(h.length)) : tail);
  if (!m) return false;
  const between = tail.slice(m.index + m[0].length - m[0].replace(/^\S+(?:\s+of)?/i, "").length);
  if (NEGATION_BREAK_RE.test(between)) return false;
  return true;
}

const EXCEPTION_BEFORE_RE = /\b(?:except(?:\s+for)?|excluding|with\s+the\s+exception\s+of|other\s+than|apart\s+from|exceptions?\s+(?:include|are)|not\s+including|excepting)\b[^.;:)]*$/i;

/** True when the mention is listed as an exception ("except diphosphonate", "excluding cured skin cancer"). */
export function isException(ctx: ClinicalContext, start: number): boolean {
  const clause = clauseAt(ctx, start);
  // "e.g." does not end the exception's reach: "excluding … diseases (e.g. leucoderma, psoriasis)" lists examples of
  // the excepted. ("i.e." does: "conditions other than T1D known to affect bone (i.e., hypothyroidism, …)" defines the rest.)
  const tail = ctx.text.slice(Math.max(clause[0], start - 160), start).replace(/\be\.g\./gi, "e_g_");
  const m = EXCEPTION_BEFORE_RE.exec(tail);
  if (!m) return false;
  // "pulmonary disease other than asthma (COPD, bronchiectasis …)", "… other than AD that may … (e.g. Parkinson's disease)":
  // what "other than" excepts is the phrase after it; a bracket, an example or a relative clause after that names the rest
  if (/^other\s+than\s+[^\s(]/i.test(m[0]) && /^other\s+than\s+[^(]*?(?:\(|\b(?:that|which|such\s+as|including|e_g_)\b)/i.test(m[0])) return false;
  // A new predicate after the exception word ends its reach: "except X, patients with Y".
  return !/\b(?:patients?|subjects?|participants?|who|which)\b/i.test(tail.slice(m.index + m[0].split(/\s/)[0].length + 1));
}

const CONDITIONAL_BEFORE_RE = /\b(?:if|when|in\s+case\s+of|in\s+the\s+case\s+of|for\s+(?:patients|subjects|participants|those)\s+with|in\s+(?:patients|subjects|participants|those)\s+with|unless)\b[^.;:,]*$/i;

const LEAD_IN_IF_RE = /\b(excluded|eligible|included|ineligible|enrolled|withdrawn)\s+if\b/gi;
const IF_BEFORE_RE = /\b(?:if|in\s+(?:the\s+)?case\s+of)\b[^.;:,]*$/i;

/** Parenthesised asides ("(with or without other drugs)") blanked to spaces, same length, so their commas do not end a condition. */
function blankParentheses(s: string): string {
  return s.replace(/\([^()]*\)/g, (p) => " ".repeat(p.length));
}

/**
 * True when the mention sits in a condition ("if liver metastases are present: ALT ≤ 5×ULN",
 * "If the patient received immune-checkpoint inhibitors (with or without other drugs) during
 * radiotherapy, …"): the condition reaches from "if" to the first comma outside parentheses.
 */
export function isConditional(ctx: ClinicalContext, start: number): boolean {
  const clause = clauseAt(ctx, start);
  const from = Math.max(clause[0], start - 160);
  // ("will be excluded if they have …", "are eligible if": a lead-in, not a condition)
  const raw = blankParentheses(ctx.text.slice(from, start));
  const tail = raw.includes(" if") ? raw.replace(LEAD_IN_IF_RE, "$1 __") : raw;
  // inside a bracket opened right after the condition's words ("If treated with a CD19-directed therapy (e.g., tafasitamab, …"):
  // the bracket's commas do not end the condition
  const open = tail.lastIndexOf("(");
  if (open >= 0) {
    const head = tail.slice(0, open);
    if (CONDITIONAL_BEFORE_RE.test(head.slice(Math.max(0, head.length - 60))) || IF_BEFORE_RE.test(head)) return true;
  }
  // Every condition word within ~60 characters; an explicit "if" / "in case of" further back.
  return CONDITIONAL_BEFORE_RE.test(tail.slice(Math.max(0, tail.length - 60))) || IF_BEFORE_RE.test(tail);
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fourteen: 14, fifteen: 15, twenty: 20, thirty: 30, sixty: 60, ninety: 90,
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, single: 1, once: 1, twice: 2, a: 1, an: 1,
  "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
};

/** "4", "4.5", "four", "first" → number; NaN when not a number. */
export function parseNumber(s: string): number {
  const t = s.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
  return t in NUMBER_WORDS ? NUMBER_WORDS[t] : Number.NaN;
}

export const NUMBER_SRC = String.raw`(?:\d+(?:\.\d+)?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|sixty|ninety)`;

/** Comparison words/symbols as written → op. Unknown → null. */
export function parseOp(s: string): ComparisonOp | null {
  const t = s.replace(/\\/g, "").trim().toLowerCase().replace(/\s+/g, " ");
  if (!t) return null;
  if (/^(?:≥|>=|=>|≧|⩾|at least|no less than|not less than|a minimum of|minimum of|minimum|or more|or greater|or above|or longer|and above|and over|greater than or equal to|more than or equal to|equal to or (?:greater|more) than|beyond)$/.test(t)) return ">=";
  if (/^(?:>|more than|greater than|over|above|exceeding|exceeds|in excess of|longer than|higher than|>>)$/.test(t)) return ">";
  if (/^(?:≤|<=|=<|≦|⩽|at most|no more than|not more than|up to|a maximum of|maximum of|maximum|or less|or fewer|or lower|less than or equal to|equal to or less than|not exceeding|not exceed)$/.test(t)) return "<=";
  if (/^(?:<|less than|fewer than|below|under|lower than|shorter than)$/.test(t)) return "<";
  if (/^(?:=|equal to|equals|exactly)$/.test(t)) return "=";
  return null;
}

export const OP_SRC = String.raw`(?:\\?[≥≧⩾]|\\?>\s*=|=>|\\?[≤≦⩽]|\\?<\s*=|=<|\\?>|\\?<|at\s+least|no\s+(?:less|more)\s+than|not\s+(?:less|more)\s+than|(?:a\s+)?(?:minimum|maximum)\s+of|more\s+than|greater\s+than|less\s+than|fewer\s+than|longer\s+than|over|above|exceeding|in\s+excess\s+of|up\s+to|at\s+most|below|under)`;

const UNIT_SRC = String.raw`(?:days?|d|weeks?|wks?|w|months?|mos?|m|years?|yrs?|y|hours?|h)`;

function unitOf(u: string): TemporalWindow["unit"] | "hour" | null {
  const t = u.toLowerCase();
  if (/^(?:days?|d)$/.test(t)) return "day";
  if (/^(?:weeks?|wks?|w)$/.test(t)) return "week";
  if (/^(?:months?|mos?|m)$/.test(t)) return "month";
  if (/^(?:years?|yrs?|y)$/.test(t)) return "year";
  if (/^(?:hours?|h)$/.test(t)) return "hour";
  return null;
}

// "within (the past|last) 4 weeks (before|prior to) the first dose", "in the 30 days before inclusion",
// "≥ 3 months since the end of", "more than 4 weeks from the start", "28 days before", "in the past 1 year".
const REF_SRC = String.raw`(?:\s*(?:\(|,)?\s*(before|prior\s+to|preceding|of|since|from|after|following|until)\s+((?:the\s+|this\s+)?[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,5}))?`;
const WINDOW_RE = new RegExp(
  String.raw`(?:(${OP_SRC}|within|in|during|for|over|of|last|past|previous|recent|≤|<)\s+|(\\?[≥≧⩾≤≦⩽]|\\?[<>]=?|=>|=<)(?=\d))?(?:(?:the|a|an)\s+)?(?:(?:past|last|previous|recent|preceding|prior)\s+)?(${NUMBER_SRC})\s*(?:\(\s*\d+\s*\)\s*)?[-\s]?(${UNIT_SRC})\b(?:\s+(?:period|interval))?` + REF_SRC,
  "dgi",
);

const NUMBER_UNIT_RE = new RegExp(String.raw`(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|sixty|ninety)\b)[\d.]*\s*(?:\(\s*\d+\s*\)\s*)?[-\s]?${UNIT_SRC}\b`, "gi");

const REF_STOP_RE = /\b(?:or|and|with|who|which|that|except|including|if|is|are|was|were|has|have|had|to|for|in|unless|but)\b.*$/i;

/**
 * Temporal windows in the text: relation, amount, unit, reference as written.
 * `within` is a look-back ("within 4 weeks before the first dose", "in the past 6 months");
 * `at-least-since` is a minimum interval ("≥ 3 months since the end of chemotherapy").
 */
export function temporalWindows(ctx: ClinicalContext): TemporalWindow[] {
  if (ctx.windows) return ctx.windows;
  const out: TemporalWindow[] = [];
  const text = ctx.text;
  // The full pattern is costly to try at every position: run it only from a little before
  // each "number + time unit" found by a cheap scan.
  NUMBER_UNIT_RE.lastIndex = 0;
  let hit: RegExpExecArray | null;
  let m: RegExpExecArray | null = null;
  let scannedTo = 0;
  while ((hit = NUMBER_UNIT_RE.exec(text)) !== null) {
    if (hit.index < scannedTo) continue;
    WINDOW_RE.lastIndex = Math.max(scannedTo, hit.index - 45);
    m = WINDOW_RE.exec(text);
    if (m === null) break;
    scannedTo = Math.max(hit.index + 1, m.index + 1);
    if (m.index > hit.index + hit[0].length) {
      // The match found belongs to a later number: let the cheap scan reach it.
      NUMBER_UNIT_RE.lastIndex = hit.index + 1;
      scannedTo = hit.index + 1;
      continue;
    }
    const w = windowOfMatch(ctx, m);
    if (!w) continue;
    // (a window that took in "at least 14 days and …" replaces the one read from those words)
    if (w.atLeast) while (out.length && out[out.length - 1].span[0] >= w.span[0]) out.pop();
    out.push(w);
    const end = w.span[1] - ctx.offset;
    scannedTo = Math.max(scannedTo, end);
    NUMBER_UNIT_RE.lastIndex = Math.max(NUMBER_UNIT_RE.lastIndex, end);
  }
  ctx.windows = out;
  return out;
}

/** The window a WINDOW_RE match states, or undefined (an age, a life expectancy, a duration, no relation). */
function windowOfMatch(ctx: ClinicalContext, m: RegExpExecArray): TemporalWindow | undefined {
  const text = ctx.text;
  const whole = m[0];
  // group 1: a comparator or look-back word and a space; 2: a sign right before the number ("≥14 days")
  const lead: string | undefined = m[1] ?? m[2];
  // A sign right before the number is a window's only with what it counts from ("≥14 days prior to
  // enrolment"), not alone ("(≥21years)" is an age).
  if (m[2] !== undefined && m[5] === undefined) return undefined;
  const num = m[3];
  const unitRaw = m[4];
  const refWord: string | undefined = m[5];
  const refText: string | undefined = m[6];
  const idx = m.indices as unknown as Array<[number, number]>;
  const unit = unitOf(unitRaw);
  const amount = parseNumber(num);
  if (!unit || unit === "hour" || !Number.isFinite(amount)) return undefined;
  const unitEnd = idx[4][1];
  // One-letter units only right after digits ("28d", "4 w"), never as the start of "m/s" or "d1".
  if (unitRaw.length === 1 && (!/\d\s?$/.test(text.slice(idx[3][0], idx[4][0])) || /^[/\w]/.test(text.slice(unitEnd, unitEnd + 1)))) return undefined;
  const leadWord = (lead ?? "").toLowerCase().replace(/\s+/g, " ");
  const ref = (refWord ?? "").toLowerCase().replace(/\s+/g, " ");
  // Ages ("18 years of age"), life expectancy ("at least 3 months") and durations are not windows.
  const after = text.slice(unitEnd, unitEnd + 12).toLowerCase();
  const beforeText = text.slice(Math.max(0, m.index - 40), m.index).toLowerCase();
  if (/^\s*(?:of\s+age|old|of\s+life)/.test(after) || (ref === "of" && /^(?:age|life)/.test((refText ?? "").trim().toLowerCase()))) return undefined;
  // "at least 4 weeks of appropriate prophylaxis", "6 months of treatment": how long it was given, not when
  if (/^\s*of\s+(?:[a-z-]+\s+){0,2}?(?:prophylaxis|treatment|therapy|therapies|dosing|exposure)\b/i.test(text.slice(unitEnd, unitEnd + 50))) return undefined;
  if (/(?:life\s+expectancy|expected\s+survival(?:\s+time)?|survival\s+time|survival|aged?|duration|lasting|for)\s*(?:of|:|is|\s)?\s*$/.test(beforeText)) return undefined;
  // "Adults (≥ 18 years) with melanoma", "patients ≥ 65 years": the people's age
  if (/\b(?:adults?|patients?|subjects?|participants?|men|women|males?|females?|children|adolescents?|individuals?|persons?|people|volunteers?)\s*[(,]?\s*$/.test(beforeText)) return undefined;
  const lookBack = /^(?:before|prior to|preceding)$/.test(ref);
  const since = /^(?:since|from|after|following)$/.test(ref);
  const pastWord = /\b(?:past|last|previous|recent|preceding|prior)\s*$/.test(text.slice(m.index, idx[3][0]));
  const op = lead ? parseOp(lead) : null;
  let relation: TemporalWindow["relation"] | null = null;
  // "over the 3 months prior to enrolment" is a look-back, not "more than 3 months".
  const overThe = (leadWord === "over" || leadWord === "for") && /^(?:over|for)\s+the\b/i.test(whole);
  if (/^(?:within|in|during|last|past|previous|recent)$/.test(leadWord) || pastWord || (overThe && (lookBack || pastWord))) relation = since && !/^(?:within|in)$/.test(leadWord) ? "at-least-since" : "within";
  // "… unless discontinued at least 2 weeks before randomisation": taken within those weeks is what counts
  else if ((op === ">=" || op === ">") && /\b(?:unless|except\s+(?:if|when))\s+(?:it\s+(?:is|was|has\s+been)\s+|they\s+(?:are|were|have\s+been)\s+)?(?:discontinued|stopped|withdrawn|ceased)\s*$/i.test(beforeText)) relation = "within";
  else if (op === ">=" || op === ">") relation = "at-least-since";
  else if (op === "<=" || op === "<") relation = "within";
  else if (lookBack) relation = "within";
  else if (since) relation = "at-least-since";
  if (!relation) return undefined;
  let reference: string | undefined;
  let end = unitEnd;
  if (refText && (lookBack || since)) {
    const r = refText.replace(REF_STOP_RE, "").trim();
    const bare = r.replace(/^(?:the|this)\s+/i, "");
    if (bare) {
      reference = bare;
      end = idx[6][0] + r.length;
    }
  }
  const start = m.index;
  const w: TemporalWindow = { relation, amount, unit, ...(reference ? { reference } : {}), text: text.slice(start, end), span: [ctx.offset + start, ctx.offset + end] };
  // "at least 14 (days) and no more than 42 days before": the window's near end
  if (relation === "within" && (text.includes("least") || text.includes("minimum"))) {
    const near = AT_LEAST_BEFORE_RE.exec(text.slice(Math.max(0, start - 50), start));
    const n = near ? parseNumber(near[1]) : NaN;
    const nearUnit = near ? (near[2] ? unitOf(near[2]) : unit) : undefined;
    if (near && Number.isFinite(n) && nearUnit && nearUnit !== "hour") {
      w.atLeast = { amount: n, unit: nearUnit };
      const s0 = start - (Math.min(50, start) - near.index);
      w.text = text.slice(s0, end);
      w.span = [ctx.offset + s0, ctx.offset + end];
    }
  }
  const half = text.includes("half") ? HALF_LIVES_AFTER_RE.exec(text.slice(unitEnd, unitEnd + 160)) : null;
  if (half) {
    const count = parseNumber(half[1]);
    if (Number.isFinite(count)) w.halfLives = { count, whichever: half[2] && /short|less|soon|earl/i.test(half[2]) ? "shorter" : "longer" };
  }
  return w;
}

const AT_LEAST_BEFORE_RE = /\b(?:at\s+least|a\s+minimum\s+of|no\s+less\s+than|not\s+less\s+than|≥|>=)\s*(\d{1,3})\s*(days?|weeks?|months?|years?)?\s+(?:and|but)\s+$/i;
/** "… or 5 half-lives (whichever is longer)", "/5 half-lives", "or five elimination half-lives of the drug, whichever is shorter". */
const HALF_LIVES_AFTER_RE =
  /^[^.;]{0,60}?(?:\bor\s+(?:fewer\s+than\s+|less\s+than\s+|<\s*)?|\/\s*|\(\s*(?:<\s*)?)(?:at\s+least\s+)?(\d+|two|three|four|five|six|seven|ten)\s*(?:\(\s*\d+\s*\)\s*)?(?:terminal\s+|elimination\s+|plasma\s+|PK\s+)?half[-\s]?li(?:ves|fes|fe)\b(?:[^.;]{0,60}?\bwhichever(?:\s+is)?\s+(longer|greater|later|shorter|less|sooner|earlier))?/i;

/** A treatment a condition needed, between it and a window: "any kidney disease requiring immunosuppressive therapy within 6 months". */
const NEEDED_TREATMENT_RE = /\b(?:requir\w*|needing|treated\s+with|receiving)\s+(?:[\w-]+\s+){0,3}?(?:therapy|therapies|treatment|drugs?|medications?|agents?|steroids?|immunosuppress\w*|dialysis|transfusions?|surgery)\b/i;
/** Something the condition is without: "SPMS without relapses in the last 2 years". */
const WITHOUT_RE = /(?<!\bwith\s+or\s+)\b(?:without|with\s+no|free\s+(?:of|from))\b(?!\s+or\s+with\b)/i;
/** A test's time: "confirmed by HRCT performed within 12 months". */
const TEST_DONE_BEFORE_RE = /\b(?:performed|done|obtained|taken|conducted|collected|measured|assessed)\s*$/i;
/** An alternative in brackets: "Kidney transplant (or planned within 12 months)". */
const BRACKETED_ALTERNATIVE_RE = /\(\s*(?:or|and\/or)\b[^)]*$/i;
/** A permission in brackets: "(participants cured of HCV > 2 years before screening may be included)". */
const PERMISSION_AFTER_RE = /^[^)]{0,60}?\b(?:may\s+be\s+(?:included|enrolled|eligible)|(?:are|is)\s+(?:eligible|allowed|permitted)|allowed|permitted)\b/i;

/**
 * Whether a window after a mention belongs to something written between them rather than to
 * the mention: a treatment the condition needed, what it is without, a test's time, an
 * alternative or a permission in brackets.
 */
function windowBelongsBetween(text: string, end: number, ws: number, we: number): boolean {
  if (ws - end < 4) return false;
  const between = text.slice(end, ws);
  if (BRACKETED_ALTERNATIVE_RE.test(between)) return true;
  if (between.includes("(") && !between.includes(")") && PERMISSION_AFTER_RE.test(text.slice(we, we + 80))) return true;
  // (what brackets say in passing, "(i.e., requiring treatment)", is about the mention)
  const plain = between.includes("(") ? between.replace(/\([^()]*\)/g, " ") : between;
  // The treatment of a later item of a list ("lupus nephritis, or any kidney disease requiring
  // immunosuppressive therapy within 6 months"); an infection "requiring antibiotics within
  // 4 weeks" is itself in the window.
  const needed = NEEDED_TREATMENT_RE.exec(plain);
  if (needed && /[,;]|\bor\b/.test(plain.slice(0, needed.index))) return true;
  if (WITHOUT_RE.test(plain)) return true;
  // "progression on anti-PD-1 for advanced disease, or recurrence within 6 months of adjuvant anti-PD-1": the alternative's own time
  if (/\b(?:or|and\/or)\s+(?:[\w-]+\s+){0,2}(?:recurrence|relapse|progression|recurred|relapsed|progressed)\s*$/i.test(plain)) return true;
  // "confirmed by HRCT performed within 12 months": the test's time ("radiotherapy performed within 4 weeks" is the mention's own)
  return TEST_DONE_BEFORE_RE.test(plain) && /\b(?:confirmed|documented|diagnosed|shown|demonstrated|proven)\s+(?:by|on|with|in)\b/i.test(plain);
}

/** The window in the same clause nearest to [start, end), preferring one after the mention. */
export function windowFor(ctx: ClinicalContext, start: number, end: number): TemporalWindow | undefined {
  const clause = clauseAt(ctx, start);
  let best: { w: TemporalWindow; d: number } | undefined;
  for (const w of temporalWindows(ctx)) {
    const ws = w.span[0] - ctx.offset;
    const we = w.span[1] - ctx.offset;
    if (ws < clause[0] || ws > clause[1]) continue;
    if (ws >= end && windowBelongsBetween(ctx.text, end, ws, we)) continue;
    // A window whose reference names the mention ("at least 4 weeks since prior chemotherapy") is its own.
    const d = ws <= start && end <= we ? 0 : ws >= end ? ws - end : (start - we) * 1.5 + 1;
    if (d < 0) continue;
    if (!best || d < best.d) best = { w, d };
  }
  return best?.w;
}
