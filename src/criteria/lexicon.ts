/**
 * The lab / vital / score table (data/knowledge/labs.json) and the matcher that finds its
 * names in criterion text. Loaded once. Names match in any case; abbreviations with
 * capitals only as written (so "PT" is not "pt").
 */
import fs from "node:fs";

export interface LabVariable {
  id: string;
  label: string;
  kind: "lab" | "vital" | "score" | "anthropometric" | "prognosis" | "exposure";
  loinc: string[];
  unit: string;
  molarMass?: number;
  /** Ionic charge, for milliequivalents ↔ millimoles (K⁺ 1, Ca²⁺ 2). */
  charge?: number;
  /**
   * Units on scales that are not proportional: value in `to` = scale × value in `from` + offset
   * (HbA1c: IFCC mmol/mol → NGSP %). UCUM would read both as ratios (101 mmol/mol = 10.1 %), which is wrong.
   */
  affine?: Array<{ from: string; to: string; scale: number; offset: number }>;
  /** The side criteria usually limit, used when a threshold has no comparator ("PLT: 100×10⁹/L"). */
  bound?: "min" | "max";
  /** "roman": the scale's classes are written I, II, III… ("ASA I–III", "NYHA class III or IV"). */
  classes?: "roman";
  /** The unit alone names the variable ("≥ 20 pack-years" is a smoking history whatever the words before it). */
  namedByUnit?: boolean;
  /** The score range each class letter stands for ("Child-Pugh A" is 5–6). */
  letterClasses?: Record<string, [number, number]>;
  /** The variable a value with a mass unit measures instead ("urinary protein ≥ 1.0 g" is the 24-hour protein). */
  massMeans?: string;
  /** A time that is compared as such, not as a measured value (a gestational age): read as a prognosis-type constraint, as a life expectancy is. */
  temporal?: boolean;
  /** Names of the variable's abnormal state ("hyperkalemia"): they name it right before a threshold, never in a list of names. */
  conditionNames?: string[];
  synonyms: string[];
}

interface LabTable {
  version: string;
  variables: LabVariable[];
  /** Names that stand for several variables at once ("transaminases": AST and ALT). */
  groups?: Array<{ names: string[]; variables: string[] }>;
}

/** Prefix of a trie id that names a group of variables (groups[index]). */
const GROUP = "group:";

let table: LabTable | undefined;
let byId: Map<string, LabVariable> | undefined;

/**
 * Names as token sequences in two tries: names matched in any case (keys lower-cased) and
 * abbreviations matched as written. Matching walks the text's tokens once: far cheaper
 * than one regex alternation of ~600 names at every position.
 */
interface TrieNode {
  next: Map<string, TrieNode>;
  id?: string;
  weak?: boolean;
}
let anyCase: TrieNode | undefined;
let asWritten: TrieNode | undefined;
/** A word of a name, or of the text: a run of letters and digits, CJK ideographs apart from other letters ("或CCr" is two words; the tokenizer's definition, `variableTokens` scans for it). */
export const TOKEN = /[\u3400-\u4DBF\u4E00-\u9FFF]+|(?:(?![\u3400-\u4DBF\u4E00-\u9FFF])[\p{L}\d])+/gu;

function load(): LabTable {
  if (table) return table;
  const raw = fs.readFileSync(new URL("../../data/knowledge/labs.json", import.meta.url), "utf8");
  const t = JSON.parse(raw) as LabTable;
  if (!t.version || !Array.isArray(t.variables)) throw new Error("data/knowledge/labs.json: missing version or variables");
  table = t;
  byId = new Map(t.variables.map((v) => [v.id, v]));
  anyCase = { next: new Map() };
  asWritten = { next: new Map() };
  for (const v of t.variables) {
    const names: Array<[string, boolean]> = v.synonyms.map((s) => [s, false]);
    for (const s of v.conditionNames ?? []) names.push([s, true]);
    for (const [s, weak] of names) {
      const exact = isAbbreviation(s);
      const tokens = s.match(TOKEN) ?? [];
      if (!tokens.length) continue;
      let node = exact ? asWritten : anyCase;
      for (const tok of tokens) {
        const key = exact ? tok : tok.toLowerCase();
        let nx = node.next.get(key);
        if (!nx) node.next.set(key, (nx = { next: new Map() }));
        node = nx;
      }
      if (node.id === undefined) {
        node.id = v.id; // the first variable to claim a name keeps it
        node.weak = weak;
      }
    }
  }
  (t.groups ?? []).forEach((g, gi) => {
    for (const v of g.variables) if (!byId!.has(v)) throw new Error(`data/knowledge/labs.json: group "${g.names[0]}" names unknown variable "${v}"`);
    for (const name of g.names) {
      let node = anyCase!;
      for (const tok of name.match(TOKEN) ?? []) {
        const key = tok.toLowerCase();
        let nx = node.next.get(key);
        if (!nx) node.next.set(key, (nx = { next: new Map() }));
        node = nx;
      }
      if (node.id === undefined) node.id = `${GROUP}${gi}`;
    }
  });
  return t;
}

/** An abbreviation: short, with a capital letter (matched case-sensitively). */
function isAbbreviation(s: string): boolean {
  return s.length <= 7 && /[A-Z]/.test(s) && !/\s/.test(s);
}


export function labTableVersion(): string {
  return load().version;
}

export function labVariables(): readonly LabVariable[] {
  return load().variables;
}

let timeIds: Set<string> | undefined;
/** Whether a variable is compared as a time (the "prognosis" kind: life expectancy; `temporal` ones: gestational age). */
export function isTimeVariable(id: string): boolean {
  timeIds ??= new Set(load().variables.filter((v) => v.kind === "prognosis" || v.temporal).map((v) => v.id));
  return timeIds.has(id);
}

let timeMeasurementIds: Set<string> | undefined;
/**
 * Whether a variable's values are times that are measurements, not durations: an age other than
 * the patient's own now ("age at diagnosis", years), a gestational age (weeks).
 */
export function isTimeMeasurement(id: string): boolean {
  timeMeasurementIds ??= new Set(load().variables.filter((v) => v.kind !== "prognosis" && ["a", "mo", "wk", "d"].includes(v.unit)).map((v) => v.id));
  return timeMeasurementIds.has(id);
}

let byUnit: Map<string, string> | undefined;
/** The variable a unit alone names (labs.json namedByUnit), if any. */
export function variableNamedByUnit(unit: string): string | undefined {
  byUnit ??= new Map(load().variables.filter((v) => v.namedByUnit).map((v) => [v.unit, v.id]));
  return byUnit.get(unit);
}

export function variableById(id: string): LabVariable | undefined {
  load();
  return byId!.get(id);
}

export interface VariableMention {
  id: string;
  start: number;
  end: number;
  /** Named by a condition ("hyperkalemia"): it names the variable only right before a threshold. */
  weak: boolean;
}

/** Characters allowed between the words of one name: "platelet count", "PT/INR", "hepatitis B virus (HBV) DNA". */
function gapOk(text: string, from: number, to: number): boolean {
  if (to - from > 40) return false;
  let marks = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue; // wrapped lines keep a name whole
    // '-', '/', '(', ')', ':', and apostrophes ("Investigator's Global Assessment", "Crohn’s")
    if ((c !== 45 && c !== 47 && c !== 40 && c !== 41 && c !== 58 && c !== 39 && c !== 0x2019) || ++marks > 3) return false;
  }
  return true;
}

/** BMP code units by whether they are letters (\p{L}): 1 yes, 2 no, 0 not asked yet. */
const letterUnits = new Uint8Array(0x10000);
const LETTER_RE = /^\p{L}$/u;

/** UTF-16 units of the token character (a letter or an ASCII digit, as TOKEN reads them) at i, or 0. */
function tokenCharLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return LETTER_RE.test(text.slice(i, i + 2)) ? 2 : 0;
  }
  let k = letterUnits[c];
  if (k === 0) letterUnits[c] = k = LETTER_RE.test(String.fromCharCode(c)) ? 1 : 2;
  return k === 1 ? 1 : 0;
}

/** A CJK unified ideograph (BMP blocks). */
function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}

export interface VariableToken {
  s: number;
  e: number;
  /** As written. */
  t: string;
  /** Lower-cased. */
  l: string;
}

/**
 * The matches of TOKEN (runs of letters and digits) with their lower case, by a character scan.
 * Lower case is cut from the whole text lower-cased when that is the same thing: every code point
 * but U+0130 keeps its length (so positions agree), and only "Σ" lower-cases by its context.
 */
export function variableTokens(text: string): VariableToken[] {
  const toks: VariableToken[] = [];
  const n = text.length;
  const lowerText = text.toLowerCase();
  const aligned = lowerText.length === n && !text.includes("Σ");
  for (let i = 0; i < n; ) {
    let k = tokenCharLength(text, i);
    if (k === 0) {
      i++;
      continue;
    }
    let j = i + k;
    // a change between CJK ideographs and other letters ends a token ("或CCr" is "或", "CCr")
    const han = isHan(text.charCodeAt(i));
    while (j < n && (k = tokenCharLength(text, j)) > 0 && isHan(text.charCodeAt(j)) === han) j += k;
    const t = text.slice(i, j);
    toks.push({ s: i, e: j, t, l: aligned ? lowerText.slice(i, j) : t.toLowerCase() });
    i = j;
  }
  return toks;
}

/** Every table name in `text` (positions local to text), longest first, left to right, not overlapping. */
export function findVariables(text: string): VariableMention[] {
  load();
  const toks = variableTokens(text);
  const out: VariableMention[] = [];
  for (let i = 0; i < toks.length; i++) {
    // names in any case, then abbreviations as written: the longer wins (the first on a tie)
    const a = longestFrom(anyCase!, true, text, toks, i, undefined);
    const best = longestFrom(asWritten!, false, text, toks, i, a);
    if (best) {
      if (best.id.startsWith(GROUP)) {
        // one mention per variable of the group, on the same words ("transaminases ≤ 2.5 × ULN": AST and ALT)
        for (const v of table!.groups![Number(best.id.slice(GROUP.length))].variables) out.push({ id: v, start: toks[i].s, end: best.end, weak: best.weak });
      } else out.push({ id: best.id, start: toks[i].s, end: best.end, weak: best.weak });
      i = best.j;
    }
  }
  return out;
}

/** The longest name of a trie starting at token i, if longer than `best` (else `best`). */
function longestFrom(
  root: TrieNode,
  lower: boolean,
  text: string,
  toks: VariableToken[],
  i: number,
  best: { id: string; end: number; j: number; weak: boolean } | undefined,
): { id: string; end: number; j: number; weak: boolean } | undefined {
  let node: TrieNode | undefined = root;
  for (let j = i; j < toks.length; j++) {
    if (j > i && !gapOk(text, toks[j - 1].e, toks[j].s)) break;
    node = node.next.get(lower ? toks[j].l : toks[j].t);
    if (!node) break;
    if (node.id && (!best || toks[j].e > best.end)) best = { id: node.id, end: toks[j].e, j, weak: node.weak === true };
  }
  return best;
}

