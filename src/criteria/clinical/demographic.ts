/**
 * Demographic constraints written in the text: pregnancy, lactation, childbearing
 * potential, contraception (with the sex it is asked of) and explicit sex restrictions
 * ("female patients only", "postmenopausal women"). Ages are numeric constraints and
 * belong to the numeric parser.
 */
import type { DemographicConstraint } from "../types.js";
import { buildContext, clauseAt, gate, hasAny, negatedBefore, type ClinicalContext } from "./context.js";

const PREGNANCY_RE = /\b(?:pregnan(?:t|cy|cies)|gestation(?:al)?\s+test|(?:serum|urine|blood)\s+(?:beta-?)?(?:hcg|β-?hcg)\b)/gi;
const LACTATION_RE = /\b(?:breast[-\s]?feeding|breast[-\s]?fed|lactating|lactation(?:\s+period)?|nursing(?!\s+(?:home|staff|care|facility|facilities))|non-?lactating|breastfeed)\b/gi;
const CHILDBEARING_RE =
  /\b(?:(?:women|woman|females?|female\s+(?:patients?|subjects?|participants?)|woman\s+patients|girls)\s+(?:of|with)\s+(?:child[-\s]?bearing|reproductive)\s+(?:potential|age)|(?:child[-\s]?bearing|reproductive)\s+(?:potential|age)|WOCBP|fertile\s+(?:women|woman|females?|female\s+patients)|potential\s+to\s+(?:bear\s+children|become\s+pregnant)|able\s+to\s+(?:bear\s+children|become\s+pregnant))\b/gi;
const CONTRACEPTION_RE = /\b(?:contracepti(?:on|ves?)|birth\s+control|barrier\s+method|(?:effective|adequate|acceptable|reliable)\s+(?:method|methods|measures)\s+of\s+(?:contraception|birth\s+control)|abstinence|intrauterine\s+device)\b/gi;
const SEX_RE =
  /\b(?:(?:only\s+)(?:male|female|men|women|man|woman)\b(?:\s+(?:patients|subjects|participants))?|(?:male|female|men|women)\s+(?:patients\s+|subjects\s+|participants\s+)?only|(?:must\s+be|are|is)\s+(?:a\s+)?(?:male|female|man|woman|men|women)\b(?!\s+(?:who|of|with|patients|subjects|participants))|(?:post|pre|peri)-?menopausal\s+(?:women|woman|females?|patients)|(?:male|female)\s+sex\b|(?:sex|gender)\s*:\s*(?:male|female)\b)/gi;
const BOTH_SEXES_RE = /\b(?:regardless\s+of\s+(?:gender|sex)|both\s+(?:sexes|genders)|male\s+(?:or|and)\s+female|men\s+(?:or|and)\s+women|either\s+sex|any\s+(?:gender|sex)|all\s+genders)\b/i;

const MALE_RE = /\b(?:men|man|male|males|boys|sexually\s+active\s+men)\b/i;
const FEMALE_RE = /\b(?:women|woman|female|females|girls|WOCBP|fertile|childbearing|child-bearing|pregnan)/i;

const MALE_G_RE = new RegExp(MALE_RE.source, "gi");
const FEMALE_G_RE = new RegExp(FEMALE_RE.source, "gi");

function lastIndexOf(g: RegExp, s: string): number {
  g.lastIndex = 0;
  let at = -1;
  let m: RegExpExecArray | null;
  while ((m = g.exec(s)) !== null) at = m.index;
  return at;
}

/** Sex named nearest before `at` within its sentence (";" and "." split sentences). */
function sexBefore(ctx: ClinicalContext, at: number): "male" | "female" | undefined {
  const clause = clauseAt(ctx, at);
  const before = ctx.text.slice(Math.max(clause[0], at - 160), at);
  const female = lastIndexOf(FEMALE_G_RE, before);
  const male = lastIndexOf(MALE_G_RE, before);
  if (female < 0 && male < 0) return undefined;
  return male > female ? "male" : "female";
}

const PREGNANCY_GATE = gate(["pregnan", "nonpregnan", "gestation", "hcg", "bhcg", "βhcg"]);
const LACTATION_GATE = gate(["breast", "lactat", "nonlactat", "nursing"]);
const CHILDBEARING_GATE = gate(["child", "wocbp", "fertile", "reproductive", "bear", "pregnant"]);
const CONTRACEPTION_GATE = gate(["contracep", "birth", "barrier", "abstinence", "intrauterine"]);
// "men" alone is a substring of "treatment": it is tested as a word below.
const SEX_GATE = gate(["male", "female", "women", "woman", "menopausal", "postmenopausal", "premenopausal", "perimenopausal", "sex", "gender"]);

const PREGNANCY_NEGATIVE_RE = /\b(?:negative|not\s+pregnant|non-?pregnant)\b/i;

function pushDemographic(out: DemographicConstraint[], text: string, offset: number, aspect: DemographicConstraint["aspect"], s: number, e: number, negated: boolean, sex?: "male" | "female"): void {
  const c: DemographicConstraint = { type: "demographic", aspect, mention: text.slice(s, e), mentionSpan: [offset + s, offset + e], negated };
  if (sex) c.sex = sex;
  out.push(c);
}

/** Demographic constraints of one criterion text; spans are absolute (offset + index). */
export function extractDemographics(text: string, offset: number, ctx: ClinicalContext = buildContext(text, offset)): DemographicConstraint[] {
  const d: Run = { out: [], text, offset, ctx };
  // Each aspect in a function of its own, read only when its gate opens: V8 then optimises the
  // few that run often without the code of the rest.
  if (hasAny(ctx, PREGNANCY_GATE)) readPregnancy(d);
  if (hasAny(ctx, LACTATION_GATE)) readLactation(d);
  if (hasAny(ctx, CHILDBEARING_GATE)) readChildbearing(d);
  if (hasAny(ctx, CONTRACEPTION_GATE)) readContraception(d);
  // Explicit sex restriction.
  if ((hasAny(ctx, SEX_GATE) || ctx.tokens.some((t) => t.lower === "men")) && !BOTH_SEXES_RE.test(text)) readSex(d);
  d.out.sort((a, b) => a.mentionSpan[0] - b.mentionSpan[0]);
  return d.out;
}

interface Run {
  out: DemographicConstraint[];
  text: string;
  offset: number;
  ctx: ClinicalContext;
}

function push(d: Run, aspect: DemographicConstraint["aspect"], s: number, e: number, negated: boolean, sex?: "male" | "female"): void {
  pushDemographic(d.out, d.text, d.offset, aspect, s, e, negated, sex);
}

/**
 * Pregnancy: "pregnant or breastfeeding" names the state; "negative pregnancy test" and
 * "non-pregnant" deny it. One constraint per sentence.
 */
function readPregnancy(d: Run): void {
  const { text, ctx } = d;
  let m: RegExpExecArray | null;
  const pregnancySeen = new Set<number>();
  PREGNANCY_RE.lastIndex = 0;
  while ((m = PREGNANCY_RE.exec(text)) !== null) {
    const clause = clauseAt(ctx, m.index);
    if (pregnancySeen.has(clause[0])) continue;
    // "become pregnant" in a contraception clause is not a pregnancy constraint.
    if (/\b(?:become|becoming|get|getting|avoid|plan(?:ning)?\s+to\s+(?:become|be))\s+$/i.test(text.slice(Math.max(0, m.index - 25), m.index))) continue;
    // "Male participants with pregnant partner(s)", "whose partner is pregnant": the partner's pregnancy.
    // The clause is then about the partner ("… for the duration of the pregnancy").
    if (/^\s+(?:female\s+)?partners?\b/i.test(text.slice(m.index + m[0].length, m.index + m[0].length + 20)) || /\bpartners?\s*(?:\(s\))?\s+(?:is|are|who\s+(?:is|are))\s+$/i.test(text.slice(Math.max(0, m.index - 30), m.index))) {
      pregnancySeen.add(clause[0]);
      continue;
    }
    pregnancySeen.add(clause[0]);
    const isTest = /test|hcg/i.test(text.slice(m.index, m.index + m[0].length + 6));
    const clauseText = text.slice(clause[0], clause[1]);
    const negated = /non-?$/i.test(text.slice(Math.max(0, m.index - 4), m.index)) || negatedBefore(ctx, m.index) || (isTest && PREGNANCY_NEGATIVE_RE.test(clauseText));
    let e = m.index + m[0].length;
    if (isTest && !/test/i.test(m[0])) {
      const t = /^\s*test/i.exec(text.slice(e));
      if (t) e += t[0].length;
    }
    push(d, "pregnancy", m.index, e, negated, "female");
  }
}

function readLactation(d: Run): void {
  const { text, ctx } = d;
  let m: RegExpExecArray | null;
  const lactationSeen = new Set<number>();
  LACTATION_RE.lastIndex = 0;
  while ((m = LACTATION_RE.exec(text)) !== null) {
    const clause = clauseAt(ctx, m.index);
    if (lactationSeen.has(clause[0])) continue;
    lactationSeen.add(clause[0]);
    const negated = /^non/i.test(m[0]) || negatedBefore(ctx, m.index);
    push(d, "lactation", m.index, m.index + m[0].length, negated, "female");
  }
}

/** The first mention only. */
function readChildbearing(d: Run): void {
  const text = d.text;
  CHILDBEARING_RE.lastIndex = 0;
  const m = CHILDBEARING_RE.exec(text);
  // "not of childbearing potential", "Not a WOCBP", "is not a woman of childbearing potential"
  if (m) push(d, "childbearing-potential", m.index, m.index + m[0].length, /\b(?:not|non)[\s-]+(?:an?\s+|of\s+)?$/i.test(text.slice(Math.max(0, m.index - 12), m.index)), "female");
}

/** Contraception: one per sex asked ("women of childbearing age … contraception; men … contraception"). */
function readContraception(d: Run): void {
  const { text, ctx } = d;
  let m: RegExpExecArray | null;
  const contraceptionSexes = new Set<string>();
  CONTRACEPTION_RE.lastIndex = 0;
  while ((m = CONTRACEPTION_RE.exec(text)) !== null) {
    const sex = sexBefore(ctx, m.index);
    const key = sex ?? "any";
    if (contraceptionSexes.has(key) || (key === "any" && contraceptionSexes.size > 0)) continue;
    // Examples inside brackets after a first mention ("(e.g. intrauterine device, …)") are not new demands.
    if (/\b(?:e\.g\.?|such\s+as|including)[^)]*$/i.test(text.slice(Math.max(0, m.index - 60), m.index)) && contraceptionSexes.size > 0) continue;
    contraceptionSexes.add(key);
    push(d, "contraception", m.index, m.index + m[0].length, negatedBefore(ctx, m.index), sex);
  }
}

function readSex(d: Run): void {
  const { text, ctx } = d;
  let m: RegExpExecArray | null;
  SEX_RE.lastIndex = 0;
  const sexes = new Set<string>();
  while ((m = SEX_RE.exec(text)) !== null) {
    const sex: "male" | "female" = /female|women|woman|menopausal/i.test(m[0]) ? "female" : "male";
    if (sexes.has(sex)) continue;
    sexes.add(sex);
    push(d, "sex", m.index, m.index + m[0].length, negatedBefore(ctx, m.index), sex);
  }
}
