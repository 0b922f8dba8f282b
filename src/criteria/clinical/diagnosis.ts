/**
 * Diagnosis constraints: conditions and histologies (from the conditions table), stage and
 * TNM, metastasis sites with their status words, and measurable disease with its standard.
 * Negation ("no", "without", "free of") is read from the clause; inclusion vs exclusion is
 * the criterion's kind. Mentions inside a condition ("if liver metastases: …") are left to
 * the numeric qualifier and not repeated here.
 */
import type { DiagnosisConstraint, TemporalWindow } from "../types.js";
import { buildContext, clauseAt, gate, hasAny, isConditional, isException, negatedBefore, parseNumber, windowFor, type ClinicalContext } from "./context.js";
import { condition, conditionLexicon, isA } from "./knowledge.js";
import type { LexiconMatch } from "./lexicon.js";

const SITES: Array<[RegExp, string]> = [
  [/^(?:leptomeningeal|meningeal|carcinomatous\s+mening)/i, "leptomeningeal"],
  [/^(?:brain|cerebral|intracranial|intra-cranial)/i, "brain"],
  [/^(?:cns|central\s+nerv(?:ous|e)\s+system)/i, "cns"],
  [/^(?:spinal\s+cord|epidural)/i, "spinal-cord"],
  [/^(?:liver|hepatic)/i, "liver"],
  [/^(?:bone|osseous|skeletal)/i, "bone"],
  [/^(?:lung|pulmonary)/i, "lung"],
  [/^(?:pleural)/i, "pleura"],
  [/^(?:peritoneal)/i, "peritoneum"],
  [/^(?:adrenal)/i, "adrenal"],
  [/^(?:lymph\s+node|nodal)/i, "lymph-node"],
  [/^(?:ovarian(?:\s+transcoelomic)?)/i, "ovary"],
  [/^(?:distant)/i, "distant"],
];
const SITE_SRC = String.raw`(?:leptomeningeal|meningeal|brain|cerebral|intra-?cranial|CNS|central\s+nerv(?:ous|e)\s+system|spinal\s+cord|epidural|liver|hepatic|bone|osseous|skeletal|lung|pulmonary|pleural|peritoneal|adrenal|lymph\s+node|nodal|ovarian(?:\s+transcoelomic)?|distant)`;
/** "brain or central nervous system (CNS) metastases", "liver and/or bone metastasis". */
const METASTASIS_RE = new RegExp(
  String.raw`\b(${SITE_SRC}(?:\s*\([A-Za-z]{2,5}\))?(?:\s*(?:,|/|or|and|and/or)\s*${SITE_SRC}(?:\s*\([A-Za-z]{2,5}\))?){0,6})\s+(?:metastas[ie]s|metastatic\s+(?:disease|lesions?|tumou?rs?)|mets|involvement|lesions?\s+metasta\w*)\b`,
  "gi",
);
const METASTASIS_TO_RE = new RegExp(String.raw`\b(metastas[ie]s|metastatic\s+disease)\s+(?:to|in|of|into)\s+(?:the\s+)?(${SITE_SRC})\b`, "gi");
const LEPTO_RE = /\b(?:leptomeningeal\s+(?:disease|carcinomatosis|involvement|spread)|carcinomatous\s+meningitis|meningeal\s+carcinomatosis|neoplastic\s+meningitis)\b/gi;
const SITE_ONLY_RE = new RegExp(SITE_SRC, "gi");
const WHOLE_SITE_RE = new RegExp(String.raw`^${SITE_SRC}$`, "i");

/** Whether the words are a metastasis site as criteria name one ("liver", "hepatic", "CNS", "lymph node"). */
export function isMetastasisSite(words: string): boolean {
  return WHOLE_SITE_RE.test(words.trim());
}

const STATUS_RE =
  /\b(active|inactive|untreated|treated|previously\s+treated|symptomatic|asymptomatic|stable|clinically\s+stable|radiologically\s+stable|unstable|progressive|progressing|(?:(?:poorly|inadequately|insufficiently|badly)\s+|(?:not|cannot\s+be|can\s*not\s+be|can't\s+be|could\s+not\s+be)\s+(?:well\s+|adequately\s+)?)controlled|controlled|uncontrolled|uncontrollable|severe|serious|(?:clinically\s+)?significant|known|suspected|untreated|irradiated|resected|progressed|requiring\s+(?:steroids|treatment))\b/gi;

const STAGE_RE = new RegExp(
  String.raw`\b(?:(?:AJCC|UICC|FIGO|TNM|clinical|pathologic(?:al)?|Ann\s+Arbor|BCLC|ISS)\s+)?stages?\s*(?::\s*)?((?:0|IV|I{1,3}|[1-4])[A-C]?[12]?(?:\s*(?:,\s*(?:or|and)\b|-|–|~|to|or|and|/|,)\s*(?:stage\s*)?(?:IV|I{1,3}|[1-4])[A-C]?[12]?)*)(?![A-Za-z])`,
  "gi",
);
const ROMAN_RANGE_RE = /\b((?:IV|I{1,3})[A-C]?\s*(?:-|–|~|to)\s*(?:IV|I{1,3})[A-C]?)(?:\s+stage\b)?(?![A-Za-z])/g;
const EXTENT_STAGE_RE =
  /\b(extensive[-\s]stage|extensive[-\s]disease|limited[-\s]stage|limited[-\s]disease|locally\s+advanced|locoregionally\s+advanced|loco-regionally\s+advanced|early[-\s]stage|advanced[-\s]stage|(?:un-?)?resectable|inoperable|recurrent(?:\s+(?:or|and|and\/or)\s+metastatic)?|metastatic|advanced)\b/gi;
const TNM_RE = /\b([cpy]?T(?:[0-4]|is|x)[a-c]?(?:\s*[-–~]\s*[0-4][a-c]?)?\s*N(?:[0-3]|x)[a-c]?(?:\s*[-–~]\s*[0-3][a-c]?)?(?:\s*M(?:[01]|x)[a-c]?(?:\s*[-–~]\s*[01][a-c]?)?)?)(?![A-Za-z0-9])/g;

const MEASURABLE_RE =
  /\b(?:(?:at\s+least\s+)?(?:one|1|a|single)\s+)?(?:(?:uni|bi)dimensionally\s+)?(?:measurable|measureable)\s+(?:and\s+evaluable\s+)?(?:disease|lesions?|tumou?rs?|nidus|target\s+lesions?|foc(?:us|i))\b|\b(?:at\s+least\s+)?(?:one|1)\s+(?:target\s+lesion)\b/gi;
const STANDARD_RE = /\b(?:RECIST|Response\s+Evaluation\s+Criteria\s+in\s+Solid\s+Tumou?rs)\s*(?:\(RECIST\))?\s*(?:v(?:ersion|\.)?\s*)?(1\.[01])|\b(mRECIST|iRECIST|irRECIST|RANO(?:-BM)?|Lugano|irRC|PCWG[23]|Choi|IMWG|GCIG|PERCIST)\b|\bRECIST\b/i;

const METASTASIS_GATE = gate(["metasta", "micrometasta", "mets", "involvement"]);
const MENING_GATE = gate(["mening", "leptomening"]);
const STAGE_GATE = gate(["stage"]);
const EXTENT_GATE = gate(["extensive", "limited"]);
const EXTENT_WORDS_GATE = gate(["advanced", "metastatic", "recurrent", "resectable", "unresectable", "un-resectable", "operable", "inoperable", "early"]);
const MEASURABLE_GATE = gate(["measur", "measureable", "target"]);
const FAMILY_HISTORY_GATE = gate(["family", "familial", "relative", "parent", "sibling"]);

const FAMILY_HISTORY_RE = /\b(?:family|familial|first[-\s]degree\s+relatives?|relatives?|parents?|siblings?)\b[^.;:]*$/i;

function siteOf(word: string): string | null {
  for (const [re, site] of SITES) if (re.test(word)) return site;
  return null;
}

const RESCUE_AFTER_RE = /\b(?:unless|except\s+(?:if|when|for\s+(?:those|patients|participants|subjects)\s+(?:that|who)\s+(?:are|were|have\s+been)))\b/i;
const PERMITTED_AFTER_RE = /\b(?:(?:are|is)\s+(?:eligible|allowed|permitted)|may\s+(?:be\s+)?(?:enrolled|included|eligible|participate))\b/i;
/** What a status rules out, said positively: "unless treated" → untreated. */
const STATUS_INVERSE: Record<string, string> = {
  treated: "untreated",
  untreated: "treated",
  stable: "unstable",
  unstable: "stable",
  asymptomatic: "symptomatic",
  symptomatic: "asymptomatic",
  controlled: "uncontrolled",
  uncontrolled: "controlled",
  inactive: "active",
  irradiated: "untreated",
  resected: "untreated",
};

/** Status words next to a mention, not reaching past the neighbouring mentions (`anchors`). */
function statusNear(ctx: ClinicalContext, start: number, end: number, anchors: Array<[number, number]>): string[] | undefined {
  const clause = clauseAt(ctx, start);
  let lo = Math.max(clause[0], start - 70);
  let hi = Math.min(clause[1], end + 60);
  for (const [a, b] of anchors) {
    if (b <= start && b > lo) lo = b;
    if (a >= end && a < hi) hi = a;
  }
  const before = ctx.text.slice(lo, start);
  const after = ctx.text.slice(end, hi);
  const out: string[] = [];
  // After "unless", or before "… are eligible", a status says what is not meant: "brain metastases, unless
  // treated and stable" are the untreated or unstable ones
  const rescue = RESCUE_AFTER_RE.exec(after);
  const permitted = rescue ? -1 : after.search(PERMITTED_AFTER_RE);
  const flipFrom = rescue ? rescue.index : permitted >= 0 ? 0 : after.length;
  const flipTo = permitted >= 0 ? permitted : after.length;
  const parts: Array<[string, boolean]> = [
    [before, false],
    [ctx.text.slice(start, end), false],
    [after.slice(0, flipFrom), false],
    [after.slice(flipFrom, flipTo), true],
  ];
  for (const [part, flip] of parts) {
    STATUS_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = STATUS_RE.exec(part)) !== null) {
      // "poorly controlled", "not well controlled", "uncontrollable": uncontrolled
      let w = m[1].toLowerCase().replace(/\s+/g, " ").replace(/^(?:(?:poorly|inadequately|insufficiently|badly|(?:not|cannot be|can ?not be|can't be|could not be)(?: well| adequately)?) controlled|uncontrollable)$/, "uncontrolled").replace(/^clinically significant$/, "significant");
      if (flip) {
        const inverse = STATUS_INVERSE[w.replace(/^(?:clinically|radiologically|previously) /, "")];
        if (!inverse) continue;
        w = inverse;
      }
      if (!out.includes(w)) out.push(w);
    }
  }
  // "history of X": ever had it, whether or not it is current.
  if (/\bhistory\s+of\b[^.;:]*$|\bpast\s+history\b/i.test(before) || /^\s*history\b/i.test(after)) out.push("history");
  return out.length ? out : undefined;
}

/** Condition concept named nearest to a position in the same clause. */
function nearestCondition(conds: Array<{ id: string; start: number; end: number }>, ctx: ClinicalContext, at: number): string | null {
  const clause = clauseAt(ctx, at);
  let best: { id: string; d: number } | null = null;
  for (const c of conds) {
    if (c.start < clause[0] || c.start > clause[1]) continue;
    const d = c.start >= at ? c.start - at : (at - c.end) * 1.2;
    if (!best || d < best.d) best = { id: c.id, d };
  }
  return best?.id ?? null;
}

interface Run {
  text: string;
  offset: number;
  ctx: ClinicalContext;
  out: DiagnosisConstraint[];
  anchors: Array<[number, number]>;
  metaSpans: Array<[number, number]>;
  stageSpans: Array<[number, number]>;
  conds: Array<{ id: string; start: number; end: number }>;
}

function pushDiagnosis(r: Run, c: Omit<DiagnosisConstraint, "type" | "mentionSpan" | "mention" | "negated">, s: number, e: number): void {
  const negated = negatedBefore(r.ctx, s) || (c.aspect === "condition" && negativeResult(r.ctx, c.concept, s, e));
  const d: DiagnosisConstraint = { type: "diagnosis", ...c, mention: r.text.slice(s, e), mentionSpan: [r.offset + s, r.offset + e], negated };
  if (isException(r.ctx, s)) d.exception = true;
  // "Myocardial infarction or stroke within 90 days": a condition's time window (not a stage's or a metastasis's)
  if (c.aspect === "condition") {
    const window = windowFor(r.ctx, s, e) ?? durationWindow(r, d.negated, e);
    if (window) d.window = window;
    const grade = r.ctx.text.includes("rade") ? minGradeAround(r.text, s, e) : undefined;
    if (grade !== undefined) d.minGrade = grade;
  }
  r.out.push(d);
}

/**
 * How long the condition has lasted, written after it ("asthma for ≥ 12 months", "diagnosis of
 * Crohn's disease for at least 3 months prior to screening"): its onset at least that long ago.
 * Denied ("no seizures for at least 12 months"), none within that time. A duration of a treatment
 * in between ("treated with steroids for 3 months") is the treatment's.
 */
const DURATION_AFTER_RE =
  /^([^.;]{0,50}?)\b(for\s+(?:at\s+least|a\s+minimum\s+of|minimum(?:\s+of)?|no\s+less\s+than|not\s+less\s+than|≥|>=|more\s+than|over|>)\s*(\d{1,3}|one|two|three|four|six|twelve)\s*(days?|weeks?|months?|years?))\b(?!\s+(?:after|since|from|ago|of\s+(?:treatment|therapy)))/i;
const TREATMENT_BETWEEN_RE = /\b(?:treat|therap|receiv|taking|dose|drug|medicat|regimen|with(?!\s+or\s+without)\b|on\b|use)/i;

function durationWindow(r: Run, negated: boolean, e: number): TemporalWindow | undefined {
  const clauseEnd = clauseAt(r.ctx, e)[1];
  const after = r.text.slice(e, Math.min(clauseEnd, e + 110));
  if (!after.includes("for")) return undefined;
  const m = DURATION_AFTER_RE.exec(after);
  if (!m || TREATMENT_BETWEEN_RE.test(m[1])) return undefined;
  const amount = parseNumber(m[3]);
  if (!Number.isFinite(amount)) return undefined;
  const start = e + m[1].length;
  const end = start + m[2].length;
  return {
    relation: negated ? "within" : "at-least-since",
    amount,
    unit: m[4].toLowerCase().replace(/s$/, "") as TemporalWindow["unit"],
    text: r.text.slice(start, end),
    span: [r.offset + start, r.offset + end],
  };
}

/**
 * A test's negative result stated with the condition's marker ("HBsAg negative", "negative HCV
 * antibody", "undetectable HCV RNA", "HIV (-)"): the patient does not have it. ("Negative for
 * HIV" is a denial before the mention, read by negatedBefore.) The words between the mention
 * and the result may name the test only ("HCV antibody", "HBV DNA at screening").
 */
const NEGATIVE_RESULT_BEFORE_RE = /(?<![\w+-])(?:negative|undetectable|non-?reactive|seronegative)\s+(?:(?:serum|plasma|blood|anti-?|antibod(?:y|ies)\s+to|test(?:ing)?\s+for)\s*)?((?:[\w()/+-]+(?:\s*,\s*|\s+(?:and|or|and\/or)\s+|\s+)){0,6})$/i;
/** Words that end a negative result's reach over a list ("negative HBsAg and positive anti-HCV"). */
const RESULT_BREAK_RE = /\b(?:positive|detectable|detected|reactive|with|who|but|if|unless|except|history|known)\b/i;
const TEST_WORDS = String.raw`(?:surface\s+)?(?:antibod(?:y|ies)|antigen|Ab|Ag|RNA|DNA|PCR|viral\s+loads?|serology|tests?|testing|status|results?|levels?|titers?|titres?|screen(?:ing)?|(?:at|during|on)\s+screening)`;
const NEGATIVE_RESULT_AFTER_RE = new RegExp(
  String.raw`^[\s:-]*(?:\(\s*[A-Za-z-]+\s*\)\s*)?(?:${TEST_WORDS}[\s:]*){0,3}(?:(?:is|are|was|were|must\s+be|should\s+be|to\s+be|be)\s+)?(?:negative|undetectable|not\s+detect(?:ed|able)|non-?reactive|seronegative|below\s+(?:the\s+)?(?:lower\s+)?(?:limit|level)\s+of\s+(?:detection|quantification)|\(\s*[-−–]\s*\)|[-−](?![\w-]))`,
  "i",
);
const RESULT_WORD_GATE = /negativ|undetect|detect|reactiv|\(\s*[-−–]\s*\)|[-−]\s*$|below/i;
/** A result stated right at the mention ("HBsAg positive", "positive HCV antibody", "HIV (-)"). */
const RESULT_AT_RE = /\b(?:positive|negative|(?:non-?)?reactive|(?:un)?detect(?:ed|able)|seropositiv\w*|seronegativ\w*)\b|\(\s*[-−–+]\s*\)|\+/i;
function statesResult(ctx: ClinicalContext, start: number, end: number): boolean {
  const clause = clauseAt(ctx, start);
  return RESULT_AT_RE.test(ctx.text.slice(Math.max(clause[0], start - 16), Math.min(clause[1], end + 30)));
}

const POSITIVE_WORD = String.raw`(?:positive|detect(?:ed|able)|reactive|seropositive|\(\s*\+\s*\)|\+)`;
const POSITIVE_AFTER_RE = new RegExp(String.raw`^[\s:-]*(?:${TEST_WORDS}[\s:]*){0,3}(?:(?:is|are|was|were|must\s+be|should\s+be|to\s+be|be)\s+)?${POSITIVE_WORD}`, "i");
const POSITIVE_IN_RE = new RegExp(String.raw`(?<![\w-])${POSITIVE_WORD}`, "i");
const infectionIds = new Map<string, boolean>();
function isInfection(id: string): boolean {
  let v = infectionIds.get(id);
  if (v === undefined) infectionIds.set(id, (v = isA(id, "infection")));
  return v;
}
function negativeResult(ctx: ClinicalContext, concept: string | null, start: number, end: number): boolean {
  // Only an infection is a test's result ("HER2-negative breast cancer" is not "no breast cancer").
  if (!concept || !isInfection(concept)) return false;
  const clause = clauseAt(ctx, start);
  const around = ctx.text.slice(Math.max(clause[0], start - 60), Math.min(clause[1], end + 60));
  if (!RESULT_WORD_GATE.test(around)) return false;
  // its own result comes first: "HBsAg negative or HBsAg positive"
  if (POSITIVE_IN_RE.test(ctx.text.slice(start, end)) || POSITIVE_AFTER_RE.test(ctx.text.slice(end, Math.min(clause[1], end + 60)))) return false;
  const before = NEGATIVE_RESULT_BEFORE_RE.exec(ctx.text.slice(Math.max(clause[0], start - 60), start));
  if (before && !RESULT_BREAK_RE.test(before[1])) return true;
  return NEGATIVE_RESULT_AFTER_RE.test(ctx.text.slice(end, Math.min(clause[1], end + 60)));
}

/** "Grade ≥ 2", "CTCAE grade 3 or higher", "≥ grade 2", "grade 2+" before a condition, or "of grade ≥ 2", "(grade ≥ 3)" after it. */
const GRADE_BEFORE_RE = /(?:(?:CTCAE\s+)?[Gg]rade\s*(≥|>=|>|=)?\s*([0-5])(\s*(?:or\s+(?:higher|greater|above|more|worse)|\+|-[45]|\s*(?:to|–|-)\s*[45]))?|(≥|>=|>)\s*[Gg]rade\s*([0-5]))\s*$/;
const GRADE_AFTER_RE = /^\s*(?:\(|,\s*|of\s+|at\s+)?(?:NCI[\s-]+)?(?:CTCAE\s+(?:v(?:ersion)?\s*[\d.]+\s+)?)?[Gg]rade\s*(≥|>=|>|=)?\s*([0-5])(\s*(?:or\s+(?:higher|greater|above|more|worse)|\+|\s*(?:to|–|-)\s*[45]))?/;
function minGradeAround(text: string, start: number, end: number): number | undefined {
  const b = GRADE_BEFORE_RE.exec(text.slice(Math.max(0, start - 40), start));
  const a = b ? null : GRADE_AFTER_RE.exec(text.slice(end, end + 50));
  if (b) {
    if (b[5] !== undefined) return Number(b[5]) + (b[4] === ">" ? 1 : 0);
    return Number(b[2]) + (b[1] === ">" ? 1 : 0);
  }
  if (a) return Number(a[2]) + (a[1] === ">" ? 1 : 0);
  return undefined;
}

function addMetastasis(r: Run, site: string, s: number, e: number, statusStart: number, statusEnd: number): void {
  if (isConditional(r.ctx, s)) return;
  for (const o of r.out) if (o.aspect === "metastasis" && o.site === site && o.mentionSpan[0] - r.offset <= s && s < o.mentionSpan[1] - r.offset) return;
  const status = statusNear(r.ctx, statusStart, statusEnd, r.anchors);
  pushDiagnosis(r, { aspect: "metastasis", concept: null, site, ...(status ? { status } : {}) }, s, e);
  r.metaSpans.push([s, e]);
}

function addStage(r: Run, stage: string, s: number, e: number): void {
  for (const [a, b] of r.stageSpans) if (s < b && a < e) return;
  r.stageSpans.push([s, e]);
  pushDiagnosis(r, { aspect: "stage", concept: nearestCondition(r.conds, r.ctx, s), stage: stage.replace(/\s+/g, " ").trim() }, s, e);
}

function overlapsAny(spans: Array<[number, number]>, s: number, e: number): boolean {
  for (const [a, b] of spans) if (s < b && a < e) return true;
  return false;
}

/**
 * A condition word inside the name of a test or panel ("heart failure three indexes examination …
 * results are normal", "hepatitis B surface antigen test") names the test, not a diagnosis — unless
 * a positive result is stated ("HIV test positive").
 */
const TEST_AFTER_RE =
  /^[\s-]*(?:[\w-]+\s+){0,3}?(?:examinations?|exams?|tests?|testing|panels?|ind(?:ex|exes|ices)|markers?|screening|assays?|work-?up|serology|titers?|titres?|levels?)\b([^.;:]{0,60})/i;
const RESULT_RE = /\b(?:positive|negative|(?:non-?)?reactive|(?:un)?detect(?:ed|able)|seropositiv\w*|seronegativ\w*|confirm\w*)\b|\+/i;
function namesTestNotDiagnosis(ctx: ClinicalContext, start: number, end: number): boolean {
  const clause = clauseAt(ctx, start);
  const m = TEST_AFTER_RE.exec(ctx.text.slice(end, clause[1]));
  if (!m) return false;
  // The words between the condition and the test noun must not carry a verb ("infection was tested").
  // The words between the condition and the test noun name the test ("three indexes", "surface antigen"): no verb or
  // preposition ("atopic dermatitis according to SCORAD index", "neuropathy during the screening").
  if (/\b(?:is|are|was|were|has|have|had|with|who|requiring|according|to|by|per|using|on|in|at|as|of|for|and|or|during|the|a|an|from|after|before|on)\b/i.test(m[0].slice(0, m[0].length - m[1].length))) return false;
  // A stated result ("HIV test positive", "negative in HIV diagnostic test") is about the disease itself.
  // (Wrapped lines split clauses: look a little before the mention too — "a positive\n HIV test".)
  return !RESULT_RE.test(ctx.text.slice(Math.min(clause[0], Math.max(0, start - 40)), clause[1]));
}

/**
 * The disease a past therapy was given for ("progression within 6 months after the standard therapy of
 * locoregional advanced nasopharyngeal carcinoma", "previous treatment for pancreas adenocarcinoma")
 * describes that therapy: it does not ask for (or exclude) the diagnosis. A current or planned one
 * ("receiving therapy for active ulcerative colitis") still names the patient's disease.
 */
const TREATED_DISEASE_BEFORE_RE =
  /\b(?:(?:after|following|previous|prior|since|complet(?:ing|ion\s+of|ed))\s+(?:the\s+|a\s+|an\s+|any\s+)?(?:[\w-]+\s+){0,2}?(?:therap(?:y|ies)|treatments?|chemotherapy|radiotherapy|chemoradiotherapy|surgery|resection|management)|(?:agents?|drugs?|medications?)\s+(?:used\s+|given\s+|approved\s+)?for\s+(?:the\s+)?treatment)\s+(?:of|for)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,3}$/i;
/** A list of past therapies, a bracketed aside, then "for": "Prior chemotherapy, radiotherapy or any anti-angiogenic treatment (incl. bevacizumab) for glioma". */
const THERAPY_FOR_BEFORE_RE =
  /\b(?:therap(?:y|ies)|treatments?|chemotherapy|radiotherapy|chemoradiotherapy|surgery|resection|agents?|drugs?|medications?|inhibitors?|antibod(?:y|ies))\s*(?:\([^()]*\)\s*)?(?:for|of)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,3}$/i;
const PAST_RE = /\b(?:prior|previous(?:ly)?|history\s+of|received|had\s+been|after|following)\b/i;
/** What a drug is used to prevent: "a gepant for migraine prevention", "for the prophylaxis of migraine". */
const PREVENTION_BEFORE_RE = /\bfor\s+(?:the\s+)?(?:prevention|prophylaxis|prophylactic\s+treatment|preventive\s+treatment)\s+of\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}$/i;

function isTreatedDiseaseContext(ctx: ClinicalContext, start: number, end = start): boolean {
  const clause = clauseAt(ctx, start);
  const before = ctx.text.slice(Math.max(clause[0], start - 80), start);
  if (TREATED_DISEASE_BEFORE_RE.test(before)) return true;
  if (!/\b(?:for|of)\s+/i.test(before)) return false;
  if (PREVENTION_BEFORE_RE.test(before) || (/\bfor\s+(?:the\s+)?$/i.test(before) && /^\s+(?:prevention|prophylaxis|preventive)\b/i.test(ctx.text.slice(end, end + 14)))) return true;
  // (the list's commas end clauses: "Prior" may stand before the clause)
  // ("incl." ends a clause too): up to the last semicolon
  const wide = ctx.text.slice(Math.max(0, start - 200), start);
  const from = wide.lastIndexOf(";") + 1;
  return THERAPY_FOR_BEFORE_RE.test(wide.slice(Math.max(from, wide.length - 160))) && PAST_RE.test(wide.slice(from));
}

/** Diagnosis constraints of one criterion text; spans are absolute (offset + index). */
export function extractDiagnosis(text: string, offset: number, ctx: ClinicalContext = buildContext(text, offset)): DiagnosisConstraint[] {
  const taken: Array<[number, number]> = [];
  for (const m of ctx.drugMatches) taken.push([m.start, m.end]);
  for (const m of ctx.procedureMatches) taken.push([m.start, m.end]);
  const r: Run = { text, offset, ctx, out: [], anchors: [], metaSpans: [], stageSpans: [], conds: [] };
  const out = r.out;

  // Every mention bounds the reach of its neighbours' status words.
  const condMatches = conditionLexicon().scan(text, ctx.tokens).filter((c) => !overlapsAny(taken, c.start, c.end));
  for (const c of condMatches) r.anchors.push([c.start, c.end]);
  readMetastases(r);
  readConditions(r, condMatches);
  readStages(r);
  readMeasurableDisease(r);
  out.sort((a, b) => a.mentionSpan[0] - b.mentionSpan[0]);
  return withoutGenericHeads(out, text, offset);
}

const EVENT_OF_BEFORE =
  /\b(?:hospitali[sz](?:ation|ations|ed)|admissions?|admitted|(?:emergency\s+(?:room|department)|ER|ED)\s+visits?)\s+(?:to\s+(?:a\s+|the\s+)?hospital\s+)?(?:for|due\s+to|because\s+of)\s+(?:an?\s+|the\s+)?(?:acute\s+|worsening\s+|decompensated\s+)?$/i;

const EVENT_WORDS = /hospitali|admi|visit|exacerbat|decompensat|flare/i;
const EVENT_OF_AFTER = /^[\s-]*(?:related\s+)?(?:hospitali[sz]ations?|admissions?|exacerbations?|decompensations?|flares?|flare-ups?)\b/i;

/**
 * "Co-infection with hepatitis D virus or HIV", "infection by HIV": a broad condition whose
 * kind the words after it name is no condition of its own (a patient with hepatitis B is not
 * excluded for having "an infection").
 */
function withoutGenericHeads(out: DiagnosisConstraint[], text: string, offset: number): DiagnosisConstraint[] {
  // "Hospitalisation for heart failure within 4 weeks": an event of the condition, which the record does not hold — not the condition
  // ("COPD exacerbation within 4 weeks", "heart failure hospitalisation": likewise)
  if (EVENT_WORDS.test(text)) out = out.filter(
    (d) =>
      d.aspect !== "condition" ||
      !(EVENT_OF_BEFORE.test(text.slice(Math.max(0, d.mentionSpan[0] - offset - 60), d.mentionSpan[0] - offset)) || EVENT_OF_AFTER.test(text.slice(d.mentionSpan[1] - offset, d.mentionSpan[1] - offset + 40))),
  );
  if (out.length < 2) return out;
  return out.filter((d, i) => {
    if (d.aspect !== "condition" || !d.concept) return true;
    const next = out[i + 1];
    if (!next || next.aspect !== "condition" || !next.concept || next.concept === d.concept) return true;
    const between = text.slice(d.mentionSpan[1] - offset, next.mentionSpan[0] - offset);
    return !(/^\s*(?:with|by|due\s+to|caused\s+by)\s+(?:an?\s+|the\s+)?$/i.test(between) && isA(next.concept, d.concept));
  });
}

// The steps of extractDiagnosis, as functions of their own: V8 optimises small functions far faster than one big one.

/** Metastases first: "brain metastases" is a metastasis, not the condition "brain tumour". */
function readMetastases(r: Run): void {
  const { text, ctx, anchors } = r;
  const hasMetastasis = hasAny(ctx, METASTASIS_GATE);
  METASTASIS_RE.lastIndex = 0;
  let a: RegExpExecArray | null;
  while (hasMetastasis && (a = METASTASIS_RE.exec(text)) !== null) anchors.push([a.index, a.index + a[0].length]);

  METASTASIS_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (hasMetastasis && (m = METASTASIS_RE.exec(text)) !== null) {
    const groupStart = m.index;
    const groupEnd = m.index + m[0].length;
    SITE_ONLY_RE.lastIndex = 0;
    const sites: Array<{ site: string; s: number; e: number }> = [];
    let w: RegExpExecArray | null;
    while ((w = SITE_ONLY_RE.exec(m[1])) !== null) {
      const site = siteOf(w[0]);
      if (site && !sites.some((x) => x.site === site)) sites.push({ site, s: groupStart + w.index, e: groupStart + w.index + w[0].length });
    }
    sites.forEach((x, i) => addMetastasis(r, x.site, x.s, i === sites.length - 1 ? groupEnd : x.e, groupStart, groupEnd));
  }
  METASTASIS_TO_RE.lastIndex = 0;
  while (hasMetastasis && (m = METASTASIS_TO_RE.exec(text)) !== null) {
    const site = siteOf(m[2]);
    if (site) addMetastasis(r, site, m.index, m.index + m[0].length, m.index, m.index + m[0].length);
  }
  LEPTO_RE.lastIndex = 0;
  const hasMening = hasAny(ctx, MENING_GATE);
  while (hasMening && (m = LEPTO_RE.exec(text)) !== null) addMetastasis(r, "leptomeningeal", m.index, m.index + m[0].length, m.index, m.index + m[0].length);
}

/** Conditions and histologies. */
function readConditions(r: Run, condMatches: LexiconMatch<string>[]): void {
  const { text, ctx, anchors } = r;
  const conds = r.conds;
  for (const c of condMatches) {
    if (overlapsAny(r.metaSpans, c.start, c.end)) continue;
    if (namesTestNotDiagnosis(ctx, c.start, c.end) || isTreatedDiseaseContext(ctx, c.start, c.end)) continue;
    // "influenza vaccine", "COVID-19 vaccination": a vaccine against it; "depression score", "anxiety scale": an instrument
    if (NOT_THE_DISEASE_AFTER.test(text.slice(c.end, c.end + 24))) continue;
    // "positive GAD antibodies" (glutamic acid decarboxylase), "ANA titre": a laboratory result named like a disease's abbreviation
    if (ANTIBODY_AFTER.test(text.slice(c.end, c.end + 24)) && /^[A-Z0-9-]{2,6}$/.test(text.slice(c.start, c.end)) && !isA(c.value, "infection")) continue;
    // "treatment for the prevention of systemic fungal infection", "at high risk for stroke": not had
    const before40 = text.slice(Math.max(0, c.start - 40), c.start);
    if (/preven|prophyla|risk/i.test(before40) && NOT_THE_DISEASE_BEFORE.test(before40)) continue;
    // "Calgary Depression Scale for Schizophrenia", "Disease Activity Score for Rheumatoid Arthritis": an instrument's name
    if ((before40.includes("for ") || before40.includes("in ")) && INSTRUMENT_FOR_BEFORE.test(before40)) continue;
    // "psychotic and schizoaffective disorders", "viral or autoimmune hepatitis": the first shares the head noun
    const shared = sharedHeadBefore(text, c.start, c.end);
    if (shared && shared.id !== c.value && !conds.some((x) => x.start <= shared.start && shared.start < x.end)) conds.push(shared);
    conds.push({ id: c.value, start: c.start, end: c.end });
  }
  const seen = new Map<string, boolean>();
  for (const c of conds) {
    if (isConditional(ctx, c.start)) continue;
    // A relative's history ("family history of epilepsy") is not the patient's diagnosis.
    if (hasAny(ctx, FAMILY_HISTORY_GATE) && FAMILY_HISTORY_RE.test(text.slice(Math.max(clauseAt(ctx, c.start)[0], c.start - 80), c.start))) continue;
    const clause = clauseAt(ctx, c.start);
    const key = `${c.id}@${clause[0]}`;
    // "hepatitis B: HBsAg positive and HBV DNA…" names it once per clause; a change of result is
    // kept ("HBsAg negative, or HBsAg positive with …": the alternatives of ./alternatives.ts)
    const negated = negatedBefore(ctx, c.start) || negativeResult(ctx, c.id, c.start, c.end);
    const before = seen.get(key);
    if (before === negated || (before !== undefined && !statesResult(ctx, c.start, c.end))) continue;
    seen.set(key, negated);
    // "hepatitis B or C": the C is hepatitis C.
    if (c.id === "hbv-infection") {
      const orC = /^\s*(?:or|and|and\/or|,|\/)\s*C\b/.exec(text.slice(c.end, c.end + 12));
      if (orC) {
        const cAt = c.end + orC[0].length - 1;
        const st = statusNear(ctx, c.start, c.end, anchors);
        pushDiagnosis(r, { aspect: "condition", concept: "hcv-infection", ...(st ? { status: st } : {}) }, cAt, cAt + 1);
      }
    }
    const kind = condition(c.id)?.kind;
    if (kind === "state") continue; // pregnancy is a demographic constraint
    const status = statusNear(ctx, c.start, c.end, anchors);
    // "listeria infection", "wound infection": a kind of infection the table does not know is
    // that kind, not any infection — named by its words, for the matcher to compare.
    const kindOf = c.id === "infection" ? INFECTION_KIND_BEFORE.exec(text.slice(Math.max(0, c.start - 30), c.start)) : null;
    if (kindOf && !NOT_A_KIND.test(kindOf[1])) {
      const st = c.start - kindOf[0].length + kindOf[0].indexOf(kindOf[1]);
      pushDiagnosis(r, { aspect: "condition", concept: null, ...(status ? { status } : {}) }, st, c.end);
      continue;
    }
    pushDiagnosis(r, { aspect: kind === "histology" ? "histology" : "condition", concept: c.id, ...(status ? { status } : {}) }, c.start, c.end);
  }
}

const NOT_THE_DISEASE_BEFORE = /\b(?:prevention|prophylaxis|preventing|prevent|risk|risks)\s+(?:of|for|against)?\s*(?:(?:the|a|an|systemic|invasive|recurrent|future|developing)\s+)*$/i;
const INSTRUMENT_FOR_BEFORE = /\b(?:scales?|scores?|index|questionnaires?|inventory|instrument|rating)\s+(?:for|in)\s+(?:the\s+)?$/i;
const ANTIBODY_AFTER = /^[\s-]*(?:auto)?(?:antibod(?:y|ies)|Abs?\b|titers?|titres?|levels?)\b/i;
const NOT_THE_DISEASE_AFTER = /^[\s-]*(?:vaccin\w*|immuni[sz]ation|booster|risks?\b|(?:treatments?|therap(?:y|ies)|medications?)\b(?!\s+(?:for|of)\b)|(?:rating\s+|symptom\s+|severity\s+)?(?:scales?|scores?|index|questionnaires?|inventory))\b/i;

/** The word before "infection" ("listeria infection", "urinary tract infection"): group 1 the words naming its kind. */
const INFECTION_KIND_BEFORE = /\b((?:[A-Za-z]{3,}\s+){0,2}[A-Za-z]{4,})\s+$/;
/** Words before "infection" that say how, not what kind: the infection stays any infection. */
const NOT_A_KIND =
  /^(?:.*\s)?(?:active|acute|chronic|serious|severe|significant|clinically|uncontrolled|systemic|known|any|other|concurrent|ongoing|current|recent|untreated|opportunistic|intercurrent|requiring|with|without|have|has|had|having|and|or|no|evidence|history|signs|suspected|documented|underlying|major|minor|mild|moderate|persistent|recurrent|the|of|an|a|significant)$/i;

const HEAD_NOUN = /\b(disorders?|diseases?|syndromes?|infections?|cancers?|carcinomas?|tumou?rs?|hepatitis|neoplasms?|insufficiency|failure)$/i;
const COORDINATED_BEFORE = /\b([A-Za-z][\w'’-]*(?:\s+[A-Za-z0-9][\w'’-]*)?)\s*(?:,\s*|\s+(?:and|or|and\/or)\s+|\/)$/;

/**
 * A condition named by a modifier that shares the head noun of the next one ("psychotic and
 * schizoaffective disorders" names psychotic disorder too, "viral or autoimmune hepatitis"
 * viral hepatitis), when the table knows the modifier with that head.
 */
function sharedHeadBefore(text: string, start: number, end: number): { id: string; start: number; end: number } | undefined {
  if (!/(?:\band|\bor|,|\/)\s*$/.test(text.slice(Math.max(0, start - 6), start))) return undefined;
  const m = COORDINATED_BEFORE.exec(text.slice(Math.max(0, start - 40), start));
  if (!m) return undefined;
  const words = m[1].split(/\s+/);
  const mStart = start - m[0].length;
  // the modifier in place of the mention's first word or two: "acute or chronic pancreatitis",
  // "basal cell or squamous cell carcinoma of the skin"
  const mentionWords = text.slice(start, end).split(/\s+/);
  for (const k of [0, words.length - 1]) {
    const modifier = words.slice(k).join(" ");
    for (let drop = 1; drop <= Math.min(2, mentionWords.length - 1); drop++) {
      const id = conditionLexicon().exact(`${modifier} ${mentionWords.slice(drop).join(" ")}`);
      if (id) {
        const s = mStart + m[1].length - modifier.length;
        return { id, start: s, end: s + modifier.length };
      }
    }
  }
  const head = HEAD_NOUN.exec(text.slice(start, end));
  if (!head) return undefined;
  for (const k of [0, words.length - 1]) {
    const modifier = words.slice(k).join(" ");
    const singular = head[1].replace(/(?<=[a-z]{3})s$/i, "");
    const id = conditionLexicon().exact(`${modifier} ${head[1]}`) ?? conditionLexicon().exact(`${modifier} ${singular}`);
    if (id) {
      const s = mStart + m[1].length - modifier.length;
      return { id, start: s, end: s + modifier.length };
    }
  }
  return undefined;
}

/** Stage: "stage IIIB-IV", "IIIB–IV", "extensive-stage", "T1-2N0M0". */
function readStages(r: Run): void {
  const { text, ctx, conds } = r;
  let m: RegExpExecArray | null;
  STAGE_RE.lastIndex = 0;
  const hasStage = hasAny(ctx, STAGE_GATE);
  while (hasStage && (m = STAGE_RE.exec(text)) !== null) {
    const s = m.index;
    // Staging systems that are not a cancer's stage: Tanner, sleep, Hoehn and Yahr, CKD, pressure ulcers, heart failure.
    if (/(?:tanner|sleep|yahr|ckd|kidney\s+disease|renal\s+disease|ulcers?|heart\s+failure|hypertension|NYHA|fibrosis|GOLD)\s*$/i.test(text.slice(Math.max(0, s - 25), s))) continue;
    let e = m.index + m[0].length;
    while (e > s && /[\s,/-]/.test(text[e - 1])) e--;
    addStage(r, m[1].replace(/[\s,/-]+$/, ""), s, e);
  }
  ROMAN_RANGE_RE.lastIndex = 0;
  const hasRoman = (text.includes("I") || text.includes("V")) && /[IV][A-C]?\s*(?:[-–~]|to)/.test(text);
  while (hasRoman && (m = ROMAN_RANGE_RE.exec(text)) !== null) {
    // A bare roman range is a stage only with a sub-stage letter ("IIIB-IV") or the word "stage".
    if (!/[A-C]/.test(m[1]) && !/stage/i.test(m[0])) continue;
    addStage(r, m[1], m.index, m.index + m[0].length);
  }
  TNM_RE.lastIndex = 0;
  const hasTnm = text.includes("T") && text.includes("N") && /T(?:[0-4x]|is)[a-c]?(?:\s*[-–~]\s*[0-4][a-c]?)?\s*N/.test(text);
  while (hasTnm && (m = TNM_RE.exec(text)) !== null) addStage(r, m[1], m.index, m.index + m[1].length);
  EXTENT_STAGE_RE.lastIndex = 0;
  const hasExtent = hasAny(ctx, EXTENT_GATE) || (conds.length > 0 && hasAny(ctx, EXTENT_WORDS_GATE));
  while (hasExtent && (m = EXTENT_STAGE_RE.exec(text)) !== null) {
    const s = m.index;
    const e = m.index + m[0].length;
    const word = m[1].toLowerCase();
    // "metastatic"/"advanced"/"recurrent"… describe the disease only when a condition follows closely
    // ("metastatic soft tissue sarcoma"); "extensive-stage"/"limited-stage" always do.
    if (!/^(?:extensive|limited)/.test(word)) {
      const next = conds.find((c) => c.start >= e && c.start - e <= 40 && !/[.;:,(]/.test(text.slice(e, c.start)));
      if (!next) continue;
    }
    addStage(r, word.replace(/\s+/g, " ").replace(/^(extensive|limited|early|advanced)\s/, "$1-"), s, e);
  }
}

/** Measurable disease and its standard. */
function readMeasurableDisease(r: Run): void {
  const { text, ctx } = r;
  let m: RegExpExecArray | null;
  MEASURABLE_RE.lastIndex = 0;
  const hasMeasurable = hasAny(ctx, MEASURABLE_GATE);
  while (hasMeasurable && (m = MEASURABLE_RE.exec(text)) !== null) pushMeasurable(r, m);
}

// Its own function: rare, so V8 optimises extractDiagnosis before seeing it, and a first run
// inlined there would throw that code away.
function pushMeasurable(r: Run, m: RegExpExecArray): void {
  const text = r.text;
  const clause = clauseAt(r.ctx, m.index);
  const std = STANDARD_RE.exec(text.slice(clause[0], clause[1])) ?? STANDARD_RE.exec(text);
  let standard: string | undefined;
  if (std) standard = std[1] ? `RECIST ${std[1]}` : (std[2] ?? "RECIST");
  pushDiagnosis(r, { aspect: "measurable-disease", concept: null, ...(standard ? { standard } : {}) }, m.index, m.index + m[0].length);
}
