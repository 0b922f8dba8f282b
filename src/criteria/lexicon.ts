/**
 * The lab / vital / score table (data/knowledge/labs.json) and the matcher that finds its
 * names in criterion text. Loaded once. Names match in any case; abbreviations with
 * capitals only as written (so "PT" is not "pt").
 */
import fs from "node:fs";

export interface LabVariable {
  id: string;
  label: string;
  kind: "lab" | "vital" | "score" | "anthropometric" | "prognosis";
  loinc: string[];
  unit: string;
  molarMass?: number;
  /** The side criteria usually limit, used when a threshold has no comparator ("PLT: 100×10⁹/L"). */
  bound?: "min" | "max";
  synonyms: string[];
}

interface LabTable {
  version: string;
  variables: LabVariable[];
}

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
}
let anyCase: TrieNode | undefined;
let asWritten: TrieNode | undefined;
const TOKEN = /[\p{L}\d]+/gu;

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
    for (const s of v.synonyms) {
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
      node.id ??= v.id; // the first variable to claim a name keeps it
    }
  }
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

export function variableById(id: string): LabVariable | undefined {
  load();
  return byId!.get(id);
}

export interface VariableMention {
  id: string;
  start: number;
  end: number;
}

/** Characters allowed between the words of one name: "platelet count", "PT/INR", "hepatitis B virus (HBV) DNA". */
function gapOk(text: string, from: number, to: number): boolean {
  if (to - from > 40) return false;
  let marks = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue; // wrapped lines keep a name whole
    // '-', '/', '(', ')', ':'
    if ((c !== 45 && c !== 47 && c !== 40 && c !== 41 && c !== 58) || ++marks > 3) return false;
  }
  return true;
}

/** Every table name in `text` (positions local to text), longest first, left to right, not overlapping. */
export function findVariables(text: string): VariableMention[] {
  load();
  const toks: Array<{ s: number; e: number; t: string; l: string }> = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) toks.push({ s: m.index, e: m.index + m[0].length, t: m[0], l: m[0].toLowerCase() });
  const out: VariableMention[] = [];
  const roots = [
    [anyCase!, true],
    [asWritten!, false],
  ] as const;
  for (let i = 0; i < toks.length; i++) {
    let best: { id: string; end: number; j: number } | undefined;
    for (const [root, lower] of roots) {
      let node: TrieNode | undefined = root;
      for (let j = i; j < toks.length; j++) {
        if (j > i && !gapOk(text, toks[j - 1].e, toks[j].s)) break;
        node = node.next.get(lower ? toks[j].l : toks[j].t);
        if (!node) break;
        if (node.id && (!best || toks[j].e > best.end)) best = { id: node.id, end: toks[j].e, j };
      }
    }
    if (best) {
      out.push({ id: best.id, start: toks[i].s, end: best.end });
      i = best.j;
    }
  }
  return out;
}

