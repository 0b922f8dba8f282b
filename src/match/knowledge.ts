/**
 * What the matcher needs to know about words and codes: lab variables (LOINC, names,
 * canonical units), condition concepts (synonyms, codes, parents), drugs and drug classes,
 * and unit conversion (UCUM, through @lhncbc/ucum-lhc). The facts live in
 * data/knowledge/patient-terms.json; this module only indexes them.
 */
import fs from "node:fs";
import {
  classAncestors,
  conceptOf,
  conditionLexicon,
  drugClass,
  drugClassesOf,
  drugBaseName,
  drugClassOf,
  knowledgeVersions,
  normaliseDrug,
  prednisoneEquivalentFactor,
  procedureLexicon,
  procedureOf,
  procedureSitesIn,
} from "../criteria/clinical/knowledge.js";
import { findVariables, labTableVersion, labVariables, type LabVariable } from "../criteria/lexicon.js";
import { convert as unitConvert, toUcumCased } from "../criteria/units.js";
import type { Coding } from "../model/patient.js";

interface ConditionRow {
  id: string;
  name: string;
  parents?: string[];
  synonyms: string[];
  icd10?: string;
  snomed?: string;
}
interface TermsFile {
  version: string;
  rxnorm: Record<string, string>;
  families: Array<{ id: string; keywords: string[] }>;
}

/** Lower case, hyphens/commas/apostrophes/slashes to spaces, single spaces. */
export function normaliseText(s: string): string {
  return s
    .toLowerCase()
    .replace(/[’']s\b/g, "s")
    .replace(/[-_,;:/()[\]’'.]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** "C18-C20" → ["C18", "C19", "C20"]; "C22.0" → ["C22.0"]. */
function icdPrefixes(spec: string): string[] {
  const m = /^([A-Z])(\d{2})-\1?(\d{2})$/i.exec(spec.trim());
  if (!m) return [spec.trim().toUpperCase()];
  const out: string[] = [];
  for (let n = Number(m[2]); n <= Number(m[3]); n++) out.push(`${m[1].toUpperCase()}${String(n).padStart(2, "0")}`);
  return out;
}

function readJson<T>(file: string): T {
  const url = new URL(`../../data/knowledge/${file}`, import.meta.url);
  try {
    return JSON.parse(fs.readFileSync(url, "utf8")) as T;
  } catch (e) {
    throw new Error(`knowledge table ${url.pathname}: ${(e as Error).message}`);
  }
}

/**
 * Indexes over the criteria engine's tables (labs.json, conditions.json, drug-classes.json,
 * procedures.json, read through src/criteria where it exports look-ups, so that the
 * matcher reads words exactly as the parser does) and patient-terms.json (RxNorm codes,
 * prefilter families).
 */
/** A denial right before a concept in a diagnosis's text ("severe without psychotic features"). */
const DENIED_BEFORE = /\b(?:without|no|not|never|negative\s+for|free\s+of|excluding|ruled\s+out)\s+(?:[\w-]+\s+){0,2}$/i;
/** "Adenocarcinoma of the prostate", "squamous cell carcinoma of the anal canal": histology, then the organ. */
const HISTOLOGY_OF = /\b((?:(?:squamous|small|large|clear|transitional|basal)\s+cell\s+)?(?:adeno)?carcinoma|cancer|sarcoma|neoplasm|tumou?r|malignancy)\s+of\s+(?:the\s+)?([A-Za-z]+(?:\s+[A-Za-z]+)?)/i;

export class MatchKnowledge {
  readonly version: string;
  private readonly labByVariable = new Map<string, LabVariable>();
  private readonly labByLoinc = new Map<string, string>();
  private readonly labByName = new Map<string, string>();
  private readonly conditionById = new Map<string, ConditionRow>();
  private readonly snomed = new Map<string, string>();
  /** [code prefix, concept], longest prefix first. */
  private readonly icd10: Array<[string, string]> = [];
  private readonly ancestorCache = new Map<string, Set<string>>();
  private readonly classCache = new Map<string, Set<string>>();
  private readonly rxnorm: Map<string, string>;
  private readonly families: Map<string, string[]>;
  private readonly conceptMemo = new Map<string, string[]>();
  private readonly convertCache = new Map<string, number | null>();

  constructor(terms: TermsFile, conditions: ConditionRow[], labs: readonly LabVariable[]) {
    const v = knowledgeVersions();
    this.version = `${terms.version}+${v.conditions}+${v.drugClasses}+${labTableVersion()}`;
    for (const l of labs) {
      this.labByVariable.set(l.id, l);
      for (const c of l.loinc) if (!this.labByLoinc.has(c)) this.labByLoinc.set(c, l.id);
      for (const n of [l.id, l.label, ...l.synonyms]) {
        const key = normaliseText(n);
        if (!this.labByName.has(key)) this.labByName.set(key, l.id);
      }
    }
    for (const c of conditions) {
      this.conditionById.set(c.id, c);
      if (c.snomed) this.snomed.set(c.snomed, c.id);
      if (c.icd10) for (const p of icdPrefixes(c.icd10)) this.icd10.push([p, c.id]);
    }
    this.icd10.sort((a, b) => b[0].length - a[0].length);
    this.rxnorm = new Map(Object.entries(terms.rxnorm));
    this.families = new Map(terms.families.map((f) => [f.id, f.keywords]));
  }

  // ---- labs -------------------------------------------------------------------------

  /** Canonical variable id (the lab table's), or the input when unknown. */
  canonicalVariable(id: string): string {
    if (this.labByVariable.has(id)) return id;
    return this.labByName.get(normaliseText(id)) ?? id;
  }

  /** The variable an observation measures, from its variable, LOINC code or name. */
  variableOf(o: { variable?: string; code?: Coding; text?: string; unit?: string }): string | undefined {
    if (o.variable) {
      const given = this.canonicalVariable(o.variable);
      // {variable: "blasts", text: "Bone marrow blasts", unit: "%"}: the text names the measurement the unit fits
      const named = o.text && o.unit ? this.variableNamedIn(o.text) : undefined;
      if (named && named !== given && given && this.commensurable(o.unit, given) === false && this.commensurable(o.unit, named) === true) return named;
      return given;
    }
    if (o.code && (!o.code.system || /loinc/i.test(o.code.system))) {
      const v = this.labByLoinc.get(o.code.code);
      if (v) return v;
    }
    for (const t of [o.text, o.code?.display]) {
      if (!t) continue;
      const v = this.labByName.get(normaliseText(t));
      if (v) return v;
    }
    // "ACQ-6 score", "Serum potassium level": the one measurement the text names
    for (const t of [o.text, o.code?.display]) {
      const v = t ? this.variableNamedIn(t) : undefined;
      if (v) return v;
    }
    return undefined;
  }

  /** The single lab or score variable a short text names, if it names exactly one. */
  private variableNamedIn(text: string): string | undefined {
    if (text.length > 80) return undefined;
    const ids = new Set(findVariables(text).map((m) => m.id));
    return ids.size === 1 ? [...ids][0] : undefined;
  }

  /** Whether a unit converts to the variable's canonical unit (undefined when either is unknown). */
  private commensurable(unit: string | undefined, variable: string): boolean | undefined {
    const canonical = this.labUnit(variable);
    if (!unit || !canonical) return undefined;
    return this.convert(1, unit, canonical, variable) !== undefined;
  }

  labUnit(variable: string): string | undefined {
    return this.labByVariable.get(variable)?.unit;
  }

  labLabel(variable: string): string | undefined {
    return this.labByVariable.get(variable)?.label;
  }

  /**
   * Converts value between UCUM units (mass ↔ molar through the variable's molar mass).
   * Undefined when the units are not commensurable. Factors are cached: matching converts
   * the same pairs over and over.
   */
  convert(value: number, from: string | undefined, to: string | undefined, variable?: string): number | undefined {
    const f = normaliseUnit(from);
    const t = normaliseUnit(to);
    if (f === t) return value;
    const key = `${f}\u0000${t}\u0000${variable ?? ""}`;
    let factor = this.convertCache.get(key);
    if (factor === undefined) {
      try {
        factor = unitConvert(1, f, t, variable);
      } catch {
        factor = null;
      }
      this.convertCache.set(key, factor);
    }
    if (factor === null) return undefined;
    return Number((value * factor).toPrecision(12));
  }

  // ---- conditions -------------------------------------------------------------------

  hasConcept(id: string): boolean {
    return this.conditionById.has(id);
  }

  /** The concept a phrase names: an exact synonym, else the longest condition inside it. */
  conceptOf(text: string): string | undefined {
    return conceptOf(text) ?? undefined;
  }

  /** The concept a text names as a whole ("listeria infection" names none: only a part of it is "infection"). */
  conceptExactly(text: string): string | undefined {
    return conditionLexicon().exact(text) ?? undefined;
  }

  /** Every concept named in a text (non-overlapping longest matches), in text order. */
  conceptsIn(text: string): string[] {
    let hit = this.conceptMemo.get(text);
    if (!hit) {
      const exact = conceptOf(text);
      // "… without psychotic features", "no metastases": what a diagnosis's text denies is not a concept of it
      const scanned = conditionLexicon()
        .scan(text)
        .filter((m) => !DENIED_BEFORE.test(text.slice(Math.max(0, m.start - 30), m.start)))
        .map((m) => m.value);
      // "Adenocarcinoma of the prostate" is a prostate adenocarcinoma
      const of = HISTOLOGY_OF.exec(text);
      const organFirst = of ? conditionLexicon().scan(`${of[2]} ${of[1]}`).map((m) => m.value) : [];
      hit = [...new Set([...(exact && conditionLexicon().exact(text) ? [exact] : []), ...organFirst, ...scanned])];
      if (this.conceptMemo.size > 50_000) this.conceptMemo.clear();
      this.conceptMemo.set(text, hit);
    }
    return hit;
  }

  conceptOfCode(c: Coding): string | undefined {
    const sys = (c.system ?? "").toLowerCase();
    if (sys.includes("snomed") || sys === "sct") return this.snomed.get(c.code);
    if (sys.includes("icd")) {
      const code = c.code.toUpperCase();
      for (const [prefix, id] of this.icd10) if (code.startsWith(prefix)) return id;
    }
    return undefined;
  }

  /** The concept itself and all its ancestors. */
  ancestors(id: string): Set<string> {
    let s = this.ancestorCache.get(id);
    if (s) return s;
    s = new Set([id]);
    const stack = [id];
    while (stack.length) {
      const c = this.conditionById.get(stack.pop()!);
      for (const p of c?.parents ?? []) if (!s.has(p)) (s.add(p), stack.push(p));
    }
    this.ancestorCache.set(id, s);
    return s;
  }

  /** True when concept is ancestor or the same (NSCLC isA lung cancer). */
  isA(concept: string, ancestor: string): boolean {
    return this.ancestors(concept).has(ancestor);
  }

  conceptName(id: string): string {
    return this.conditionById.get(id)?.name ?? id;
  }

  conceptLabel(id: string): string {
    const c = this.conditionById.get(id);
    return c ? (c.synonyms[0] ?? c.name) : id;
  }

  /**
   * Prefilter keywords for the families of the given concepts: each family an ancestor
   * (or the concept) belongs to, plus pan-cancer words for cancers. Concepts of no family
   * (a histology such as "adenocarcinoma") add nothing; undefined when no concept has a
   * family (the prefilter then cannot narrow by condition).
   */
  familyKeywords(concepts: string[]): string[] | undefined {
    const out = new Set<string>();
    let found = false;
    for (const c of concepts) {
      for (const a of this.ancestors(c)) {
        const kw = this.families.get(a);
        if (!kw) continue;
        if (a !== "cancer") found = true;
        for (const w of kw) out.add(w);
      }
    }
    return found ? [...out].sort() : undefined;
  }

  // ---- drugs ------------------------------------------------------------------------

  /** Generic drug id ("Keytruda" → "pembrolizumab"); an unknown name, normalised. */
  normaliseDrug(name: string): string {
    // (an unknown drug by its name alone: "eribulin mesylate" is the "eribulin" a criterion names)
    return normaliseDrug(name) ?? normaliseText(drugBaseName(name)).replace(/ /g, "-");
  }

  drugOfCode(c: Coding): string | undefined {
    if (c.system && !/rxnorm/i.test(c.system)) return undefined;
    return this.rxnorm.get(c.code);
  }

  /** mg of prednisone one mg of this corticosteroid equals (dexamethasone 6.67), or null for other drugs. */
  prednisoneFactor(drug: string): number | null {
    return prednisoneEquivalentFactor(drug);
  }

  /** Class ids a drug belongs to, ancestors included (penpulimab → anti-pd-1, ICI, …). */
  drugClassesOf(drug: string): Set<string> {
    let s = this.classCache.get(drug);
    if (!s) {
      s = new Set(drug.split("+").flatMap((d) => drugClassesOf(d)));
      this.classCache.set(drug, s);
    }
    return s;
  }

  /** A class and all its ancestors ([] for an unknown class). */
  drugClassAncestors(id: string): string[] {
    return classAncestors(id);
  }

  hasDrugClass(id: string): boolean {
    return drugClass(id) !== undefined;
  }

  /** Class id named by a text ("PD-1 inhibitor" → "anti-pd-1"). */
  drugClassOf(text: string): string | undefined {
    if (drugClass(text)) return text;
    return drugClassOf(text) ?? undefined;
  }

  drugClassLabel(id: string): string {
    return drugClass(id)?.name ?? id;
  }

  /** Procedure id of a text ("SBRT" → "radiotherapy"), if the procedure table names it. */
  procedureOf(text: string): string | undefined {
    return procedureOf(text) ?? undefined;
  }

  /** Procedure ids named inside a longer text ("Transarterial chemoembolization of segment VII lesion" → interventional-procedure), longest first. */
  proceduresIn(text: string): string[] {
    return procedureLexicon()
      .scan(text)
      .sort((a, b) => b.end - b.start - (a.end - a.start))
      .map((m) => m.value);
  }

  /** Body sites a procedure's text names ("radical prostatectomy" → ["prostate"]), procedures.json site ids. */
  procedureSitesIn(text: string): string[] {
    return procedureSitesIn(text);
  }
}

/** A unit as UCUM, read the way the criteria engine reads units ("10^9/L", "mmHg", "g/dl"). */
export function normaliseUnit(u: string | undefined): string {
  if (!u || u === "1") return "1";
  const t = u.trim();
  return toUcumCased(t) ?? t;
}

let defaultKnowledge: MatchKnowledge | undefined;
/** The knowledge built from data/knowledge/*.json (loaded once). */
export function matchKnowledge(): MatchKnowledge {
  if (!defaultKnowledge) {
    const terms = readJson<TermsFile>("patient-terms.json");
    const conditions = readJson<{ conditions: ConditionRow[] }>("conditions.json").conditions;
    defaultKnowledge = new MatchKnowledge(terms, conditions, labVariables());
  }
  return defaultKnowledge;
}
