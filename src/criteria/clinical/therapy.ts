/**
 * Therapy constraints: named drugs, drug classes and procedures, with timing (prior /
 * concurrent), temporal windows, lines of therapy, cycles and (for corticosteroids) a
 * prednisone-equivalent daily dose. Negation ("never received") and exceptions
 * ("except diphosphonate") are read from the clause; whether the criterion includes or
 * excludes is left to the criterion's kind.
 */
import type { ComparisonOp, TherapyConstraint } from "../types.js";
import {
  buildContext,
  clauseAt,
  gate,
  hasAny,
  isConditional,
  isException,
  negatedBefore,
  NUMBER_SRC,
  OP_SRC,
  parseNumber,
  parseOp,
  windowFor,
  type ClinicalContext,
} from "./context.js";
import { classAncestors, drugClassesOf, prednisoneEquivalentFactor, procedureSitesIn, procedureSitesNear } from "./knowledge.js";
import { Lexicon } from "./lexicon.js";

/**
 * Bare targets read as a class when the clause names a therapy after them:
 * "PD-1 or PD-L1 inhibitors", "programmed cell death protein 1 ligand 1 (PD-L1) … inhibitors".
 */
const TARGETS = new Lexicon<string>();
for (const [cls, names] of [
  ["anti-pd-1", ["PD-1", "PD1", "programmed cell death protein 1", "programmed cell death 1", "programmed death-1", "programmed death 1"]],
  ["anti-pd-l1", ["PD-L1", "PDL1", "programmed cell death protein 1 ligand 1", "programmed cell death ligand 1", "programmed death-ligand 1", "programmed death ligand 1"]],
  ["anti-ctla-4", ["CTLA-4", "CTLA4", "cytotoxic T-lymphocyte-associated protein 4", "cytotoxic T-lymphocyte-associated antigen 4", "cytotoxic T lymphocyte antigen 4"]],
  ["anti-vegf", ["VEGF"]],
  ["vegfr-tki", ["VEGFR", "VEGFR2", "VEGFR-2"]],
  ["egfr-targeted", ["EGFR"]],
  ["alk-inhibitor", ["ALK"]],
  ["ros1-inhibitor", ["ROS1"]],
  ["her2-targeted", ["HER2", "HER-2"]],
  ["anti-lag-3", ["LAG-3", "LAG3"]],
  ["anti-tigit", ["TIGIT"]],
  ["pi3k-inhibitor", ["PI3K", "PI3Kα", "PI3K-alpha"]],
  ["akt-inhibitor", ["AKT"]],
  ["mtor-inhibitor", ["mTOR"]],
  ["braf-inhibitor", ["BRAF"]],
  ["mek-inhibitor", ["MEK", "MEK1/2"]],
  ["flt3-inhibitor", ["FLT3"]],
] as const) {
  for (const n of names) TARGETS.add(n, cls);
}
const TARGET_SRC = String.raw`(?:anti[-\s]*)?(?:PD-?L?1|CTLA-?4|VEGFR?-?2?|EGFR|ALK|ROS-?1|HER-?2|LAG-?3|TIGIT|PI3K[αδ]?|AKT|mTOR|BRAF|MEK(?:1\/2)?|FLT3|programmed\s+(?:cell\s+)?death(?:\s+protein)?[-\s]*1(?:\s+ligand\s+1)?|programmed\s+(?:cell\s+)?death[-\s]ligand[-\s]1|cytotoxic\s+T[-\s]lymphocyte[-\s](?:associated\s+)?(?:protein|antigen)[-\s]4)`;
/**
 * After a bare target, a therapy noun must follow, with only other targets and list
 * separators between: "PD-1 or PD-L1 inhibitors", "(PD-L1), or … (CTLA-4) inhibitors".
 */
const TARGET_GATE = gate(["pd", "ctla", "vegf", "egfr", "alk", "ros1", "her", "lag", "tigit", "pi3k", "akt", "mtor", "braf", "mek", "flt3", "programmed", "cytotoxic"]);
const THERAPY_NOUN_AFTER_RE = new RegExp(
  String.raw`^(?:(?:\s*(?:/|,|or|and|and/or|\(|\)|&))*\s*${TARGET_SRC})*(?:\s*\))?[-\s]*(?:monoclonal\s+)?(?:inhibitors?|antibod(?:y|ies)|blockers?|blockade|TKIs?|targeted|directed|agents?|drugs?|therap(?:y|ies)|treatments?|agonists?)\b`,
  "i",
);
const BIOMARKER_WORD_AFTER_RE = /^[\s-]*(?:\(|mutation|mutant|mutated|positive|negative|wild|expression|status|amplif|rearrang|fusion|translocation|overexpress|TPS|CPS|\+|test|sensiti|exon|ligand\s*1\s*\()/i;

const CONCURRENT_RE =
  /\b(?:concurrent(?:ly)?|concomitant(?:ly)?|current(?:ly)?|ongoing|receiving|taking|takes?|on\s+(?:treatment|therapy)\s+with|during\s+(?:the\s+)?(?:study|trial|treatment|intervention|research)|planned|scheduled|will\s+(?:receive|require|need)|need(?:s)?\s+(?:to\s+)?(?:receive|use|be\s+treated)|requir(?:e|es|ing)|undergoing|under\s+treatment|chronic(?:ally)?|long[-\s]term|maintenance|regular(?:ly)?\s+use|in\s+use|using)\b/i;
const PRIOR_RE =
  /\b(?:prior|previous(?:ly)?|before|never|history\s+of|had\s+(?:received|undergone|been|used)|ha(?:ve|s)\s+(?:received|undergone|been\s+treated|used|got|failed|progressed)|received|treated|underwent|undergone|failed|failure|progress(?:ed|ion|ing)?|refractory|resistant|relapsed?|recurren(?:t|ce)|intoleran(?:t|ce)|tolerate|pre-?treated|na[iï]ve|exposure|exposed|last|since|after|following|end\s+of|used)\b/i;

const LINE_ORDINAL_RE = /\b(first|second|third|fourth|1st|2nd|3rd|4th|[1-4])[\s-]*lines?\b/gi;
const LINE_COUNT_RE = new RegExp(
  String.raw`(?:(${OP_SRC})\s*)?(${NUMBER_SRC})\s*(?:(or\s+more|or\s+beyond|or\s+greater|or\s+fewer|or\s+less)\s+)?(?:\(\s*\d\s*\)\s*)?(?:prior\s+|previous\s+|systemic\s+|standard\s+|lines?\s+of\s+)*(?:[A-Za-z][\w-]*\s+){0,2}?(?:lines?|regimens?|times|courses\s+of\s+(?:systemic\s+)?(?:therapy|treatment|chemotherapy)|(?:types?|kinds?)\s+of)\b(\s+or\s+(?:more|beyond|greater|fewer|less))?`,
  "gi",
);
const AT_LEAST_BUT_RE = new RegExp(String.raw`\b(?:at\s+least|a\s+minimum\s+of|≥|>=)\s*(${NUMBER_SRC})\s*(?:\(\s*\d\s*\)\s*)?(?:but|and)\s*$`, "i");
/** The lower end of a range just before a line count or ordinal: "1 to", "1-", "one or", "between 1 and", "first or", "2nd-". */
const LINE_COUNT_LOWER_RE = new RegExp(String.raw`(?:\bbetween\s+)?\b(${NUMBER_SRC})\s*(?:to|-|–|—|or|and)\s*$`, "i");
const LINE_ORDINAL_LOWER_RE = /\b(first|second|third|1st|2nd|3rd|[1-3])\s*(?:to|-|–|—|or|and)\s*$/i;
const CYCLES_RE = new RegExp(String.raw`(?:(${OP_SRC})\s+)?(${NUMBER_SRC})\s*(?:consecutive\s+)?(?:treatment\s+|full\s+)?(?:cycles|courses|doses|infusions)\b`, "gi");
const OUTCOME_RES: Array<[RegExp, NonNullable<TherapyConstraint["line"]>["outcome"]]> = [
  [/\b(?:intoleran(?:t|ce)|(?:could|can)\s*not\s+tolerate|unable\s+to\s+tolerate|intolerable)\b/i, "intolerant"],
  [/\b(?:fail(?:ed|ure|s|ing)?|refractory|resistan(?:t|ce))\b/i, "failed"],
  [/\b(?:progress(?:ed|ion|ing)?|relapsed?|recurred|recurrence)\b/i, "progressed"],
  [/\b(?:received|treated|pre-?treated|underwent|exposure|exposed)\b/i, "received"],
];

const DOSE_RE = new RegExp(
  String.raw`(?:(${OP_SRC}|=)\s*)?(\d+(?:\.\d+)?)\s*(mg|milligrams?)\s*(?:/\s*(?:day|d)\b|per\s+day|daily|a\s+day|/\s*24\s*h|qd)?(\s+(?:or\s+more|or\s+greater|or\s+above|or\s+higher|or\s+less))?`,
  "gi",
);

const GENERIC_THERAPY_RE = /\b(?:therap(?:y|ies)|treatments?|regimens?)\b/i;

interface Mention {
  category: TherapyConstraint["category"];
  concept: string;
  start: number;
  end: number;
}

const RESISTANCE_BEFORE = /\b(?:resistan(?:t|ce)|susceptib(?:le|ility)|sensitiv(?:e|ity)|mono-?resistant)\s+(?:to|against)\s+(?:the\s+)?(?:[\w-]+(?:\s*,\s*(?:or\s+|and\s+)?|\s+(?:or|and|and\/or)\s+)){0,4}$/i;
/** "Rifampicin-susceptible TB", "isoniazid-resistant": a germ's test result. */
const RESISTANCE_AFTER = /^[\s-]*(?:resistan(?:t|ce)|susceptib(?:le|ility)|sensitiv(?:e|ity)|mono-?resistant)\b/i;
const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 };
const DRUG_COUNT_BEFORE =
  /\b(?:(more\s+than|greater\s+than|over|>=|≥|>|at\s+least|a\s+minimum\s+of)\s*(\d|one|two|three|four|five)|(\d|two|three|four|five)\s+or\s+more)\s+(?:(?:different|distinct|prior|previous|separate|approved|marketed|classes\s+of|types\s+of)\s+)*$/i;
const DRUG_DOSE_AFTER = /^\s*(?:\(\s*)?(?:at\s+(?:a\s+)?doses?\s+(?:of\s+)?)?(>=|≥|>|more\s+than|greater\s+than|above|exceeding|over)\s*(\d+(?:\.\d+)?)\s*(mg|g|mcg|µg)\b\s*(\/\s*(?:day|d)\b|daily|per\s+day)?/i;
const DOSE_REFERENCE_BEFORE = /\b(?:after|following|post)\s+(?:the\s+)?(?:final|last)\s+(?:dose|administration|infusion|treatment)\s+(?:of\s+)?(?:the\s+)?(?:study\s+(?:drug|treatment)\s+)?\(?$/i;

/** Procedures that may be named with a body site ("prostate surgery", "radiotherapy to the chest"). */
const SITED_PROCEDURES = new Set(["surgery", "major-surgery", "minor-surgery", "radiotherapy"]);

function collectMentions(ctx: ClinicalContext): Mention[] {
  const out: Mention[] = [];
  for (const m of ctx.drugMatches) out.push({ category: m.value.kind === "drug" ? "drug" : "class", concept: m.value.id, start: m.start, end: m.end });
  for (const m of ctx.procedureMatches) {
    if (out.some((o) => o.start < m.end && m.start < o.end)) continue;
    out.push({ category: "procedure", concept: m.value, start: m.start, end: m.end });
  }
  const text = ctx.text;
  const targets = hasAny(ctx, TARGET_GATE) ? TARGETS.scan(text, ctx.tokens) : [];
  for (const m of targets) {
    if (out.some((o) => o.start <= m.start && m.end <= o.end)) continue;
    const after = text.slice(m.end, m.end + 240);
    if (BIOMARKER_WORD_AFTER_RE.test(after) && !/^\s*\(\s*(?:PD-?L?1|CTLA-?4)\s*\)/i.test(after)) continue;
    if (!THERAPY_NOUN_AFTER_RE.test(after)) continue;
    out.push({ category: "class", concept: m.value, start: m.start, end: m.end });
  }
  for (const m of unlistedDrugs(text)) if (!out.some((o) => o.start < m.end && m.start < o.end)) out.push(m);
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  // Merge a repeat of the same concept that only restates it: "Radiation radiotherapy (EF-RT)",
  // "anti-programmed cell death protein 1 (PD-1)".
  const merged: Mention[] = [];
  for (const m of out) {
    const prev = merged[merged.length - 1];
    if (prev && m.start < prev.end) continue;
    // "platinum-based chemotherapy", "VEGFR TKI therapy": a class followed by its own parent class is one mention.
    const restates = prev && (prev.concept === m.concept || (m.category === "class" && prev.category !== "procedure" && isAncestorOf(m.concept, prev)));
    if (prev && restates && /^[\s(\-/]*$/.test(text.slice(prev.end, m.start))) {
      prev.end = Math.max(prev.end, m.end);
      if (text[prev.end] === ")" && text.slice(prev.start, prev.end).includes("(")) prev.end++;
      continue;
    }
    merged.push({ ...m });
  }
  return merged;
}

/**
 * Drugs the table does not list, known by their International Nonproprietary Name stems (WHO's
 * stem book: -mab antibodies, -ib kinase and enzyme inhibitors, -vir antivirals, -tide peptides,
 * -cept receptor fusions, -platin, -taxel, -rubicin, -citabine, -sartan, -pril, -olol, -statin,
 * -parin, -xaban, …): "Previous treatment with trabectedin or eribulin" names two drugs even
 * when only one is in drug-classes.json. Such a drug is its own concept (its name, lower case),
 * with no class.
 */
const INN_STEM_RE =
  /[a-z](?:mab|[a-z]ib|vir|tide|cept|platin|taxel|rubicin|mycin|cycline|oxacin|cillin|conazole|prazole|tecan|citabine|citidine|mustine|trexate|fosfamide|lutamide|relix|relin|gliflozin|gliptin|sartan|[^a]pril|olol|dipine|vastatin|parin|xaban|gatran|lukast|afil|setron|oxetine|pramine|triptyline|azepam|azolam|triptan|gepant|dronate|poetin|grastim|kinra|limus|lidomide|bulin|dopa|zolid|bactam|penem|lizumab|tercept|platin|sotide|cabtagene|leucel|tuzumab)\b/gi;
/** Words with a stem's ending that are no drugs. */
const NOT_INN = new Set(["concept", "except", "accept", "intercept", "percept", "precept", "peptide", "peptides", "polypeptide", "nucleotide", "oligonucleotide", "dipeptide", "globulin", "immunoglobulin", "hemoglobin", "haemoglobin", "tubulin"]);

function unlistedDrugs(text: string): Mention[] {
  const out: Mention[] = [];
  INN_STEM_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = INN_STEM_RE.exec(text)) !== null) {
    const end = m.index + m[0].length;
    let start = m.index;
    while (start > 0 && /[A-Za-z]/.test(text[start - 1])) start--;
    const word = text.slice(start, end);
    // A name of a drug: at least six letters, lower case or capitalised, not after a hyphen ("anti-…") or a digit
    if (word.length < 6 || !/^[A-Za-z][a-z]+$/.test(word) || NOT_INN.has(word.toLowerCase())) continue;
    if (start > 0 && /[-\d]/.test(text[start - 1])) continue;
    out.push({ category: "drug", concept: word.toLowerCase(), start, end });
  }
  return out;
}

function isAnticancer(m: Mention): boolean {
  if (m.category === "procedure") return true;
  if (m.concept === "systemic-anticancer-therapy") return true;
  const classes = m.category === "class" ? classAncestors(m.concept) : drugClassesOf(m.concept);
  return classes.includes("systemic-anticancer-therapy");
}

function isAncestorOf(classId: string, m: Mention): boolean {
  if (m.category === "class") return classAncestors(m.concept).includes(classId);
  return drugClassesOf(m.concept).includes(classId);
}

function timingOf(ctx: ClinicalContext, m: Mention, hasWindow: boolean): TherapyConstraint["timing"] {
  const clause = clauseAt(ctx, m.start);
  const before = ctx.text.slice(Math.max(clause[0], m.start - 250), m.start);
  const after = ctx.text.slice(m.end, Math.min(clause[1], m.end + 60));
  // "2 antidepressants …, one of which is ongoing": the others are past; the count is over both
  // ("in the current episode" dates the failures, it does not make them current)
  const around = (before + " " + after.replace(/\b(?:at\s+least\s+)?one\s+of\s+(?:which|them|these)\b[^.;]*/i, "")).replace(/\bcurrent\s+(?:ep|ill|exac|rel|fla)\w*/gi, "episode");
  // "Kidney transplant (or planned within 12 months)": had one, or will
  if (/^\s*\(\s*or\s+(?:planned|scheduled|anticipated|expected|will)\b/i.test(after)) return "any";
  const concurrent = CONCURRENT_RE.test(around);
  const prior = hasWindow || PRIOR_RE.test(around);
  if (prior && concurrent) return "any";
  if (prior) return "prior";
  if (concurrent) return "concurrent";
  return "any";
}

type LineResult = { line?: TherapyConstraint["line"]; span?: [number, number] };
/** Whether the criterion has any word of a line-of-therapy statement (once per criterion). */
function mayStateLine(ctx: ClinicalContext): boolean {
  if (ctx.lineHint === undefined) ctx.lineHint = hasAny(ctx, LINE_GATE);
  return ctx.lineHint;
}
const LINE_GATE = gate(["line", "regimen", "times", "course", "type", "kind", "fail", "refractor", "resist", "progress", "relaps", "recurr", "toleran", "intoleran"]);
const LINE_HINT_RE = /line|regimen|times|course|type|kind|fail|refractor|resist|progress|relaps|recurr|intoleran|tolerat/i;

/** Line of therapy stated in the clause around `start` (computed once per clause). */
function lineOf(ctx: ClinicalContext, start: number): LineResult {
  const clause = clauseAt(ctx, start);
  const cache = (ctx.lines ??= new Map()) as Map<number, LineResult>;
  const hit = cache.get(clause[0]);
  if (hit) return hit;
  const text = ctx.text.slice(clause[0], clause[1]);
  const result = mayStateLine(ctx) && LINE_HINT_RE.test(text) ? readLine(text, clause[0]) : {};
  cache.set(clause[0], result);
  return result;
}

function readLine(text: string, clauseStart: number): LineResult {
  const clause: [number, number] = [clauseStart, clauseStart + text.length];
  let min: number | undefined;
  let max: number | undefined;
  let span: [number, number] | undefined;
  LINE_ORDINAL_RE.lastIndex = 0;
  let m: RegExpExecArray | null = null;
  if (/line/i.test(text) && (m = LINE_ORDINAL_RE.exec(text)) !== null) {
    const n = parseNumber(m[1]);
    if (Number.isFinite(n)) {
      const before = text.slice(Math.max(0, m.index - 30), m.index);
      const op = /(?:≥|>=|at\s+least|or\s+later|beyond)\s*$/i.test(before) || /^\s*(?:or\s+(?:later|beyond|above|more))/i.test(text.slice(m.index + m[0].length)) ? ">=" : "=";
      min = n;
      if (op === "=") max = n;
      span = [clause[0] + m.index, clause[0] + m.index + m[0].length];
      // "first or second line", "2nd-3rd line": the lower ordinal starts the range.
      const lower = LINE_ORDINAL_LOWER_RE.exec(before);
      const from = lower ? parseNumber(lower[1]) : NaN;
      if (op === "=" && from < n) {
        min = from;
        span[0] = clause[0] + m.index - (before.length - lower!.index);
      }
    }
  }
  LINE_COUNT_RE.lastIndex = 0;
  if (min === undefined && /line|regimen|times|course|type|kind/i.test(text) && (m = LINE_COUNT_RE.exec(text)) !== null) {
    const n = parseNumber(m[2]);
    if (Number.isFinite(n)) {
      const opWord = m[1] ? parseOp(m[1]) : null;
      const tail = (m[3] ?? m[4] ?? "").toLowerCase();
      let op: ComparisonOp = opWord ?? "=";
      if (/more|beyond|greater/.test(tail)) op = ">=";
      if (/fewer|less/.test(tail)) op = "<=";
      if (op === ">=") min = n;
      else if (op === ">") min = n + 1;
      // "no more than 2 prior regimens" admits none at all: an upper bound alone starts at zero.
      else if (op === "<=") [min, max] = [0, n];
      else if (op === "<") [min, max] = [0, n - 1];
      else {
        min = n;
        max = n;
      }
      span = [clause[0] + m.index, clause[0] + m.index + m[0].length];
      // "at least 1 but no more than 3 prior regimens": the upper bound's own lower one
      if (op === "<=" || op === "<") {
        const lower = AT_LEAST_BUT_RE.exec(text.slice(Math.max(0, m.index - 40), m.index));
        const from = lower ? parseNumber(lower[1]) : NaN;
        if (from <= (max ?? Infinity)) {
          min = from;
          span[0] = clause[0] + m.index - (Math.min(40, m.index) - lower!.index);
        }
      }
      // "1 to 3 prior lines", "1-3 regimens", "one or two prior lines", "between 1 and 3 lines": a range.
      if (op === "=") {
        const before = text.slice(Math.max(0, m.index - 30), m.index);
        const lower = LINE_COUNT_LOWER_RE.exec(before);
        const from = lower ? parseNumber(lower[1]) : NaN;
        if (from < n) {
          min = from;
          span[0] = clause[0] + m.index - (before.length - lower!.index);
        }
      }
    }
  }
  let outcome: NonNullable<TherapyConstraint["line"]>["outcome"];
  for (const [re, o] of OUTCOME_RES) {
    if (re.test(text)) {
      outcome = o;
      break;
    }
  }
  // "recurrence … at least 6 months after completing chemoradiotherapy": the course was completed and
  // the disease came back later — the therapy was received, not failed ("within 6 months after" is a failure).
  if ((outcome === "progressed" || outcome === "failed") && LATE_RECURRENCE_RE.test(text)) outcome = "received";
  if (min === undefined && max === undefined && outcome === undefined) return {};
  // An outcome alone ("received") says little; keep it only for failure/progression/intolerance or with a count.
  if (min === undefined && max === undefined && (outcome === "received" || outcome === undefined)) return {};
  const line: NonNullable<TherapyConstraint["line"]> = {};
  if (min !== undefined) line.min = min;
  if (max !== undefined) line.max = max;
  if (outcome) line.outcome = outcome;
  return { line, span };
}

const LATE_RECURRENCE_RE = new RegExp(
  String.raw`\b(?:recurren\w*|relaps\w*|progress\w*|metasta\w*)\b[^.;:]*?(?:\\?[≥>]\s*=?|\b(?:at\s+least|more\s+than|greater\s+than|longer\s+than|over|beyond|after|no\s+less\s+than|not\s+less\s+than))\s*(?:the\s+)?${NUMBER_SRC}\s*(?:months?|years?|weeks?|days?)\s+(?:after|since|from|following)\s+(?:the\s+)?(?:complet(?:ing|ion\s+of|ed)|end\s+of|finish(?:ing)?)\b`,
  "i",
);

const CYCLE_GATE = gate(["cycle", "course", "dose", "infusion"]);

/** Minimum cycles stated in the clause around `start` (computed once per clause). */
function cyclesOf(ctx: ClinicalContext, start: number): number | undefined {
  const clause = clauseAt(ctx, start);
  const cache = (ctx.cycles ??= new Map());
  if (cache.has(clause[0])) return cache.get(clause[0]);
  const n = hasAny(ctx, CYCLE_GATE) ? readCycles(ctx, clause) : undefined;
  cache.set(clause[0], n);
  return n;
}

function readCycles(ctx: ClinicalContext, clause: [number, number]): number | undefined {
  const text = ctx.text.slice(clause[0], clause[1]);
  if (!/cycle|course|dose|infusion/i.test(text)) return undefined;
  CYCLES_RE.lastIndex = 0;
  const m = CYCLES_RE.exec(text);
  if (!m) return undefined;
  const n = parseNumber(m[2]);
  if (!Number.isFinite(n)) return undefined;
  const op = m[1] ? parseOp(m[1]) : ">=";
  if (op === ">") return n + 1;
  if (op === ">=" || op === "=" || op === null) return n;
  return undefined; // "< 2 cycles" is a maximum, not a minimum
}

function isCorticosteroid(m: Mention): boolean {
  if (m.category === "class") return classAncestors(m.concept).includes("corticosteroid");
  if (m.category === "drug") return prednisoneEquivalentFactor(m.concept) !== null;
  return false;
}

/** A daily corticosteroid dose in the clause, as prednisone-equivalent mg/d. */
function steroidDose(ctx: ClinicalContext, m: Mention, mentions: Mention[]): TherapyConstraint["dose"] {
  const whole = clauseAt(ctx, m.start);
  // Doses are read within ±200 characters of the mention, inside its clause.
  const clause: [number, number] = [Math.max(whole[0], m.start - 200), Math.min(whole[1], m.end + 200)];
  const text = ctx.text.slice(clause[0], clause[1]);
  DOSE_RE.lastIndex = 0;
  let d: RegExpExecArray | null;
  let best: { op: ComparisonOp; value: number; at: number; dist: number } | undefined;
  while ((d = DOSE_RE.exec(text)) !== null) {
    const at = clause[0] + d.index;
    let op: ComparisonOp = d[1] ? (parseOp(d[1]) ?? "=") : "=";
    if (d[4]) op = /less/i.test(d[4]) ? "<=" : ">=";
    // "not exceeding 4 mg/day", "not more than 10 mg": an upper bound
    if ((op === ">" || op === ">=") && /\bnot\s*$/i.test(text.slice(Math.max(0, d.index - 6), d.index))) op = op === ">" ? "<=" : "<";
    const dist = Math.abs(at - m.start);
    if (!best || dist < best.dist) best = { op, value: Number(d[2]), at, dist };
  }
  if (!best) return undefined;
  // The dose is stated for the steroid named nearest to it; convert to prednisone equivalents.
  let named: Mention | undefined;
  for (const o of mentions) {
    if (o.category !== "drug" || !isCorticosteroid(o)) continue;
    if (o.start < clause[0] || o.start > clause[1]) continue;
    if (!named || Math.abs(o.start - best.at) < Math.abs(named.start - best.at)) named = o;
  }
  const factor = named ? (prednisoneEquivalentFactor(named.concept) ?? 1) : 1;
  return { op: best.op, value: Math.round(best.value * factor * 100) / 100, unit: "mg/d" };
}

const PERMISSION_RE = /\b(?:can|could|may|will)\s+(?:also\s+)?be\s+(?:included|enrolled|eligible|allowed|permitted|accepted)\b|\b(?:is|are)\s+(?:also\s+)?(?:allowed|permitted|acceptable)\b/i;

/**
 * "Never receive immune-checkpoint inhibitors (anti-PD-1 … or anti-PD-L1 …, etc)": members of a
 * denied class listed in parentheses right after it add nothing — the class decides — and the
 * list's "or" would read downstream as an alternative to the denial ("never A, or never B").
 */
function deniedExampleOf(ctx: ClinicalContext, m: Mention, mentions: Mention[]): boolean {
  const text = ctx.text;
  const clause = clauseAt(ctx, m.start);
  const open = text.lastIndexOf("(", m.start);
  if (open < clause[0] || text.slice(open, m.start).includes(")")) return false;
  const parent = mentions.find((p) => p.end <= open && /^[\s-]*$/.test(text.slice(p.end, open)));
  return parent !== undefined && parent.category === "class" && isAncestorOf(parent.concept, m) && negatedBefore(ctx, parent.start);
}

/** A short list run between a trigger and the mention: "operation or second-course ", "the ". */
const LIST_RUN_SRC = String.raw`(?:[\w-]+[\s,/]+){0,6}?`;
/** A therapy the patient could have, not one received: "suitable for operation or second-course radiotherapy", "can benefit from radiotherapy". */
const CANDIDACY_RE = new RegExp(String.raw`\b(?:suitable|eligible|candidates?|amenable|appropriate|fit|unfit|benefit|profit|indicat(?:ed|ion)|contraindicat(?:ed|ion)s?)\s+(?:for|from|to)\s+${LIST_RUN_SRC}$`, "i");
/** A therapy describing a disease: "dermatologic diseases that don't need systemic treatment", "hypothyroidism requiring hormone replacement". */
const DISEASE_NEEDS_RE = new RegExp(
  String.raw`\b(?!(?:patients?|subjects?|participants?|those|people|persons?|individuals?|women|men|who)\b)([A-Za-z][\w-]*)\s+(?:(?:that|which)\s+)?(?:(?:do|does|did)\s*(?:not|n[’']t)\s+|(?:do|does|did)\s+|not\s+)?(?:need|needs|needed|needing|require|requires|required|requiring)\s+${LIST_RUN_SRC}$`,
  "i",
);
const DISEASE_WORD_RE = /^(?:diseases?|disorders?|conditions?|illness(?:es)?|infections?|syndromes?|diabetes|hypothyroidism|hyperthyroidism|psoriasis|vitiligo|eczema|asthma|arthritis|[a-z]+itis|[a-z]+osis|[a-z]+ism)$/i;
/** Refusal as an alternative to intolerance or failure: "Refuse the first-line chemotherapy or could not tolerate chemotherapy". */
const REFUSAL_RE = /\b(?:refus(?:e|es|ed|ing|al)|declin(?:e|es|ed|ing)\s+(?:to|the|any|standard|further)|unwilling(?:ness)?\s+to\s+(?:receive|undergo|accept))\b/i;
const REFUSAL_GATE = gate(["refus", "declin", "unwilling"]);

/**
 * Mentions that name a therapy without saying the patient had (or must not have) it:
 * a possible therapy (candidacy), a disease's treatment needs, or one side of a refusal
 * alternative. Reading those as "received" fails patients wrongly; the criterion text stays
 * for a human instead (refusal is also a judgement constraint).
 */
const ADVERSE_FROM_RE =
  /\b(?:adverse\s+(?:events?|reactions?|effects?)|i?r?AEs?|toxicit(?:y|ies)|side\s+effects?)\s+(?:\([^)]{0,30}\)\s+)?(?:(?:from|to|due\s+to|related\s+to|attributed\s+to|attributable\s+to|caused\s+by|associated\s+with|of|on|with|following|after)\s+)(?:(?:a|an|the|any|prior|previous|previously\s+(?:received|administered)|earlier)\s+)*$/i;
function notAboutTherapyGiven(ctx: ClinicalContext, m: Mention): boolean {
  const clause = clauseAt(ctx, m.start);
  const before = ctx.text.slice(Math.max(clause[0], m.start - 120), m.start);
  const cand = CANDIDACY_RE.exec(before);
  // "derived clinical benefit from prior pembrolizumab": a response to a therapy received, not a candidacy.
  if (cand && !/\b(?:prior|previous|previously|earlier|initial|last)\b/i.test(cand[0]) && !/\b(?:clinical|derived|had|obtained|achieved|experienced|showed|shown|with)\s+$/i.test(before.slice(0, cand.index))) return true;
  // "grade 4 immune-related adverse event from prior immunotherapy", "unresolved toxicity of prior chemotherapy": the event, not the therapy
  if ((ctx.mayNameAdverse ??= /advers|toxicit|side\s+effect|\bi?r?AEs?\b/i.test(ctx.text)) && ADVERSE_FROM_RE.test(before)) return true;
  const need = DISEASE_NEEDS_RE.exec(before);
  // Only a need that is denied ("diseases that don't need systemic treatment") or excepted describes the disease alone;
  // "infection requiring systemic antibiotics within 14 days" narrows an exclusion and stays.
  if (need && DISEASE_WORD_RE.test(need[1]) && (/n[’']t|\bnot\b/i.test(need[0]) || isException(ctx, m.start))) return true;
  // "active graft-versus-host disease requiring systemic treatment": the treatment of that disease (an immunosuppressant),
  // not the anticancer therapy "systemic treatment" means elsewhere — the criterion is about the disease
  if (need && m.concept === "systemic-anticancer-therapy" && DISEASE_WORD_RE.test(need[1])) return true;
  // The record shows what was given, never what was refused: both sides of "refuse X or could not tolerate X" are left to a human.
  // The refusal stands before the mention with no comma between ("patient refusal" after a list of surgeries does not reach back).
  if (hasAny(ctx, REFUSAL_GATE)) {
    const r = REFUSAL_RE.exec(before);
    if (r && !/[,(]/.test(before.slice(r.index))) return true;
  }
  return false;
}

const REGIMENS_AFTER = /^[\s-]*(?:based\s+|containing\s+)?(?:[\w-]+\s+){0,2}?(?:regimens?|lines?|courses?)\b/i;
const COMPONENT_OF_LINES_RE = /\b(?:including|incl\.?|such\s+as|comprising|which\s+(?:must\s+)?(?:have\s+)?include[ds]?|that\s+(?:must\s+)?(?:have\s+)?include[ds]?|with\s+at\s+least\s+one\s+containing)\b/i;

/** After a drug: "(at a stable dose) for at least 4 weeks", "for ≥ 3 months", "for a minimum of 8 weeks". Groups: amount, unit. */
/** Words before a drug saying it is taken now: "stable dose of", "on a stable regimen of", "receiving". */
const STABLE_ON_BEFORE = /\b(?:stable|on\s+(?:a\s+|an\s+)?(?:stable\s+)?|receiving|taking|maintained\s+on|currently)\b/i;
const DURATION_IN = /\bfor\s+(?:at\s+least|a\s+minimum\s+of|no\s+less\s+than|≥|>=|more\s+than|>)\s*(\d{1,3})\s*(days?|weeks?|months?|years?)\b(?!\s+(?:after|since|from|ago))/i;
const ON_FOR_AT_LEAST =
  /^(?:[^.;]|\.(?=\d)){0,90}?\b(?:for|during|over)\s+(?:at\s+least|a\s+minimum\s+of|minimum(?:\s+of)?|no\s+less\s+than|not\s+less\s+than|≥|>=|more\s+than|>)\s*(\d{1,3})\s*(days?|weeks?|months?|years?)\b(?!\s+(?:after|since|from|ago|of\s+(?:the\s+)?(?:first|last|study|screening)))/i;

/**
 * Therapy constraints of one criterion text; spans are absolute (offset + index).
 * Corticosteroid doses are prednisone-equivalent mg/d; other doses are not read.
 */
export function extractTherapy(text: string, offset: number, ctx: ClinicalContext = buildContext(text, offset)): TherapyConstraint[] {
  const mentions = collectMentions(ctx);
  const out: TherapyConstraint[] = [];
  let lineComponents: [number, number] | undefined;
  for (const m of mentions) {
    if (isConditional(ctx, m.start)) continue;
    if (notAboutTherapyGiven(ctx, m)) continue;
    const window = windowFor(ctx, m.start, m.end);
    const c: TherapyConstraint = {
      type: "therapy",
      category: m.category,
      concept: m.concept,
      mention: text.slice(m.start, m.end),
      mentionSpan: [offset + m.start, offset + m.end],
      timing: timingOf(ctx, m, window !== undefined && window.relation === "within"),
      negated: negatedBefore(ctx, m.start) || /^[\s-]*na[iï]ve\b/i.test(text.slice(m.end)),
    };
    if (c.negated && deniedExampleOf(ctx, m, mentions)) continue;
    // "… contraception within 6 months after the final dose of bevacizumab": the study drug a period counts from
    const before50 = text.slice(Math.max(0, m.start - 50), m.start);
    if ((before50.includes("dose") || before50.includes("dministration") || before50.includes("nfusion")) && DOSE_REFERENCE_BEFORE.test(before50)) continue;
    // "resistance to fluoroquinolones", "susceptible to rifampicin": a test result of the germ, not a drug taken
    const before90 = text.slice(Math.max(0, m.start - 90), m.start);
    if ((before90.includes("esist") || before90.includes("uscept") || before90.includes("ensitiv")) && RESISTANCE_BEFORE.test(before90)) continue;
    // (a tumour's resistance, "platinum-resistant", "imatinib-resistant", is a treatment that failed)
    if (RESISTANCE_AFTER.test(text.slice(m.end, m.end + 16)) && !isAnticancer(m)) continue;
    if (isException(ctx, m.start)) c.exception = true;
    // "of adequate dose and duration (≥ 6 weeks)": how long it was taken, not how long ago
    if (window && window.relation === "at-least-since" && !window.reference && /\b(?:duration|lasting|course)\b[^.;]{0,25}$/i.test(text.slice(Math.max(0, window.span[0] - offset - 40), window.span[0] - offset))) {
      c.minDuration = { amount: window.amount, unit: window.unit as "day" | "week" | "month" | "year" };
    } else if (window) c.window = window;
    if (m.category === "procedure" && m.concept && SITED_PROCEDURES.has(m.concept)) {
      const clause = clauseAt(ctx, m.start);
      // (a site inside the mention: "major abdominal or thoracic surgery")
      const inside = m.end - m.start > 12 ? procedureSitesIn(text.slice(m.start, m.end)) : [];
      const sites = [...new Set([...inside, ...procedureSitesNear(text.slice(clause[0], m.start), text.slice(m.end, clause[1]))])];
      if (sites.length) c.sites = sites;
    }
    if (m.category !== "procedure") {
      const { line, span: lineSpan } = lineOf(ctx, m.start);
      // "patients received no more than 1 type of immune-checkpoint inhibitor … can be included": an allowance, not a requirement.
      if (line?.min === 0 && PERMISSION_RE.test(ctx.text.slice(...clauseAt(ctx, m.start)))) continue;
      // "at least 3 prior lines of therapy, including a proteasome inhibitor and an anti-CD38 antibody": the count is
      // of lines; what they included was received in one of them
      const component = line && lineSpan && lineSpan[1] <= m.start && COMPONENT_OF_LINES_RE.test(text.slice(lineSpan[1], m.start));
      if (component) lineComponents = lineSpan;
      else if (line) c.line = line;
      const cycles = cyclesOf(ctx, m.start);
      if (cycles !== undefined) c.minCycles = cycles;
      // "more than 1 TNF antagonist", "two or more antidepressants": a number of different drugs
      const count = m.category === "class" ? DRUG_COUNT_BEFORE.exec(text.slice(Math.max(0, m.start - 40), m.start)) : null;
      if (count) {
        const n = NUMBER_WORDS[(count[2] ?? count[3]).toLowerCase()] ?? Number(count[2] ?? count[3]);
        const strict = count[1] !== undefined && /more|greater|over|>(?!=)/i.test(count[1]) && !/=|least|minimum/i.test(count[1]);
        // ("at least 2 prior platinum-based regimens": lines of it, not different drugs — the line says so)
        if (Number.isFinite(n) && n >= 1 && n <= 9 && !(c.line?.min !== undefined && REGIMENS_AFTER.test(text.slice(m.end, m.end + 40)))) c.minDrugs = strict ? n + 1 : n;
      } else if (m.category === "class") {
        // "dual antiplatelet therapy", "triple therapy": that many drugs of the class together
        const k = /\b(dual|double|triple)\s+(?:[\w-]+\s+)?$/i.exec(text.slice(Math.max(0, m.start - 20), m.start));
        if (k) c.minDrugs = /triple/i.test(k[1]) ? 3 : 2;
      }
    }
    // "No chemotherapy for at least 4 weeks before the first dose": none in those weeks (a washout)
    if (c.negated && !c.window) {
      const clauseEnd = clauseAt(ctx, m.start)[1];
      const d = ON_FOR_AT_LEAST.exec(text.slice(m.end, clauseEnd));
      if (d && /^\s+(?:before|prior\s+to|preceding)\b/i.test(text.slice(m.end + d.index + d[0].length, clauseEnd))) {
        const s = m.end + d.index + d[0].search(/\b(?:for|during|over)\b/i);
        const e = m.end + d.index + d[0].length;
        c.window = { relation: "within", amount: Number(d[1]), unit: d[2].toLowerCase().replace(/s$/, "") as "day" | "week" | "month" | "year", text: text.slice(s, e), span: [offset + s, offset + e] };
        c.timing = "prior";
      }
    }
    // "on a beta-blocker at a stable dose for at least 4 weeks": taken for that long, up to now
    // ("Stable dose of an ACE inhibitor for ≥ 4 weeks before screening": on it up to screening, not a past course)
    if (m.category !== "procedure" && !c.negated && !c.window && (c.timing !== "prior" || STABLE_ON_BEFORE.test(text.slice(clauseAt(ctx, m.start)[0], m.start)))) {
      const clause = clauseAt(ctx, m.start);
      let d = ON_FOR_AT_LEAST.exec(text.slice(m.end, clause[1]));
      // "On stable doses of GDMT for at least 4 weeks, including a beta-blocker": the duration before the list
      if (!d) {
        const before = text.slice(clause[0], m.start);
        if (STABLE_ON_BEFORE.test(before) && /\bincluding\b/i.test(before)) d = DURATION_IN.exec(before);
      }
      if (d) {
        c.minDuration = { amount: Number(d[1]), unit: d[2].toLowerCase().replace(/s$/, "") as "day" | "week" | "month" | "year" };
        c.timing = "concurrent";
      }
    }
    if (isCorticosteroid(m)) {
      const dose = steroidDose(ctx, m, mentions);
      if (dose) c.dose = dose;
    } else if (m.category === "drug") {
      // "aspirin > 325 mg/day": a dose above which the drug counts
      const d = DRUG_DOSE_AFTER.exec(text.slice(m.end, m.end + 40));
      const op = d ? parseOp(d[1]) : null;
      if (d && op && op !== "=" && op !== "range") c.dose = { op, value: Number(d[2]), unit: d[4] ? `${d[3].toLowerCase().replace("µ", "u")}/d` : d[3].toLowerCase().replace("µ", "u") };
    }
    out.push(c);
  }
  // The lines whose components were named: counted over all systemic anticancer therapy
  if (lineComponents && !out.some((c) => c.line)) {
    const { line } = lineOf(ctx, lineComponents[0]);
    if (line) {
      const [a, b] = lineComponents;
      out.push({ type: "therapy", category: "class", concept: "systemic-anticancer-therapy", mention: text.slice(a, b), mentionSpan: [offset + a, offset + b], timing: "prior", negated: negatedBefore(ctx, a), line });
    }
  }
  // A line of therapy stated without naming any drug or class ("at least two prior lines of
  // systemic therapy") still constrains: it is about systemic anticancer therapy.
  if (!out.some((c) => c.line) && mayStateLine(ctx)) {
    for (const clause of ctx.clauses) {
      const { line, span } = lineOf(ctx, clause[0]);
      if (!line || !span || line.min === undefined) continue;
      if (mentions.some((m) => m.start >= clause[0] && m.start <= clause[1])) continue;
      if (!GENERIC_THERAPY_RE.test(text.slice(clause[0], clause[1])) && !/\blines?\b/i.test(text.slice(span[0], span[1]))) continue;
      out.push({
        type: "therapy",
        category: "class",
        concept: "systemic-anticancer-therapy",
        mention: text.slice(span[0], span[1]),
        mentionSpan: [offset + span[0], offset + span[1]],
        timing: "prior",
        negated: negatedBefore(ctx, span[0]),
        line,
      });
    }
  }
  return out.length > 1 ? withoutBroaderHead(out, text, offset) : out;
}

/**
 * "Prior systemic therapy with sorafenib, lenvatinib or any other VEGFR TKI": the class before
 * "with" is narrowed by what follows it, which is what the criterion asks about (a patient on
 * any other systemic therapy is not meant). Only when what follows belongs to the class.
 */
function withoutBroaderHead(out: TherapyConstraint[], text: string, offset: number): TherapyConstraint[] {
  return out.filter((c, i) => {
    if (c.category !== "class" || !c.concept) return true;
    const after = text.slice(c.mentionSpan[1] - offset, c.mentionSpan[1] - offset + 40);
    const w = /^\s*(?:with|using|containing|consisting\s+of|based\s+on)\s+(?:(?:a|an|the|any)\s+)?/i.exec(after);
    if (!w) return true;
    const next = out[i + 1];
    if (!next || next.mentionSpan[0] !== c.mentionSpan[1] + w[0].length || !next.concept) return true;
    const classes = next.category === "drug" ? drugClassesOf(next.concept).flatMap((k) => [k, ...classAncestors(k)]) : [next.concept, ...classAncestors(next.concept)];
    return !classes.includes(c.concept);
  });
}
