/**
 * What the matcher needs to know about words and codes: lab variables (LOINC, names,
 * canonical units), condition concepts (synonyms, codes, parents), drugs and drug classes,
 * and unit conversion (UCUM, through @lhncbc/ucum-lhc). The facts live in
 * data/knowledge/patient-terms.json; this module only indexes them.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Coding } from "../model/patient.js";

interface LabRow {
  variable: string;
  aliases: string[];
  loinc: string[];
  names: string[];
  unit: string;
  molarMass?: number;
}
interface ConditionRow {
  id: string;
  names: string[];
  parents: string[];
  icd10: string[];
  snomed: string[];
}
interface DrugClassRow {
  id: string;
  names: string[];
  parents: string[];
  members: string[];
}
interface TermsFile {
  version: string;
  labs: LabRow[];
  conditions: ConditionRow[];
  drugClasses: DrugClassRow[];
  drugSynonyms: Record<string, string>;
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

const SALT = /\b(hydrochloride|dihydrochloride|hcl|mesylate|malate|tosylate|sodium|potassium|citrate|sulfate|maleate|injection|tablets?|capsules?)\b/g;

export class MatchKnowledge {
  readonly version: string;
  private readonly labByVariable = new Map<string, LabRow>();
  private readonly labByLoinc = new Map<string, string>();
  private readonly labByName = new Map<string, string>();
  private readonly conditionById = new Map<string, ConditionRow>();
  /** [normalised name, concept id], longest name first. */
  private readonly conditionNames: Array<[string, string]> = [];
  private readonly snomed = new Map<string, string>();
  /** [code prefix, concept], longest prefix first. */
  private readonly icd10: Array<[string, string]> = [];
  private readonly ancestorCache = new Map<string, Set<string>>();
  private readonly classById = new Map<string, DrugClassRow>();
  private readonly classByName = new Map<string, string>();
  private readonly classesOfDrug = new Map<string, Set<string>>();
  private readonly drugSynonyms: Map<string, string>;
  private readonly rxnorm: Map<string, string>;
  private readonly conceptMemo = new Map<string, string[]>();
  private readonly families: Map<string, string[]>;
  private readonly convertCache = new Map<string, number | null>();

  constructor(terms: TermsFile) {
    this.version = terms.version;
    for (const l of terms.labs) {
      this.labByVariable.set(l.variable, l);
      for (const a of l.aliases) this.labByVariable.set(a, l);
      for (const c of l.loinc) this.labByLoinc.set(c, l.variable);
      for (const n of [...l.names, l.variable, ...l.aliases]) this.labByName.set(normaliseText(n), l.variable);
    }
    for (const c of terms.conditions) {
      this.conditionById.set(c.id, c);
      for (const n of [...c.names, c.id]) this.conditionNames.push([normaliseText(n), c.id]);
      for (const s of c.snomed) this.snomed.set(s, c.id);
      for (const p of c.icd10) this.icd10.push([p.toUpperCase(), c.id]);
    }
    this.conditionNames.sort((a, b) => b[0].length - a[0].length);
    this.icd10.sort((a, b) => b[0].length - a[0].length);
    for (const k of terms.drugClasses) {
      this.classById.set(k.id, k);
      for (const n of [...k.names, k.id]) this.classByName.set(normaliseText(n), k.id);
    }
    this.drugSynonyms = new Map(Object.entries(terms.drugSynonyms).map(([k, v]) => [normaliseText(k), v]));
    this.rxnorm = new Map(Object.entries(terms.rxnorm));
    this.families = new Map(terms.families.map((f) => [f.id, f.keywords]));
    for (const k of terms.drugClasses) {
      for (const m of k.members) {
        const set = this.classesOfDrug.get(m) ?? new Set<string>();
        for (const c of this.classClosure(k.id)) set.add(c);
        this.classesOfDrug.set(m, set);
      }
    }
  }

  // ---- labs -------------------------------------------------------------------------

  /** Canonical variable id of an id or alias ("hb" → "hemoglobin"); the input when unknown. */
  canonicalVariable(id: string): string {
    return this.labByVariable.get(id)?.variable ?? id;
  }

  /** The variable an observation measures, from its variable, LOINC code or name. */
  variableOf(o: { variable?: string; code?: Coding; text?: string }): string | undefined {
    if (o.variable) return this.canonicalVariable(o.variable);
    if (o.code && (!o.code.system || /loinc/i.test(o.code.system))) {
      const v = this.labByLoinc.get(o.code.code);
      if (v) return v;
    }
    for (const t of [o.text, o.code?.display]) {
      if (!t) continue;
      const v = this.labByName.get(normaliseText(t));
      if (v) return v;
    }
    return undefined;
  }

  labUnit(variable: string): string | undefined {
    return this.labByVariable.get(variable)?.unit;
  }

  labLoinc(variable: string): string | undefined {
    return this.labByVariable.get(variable)?.loinc[0];
  }

  /**
   * Converts value from one UCUM unit to another (mass ↔ molar through the variable's
   * molar mass). Undefined when the units are not commensurable.
   */
  convert(value: number, from: string | undefined, to: string | undefined, variable?: string): number | undefined {
    const f = normaliseUnit(from);
    const t = normaliseUnit(to);
    if (f === t) return value;
    const key = `${f}\u0000${t}\u0000${variable ?? ""}`;
    let factor = this.convertCache.get(key);
    if (factor === undefined) {
      const mw = variable ? this.labByVariable.get(variable)?.molarMass : undefined;
      const r = ucum().convertUnitTo(f, 1, t, mw ? { molecularWeight: mw } : {});
      factor = r.status === "succeeded" && typeof r.toVal === "number" ? r.toVal : null;
      this.convertCache.set(key, factor);
    }
    if (factor === null) return undefined;
    return Number((value * factor).toPrecision(12));
  }

  // ---- conditions -------------------------------------------------------------------

  hasConcept(id: string): boolean {
    return this.conditionById.has(id);
  }

  /** The most specific concept named in a text: the longest table name found in it. */
  conceptOf(text: string): string | undefined {
    return this.conceptsIn(text)[0];
  }

  /** Concepts named in a text, longest mentions first, overlapping shorter ones dropped. */
  conceptsIn(text: string): string[] {
    let hit = this.conceptMemo.get(text);
    if (!hit) {
      hit = this.findConcepts(text);
      if (this.conceptMemo.size > 50_000) this.conceptMemo.clear();
      this.conceptMemo.set(text, hit);
    }
    return hit;
  }

  private findConcepts(text: string): string[] {
    const t = ` ${normaliseText(text)} `;
    const taken: Array<[number, number]> = [];
    const out: string[] = [];
    for (const [name, id] of this.conditionNames) {
      let from = 0;
      for (;;) {
        const i = t.indexOf(` ${name} `, from);
        if (i < 0) break;
        const span: [number, number] = [i + 1, i + 1 + name.length];
        from = i + 1;
        if (taken.some(([a, b]) => span[0] < b && a < span[1])) continue;
        taken.push(span);
        if (!out.includes(id)) out.push(id);
      }
    }
    return out;
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

  conceptNames(id: string): string[] {
    return this.conditionById.get(id)?.names ?? [];
  }

  conceptLabel(id: string): string {
    return this.conditionById.get(id)?.names[0] ?? id;
  }

  /**
   * Prefilter keywords for the families of the given concepts: each family an ancestor
   * (or the concept) belongs to, plus pan-cancer words for cancers. Undefined when some
   * concept belongs to no family (the prefilter then cannot narrow by condition).
   */
  familyKeywords(concepts: string[]): string[] | undefined {
    const out = new Set<string>();
    for (const c of concepts) {
      let found = false;
      for (const a of this.ancestors(c)) {
        const kw = this.families.get(a);
        if (!kw) continue;
        if (a !== "cancer") found = true;
        for (const w of kw) out.add(w);
      }
      if (!found) return undefined;
    }
    return [...out].sort();
  }

  // ---- drugs ------------------------------------------------------------------------

  /** Lower-case generic name: salts and dosage forms dropped, brand names and codes resolved. */
  normaliseDrug(name: string): string {
    const n = normaliseText(name.toLowerCase().replace(SALT, ""));
    return this.drugSynonyms.get(n) ?? this.drugSynonyms.get(normaliseText(name)) ?? n.replace(/ /g, "-");
  }

  drugOfCode(c: Coding): string | undefined {
    if (c.system && !/rxnorm/i.test(c.system)) return undefined;
    return this.rxnorm.get(c.code);
  }

  /** Class ids a drug belongs to, ancestors included (penpulimab → anti-pd-1, ICI, anticancer). */
  drugClassesOf(drug: string): Set<string> {
    const parts = drug.split("+");
    const out = new Set<string>();
    for (const p of parts) for (const c of this.classesOfDrug.get(p) ?? []) out.add(c);
    return out;
  }

  hasDrugClass(id: string): boolean {
    return this.classById.has(id);
  }

  /** Class id named by a text ("PD-1 inhibitor" → "anti-pd-1"). */
  drugClassOf(text: string): string | undefined {
    return this.classByName.get(normaliseText(text)) ?? (this.classById.has(text) ? text : undefined);
  }

  drugClassLabel(id: string): string {
    return this.classById.get(id)?.names[0] ?? id;
  }

  private classClosure(id: string): Set<string> {
    const s = new Set([id]);
    const stack = [id];
    while (stack.length) {
      for (const p of this.classById.get(stack.pop()!)?.parents ?? []) if (!s.has(p)) (s.add(p), stack.push(p));
    }
    return s;
  }
}

/** "10^9/L" → "10*9/L", "×10⁹/L" spellings, "mmHg" → "mm[Hg]", "x ULN"-free units. */
export function normaliseUnit(u: string | undefined): string {
  if (!u || u === "1") return "1";
  let s = u.trim().replace(/\^/g, "*").replace(/\s+/g, "");
  if (/^mmhg$/i.test(s)) s = "mm[Hg]";
  if (s === "IU/L") s = "[IU]/L";
  if (s === "mIU/L" || s === "uIU/mL") s = s === "mIU/L" ? "m[IU]/L" : "u[IU]/mL";
  if (s === "years" || s === "year" || s === "y") s = "a";
  if (s === "months" || s === "month") s = "mo";
  return s;
}

interface Ucum {
  convertUnitTo(
    from: string,
    value: number,
    to: string,
    opts?: { molecularWeight?: number },
  ): { status: string; toVal: number | null };
}
let ucumInstance: Ucum | undefined;
function ucum(): Ucum {
  if (!ucumInstance) {
    // The package ships CommonJS without types.
    const lib = createRequire(import.meta.url)("@lhncbc/ucum-lhc") as { UcumLhcUtils: { getInstance(): Ucum } };
    ucumInstance = lib.UcumLhcUtils.getInstance();
  }
  return ucumInstance;
}

let defaultKnowledge: MatchKnowledge | undefined;
/** The knowledge built from data/knowledge/patient-terms.json (loaded once). */
export function matchKnowledge(): MatchKnowledge {
  if (!defaultKnowledge) {
    const url = new URL("../../data/knowledge/patient-terms.json", import.meta.url);
    const terms = JSON.parse(fs.readFileSync(url, "utf8")) as TermsFile;
    defaultKnowledge = new MatchKnowledge(terms);
  }
  return defaultKnowledge;
}
