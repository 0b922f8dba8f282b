/**
 * The lab / vital / score table (data/knowledge/labs.json) and the matcher that finds its
 * names in criterion text. Loaded once; the matcher is two precompiled regexes (names in
 * any case, abbreviations with capitals case-sensitively so "PT" is not "pt").
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
let insensitive: RegExp | undefined;
let sensitive: RegExp | undefined;
let synonymIds: Map<string, string> | undefined; // lower-cased synonym → id (insensitive) and exact → id

function load(): LabTable {
  if (table) return table;
  const raw = fs.readFileSync(new URL("../../data/knowledge/labs.json", import.meta.url), "utf8");
  const t = JSON.parse(raw) as LabTable;
  if (!t.version || !Array.isArray(t.variables)) throw new Error("data/knowledge/labs.json: missing version or variables");
  table = t;
  byId = new Map(t.variables.map((v) => [v.id, v]));
  const ci: string[] = [];
  const cs: string[] = [];
  synonymIds = new Map();
  for (const v of t.variables) {
    for (const s of v.synonyms) {
      if (isAbbreviation(s)) {
        cs.push(s);
        if (!synonymIds.has("=" + s.replace(/[\s-]+/g, ""))) synonymIds.set("=" + s.replace(/[\s-]+/g, ""), v.id);
      } else {
        ci.push(s);
        if (!synonymIds.has(norm(s))) synonymIds.set(norm(s), v.id);
      }
    }
  }
  const alt = (xs: string[]) =>
    [...new Set(xs)]
      .sort((a, b) => b.length - a.length)
      .map((s) => escape(s).replace(/[ -]/g, "[\\s-]*"))
      .join("|");
  insensitive = new RegExp(`(?<![\\p{L}\\d])(?:${alt(ci)})(?![\\p{L}\\d])`, "giu");
  sensitive = new RegExp(`(?<![\\p{L}\\d])(?:${alt(cs)})(?![\\p{L}\\d])`, "gu");
  return t;
}

/** An abbreviation: short, with a capital letter (matched case-sensitively). */
function isAbbreviation(s: string): boolean {
  return s.length <= 7 && /[A-Z]/.test(s) && !/\s/.test(s);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
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

/** Every table name in `text` (positions local to text), longest match first, left to right. */
export function findVariables(text: string): VariableMention[] {
  load();
  const found: VariableMention[] = [];
  for (const [re, exact] of [
    [insensitive!, false],
    [sensitive!, true],
  ] as const) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const s = m[0];
      const id = synonymIds!.get(exact ? "=" + s.replace(/[\s-]+/g, "") : norm(s));
      if (id) found.push({ id, start: m.index, end: m.index + s.length });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  // drop matches inside longer ones
  const out: VariableMention[] = [];
  for (const f of found) {
    const last = out[out.length - 1];
    if (last && f.start < last.end) continue;
    out.push(f);
  }
  return out;
}

function norm(x: string): string {
  return x.toLowerCase().replace(/[\s-]+/g, "");
}
