/**
 * Clinical knowledge tables (data/knowledge/*.json) and the look-ups built on them.
 * The tables are clinician-readable JSON with a `version`; they are read once, on first
 * use, and every index below is built once and cached.
 *
 * Helpers for the matching engine and the extractors:
 *   normaliseDrug(name)            → generic drug id ("Keytruda", "MK-3475" → "pembrolizumab"), or null
 *   drugClassesOf(drugName)        → every class id of a drug, ancestors included
 *                                    ("nivolumab" → ["anti-pd-1", "immune-checkpoint-inhibitor", "immunotherapy", …])
 *   drugClassOf(text)              → class id named by a phrase ("PD-1 inhibitors" → "anti-pd-1"), or null
 *   classAncestors(classId)        → the class and all its ancestors
 *   drugsInClass(classId)          → generic ids of every drug in the class or its subclasses
 *   prednisoneEquivalentFactor(d)  → mg prednisone per mg of a corticosteroid (dexamethasone → 6.67), or null
 *   conceptOf(text)                → condition id for a condition phrase ("NSCLC" → "nsclc"); when the text is
 *                                    not itself a synonym, the longest condition named inside it; or null
 *   procedureOf(text)              → procedure id ("SBRT" → "radiotherapy"), or null
 *   isA(id, ancestorId)            → is-a over conditions ("lung-adenocarcinoma" ⊂ "nsclc" ⊂ "lung-cancer"),
 *                                    over drug classes, and from a drug to its classes ("bevacizumab" ⊂ "antiangiogenic")
 *   condition(id), drugClass(id)   → the table entry (name, codes, synonyms)
 *   knowledgeVersions()            → versions of the tables, for the parser version
 *   drugLexicon(), conditionLexicon(), procedureLexicon() → phrase matchers used by the extractors
 */
import { readFileSync } from "node:fs";
import { Lexicon, compactKey } from "./lexicon.js";

export interface DrugMember {
  id: string;
  names: string[];
  prednisoneEquivalentFactor?: number;
}
export interface DrugClass {
  id: string;
  name: string;
  parents?: string[];
  synonyms?: string[];
  members: DrugMember[];
  note?: string;
}
export interface Condition {
  id: string;
  name: string;
  kind: "disease" | "histology" | "state";
  parents?: string[];
  synonyms: string[];
  mesh?: string;
  icd10?: string;
  snomed?: string;
}
export interface Procedure {
  id: string;
  name: string;
  synonyms: string[];
}
export interface ProcedureSite {
  id: string;
  synonyms: string[];
}

interface TableHeader {
  version: string;
  title: string;
  description: string;
}
type DrugTable = TableHeader & { classes: DrugClass[] };
type ConditionTable = TableHeader & { conditions: Condition[] };
type ProcedureTable = TableHeader & { procedures: Procedure[]; sites?: ProcedureSite[] };

function readTable<T extends { version: string }>(file: string): T {
  const url = new URL(`../../../data/knowledge/${file}`, import.meta.url);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(url, "utf8"));
  } catch (err) {
    throw new Error(`knowledge table ${url.pathname}: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || typeof (parsed as { version?: unknown }).version !== "string") {
    throw new Error(`knowledge table ${url.pathname}: missing string "version" field`);
  }
  return parsed as T;
}

/** A lexicon hit on a drug phrase: a named drug or a named class. */
export type DrugTerm = { kind: "drug"; id: string } | { kind: "class"; id: string };

interface DrugIndex {
  version: string;
  classes: Map<string, DrugClass>;
  /** compact name key → generic drug id */
  drugByKey: Map<string, string>;
  /** generic id → direct class ids */
  directClasses: Map<string, string[]>;
  /** class id → the class and its ancestors */
  ancestors: Map<string, string[]>;
  classByKey: Map<string, string>;
  prednisoneFactor: Map<string, number>;
  lexicon: Lexicon<DrugTerm>;
}

interface ConditionIndex {
  version: string;
  byId: Map<string, Condition>;
  ancestors: Map<string, string[]>;
  lexicon: Lexicon<string>;
}

interface ProcedureIndex {
  version: string;
  byId: Map<string, Procedure>;
  lexicon: Lexicon<string>;
  /** Site names (lower case, words joined by one space) → site id. */
  siteOfWord: Map<string, string>;
}

function closeOver(parentsOf: Map<string, string[]>, what: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const visit = (id: string, stack: string[]): string[] => {
    const done = out.get(id);
    if (done) return done;
    if (stack.includes(id)) throw new Error(`${what}: cycle in parents through "${id}"`);
    const acc = [id];
    for (const p of parentsOf.get(id) ?? []) {
      if (!parentsOf.has(p)) throw new Error(`${what}: "${id}" names unknown parent "${p}"`);
      for (const a of visit(p, [...stack, id])) if (!acc.includes(a)) acc.push(a);
    }
    out.set(id, acc);
    return acc;
  };
  for (const id of parentsOf.keys()) visit(id, []);
  return out;
}

let drugIndex: DrugIndex | undefined;
function drugs(): DrugIndex {
  if (drugIndex) return drugIndex;
  const table = readTable<DrugTable>("drug-classes.json");
  const classes = new Map<string, DrugClass>();
  const parentsOf = new Map<string, string[]>();
  for (const c of table.classes) {
    if (classes.has(c.id)) throw new Error(`drug-classes.json: duplicate class id "${c.id}"`);
    classes.set(c.id, c);
    parentsOf.set(c.id, c.parents ?? []);
  }
  const ancestors = closeOver(parentsOf, "drug-classes.json");
  const drugByKey = new Map<string, string>();
  const directClasses = new Map<string, string[]>();
  const classByKey = new Map<string, string>();
  const prednisoneFactor = new Map<string, number>();
  const lexicon = new Lexicon<DrugTerm>();
  // Drug names first: a phrase that is both a drug name and a class synonym ("G-CSF") reads as the drug.
  // A drug listed in several classes adds each of its names once (the lexicon keeps the first anyway).
  const namesAdded = new Set<string>();
  for (const c of table.classes) {
    for (const m of c.members) {
      const list = directClasses.get(m.id) ?? [];
      if (!list.includes(c.id)) list.push(c.id);
      directClasses.set(m.id, list);
      if (m.prednisoneEquivalentFactor !== undefined) prednisoneFactor.set(m.id, m.prednisoneEquivalentFactor);
      for (const name of [m.id, ...m.names]) {
        const once = `${m.id}\u0000${name}`;
        if (namesAdded.has(once)) continue;
        namesAdded.add(once);
        const key = compactKey(name);
        if (!drugByKey.has(key)) drugByKey.set(key, m.id);
        lexicon.add(name, { kind: "drug", id: m.id }, { plural: false });
      }
    }
  }
  for (const c of table.classes) {
    for (const s of [c.name, ...(c.synonyms ?? [])]) {
      const key = compactKey(s);
      if (!classByKey.has(key)) classByKey.set(key, c.id);
      lexicon.add(s, { kind: "class", id: c.id });
    }
  }
  drugIndex = { version: table.version, classes, drugByKey, directClasses, ancestors, classByKey, prednisoneFactor, lexicon };
  return drugIndex;
}

let conditionIndex: ConditionIndex | undefined;
function conditions(): ConditionIndex {
  if (conditionIndex) return conditionIndex;
  const table = readTable<ConditionTable>("conditions.json");
  const byId = new Map<string, Condition>();
  const parentsOf = new Map<string, string[]>();
  for (const c of table.conditions) {
    if (byId.has(c.id)) throw new Error(`conditions.json: duplicate condition id "${c.id}"`);
    byId.set(c.id, c);
    parentsOf.set(c.id, c.parents ?? []);
  }
  const ancestors = closeOver(parentsOf, "conditions.json");
  const lexicon = new Lexicon<string>();
  // Specific before generic: a synonym listed under two conditions belongs to the first one listed.
  for (const c of table.conditions) for (const s of [c.name, ...c.synonyms]) lexicon.add(s, c.id);
  conditionIndex = { version: table.version, byId, ancestors, lexicon };
  return conditionIndex;
}

let procedureIndex: ProcedureIndex | undefined;
function procedures(): ProcedureIndex {
  if (procedureIndex) return procedureIndex;
  const table = readTable<ProcedureTable>("procedures.json");
  const byId = new Map<string, Procedure>();
  const lexicon = new Lexicon<string>();
  for (const p of table.procedures) {
    if (byId.has(p.id)) throw new Error(`procedures.json: duplicate procedure id "${p.id}"`);
    byId.set(p.id, p);
    for (const s of [p.name, ...p.synonyms]) lexicon.add(s, p.id);
  }
  const siteOfWord = new Map<string, string>();
  for (const site of table.sites ?? []) for (const w of site.synonyms) siteOfWord.set(w.toLowerCase(), site.id);
  procedureIndex = { version: table.version, byId, lexicon, siteOfWord };
  return procedureIndex;
}

/** Words between a body site and its procedure ("prior prostate RADICAL surgery" is rare; "major abdominal surgery" is not). */
const SITE_MODIFIERS = new Set(["major", "minor", "radical", "open", "laparoscopic", "robotic", "partial", "total", "extensive", "significant", "elective", "previous", "prior", "recent", "any", "curative", "palliative"]);

/** A text's words, lower case, as site names are looked up ("Radical-prostatectomy" → ["radical", "prostatectomy"]). */
function siteWordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^a-z'’]+/).filter(Boolean);
}

/** The longest site name (up to three words: "head and neck") ending at words' end, or undefined. */
function siteOfWords(t: ProcedureIndex, words: string[]): { id: string; used: number } | undefined {
  for (const n of [3, 2, 1]) {
    if (words.length < n) continue;
    const id = t.siteOfWord.get(words.slice(words.length - n).join(" "));
    if (id) return { id, used: n };
  }
  return undefined;
}

/** The longest site name starting at word i, or undefined. */
function siteAt(t: ProcedureIndex, words: string[], i: number): { id: string; used: number } | undefined {
  for (const n of [3, 2, 1]) {
    if (i + n > words.length) continue;
    const id = t.siteOfWord.get(words.slice(i, i + n).join(" "));
    if (id) return { id, used: n };
  }
  return undefined;
}

/**
 * The body sites named with a surgery or radiotherapy: in the words right before it ("prior
 * prostate surgery", "major abdominal or thoracic surgery") or after it ("radiotherapy to the
 * chest", "resection of the bowel"). Site ids of procedures.json; [] when none. Word look-ups,
 * not a pattern of every site word: this runs for every procedure a criterion names.
 */
export function procedureSitesNear(before: string, after: string): string[] {
  const t = procedures();
  const words = siteWordsOf(before.slice(-60));
  while (words.length && SITE_MODIFIERS.has(words[words.length - 1])) words.pop();
  const out: string[] = [];
  for (;;) {
    const hit = siteOfWords(t, words);
    if (!hit) break;
    out.push(hit.id);
    words.splice(words.length - hit.used, hit.used);
    // "abdominal or thoracic", "abdominal, pelvic"
    if (words.length && (words[words.length - 1] === "or" || words[words.length - 1] === "and")) words.pop();
    else if (!/[,/]\s*$/.test(before)) break;
  }
  out.reverse(); // in text order
  if (!out.length) {
    const a = /^\s*(?:to|of|on|in|involving|at)\s+(?:the\s+)?([a-z'’]+(?:\s+[a-z'’]+){0,2})/i.exec(after.slice(0, 60));
    const hit = a ? siteAt(t, siteWordsOf(a[1]), 0) : undefined;
    if (hit) out.push(hit.id);
  }
  return [...new Set(out)];
}

/** The body sites a text names (a patient's procedure: "radical prostatectomy" → prostate). */
export function procedureSitesIn(text: string): string[] {
  const t = procedures();
  const words = siteWordsOf(text);
  const out = new Set<string>();
  // the longest site name at each word ("gastric bypass" before "gastric")
  for (let i = 0; i < words.length; ) {
    const hit = siteAt(t, words, i);
    if (hit) {
      out.add(hit.id);
      i += hit.used;
    } else i++;
  }
  return [...out];
}

/**
 * Salt and form words after a drug's name: "metoprolol succinate", "sertraline hydrochloride",
 * "levothyroxine sodium", "methylprednisolone acetate" are the drug.
 */
const SALT_WORDS =
  /\s+(?:succinate|tartrate|hydrochloride|hcl|dihydrochloride|hydrobromide|sodium|potassium|calcium|magnesium|mesylate|mesilate|maleate|besylate|besilate|citrate|phosphate|sulfate|sulphate|acetate|fumarate|malate|tosylate|bromide|chloride|dipropionate|propionate|valerate|butyrate|furoate|monohydrate|dihydrate|trihydrate|anhydrous|er|xr|sr|cr|la|xl|extended[- ]release|sustained[- ]release|delayed[- ]release|oral|tablets?|capsules?)\b.*$/i;

/** Generic id of a drug named by generic name, brand name or research code (a salt or form word after it is the same drug); null when unknown. */
export function normaliseDrug(name: string): string | null {
  const d = drugs();
  const id = d.drugByKey.get(compactKey(name));
  if (id !== undefined) return id;
  const base = name.replace(SALT_WORDS, "");
  return base !== name && base.trim() ? (d.drugByKey.get(compactKey(base)) ?? null) : null;
}

/** A drug's name without a salt or form word after it ("eribulin mesylate" → "eribulin"). */
export function drugBaseName(name: string): string {
  const base = name.replace(SALT_WORDS, "").trim();
  return base || name;
}

/** Every class of a drug, ancestors included, most specific first; [] for an unknown drug. */
export function drugClassesOf(drugName: string): string[] {
  const d = drugs();
  const id = normaliseDrug(drugName);
  if (!id) return [];
  const out: string[] = [];
  for (const c of d.directClasses.get(id) ?? []) out.push(c);
  for (const c of d.directClasses.get(id) ?? []) for (const a of d.ancestors.get(c) ?? []) if (!out.includes(a)) out.push(a);
  return out;
}

/** Class id named by a phrase ("PD-1 inhibitors", "platinum-based chemotherapy"), or null. */
export function drugClassOf(text: string): string | null {
  return drugs().classByKey.get(compactKey(text)) ?? drugs().lexicon.exact(text)?.id ?? null;
}

/** The class and all its ancestors; [] for an unknown class id. */
export function classAncestors(classId: string): string[] {
  return drugs().ancestors.get(classId) ?? [];
}

export function drugClass(id: string): DrugClass | undefined {
  return drugs().classes.get(id);
}

/** Generic ids of every drug in a class or any of its subclasses. */
export function drugsInClass(classId: string): string[] {
  const d = drugs();
  const out: string[] = [];
  for (const [drug, direct] of d.directClasses) {
    if (direct.some((c) => (d.ancestors.get(c) ?? []).includes(classId))) out.push(drug);
  }
  return out;
}

/** mg of prednisone equivalent to 1 mg of the corticosteroid, or null when not a known corticosteroid. */
export function prednisoneEquivalentFactor(drugName: string): number | null {
  const id = normaliseDrug(drugName);
  return id ? (drugs().prednisoneFactor.get(id) ?? null) : null;
}

/** Condition id for a phrase: an exact synonym, else the longest condition named inside the text; or null. */
export function conceptOf(text: string): string | null {
  const c = conditions();
  const exact = c.lexicon.exact(text);
  if (exact) return exact;
  let best: { id: string; len: number } | null = null;
  for (const m of c.lexicon.scan(text)) {
    const len = m.end - m.start;
    if (!best || len > best.len) best = { id: m.value, len };
  }
  return best?.id ?? null;
}

export function condition(id: string): Condition | undefined {
  return conditions().byId.get(id);
}

/** Procedure id named by a phrase ("SBRT", "major surgical procedure"), or null. */
export function procedureOf(text: string): string | null {
  return procedures().lexicon.exact(text);
}

/**
 * Is-a over the knowledge tables: condition ⊂ ancestor condition, class ⊂ ancestor class,
 * drug ⊂ each of its classes and their ancestors. Every id is-a itself.
 */
export function isA(id: string, ancestorId: string): boolean {
  if (id === ancestorId) return true;
  const c = conditions().ancestors.get(id);
  if (c && c.includes(ancestorId)) return true;
  const d = drugs();
  const cls = d.ancestors.get(id);
  if (cls && cls.includes(ancestorId)) return true;
  const direct = d.directClasses.get(id);
  if (direct) for (const k of direct) if ((d.ancestors.get(k) ?? []).includes(ancestorId)) return true;
  return false;
}

export function knowledgeVersions(): { drugClasses: string; conditions: string; procedures: string } {
  return { drugClasses: drugs().version, conditions: conditions().version, procedures: procedures().version };
}

export function drugLexicon(): Lexicon<DrugTerm> {
  return drugs().lexicon;
}
export function conditionLexicon(): Lexicon<string> {
  return conditions().lexicon;
}
export function procedureLexicon(): Lexicon<string> {
  return procedures().lexicon;
}
