/**
 * Stage 3 (numeric): one criterion's text → numeric constraints.
 *
 * Grammar, over the lexical pieces of ./tokenize.ts:
 *   comparison := mention? qualifier? comparator quantity (ULN)? postqualifier?
 *               | mention? quantity postfix-comparator            ("18 years or older")
 *               | mention? ("between"|"from")? quantity joiner quantity   (a range)
 *               | score-mention value ("or" | ",") value          ("ECOG 0 or 1")
 *               | table-name ":"? quantity                      ("PLT: 100×10⁹/L" → the table's
 *                                                                 bound; "Hct 32%" → "=")
 *               | comparator "ULN"                              ("TSH ≤ ULN" → 1 × ULN)
 *   quantity   := number (power-of-ten)? unit?   (also "1,5", "100 000", "1.5:1", dipstick "++")
 * A comparison without its own mention inherits the previous one when only connectors
 * separate them ("SBP ≥ 140 or < 100 mmHg", "men ≥ 450 ms, women ≥ 470 ms").
 * Ages: a time quantity with "age"/"aged"/"old"/"of age", or a bare "> 18 years".
 * Temporal windows and durations ("within 4 weeks", "life expectancy ≥ 3 months"), doses,
 * counts of cycles/lines, grades of a condition, citations and list numbers are not numeric
 * constraints here (the clinical extractor reads windows, doses and lines).
 */
import { drugClassOf, normaliseDrug } from "./clinical/knowledge.js";
import { findVariables, isTimeMeasurement, isTimeVariable, labVariables, variableById, variableNamedByUnit, type VariableMention } from "./lexicon.js";
import {
  NUMBER_RE,
  PER_VOLUME_RE,
  POSTFIX_RE,
  PREFIX_RE,
  RANGE_JOIN_RE,
  SCI_RE,
  ULN_RE,
  UNIT_RE,
  parseNumber,
  postfixOp,
  prefixOp,
  supToInt,
} from "./tokenize.js";
import type { ComparisonOp, Logic, NumericConstraint, Qualifier, Span } from "./types.js";
import { convert, toUcumCased } from "./units.js";

/** Every field is always present (undefined when absent): one object shape keeps V8's code monomorphic. */
interface Quantity {
  value: number;
  valueSpan: Span; // local
  end: number; // local end of the whole quantity (incl. unit / ULN)
  unitRaw: string | undefined;
  unit: string | undefined;
  unitSpan: Span | undefined;
  relativeTo: "ULN" | "LLN" | undefined;
}

function quantity(value: number, valueSpan: Span, end: number, relativeTo?: "ULN" | "LLN"): Quantity {
  return { value, valueSpan, end, unitRaw: undefined, unit: undefined, unitSpan: undefined, relativeTo };
}

/** Cheap test: a criterion without digits, "+" or a ULN-like word has no numeric constraint. */
const MAY_HAVE_NUMBERS = { test: (t: string) => /[\d+]/.test(t) || /ULN|LLN|limit/i.test(t) || NUMBER_WORD_GATE.test(t) };
const VERSION_BEFORE = /(?:^|[^\p{L}])(?:version|ver\.?|v)\s*\(?\s*$/iu;
/** A minus sign right before a number, after a comparator or a word that introduces a value. */
const NEGATIVE_BEFORE = /(?:[<>≤≥=≦≧＜＞]|\b(?:than|between|of|to|and|from|is|at|below|above|under|over|exceeding|least|most))\s*[-−]$/;
const SECOND_NUMBER_RE = /^(\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d])(?=[ \t]*(?:\/|cells?\b|per\b|copies|IU\b|mm3|mm³))|-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)(?![\d])(?![.,]\d)/;
const TIME_UNITS = new Set(["a", "mo", "wk", "d", "h", "min"]);
const DOSE_UNITS = /^(mg|mcg|[µμu]g|gy|cgy|mg\/m2|mg\/day|(?:mg|mcg|[µμu]g|ng)\/kg(?:\/(?:min|h|hr|day|d))?)$/i;
const AGE_WORD_BEFORE = /(?<![\p{L}])(ages?|aged|older|younger|adults?\s+(?:of|aged))(?![\p{L}])/giu;
const NOT_AGE_BEFORE = /(childbearing|reproductive|gestational|gestation|bone|corrected|menstrual|post-?menstrual|skeletal|fetal|foetal)\s+$/i;
const AGE_AFTER = /^[ \t]*(?:\(s\))?[ \t-]*(?:years?|yrs?|months?|weeks?|days?|hours?)?[ \t-]*(old|of[ \t]+age|of[ \t]+life|year-old|years-old|y\/o\b|yo\b|age\b)/i;
/** After a postfix comparator: "(80 or more) years old", or the age named after a reversed comparator ("18 ≤ age"). */
const AGE_AFTER_POSTFIX = /^[ \t]*(?:(?:years?|yrs?)[ \t-]*(?=old|of[ \t]+age|year-old|years-old|y\/o\b|yo\b)|(?=age\b))(old|of[ \t]+age|year-old|years-old|y\/o\b|yo\b|age\b)/i;
/** "renal transplants less than one year old", "a scar older than 6 months": the age of a thing, not of the patient. */
const THING_AGED = /\b(?:transplants?|grafts?|implants?|lesions?|scars?|fractures?|injur(?:y|ies)|wounds?|tattoos?|infarcts?|tumou?rs?|prosthes[ie]s|devices?|catheters?|stents?|ulcers?|specimens?|samples?|biops(?:y|ies))\b/i;
const TEMPORAL_AFTER =
  /^[ \t]*(?:\)[ \t]*)?(?:since|after|before|prior|ago|from|post|following|previously|earlier|for|of (?!age\b)|duration|history|in the (?:past|last|previous)|before|preceding|between|until|at|during|in)\b/i;
const PATIENT_WORDS =
  /^(?:[\s,:;()\-–•*]|\d+[.)]|patients?|subjects?|participants?|adults?|men|women|males?|females?|children|boys|girls|persons?|people|individuals?|volunteers?|healthy|obese|overweight|sedentary|active|postmenopausal|premenopausal|perimenopausal|young|older|elderly|adolescents?|teenagers?|infants?|toddlers?|neonates?|newborns?|be|are|is|must|should|who|aged?|of|and|or|both|sexes|genders?|all|any|either|sex|male\/female|inpatients?|outpatients?|the|a|an|with|were|was|will|at|time|enrolment|enrollment|screening|consent|signing|study|entry|years?)*$/i;

/** A comparison found in a criterion, before mention resolution (every field always present, as Quantity's). */
interface Found {
  op: ComparisonOp;
  cmpStart: number; // local start of comparator (or of the value when none)
  q: Quantity;
  q2: Quantity | undefined;
  end: number; // local end of the comparison
  postfixAge: boolean; // "or older" / "younger than"
  /** A range written with a dash or tilde ("18-65"), without "between"/"from". */
  bareRange: boolean;
  /** Diastolic value of a blood-pressure pair "140/90 mmHg" (q is the systolic). */
  pair: Quantity | undefined;
  /** A range the value must lie outside ("outside 0.4-4.0"). */
  outside?: boolean;
}

const ucumCache = new Map<string, string | undefined>();
/** toUcumCased, memoised: a few dozen spellings cover nearly every unit written. */
function ucumOf(raw: string): string | undefined {
  if (ucumCache.has(raw)) return ucumCache.get(raw);
  const u = toUcumCased(raw);
  if (ucumCache.size < 5000) ucumCache.set(raw, u);
  return u;
}

/** "log10", "log₁₀", "log" after a value: the value is a decimal logarithm (of the count whose unit follows). */
const LOG10_RE = /^[ \t]*log[ \t]?(?:10|₁₀)?(?![\p{L}\d])/iu;
/** Units of counts per volume, the only ones trial texts write as logarithms (viral loads). */
const COUNT_PER_VOLUME = /^(?:\{copies\}|\[IU\]|)\/(?:mL|L|uL)$/;

function readQuantity(text: string, at: number, numText: string, valueText = numText): Quantity {
  let end = at + numText.length;
  // "100.000/mm3", "800.000 IU/ml", "10.000 copies/mL": a dot between thousands before a count's unit
  const dotThousands = /^\d{1,3}\.\d{3}$/.test(numText) && /^\s*(?:\/\s*(?:mmc|mm3|mm³|[µμu]l)|(?:IU|UI|copies|cop)\s*\/\s*m?l)/i.test(text.slice(end, end + 14));
  let value = parseNumber(valueText, dotThousands);
  const q = quantity(value, [at, end], end);
  // "32+6 weeks": the days after the weeks (the value stays the weeks)
  const plusDays = WEEKS_PLUS_DAYS_AFTER.exec(text.slice(end, end + 40));
  if (plusDays) {
    end += plusDays[0].length;
    q.end = end;
  }
  // "10^3 CFU" written as a number
  const pow = /^(?:\^|\*\*)[ \t]*(-?\d{1,2})|^([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2})/.exec(text.slice(end, end + 6));
  if (numText === "10" && pow) {
    value = 10 ** (pow[1] !== undefined ? Number(pow[1]) : supToInt(pow[2]));
    end += pow[0].length;
    q.value = value;
    q.valueSpan = [at, end];
    q.end = end;
  }
  const rest = text.slice(end, end + 40);
  const sci = SCI_RE.exec(rest);
  if (sci) {
    const exp = /^[⁰¹²³⁴⁵⁶⁷⁸⁹]/.test(sci[1]) ? supToInt(sci[1]) : Number(sci[1]);
    const afterSci = end + sci[0].length;
    const per = PER_VOLUME_RE.exec(text.slice(afterSci, afterSci + 12));
    if (per) {
      const perUnit = per[1].toLowerCase().replace(/[µμ]/, "u").replace("³", "3").replace("mmc", "mm3");
      const per2 = perUnit === "l" ? "L" : perUnit === "ul" || perUnit === "mcl" ? "uL" : perUnit === "ml" ? "mL" : perUnit;
      q.unit = `10*${exp}/${per2}`;
      q.unitRaw = text.slice(end, afterSci + per[0].length).trim();
      const uStart = end + (sci[0].length - sci[0].trimStart().length);
      q.unitSpan = [uStart, afterSci + per[0].length];
      q.end = afterSci + per[0].length;
      return q;
    }
    if (exp >= 2 && exp <= 15) {
      q.value = value * 10 ** exp;
      q.valueSpan = [at, afterSci];
      end = afterSci;
      q.end = end;
    }
  }
  // "4 log10 copies/mL", "5 log IU/mL": the decimal logarithm of a count, read as the count (10⁴ copies/mL)
  const log = LOG10_RE.exec(text.slice(end, end + 12));
  if (log && value >= 0 && value <= 12) {
    const lu = UNIT_RE.exec(text.slice(end + log[0].length, end + log[0].length + 40));
    const ucum = lu ? ucumOf(lu[1]) : undefined;
    if (lu && ucum && COUNT_PER_VOLUME.test(ucum)) {
      q.value = Number((10 ** value).toPrecision(12));
      q.unit = ucum;
      q.unitRaw = text.slice(end + log[0].length - log[0].trimStart().length, end + log[0].length + lu[0].length).trim();
      const uStart = end + (log[0].length - log[0].trimStart().length);
      q.end = end + log[0].length + lu[0].indexOf(lu[1]) + lu[1].length;
      q.unitSpan = [uStart, q.end];
      return q;
    }
  }
  // "1 lakh/cumm", "1.5 lakhs per cubic mm" (Indian registries): a hundred thousand
  const next = text.charCodeAt(end) === 32 ? text.charCodeAt(end + 1) : text.charCodeAt(end);
  const lakh = next === 108 || next === 76 ? /^[ \t]*(?:lakhs?|lacs?)(?![\p{L}])/iu.exec(text.slice(end, end + 8)) : null;
  if (lakh) {
    q.value = Number((q.value * 1e5).toPrecision(12));
    end += lakh[0].length;
    q.valueSpan = [q.valueSpan[0], end];
    q.end = end;
  }
  const after = text.slice(end, end + 40);
  const u = UNIT_RE.exec(after);
  if (u) {
    const raw = u[1];
    const ucum = ucumOf(raw.replace(/^-/, ""));
    const uStart = end + u[0].indexOf(raw);
    q.unitRaw = raw;
    if (ucum) q.unit = ucum;
    q.unitSpan = [uStart, uStart + raw.length];
    q.end = uStart + raw.length;
    end = q.end;
    // "1.5 mg/dL (× ULN)" is rare; "2.5 × ULN" has no unit
  }
  if (!u || q.unit === "%") {
    const uln = ULN_RE.exec(text.slice(end, end + 50));
    if (uln && !u) {
      q.relativeTo = /^(LLN|lower|normal[ \t]+low)/i.test(uln[1]) ? "LLN" : "ULN";
      q.end = end + uln[0].length;
    }
  }
  return q;
}

/** Finds comparisons in a criterion's text (local offsets). */
function findComparisons(text: string): Found[] {
  const out: Found[] = [];
  let consumed = 0;
  NUMBER_RE.lastIndex = 0;
  for (let m = NUMBER_RE.exec(text); m; m = NUMBER_RE.exec(text)) {
    if (m.index < consumed) continue;
    const f = comparisonAt(text, m.index, m[1]);
    if (!f) continue;
    out.push(f);
    consumed = f.end;
    NUMBER_RE.lastIndex = f.pair ? f.end : Math.max(NUMBER_RE.lastIndex, f.end);
  }
  numberWordComparisons(text, out);
  ulnOnlyComparisons(text, out);
  out.sort((a, b) => a.cmpStart - b.cmpStart);
  return out;
}

const UNITS_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS_WORDS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const NUMBER_WORD_RE = new RegExp(
  `(?<![\\p{L}-])(?:(${TENS_WORDS.filter(Boolean).join("|")})(?:[ -](${UNITS_WORDS.slice(1, 10).join("|")}))?|(${UNITS_WORDS.join("|")})|(twice|thrice))(?![\\p{L}-])`,
  "giu",
);
/**
 * The cheap test before numberWordComparisons: words of age or time, a number word and a
 * comparator word in the same text (number words are read for ages; most texts fail the first test).
 */
const NUMBER_WORD_GATE = {
  test: (t: string) =>
    // (a multiple of the ULN written as a word: "twice the upper limit of normal", "three times ULN")
    (/year|month|age|old/i.test(t) || ((t.includes("twice") || t.includes("thrice") || t.includes("times")) && /ULN|LLN|limit/i.test(t))) &&
    /\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|twice|thrice)\b/i.test(t) &&
    /\b(?:least|most|more|less|fewer|than|older|younger|over|under|above|below|exceed\w*|minimum|maximum|up\s+to)\b|[<>≤≥]/i.test(t),
};

/**
 * Numbers written as words, with a comparator of their own: "at least eighteen years of age",
 * "twenty-one years or older", "two or more". A bare number word ("one of the following") is no value.
 */
function numberWordComparisons(text: string, out: Found[]): void {
  if (!NUMBER_WORD_GATE.test(text)) return;
  NUMBER_WORD_RE.lastIndex = 0;
  for (let m = NUMBER_WORD_RE.exec(text); m; m = NUMBER_WORD_RE.exec(text)) {
    const at = m.index;
    if (out.some((f) => f.cmpStart <= at && at < f.end)) continue;
    const value =
      m[4] !== undefined
        ? (m[4].toLowerCase() === "twice" ? 2 : 3)
        : m[3] !== undefined
          ? UNITS_WORDS.indexOf(m[3].toLowerCase())
          : TENS_WORDS.indexOf(m[1].toLowerCase()) * 10 + (m[2] ? UNITS_WORDS.indexOf(m[2].toLowerCase()) : 0);
    const f = comparisonOfValue(text, at, m[0], String(value), false);
    if (!f || f.op === "=" || f.q2 || f.end <= at) continue;
    WORDED.add(f);
    out.push(f);
  }
}

/** Comparisons whose value is a number word: kept only for an age or a known measurement ("at least one X" is a count). */
const WORDED = new WeakSet<Found>();

const DECIMAL_COMMA_RE =
  /^,(\d{1,2})(?!\d)(?=\s*(?:[x×*]\s*10|G\s*\/\s*L|T\s*\/\s*L|g\s*\/|mg|[µμun]g\s*\/|[µμunp]?mol|mmol|pg\s*\/|m?[IU]U?\s*\/|mEq|kPa|%|ULN|LSN|N\b|x\s*(?:N|LSN|ULN)\b|fois))/;
/** "between 7,5 and 10,5 %", "7,5-10,5%": decimal commas on both bounds of a range. */
const RANGE_DECIMAL_COMMA_RE = /^,(\d{1,2})(?!\d)(?=\s*(?:-|–|to|and)\s*\d+,\d{1,2}(?!\d))/;
/** "EDSS ≤ 6,5": a decimal comma after a comparator sign, before no unit, where no list of values goes on. */
const BARE_DECIMAL_COMMA_RE = /^,(\d)(?!\d)(?!\s*(?:,|or\b|and\b|to\b|-|–|\/)\s*\d)(?=\s*(?:$|[;.)\s]))/;
const SPACED_THOUSANDS_RE = /^[  ]\d{3}(?!\d)(?=\s*(?:\/\s*(?:mm3|mm³|mmc|[µμu]l)|cells))/;

/**
 * The comparison that the number `numText` found at `at` is the value of, or undefined. May move
 * NUMBER_RE.lastIndex past a range's second number.
 */
/** "32+6 weeks": weeks and days of a gestational age, the days after the "+". */
const WEEKS_PLUS_DAYS_AFTER = /^\+[0-6](?!\d)(?=\s*(?:(?:to|and|-|–)\s*\d{1,2}\+[0-6]\s*)?(?:weeks?|wks?|w)\b)/i;

function comparisonAt(text: string, at: number, found: string): Found | undefined {
  // the days of "32+6 weeks" are no value of their own
  if (at >= 2 && text[at - 1] === "+" && /\d/.test(text[at - 2]) && WEEKS_PLUS_DAYS_AFTER.test(text.slice(at - 1, at + 40))) return undefined;
  let numText = found;
  // "1,5 G/L" (decimal comma) and "100 000/mm3" (thousands with a space), as European texts write them
  const tail = text.slice(at + numText.length, at + numText.length + 16);
  const comma =
    DECIMAL_COMMA_RE.exec(tail) ?? RANGE_DECIMAL_COMMA_RE.exec(tail) ?? (/[≤≥<>=≦≧]\s*$/.test(text.slice(Math.max(0, at - 3), at)) ? BARE_DECIMAL_COMMA_RE.exec(tail) : null);
  const spaced = /^\d{1,3}$/.test(numText) && SPACED_THOUSANDS_RE.exec(tail);
  let numValueText = numText;
  if (comma && /^\d+$/.test(numText)) {
    numValueText = `${numText}.${comma[1]}`;
    numText += comma[0];
  } else if (spaced) {
    numValueText = numText + spaced[0].slice(1);
    numText += spaced[0];
  }
  // dates, times, ratios, list numbers, versions
  const before1 = text[at - 1] ?? "";
  const after1 = text[at + numText.length] ?? "";
  // "10:30" is a time and "1:1" a ratio of arms; "Qp/Qs < 1.5:1" is a threshold on a ratio
  const ratio = after1 === ":" && /^:1(?![\d.:])/.test(text.slice(at + numText.length, at + numText.length + 3));
  if (after1 === ":" && /^\d/.test(text[at + numText.length + 1] ?? "") && !(ratio && PREFIX_RE.test(text.slice(Math.max(0, at - 60), at)))) return undefined;
  if (after1 === "/" && /^\s?\d/.test(text.slice(at + numText.length + 1, at + numText.length + 3))) {
    const outOf = scoreOutOf(text, at, numText);
    if (!outOf) return bloodPressurePair(text, at, numText);
    // "MoCA > 26/30": the score, then the scale's maximum
    const f = comparisonOfValue(text, at, numText, numValueText, false);
    if (f && !f.q2) f.end = Math.max(f.end, outOf);
    return f;
  }
  if (before1 === "-" && /\d\s*-$/.test(text.slice(Math.max(0, at - 3), at))) return undefined; // second half of a range seen alone
  // "T-score ≤ -2.5", "between -1.0 and -2.5": a minus sign after a comparator or a joining word
  const minus = NEGATIVE_BEFORE.exec(text.slice(Math.max(0, at - 12), at));
  if (minus) return comparisonOfValue(text, at - 1, "-" + numText, "-" + numValueText, ratio);
  // "z-score < -2 or > +3": a plus sign after a comparator is the value's own
  if (before1 === "+" && /[<>≤≥=≦≧]\s*\+$/.test(text.slice(Math.max(0, at - 4), at))) return comparisonOfValue(text, at - 1, "+" + numText, numValueText, ratio);
  return comparisonOfValue(text, at, numText, numValueText, ratio);
}

/**
 * "MoCA > 26/30", "MMSE ≥ 24/30": a score written over its scale's maximum. The end of the
 * "/30" when the number before it is a known score's value (no greater than the maximum), else
 * undefined (a blood pressure, a fraction such as visual acuity 20/40, a date).
 */
function scoreOutOf(text: string, at: number, numText: string): number | undefined {
  const m = /^\/\s?(\d{1,3})(?![\d/.,])/.exec(text.slice(at + numText.length, at + numText.length + 6));
  if (!m || !/^\d{1,3}$/.test(numText) || Number(numText) > Number(m[1])) return undefined;
  const ctx = text.slice(Math.max(0, at - 60), at);
  const vars = findVariables(ctx);
  const last = vars[vars.length - 1];
  if (!last || variableById(last.id)?.kind !== "score" || /[;.]/.test(ctx.slice(last.end))) return undefined;
  return at + numText.length + m[0].length;
}

/** "140/90 mmHg" is a blood pressure pair; 20/40 is a fraction; 12/2019 a date. */
function bloodPressurePair(text: string, at: number, numText: string): Found | undefined {
  const slash = /^\/\s?(\d{2,3})(?![\d/])/.exec(text.slice(at + numText.length, at + numText.length + 6));
  const ctx = text.slice(Math.max(0, at - 60), at);
  const pre = PREFIX_RE.exec(ctx);
  if (
    !slash ||
    !pre ||
    !/^\d{2,3}$/.test(numText) ||
    !(/\b(?:blood\s+pressure|BP)\b/i.test(ctx) || /^\s*mm\s?hg/i.test(text.slice(at + numText.length + slash[0].length, at + numText.length + slash[0].length + 8)))
  )
    return undefined;
  const q = readQuantity(text, at, numText);
  const p2at = at + numText.length + slash[0].length - slash[1].length;
  const pair = readQuantity(text, p2at, slash[1]);
  const cmpStart = at - pre[0].length + (pre[0].length - pre[0].trimStart().length);
  const sys: Quantity = { value: q.value, valueSpan: q.valueSpan, end: q.end, unitRaw: q.unitRaw, unit: pair.unit, unitSpan: pair.unitSpan, relativeTo: q.relativeTo };
  return { op: prefixOp(pre[1], pre[2]), cmpStart, q: sys, q2: undefined, end: pair.end, postfixAge: false, bareRange: false, pair };
}

/** What follows a count of drugs: a few words (no number, no clause end), then a word for drugs. */
const DRUG_COUNT_AFTER = /^[\s)]*(?:[\p{L}()\-]+[ \t-]+){0,5}?(?:drugs?|agents?|medications?|medicines?|antagonists?|inhibitors?|blockers?|antibod(?:y|ies)|NSAIDs?|DMARDs?|biologics?|antidepressants?|antipsychotics?|antibiotics?)\b/iu;

/**
 * Between two values, only whom the second is for: a sex ("; females", "(female) or") or a
 * condition ("(except known Gilbert's,", "; if on dialysis,").
 */
const QUALIFIER_ONLY_REGION =
  /^[\s,;:(（[\])）]*(?:(?:or|and)\s+)?(?:(?:in|for)\s+)?(?:(?:males?|men|females?|women|boys|girls)|(?:except|unless|if|when)\s+(?:known\s+|documented\s+|patients\s+with\s+|subjects\s+with\s+|in\s+)?[\p{L}'’-]+(?:\s+[\p{L}'’-]+){0,3})[\s,;:)）\]]*(?:(?:or|and)\s+)?$/iu;

/** The mention a unit makes when it names its measurement (labs.json namedByUnit): "< 15 pack years". */
function unitNamed(f: Found): Mention | undefined {
  const q = f.q2 ?? f.q;
  const unit = q.unit ?? f.q.unit;
  const span = q.unitSpan ?? f.q.unitSpan;
  const id = unit ? variableNamedByUnit(unit) : undefined;
  return id && span ? { id, start: span[0], end: span[1], age: false } : undefined;
}

/** "minimum <measurement> of", "max. <measurement>:" right before a value stated without a comparator. */
const BOUND_BEFORE_RE = /\b(minimum|maximum|min|max)\.?\s+(?:[\p{L}][\p{L}\d'’()\-]*\s+){0,3}[\p{L}][\p{L}\d'’()\-]*\s*(?:of|is|=|:)?\s*$/iu;

/** A comparator after the value and before a word: "18 ≤ age". */
const REVERSED_CMP_RE = /^[ \t]*(≤|<=|=<|≦|⩽|<|＜|≥|>=|=>|≧|⩾|>|＞|\\<|\\>)[ \t]*(?=\p{L})/u;
const FLIPPED: Record<ComparisonOp, ComparisonOp> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", range: "range" };

const OUTSIDE_BEFORE_RE = /\s*\boutside\s+(?:of\s+)?(?:the\s+)?(?:(?:normal|reference|target)\s+)?(?:range\s+)?(?:of\s+)?(?:between\s+)?[(（]?\s*$/i;
const BETWEEN_BEFORE_RE = /(?:between|from|range(?:s|d)?(?:\s+of)?|ranging\s+from|aged|ages)\s*(?:the\s+ages?\s+of\s*)?$/i;

/** The comparison around a value (a range, a prefix or postfix comparator, a score's values, a table's bound, a stated value), or undefined. */
function comparisonOfValue(text: string, at: number, numText: string, numValueText: string, ratio: boolean): Found | undefined {
  const q = readQuantity(text, at, numText, numValueText);
  if (ratio) q.end = Math.max(q.end, at + numText.length + 2);
  let end = q.end;
  let q2: Quantity | undefined;
  // range continuation; "between 1 h of life and 28 days of life": an age's words may come between
  let joinAt = end;
  if (q.unit !== undefined && TIME_UNITS.has(q.unit)) {
    const ageWords = /^[ \t]+(?:of[ \t]+(?:life|age)|old)(?=[ \t]+(?:to|and|through|until)\b|[ \t]*[-–])/i.exec(text.slice(end, end + 16));
    if (ageWords) joinAt = end + ageWords[0].length;
  }
  const join = RANGE_JOIN_RE.exec(text.slice(joinAt, joinAt + 12));
  const beforeText = text.slice(Math.max(0, at - 48), at);
  const pre = PREFIX_RE.exec(beforeText);
  const between = BETWEEN_BEFORE_RE.test(beforeText);
  if (join) {
    q2 = rangeEnd(text, join[0], joinAt, beforeText, pre !== null);
    if (q2) end = q2.end;
    NUMBER_RE.lastIndex = Math.max(end, at + numText.length);
  }
  let op: ComparisonOp | undefined;
  let cmpStart = at;
  let postfixAge = false;
  if (q2) {
    op = "range";
    if (between) {
      const bm = /(?:between|from|range(?:s|d)?(?:\s+of)?|ranging\s+from)\s*(?:the\s+ages?\s+of\s*)?$/i.exec(beforeText);
      if (bm) cmpStart = at - bm[0].length;
    }
    // units shared: "18-65 years", "1.5-2 × ULN"
    if (!q.unit && q2.unit) {
      q.unit = q2.unit;
    }
    if (!q.relativeTo && q2.relativeTo) q.relativeTo = q2.relativeTo;
  } else if (pre) {
    op = prefixOp(pre[1], pre[2]);
    cmpStart = at - pre[0].length + (pre[0].length - pre[0].trimStart().length);
    if (/older|younger/.test((pre[1] ?? pre[2]).toLowerCase())) postfixAge = true;
  }
  // postfix comparator ("18 years or older", "2 and above", "18+")
  if (!op || (op === "=" && !pre?.[2])) {
    const post = postfixComparator(text, q, end);
    if (post) {
      op = post.op;
      end = post.end;
      if (post.age) postfixAge = true;
    }
  }
  // "18 ≤ age ≤ 75", "18 years < age": the value first, then the comparator and the measurement
  if (!op && !q2) {
    const rev = REVERSED_CMP_RE.exec(text.slice(end, end + 12));
    if (rev) {
      op = FLIPPED[prefixOp(undefined, rev[1])];
      end += rev[0].length;
    }
  }
  // "from 2 to <12 years of age", "BMI of 18.5 to < 30": the lower bound of a range whose upper bound has its own comparator
  if (!op && /^[ \t]*(?:to|-|–)[ \t]*(?:[<≤＜]|less\b|under\b|below\b|younger\b)/i.test(text.slice(end, end + 16))) {
    op = ">=";
    const bm = between ? BETWEEN_BEFORE_RE.exec(beforeText) : null;
    if (bm) cmpStart = at - bm[0].length;
  }
  if (!op) {
    // "ECOG 0 or 1", "ECOG 0, 1 or 2", "ICDAS score of 1,2 or 3": a score's admitted values
    const last = scoreValues(text, at, numText, q, end);
    if (last) {
      q2 = last;
      op = "range";
      end = last.end;
    }
  }
  // "PLT: 100×10⁹/L" in a list of lab minimums: the table says which side is limited
  if (!op) op = tableBound(text, at, q);
  // "Hct 32%", "ASA 5", "a Clinical Dementia Rating of 0": a known measurement stated with a value, no comparator
  if (!op && !/^\d{4}$/.test(numText) && isStatedValue(text, at, q)) op = "=";
  if (!op) return undefined;
  // "Minimum hemoglobin of 9 g/dL", "maximum BMI of 35": the bound is named before the measurement
  if (op === "=" && !pre) {
    const bound = BOUND_BEFORE_RE.exec(beforeText);
    if (bound) op = /^min/i.test(bound[1]) ? ">=" : "<=";
  }
  if (op === "=" && pre?.[2] && /(?<![\p{L}])n\s*=?\s*$/iu.test(beforeText)) return undefined; // "(n=20)": a sample size
  if (VERSION_BEFORE.test(beforeText.slice(-14))) return undefined; // "iOS version 10 or higher"
  const bareRange = op === "range" && !between && !!join && /[-–—~∼～－]/.test(join[0]);
  // post-qualifier: "≥2 for male", "(≤ 5 × ULN for patients with liver metastases)" handled by qualifier search
  const found: Found = { op, cmpStart, q, q2, end, postfixAge, bareRange, pair: undefined };
  // "TSH outside 0.4-4.0 mIU/L", "outside the range of 2.0 to 3.0"
  const outside = op === "range" ? OUTSIDE_BEFORE_RE.exec(beforeText) : null;
  if (outside) {
    found.outside = true;
    found.bareRange = false;
    found.cmpStart = at - outside[0].length + (outside[0].length - outside[0].trimStart().length);
  }
  return found;
}

/** The second value of a range ("18-65", "between 18 and 65"), read after the joiner `join` ending at `end` + its length. */
function rangeEnd(text: string, join: string, end: number, beforeText: string, hasPrefix: boolean): Quantity | undefined {
  const j2 = end + join.length;
  // "7,5-10,5%": the upper bound's decimal comma, when the lower bound has one
  const comma2 = /,\d{1,2}$/.test(text.slice(Math.max(0, end - 3), end)) ? /^(\d+),(\d{1,2})(?![\d,])/.exec(text.slice(j2, j2 + 12)) : null;
  if (comma2) {
    const isTo = /to|through|until/i.test(join);
    if (/and/i.test(join) && !/(?:between|\brange(?:\s+of)?)\s*(?:the\s+ages?\s+of\s*)?$/i.test(beforeText)) return undefined;
    const cand = readQuantity(text, j2, comma2[0], `${comma2[1]}.${comma2[2]}`);
    return isTo && hasPrefix ? undefined : cand;
  }
  const m2 = SECOND_NUMBER_RE.exec(text.slice(j2, j2 + 20));
  const isAnd = /and/i.test(join);
  // "and" joins a range only after "between" or "range" ("within the range 18.0 and 30.0 kg/m²")
  if (!m2 || (isAnd && !/(?:between|\brange(?:\s+of)?)\s*(?:the\s+ages?\s+of\s*)?$/i.test(beforeText))) return undefined;
  const cand = readQuantity(text, j2, m2[1]);
  const isTo = /to|through|until/i.test(join);
  // "≥ 18 to 65" is not written; "aged 4 to < 17" is a bound followed by another comparison
  return isTo && hasPrefix ? undefined : cand;
}

/** A postfix comparator after the value ("18 years or older", "2 and above", "18+"). */
function postfixComparator(text: string, q: Quantity, end: number): { op: ComparisonOp; end: number; age: boolean } | undefined {
  let tail = text.slice(end, end + 40);
  let skip = 0;
  const ageWords = /^[ \t]*(?:years?|yrs?)?[ \t]*(?:of[ \t]+age|old)?/i.exec(tail);
  if (ageWords && ageWords[0].trim()) {
    skip = ageWords[0].length;
    tail = tail.slice(skip);
  }
  const post = /\b(?:or|and)\b|&/i.test(tail) ? POSTFIX_RE.exec(tail) : null;
  if (post) return { op: postfixOp(post[1]), end: end + skip + post[0].length, age: /older|younger/.test(post[1].toLowerCase()) };
  if (text[q.valueSpan[1]] === "+" && !/^\+\s*\d/.test(text.slice(q.valueSpan[1], q.valueSpan[1] + 3))) return { op: ">=", end: Math.max(end, q.valueSpan[1] + 1), age: false };
  return undefined;
}

/** After a score's first admitted value: the others, whole or with one decimal ("CDR 0.5 or 1"). */
const SCORE_LIST_RE = /^(?:[ \t]*(?:,[ \t]*(?:or|and)?|or|and|\/)[ \t]*\d(?:\.\d)?(?![\d]|[.,]\d))+/;

/** "ECOG 0 or 1", "ECOG 0, 1 or 2", "CDR 0.5 or 1": the last of a score's admitted values (as the range's second value), or undefined. */
function scoreValues(text: string, at: number, numText: string, q: Quantity, end: number): Quantity | undefined {
  const list = SCORE_LIST_RE.exec(text.slice(end, end + 30));
  if (!list || !/^\d(?:\.\d)?$/.test(numText)) return undefined;
  const ctx = text.slice(Math.max(0, at - 60), at);
  const vars = findVariables(ctx);
  const last = vars[vars.length - 1];
  const isScore = last && variableById(last.id)?.kind === "score" && !/[;.]/.test(ctx.slice(last.end));
  if (!isScore && !/\b(score|status|grade|class|scale)\b[^;.]{0,20}$/i.test(ctx)) return undefined;
  const lastText = /\d(?:\.\d)?$/.exec(list[0])![0];
  const lastStart = end + list[0].length - lastText.length;
  const q2 = quantity(Number(lastText), [lastStart, lastStart + lastText.length], lastStart + lastText.length);
  const lo = Math.min(q.value, q2.value);
  const hi = Math.max(q.value, q2.value);
  return hi - lo <= 4 ? q2 : undefined;
}

/** "PLT: 100×10⁹/L" in a list of lab minimums: the side the table says is limited. */
function tableBound(text: string, at: number, q: Quantity): ComparisonOp | undefined {
  const ctx = text.slice(Math.max(0, at - 50), at);
  const colon = /[:：]\s*$/.exec(ctx);
  if (!colon || !(q.unit || q.relativeTo)) return undefined;
  const vars = findVariables(ctx);
  const last = vars[vars.length - 1];
  const bound = last && /^\s*\)?\s*(?:\([^()]{1,12}\))?\s*[:：]\s*$/.test(ctx.slice(last.end)) ? variableById(last.id)?.bound : undefined;
  return bound ? (bound === "min" ? ">=" : "<=") : undefined;
}

/** "Hct 32%", "ASA 5": a known measurement named right before the value. */
function isStatedValue(text: string, at: number, q: Quantity): boolean {
  const ctx = text.slice(Math.max(0, at - 50), at);
  const vars = findVariables(ctx);
  const last = vars[vars.length - 1];
  return (
    last !== undefined &&
    /^\s*(?:\([^()]{1,15}\)\s*)?(?:(?:score|level|value|grade|class|status)\s*)?(?:of\s*|:\s*|=\s*|is\s*)?$/i.test(ctx.slice(last.end)) &&
    /^\s*(?:[;,.)\n]|$|and\b|or\b)/.test(text.slice(q.end, q.end + 6))
  );
}

/** "TSH ≤ ULN", "bilirubin > upper limit of normal": 1 × ULN, where no number was read. */
function ulnOnlyComparisons(text: string, out: Found[]): void {
  ULN_ONLY_RE.lastIndex = 0;
  const mayUln = /ULN|LLN|limit/i.test(text);
  for (let m = mayUln ? ULN_ONLY_RE.exec(text) : null; m; m = ULN_ONLY_RE.exec(text)) {
    const wordStart = m.index + m[0].length - m[3].length;
    const wordEnd = m.index + m[0].length;
    if (out.some((f) => f.cmpStart < wordEnd && m!.index < f.end)) continue;
    const op = prefixOp(m[1], m[2]);
    const q = quantity(1, [wordStart, wordEnd], wordEnd, /^(LLN|lower)/i.test(m[3]) ? "LLN" : "ULN");
    out.push({ op, cmpStart: m.index + (m[0].length - m[0].trimStart().length), q, q2: undefined, end: wordEnd, postfixAge: false, bareRange: false, pair: undefined });
  }
}

const ULN_ONLY_RE = new RegExp(
  `(?:(?<![\\p{L}])(greater than|more than|higher than|less than|lower than|above|below|exceeding|not exceeding)|(≥|≤|>=|<=|\\\\?>|\\\\?<|＞|＜))[ \\t]*(?:the[ \\t]+)?(?:institutional[ \\t]+)?(ULN|LLN|upper[ \\t]+limits?[ \\t]+of[ \\t]+(?:the[ \\t]+)?normal(?:[ \\t]+range)?|(?:the[ \\t]+)?normal[ \\t]+upper[ \\t]+limits?|upper[ \\t]+normal[ \\t]+limits?|lower[ \\t]+limits?[ \\t]+of[ \\t]+(?:the[ \\t]+)?normal)(?![ \\t]*[+\\-][ \\t]*\\d)(?![\\p{L}])`,
  "giu",
);

/** "≥ 3 and ≤ 18 years of age": the first bound is an age when the second one is. */
/** The years of the next bound, joined to this value by a connector only: "≥ 18 and ≤ 75 years". */
function nextInYears(text: string, f: Found, next: Found | undefined): { start: number; end: number } | undefined {
  if (!next || !/^[\s,]*(?:and|or|to|-|–)?[\s,]*$/i.test(text.slice(f.end, next.cmpStart))) return undefined;
  const q = next.q2 ?? next.q;
  return q.unit === "a" && q.unitSpan ? { start: q.unitSpan[0], end: q.unitSpan[1] } : undefined;
}

function nextIsAge(text: string, f: Found, next: Found | undefined): { start: number; end: number } | undefined {
  if (!next || !/^[\s,]*(?:and|or|to|-|–)?[\s,]*$/i.test(text.slice(f.end, next.cmpStart))) return undefined;
  const nEnd = (next.q2 ?? next.q).valueSpan[1];
  const m = AGE_AFTER.exec(text.slice(nEnd, nEnd + 30));
  if (!m) return undefined;
  const st = nEnd + m.index + m[0].length - m[1].length;
  return { start: st, end: st + m[1].length };
}

/**
 * A name of several words before an abbreviation in brackets that means something else in the
 * table ("Oxygen desaturation index (ODI)", where the table's ODI is the Oswestry index): the
 * written-out name decides. Not when the abbreviation's own names contain it ("Blood pressure
 * (SBP)": systolic blood pressure is the more precise).
 */
function writtenOutMeaning(name: string, abbreviationId: string): boolean {
  const n = name.trim().toLowerCase();
  if (!/\s/.test(n)) return false;
  return !(variableById(abbreviationId)?.synonyms ?? []).some((s) => s.toLowerCase().includes(n));
}

/** The ids of the names found on the same words as vars[k] ("transaminases": AST and ALT). */
function sameSpanIds(vars: VariableMention[], k: number): string[] {
  return vars.filter((v) => v.start === vars[k].start && v.end === vars[k].end).map((v) => v.id);
}

const ADJUSTED_FOR_BEFORE = /[(（[][^()（）[\]]*\b(?:adjusted|corrected|normali[sz]ed|standardi[sz]ed)\s+(?:for|to|by)\s+(?:the\s+|patient'?s\s+)?$/i;

/**
 * The table names that a comparison at the end of `region` is about: the last name (if
 * little text separates it from the comparator), with the names listed before it.
 */
function chooseKnown(region: string, allVars: VariableMention[]): VariableMention[] {
  // "DLCO (adjusted for Hb) ≥ 40%": a name in a bracket saying how the value is adjusted is not what is compared
  const vars = allVars.length ? allVars.filter((v) => !ADJUSTED_FOR_BEFORE.test(region.slice(Math.max(0, v.start - 30), v.start))) : allVars;
  if (!vars.length) return [];
  const last = vars[vars.length - 1];
  const gap = region.slice(last.end);
  const gapWords = gap.match(/[\p{L}]{2,}/gu) ?? [];
  if (gapWords.length > 8 || /[.;]\s/.test(gap)) return [];
  const chosen = [last];
  for (let k = vars.length - 2; k >= 0; k--) {
    const a = vars[k];
    const b = chosen[0];
    const sep = region.slice(a.end, b.start);
    if (a.start === b.start && a.end === b.end && a.id !== b.id) {
      // one name for several variables ("transaminases": AST and ALT), listed as two
      chosen.unshift(a);
      continue;
    }
    if (a.id === b.id && /^\s*[()（）]?\s*[()（）]?\s*$/.test(sep)) {
      // "Hemoglobin (Hb)", "ECOG (Eastern Cooperative Oncology Group) performance status": one mention
      chosen[0] = { id: b.id, start: a.start, end: b.end, weak: a.weak && b.weak };
      continue;
    }
    if (a.id !== b.id && /^\s*[(（]\s*$/.test(sep) && /^[)）]/.test(region.slice(b.end)) && sameSpanIds(vars, k).includes(b.id)) {
      // "transaminase (GOT)": a name for several variables, then the abbreviation of one of them
      chosen[0] = { id: b.id, start: a.start, end: b.end, weak: false };
      while (k > 0 && vars[k - 1].start === a.start && vars[k - 1].end === a.end) k--;
      continue;
    }
    if (a.id !== b.id && !a.weak && /^\s*[(（]\s*$/.test(sep) && /^[)）]/.test(region.slice(b.end)) && writtenOutMeaning(region.slice(a.start, a.end), b.id)) {
      // "Oxygen desaturation index (ODI)": the name written out says which of the abbreviation's meanings it is
      chosen[0] = { id: a.id, start: a.start, end: b.end, weak: false };
      continue;
    }
    // (a condition's name, "hyponatremia and ALT > 3 × ULN", is no name in such a list)
    if (!a.weak && /^\s*(?:\)\s*)?(?:,\s*(?:and\/or|and|or)\b|,|\/|&|and\/or|and|or|、)\s*(?:(?:serum|blood|plasma|total|the)\s+)?$/i.test(sep)) {
      chosen.unshift(a);
      continue;
    }
    break;
  }
  // close an abbreviation in brackets: "Platelet count (PLT)"
  const lastC = chosen[chosen.length - 1];
  for (let k = 0; k < chosen.length; k++) {
    const c = chosen[k];
    const inside = region.slice(c.start, c.end);
    if ((inside.match(/[(（]/g) ?? []).length > (inside.match(/[)）]/g) ?? []).length && /^[)）]/.test(region.slice(c.end)))
      chosen[k] = { id: c.id, start: c.start, end: c.end + 1, weak: c.weak };
  }
  const closing = /^\s*[(（][^()（）]{1,15}[)）]/.exec(region.slice(lastC.end));
  if (closing) chosen[chosen.length - 1] = { id: lastC.id, start: lastC.start, end: lastC.end + closing[0].length, weak: lastC.weak };
  return chosen;
}

/** Start of the clause containing `pos` (local), not before `min`. */
/** A line break inside a sentence ("diastolic blood⏎   pressure ≥ 90"): a word before it, a lower-case word after it. */
function isWrap(text: string, nl: number): boolean {
  let a = nl - 1;
  while (a >= 0 && (text[a] === " " || text[a] === "\t" || text[a] === "\r")) a--;
  let b = nl + 1;
  while (b < text.length && (text[b] === " " || text[b] === "\t")) b++;
  return a >= 0 && /[\p{Ll}\p{Lu},]/u.test(text[a]) && /\p{Ll}/u.test(text[b] ?? "") && !/^[a-z][.)]\s/.test(text.slice(b, b + 3));
}

function clauseStart(text: string, pos: number, min: number, ignoreParens = false): number {
  let close = 0;
  for (let i = pos - 1; i >= min; i--) {
    const c = text[i];
    if (c === "\n" && isWrap(text, i)) continue;
    if (c === ";" || c === "\n" || c === "；" || c === "。") return i + 1;
    if (c === ")") close++;
    else if ((c === "(" || c === "（") && !ignoreParens) {
      if (close > 0) close--;
      else return i + 1;
    } else if (c === "." && /\s/.test(text[i + 1] ?? "") && /[\p{L})%]/u.test(text[i - 1] ?? "") && !/\b(?:e\.g|i\.e|vs|approx|incl|no|max|min)$/i.test(text.slice(Math.max(min, i - 7), i))) {
      // sentence end (not a decimal, not an abbreviation); "A. HB > 90" enumerators are short
      if (i - 1 >= min && /^\s*[A-Za-z]$/.test(text.slice(Math.max(min, i - 2), i))) continue;
      return i + 1;
    }
  }
  return min;
}

const LEAD_FILLER =
  /^(?:[\s,:;()\-–•*/]|\d+[.)]\s|[A-Za-z][.)]\s|(?:and|or|the|a|an|patients?|subjects?|participants?|with|who|have|has|having|had|must|should|be|is|are|was|were|presence|of|in|on|at|for|any|documented|known|evidence|history|baseline|screening|if|their|his|her|defined|as|by|such|that|than|to|which|where|when|adequate|normal|function|organ|level|levels|least|most|one)\b|e\.g\.|i\.e\.|[:：])+/i;
const TRAIL_FILLER =
  /(?:[\s,:;(\-–=：]|\b(?:of|is|are|was|were|be|being|must|should|has|have|had|with|and|or|the|a|an|level|levels|value|values|concentration|result|results|count|in|at|on|to|than|score|equal|that|which|will|defined|as|by)\b)+$/i;

function words(text: string, from: number, to: number): { start: number; end: number } | undefined {
  let s = from;
  let e = to;
  // at most six words are kept: look at the last ~100 characters only
  if (e - s > 100) {
    const sp = text.indexOf(" ", e - 100);
    s = sp >= 0 && sp < e ? sp + 1 : e - 100;
  }
  const slice0 = text.slice(s, e);
  const lead = LEAD_FILLER.exec(slice0);
  if (lead) s += lead[0].length;
  let slice = text.slice(s, e);
  const trail = TRAIL_FILLER.exec(slice);
  if (trail) e -= trail[0].length;
  // keep "score"/"count"/"level" when they are all there is after the name ("STOP-BANG score")
  slice = text.slice(s, e);
  if (!/[\p{L}]/u.test(slice)) return undefined;
  // at most the last 6 words
  const ws = [...slice.matchAll(/\S+/g)];
  if (ws.length > 6) s = s + ws[ws.length - 6].index!;
  // "(CT or MRI) shows that the tumor vessels": start after a bracket closed before the name
  const close = text.slice(s, e).lastIndexOf(")");
  if (close >= 0 && text.slice(s, s + close).lastIndexOf("(") < 0 && /\p{L}/u.test(text.slice(s + close + 1, e))) {
    s += close + 1;
    const lead2 = LEAD_FILLER.exec(text.slice(s, e));
    if (lead2) s += lead2[0].length;
  }
  // an unclosed trailing "(" or leading ")" trimmed
  while (s < e && /[\s)(\]]/.test(text[s])) s++;
  while (e > s && /[\s(\[,]/.test(text[e - 1])) e--;
  if (e <= s) return undefined;
  return { start: s, end: e };
}

const MAYBE_CONDITION = /liver|hepat|bone|gilbert|hcc/i;
/** "unless (the patient is) receiving / on (therapeutic) anticoagulation, warfarin, heparin …" after a threshold; "for patients not on anticoagulation" says the same. */
const UNLESS_ANTICOAGULATED =
  /^[\s,;(]*((?:unless|(?:in|for)\s+(?:patients?|subjects?|participants?|those)\s+(?:who\s+are\s+)?not)\s+(?:the\s+)?(?:(?:patients?|subjects?|participants?)\s+)?(?:(?:is|are)\s+)?(?:currently\s+)?(?:receiving|on|taking|treated\s+with|under|using)\s+(?:(?:a\s+)?(?:therapeutic|full[- ]dose|prophylactic|stable|chronic|an?)\s+)?(?:anti-?coagula\w*(?:\s+(?:therapy|treatment|medications?|agents?|drugs?))?|warfarin|heparin|coumadin|vitamin\s+K\s+antagonists?|LMWH|low[- ]molecular[- ]weight\s+heparin|DOACs?))/i;
/** "for patients (not) on / receiving / taking <drug>" after a threshold. Groups: the words, "not ", the drug. */
const ON_DRUG_AFTER =
  /^[\s,;(]*((?:for|in)\s+(?:patients?|subjects?|participants?|those|people)\s+(?:who\s+are\s+)?(not\s+)?(?:currently\s+)?(?:on|receiving|taking|treated\s+with|using)\s+((?:an?\s+)?\p{L}[\p{L}\d-]*(?:\s+\p{L}[\p{L}\d-]*){0,3}?))(?=\s*[);,.]|\s*$)/iu;
/** A condition after a threshold, in its own words: "if bone marrow involvement", "in patients with renal impairment". */
const OTHER_CONDITION_AFTER =
  /^[\s,(]*((?:if|when|in\s+case\s+of|in\s+the\s+presence\s+of|(?:in|for)\s+(?:patients|subjects|participants|those|people|individuals)\s+(?:with|who\s+have|having|of|on|receiving|hospitali[sz]ed\s+(?:for|with)))\s+)((?:documented\s+|known\s+)?\p{L}[\p{L}'’ -]{2,60}?)(?=\s*[);,.]|\s+within\b|\s*$)/iu;
/** "for HIV co-infected participants", "in MCI participants" after a threshold: the group it is for (groups as OTHER_CONDITION_AFTER's). */
const GROUP_AFTER =
  /^[\s,(]*((?:for|in)\s+(?:the\s+)?)((?:[\p{L}-]+\s+){0,2}?[\p{L}-]+)\s+(?:patients|subjects|participants|people|individuals)(?=\s*[);,.]|\s*$)/iu;
/** "pre-dialysis if on dialysis": a condition after a word or two that qualify the value (groups as OTHER_CONDITION_AFTER's). */
const LATE_CONDITION_AFTER = /^[\s,(]*(?:[\p{L}-]+\s+){1,2}?((?:if|when)\s+)((?:on\s+)?\p{L}[\p{L}'’ -]{2,40}?)(?=\s*[);,.]|\s*$)/iu;
/** "unless considered due to leukemic involvement", "except in subjects with sickle cell disease" (groups as OTHER_CONDITION_AFTER's). */
const UNLESS_AFTER =
  /^[\s,(]*((?:unless|except)\s+(?:(?:considered|thought|deemed|judged|felt|believed)\s+(?:to\s+be\s+)?)?(?:(?:due\s+to|caused\s+by|secondary\s+to|related\s+to|attributable\s+to|in\s+(?:patients|subjects|participants|those)\s+with|for|in)\s+)?)((?:documented\s+|known\s+)?\p{L}[\p{L}'’ -]{2,40}?)(?=\s*[);,.]|\s*$)/iu;
/** "with comorbidities" after an alternative threshold (groups as OTHER_CONDITION_AFTER's). */
const WITH_CONDITION_AFTER = /^[\s,(]*((?:with|in\s+the\s+presence\s+of|plus)\s+)((?:at\s+least\s+(?:one|1)\s+)?\p{L}[\p{L}'’ -]{2,40}?)(?=\s*[);,.]|\s*$)/iu;
const SEX_RE = /(?<![\p{L}])(men|males?|women|females?|boys|girls)(?![\p{L}])/iu;
const CONDITION_RE =
  /(?<![\p{L}])(?:unless(?: (?:due to|caused by|secondary to|attributable to|the (?:patient|subject) has))?|except(?: (?:in|for) (?:patients|subjects|participants|those)(?: with| who have)?| (?:in|for))?|if|when|in case of|in (?:the )?(?:presence|setting|case) of|(?:in|for) (?:patients|subjects|participants|those|cases|people)(?: with| who have| having)?|with|due to|in|for)\s+(?:known |documented |confirmed |the presence of |evidence of |suspected )?((?:liver|hepatic) (?:and\/or|or|and) bone metastas[ei]s|bone (?:and\/or|or|and) (?:liver|hepatic) metastas[ei]s|liver metastas[ei]s|liver metastatic disease|liver metastasis|hepatic metastas[ei]s|liver involvement|hepatic involvement|liver tumou?r involvement|bone metastas[ei]s|bone involvement|gilbert'?s?(?: syndrome| disease)?|hepatocellular carcinoma|hcc|primary liver cancer|liver cancer|(?:documented |known )?liver (?:lesions?|mets))/iu;
const CONDITION_ANY =
  /(?:liver|hepatic)\s+(?:metastas[ei]s|metastatic disease|involvement|mets)|liver metastasis is present|bone metastas[ei]s|gilbert/i;

function conditionOf(s: string): string {
  const t = s.toLowerCase();
  if (t.includes("gilbert")) return "gilbert-syndrome";
  if (/(?:liver|hepatic)\s+(?:and\/or|or|and)\s+bone|bone\s+(?:and\/or|or|and)\s+(?:liver|hepatic)/.test(t)) return "liver-or-bone-metastases";
  if (t.includes("bone")) return "bone-metastases";
  if (/hepatocellular|hcc|liver cancer/.test(t)) return "hepatocellular-carcinoma";
  return "liver-metastases";
}

export interface NumericResult {
  constraints: NumericConstraint[];
  logic?: Logic;
}

/**
 * Numeric constraints in one criterion. `offset` is where `text` starts in the document:
 * every span returned is absolute (offset + local index).
 */
export function extractNumeric(text: string, offset = 0, subject?: NumericSubject): NumericResult {
  const mayRoman = MAY_HAVE_ROMAN_CLASS.test(text) && romanScaleNames().test(text);
  const mayLetter = MAY_HAVE_LETTER_CLASS.test(text);
  if (!MAY_HAVE_NUMBERS.test(text) && !mayRoman && !mayLetter) return { constraints: [] };
  const found = findComparisons(text);
  if (!found.length && !mayRoman && !mayLetter && !/protein/i.test(text)) return { constraints: [] };
  const r: NumericRun = {
    text,
    offset,
    found,
    maybeCond: MAYBE_CONDITION.test(text),
    allVars: undefined,
    constraints: [],
    groups: [],
    prevEnd: 0,
    lastDuration: -1,
    prevMentions: [],
  };
  if (subject) r.subject = { id: subject.id, start: subject.span[0] - offset, end: subject.span[1] - offset, age: subject.id === "age", text: subject.text };
  for (let fi = 0; fi < found.length; fi++) readComparison(r, fi);
  readDipsticks(r);
  if (mayRoman) readRomanClasses(r);
  if (mayLetter) readLetterClasses(r);
  shareUnits(r);
  lowerBoundsOfLostSigns(r);
  sexNamedAsMention(r);
  leadInQualifier(r);
  exceptedGroupThresholds(r);
  const logic = buildLogic(r.groups);
  return { constraints: r.constraints, logic: logic ?? conditionalThreshold(r) };
}

/** A word that names a sex: "male", "females", "men", "women", "boys", "girls". */
const SEX_WORD = /^(?:males?|females?|men|women|boys|girls)$/i;
/** The sex a sex word names (as SEX_RE and SEX_WORD find them). */
function sexOfWord(word: string): "male" | "female" {
  return /^(wo|fe|girl)/i.test(word) ? "female" : "male";
}

const SEX_BEFORE_NAME = /(?:^|[,;:(]\s*|\b(?:and|or)\s+)(males?|men|boys|females?|women|girls)\s+(?:(?:subjects?|patients?|participants?|volunteers?)\s+)?(?:(?:must|should|shall)\s+)?(?:have\s+(?:an?\s+)?|with\s+(?:an?\s+)?)?$/i;

/** Measurements a threshold's unit names when the text names only a sex ("Male ≥ 50 kg"). */
const VARIABLE_OF_UNIT: Record<string, string> = { kg: "weight", "kg/m2": "bmi", cm: "height" };

/**
 * "Male ≥50 kg, female ≥45 kg": a sex in the place of the measurement's name is the threshold's
 * sex, and the unit says what is measured (kg: weight, kg/m²: BMI, cm: height).
 */
function sexNamedAsMention(r: NumericRun): void {
  for (const c of r.constraints) {
    // "Male subjects weigh not less than 50 kg, female subjects weigh …": the sex just before the name
    // (not an age: "Women aged ≥ 18" says who is included, not an age for women only)
    if (!c.qualifier && c.variable !== "age") {
      const before = r.text.slice(Math.max(0, c.mentionSpan[0] - r.offset - 40), c.mentionSpan[0] - r.offset);
      const m = SEX_BEFORE_NAME.exec(before);
      if (m) {
        const at = c.mentionSpan[0] - before.length + m.index + (m[0].length - m[0].trimStart().length);
        c.qualifier = { text: m[1], span: [at, at + m[1].length], sex: sexOfWord(m[1]) };
      }
    }
    if (c.variable !== null) continue;
    const sex = SEX_WORD.test(c.mention) ? sexOfWord(c.mention) : undefined;
    if (!sex) continue;
    if (!c.qualifier) c.qualifier = { text: c.mention, span: [c.mentionSpan[0], c.mentionSpan[1]], sex };
    const v = c.unit ? VARIABLE_OF_UNIT[c.unit] : undefined;
    if (v) c.variable = v;
  }
}

/** "For participants with type 2 diabetes:", "In patients receiving warfarin,": whom the criterion's thresholds are for. Groups: verb, words. */
const FOR_WHOM_LEAD_IN =
  /^\s*(?:for|in)\s+(?:patients?|subjects?|participants?|those|people|individuals?|women|men)\s+(?:who\s+(?:are|have|had)\s+)?(with|having|on|receiving|taking|treated\s+with|using)\s+([^:;,.]{2,60}?)\s*[:,]/i;

/** Thresholds after a "For participants with …:" lead-in have it as their qualifier (the parser drops its diagnosis or drug). */
function leadInQualifier(r: NumericRun): void {
  if (!r.constraints.length) return;
  const m = FOR_WHOM_LEAD_IN.exec(r.text);
  if (!m) return;
  const end = m.index + m[0].length;
  const words = m[2].trim().replace(/^an?\s+/i, "");
  const medication = !/^(?:with|having)$/i.test(m[1]);
  const condition = medication ? (normaliseDrug(words) ?? drugClassOf(words) ?? words.toLowerCase().replace(/\s+/g, "-")) : words.toLowerCase().replace(/\s+/g, " ");
  const start = m.index + (m[0].length - m[0].trimStart().length);
  for (const c of r.constraints) {
    if (c.qualifier?.condition || c.valueSpan[0] - r.offset < end || c.variable === "age") continue;
    const q: Qualifier = { text: m[0].trim().replace(/[:,]$/, ""), span: abs(r, start, end - 1), condition, ...(medication ? { medication: true } : {}) };
    c.qualifier = c.qualifier?.sex ? { ...q, sex: c.qualifier.sex } : q;
  }
}

/** A standard deviation score named after a measurement: "SDS", "SD score", "z-score", "velocity SDS". */
const SDS_AFTER_NAME = /^[\s-]*(?:velocity\s+)?(?:SDS|SD\s+score|standard\s+deviation\s+score|z[\s-]?score)\b/i;

/**
 * "Male or female = 18 years of age and <60": an "=" before a lower value that an upper bound
 * of the same measurement follows ("and", "to", "-") is a "≥" whose sign was lost in the
 * record (old registry exports turned ≥ into =): the two make a range, not an exact age.
 */
function lowerBoundsOfLostSigns(r: NumericRun): void {
  const cs = r.constraints;
  for (let i = 0; i + 1 < cs.length; i++) {
    const a = cs[i];
    const b = cs[i + 1];
    if (a.op !== "=" || (b.op !== "<" && b.op !== "<=") || a.variable === null || a.variable !== b.variable || !(a.value < b.value)) continue;
    const between = r.text.slice(a.valueSpan[1] - r.offset, b.valueSpan[0] - r.offset);
    if (!/^[^;.]{0,40}?(?:\band\b|\bto\b|-|–)[^;.]{0,12}$/i.test(between)) continue;
    if (!/=\s*$/.test(r.text.slice(Math.max(0, a.valueSpan[0] - r.offset - 3), a.valueSpan[0] - r.offset))) continue;
    a.op = ">=";
  }
}

/** "if", "when", "in case (of)" right before a condition's measurement, or its comparator ("if ≥ 2+"). */
const IF_BEFORE = /(?:^|[\s,;(])((?:if|when|in\s+case(?:\s+of)?|where)\s+(?:the\s+)?(?:[≥≤<>=]=?\s*)?)$/i;
/** Between a condition's value and the threshold it opens: a comma, "then", words of obligation. */
const THEN_BETWEEN = /^[^;.]*?(?:,|\bthen\b)[^;.]*$/i;
const COMPLEMENT: Record<string, string[]> = { "<": [">="], "<=": [">"], ">": ["<="], ">=": ["<"] };

/**
 * "urine protein < 2+; if urine protein ≥ 2+, 24-hour urine protein must be ≤ 1 g": the
 * comparison after "if" is a condition — the threshold after it (24 h ≤ 1 g) applies when it
 * holds (qualifier.when) — and, with a plain threshold on the same measurement the other way
 * (< 2+), an alternative to it: (< 2+) or (24 h ≤ 1 g when ≥ 2+). The condition is left out
 * of the logic. Only where every other constraint is ANDed (no logic of its own).
 */
function conditionalThreshold(r: NumericRun): Logic | undefined {
  const cs = r.constraints;
  if (cs.length < 2 || !/\b(?:if|when|case|where)\b/i.test(r.text)) return undefined;
  const at = (c: NumericConstraint) => c.mentionSpan[0] - r.offset;
  const order = cs.map((_, i) => i).sort((a, b) => cs[a].valueSpan[0] - cs[b].valueSpan[0]);
  for (const k of order) {
    const cond = cs[k];
    const valueAt = cond.valueSpan[0] - r.offset;
    const ifEnd = IF_BEFORE.test(r.text.slice(Math.max(0, at(cond) - 16), at(cond))) ? at(cond) : IF_BEFORE.test(r.text.slice(Math.max(0, valueAt - 20), valueAt)) ? valueAt : -1;
    if (cond.qualifier || cond.variable === null || ifEnd < 0) continue;
    // The threshold it opens: the next constraint after the condition's value, in the same sentence
    // ("If TSAT < 20%, ferritin ≥ 200"); or the one right before its "if" ("ferritin ≥ 200 µg/L if TSAT < 20%").
    const condEnd = (cond.value2Span ?? cond.valueSpan)[1];
    const ifAt = r.offset + ifEnd - IF_BEFORE.exec(r.text.slice(Math.max(0, ifEnd - 20), ifEnd))![1].length;
    let j = order.find((i) => cs[i].valueSpan[0] > condEnd && i !== k);
    if (j === undefined || cs[j].qualifier || cs[j].variable === cond.variable || !THEN_BETWEEN.test(r.text.slice(condEnd - r.offset, at(cs[j]) >= condEnd - r.offset ? at(cs[j]) : cs[j].valueSpan[0] - r.offset))) {
      const before = [...order].reverse().find((i) => i !== k && cs[i].valueSpan[1] <= ifAt);
      const endOf = (c: NumericConstraint) => Math.max((c.value2Span ?? c.valueSpan)[1], c.unitSpan?.[1] ?? 0);
      if (before === undefined || cs[before].qualifier || cs[before].variable === cond.variable || cs[before].variable === null) continue;
      if (!/^[\s,]*$/.test(r.text.slice(endOf(cs[before]) - r.offset, ifAt - r.offset))) continue;
      j = before;
    }
    const condTextEnd = cond.unitSpan && cond.unitSpan[1] > condEnd ? cond.unitSpan[1] : condEnd;
    cs[j].qualifier = { text: r.text.slice(ifAt - r.offset, condTextEnd - r.offset), span: [ifAt, condTextEnd], when: k };
    const base = order.find((i) => i !== k && i !== j && cs[i].variable === cond.variable && !cs[i].qualifier && (COMPLEMENT[cs[i].op] ?? []).includes(cond.op) && cs[i].value === cond.value);
    const rest = order.filter((i) => i !== k && i !== j && i !== base);
    const args: Array<Logic | number> = [...rest, base !== undefined ? { op: "or", args: [base, j] } : j];
    return args.length === 1 && typeof args[0] !== "number" ? (args[0] as Logic) : { op: "and", args };
  }
  return undefined;
}

const BETWEEN_SHARED_UNIT = /^\s*(?:or|and|,)\s*(?:[<>≤≥=＜＞]=?|(?:less|greater|more|lower|higher)\s+than|above|below|over|under)?\s*$/i;

/** Whether a value without a unit is followed, across only "or"/"and" and a comparator, by one with a unit of time. */
function sharesNextTimeUnit(r: NumericRun, fi: number): boolean {
  const f = r.found[fi];
  const next = r.found[fi + 1];
  const q = f.q2 ?? f.q;
  if (!next || q.unit !== undefined || q.relativeTo || next.q2 !== undefined) return false;
  const unit = next.q.unit;
  return unit !== undefined && TIME_UNITS.has(unit) && BETWEEN_SHARED_UNIT.test(r.text.slice(q.valueSpan[1], next.q.valueSpan[0]));
}

/** "potassium < 3.5 or > 5.5 mmol/L": the unit written once, after the last value, is the first's too. */
function shareUnits(r: NumericRun): void {
  const cs = r.constraints;
  for (let i = cs.length - 2; i >= 0; i--) {
    const c = cs[i];
    const n = cs[i + 1];
    if (c.unit !== undefined || c.relativeTo || n.unit === undefined || n.relativeTo || c.variable === null || c.variable !== n.variable) continue;
    if (!BETWEEN_SHARED_UNIT.test(r.text.slice(c.valueSpan[1] - r.offset, n.valueSpan[0] - r.offset))) continue;
    c.unit = n.unit;
    if (n.unitSpan) c.unitSpan = n.unitSpan;
  }
}

/** A comparison's subject: a table variable (id), an unknown measurement (null) or the age. */
interface Mention {
  id: string | null;
  start: number;
  end: number;
  age: boolean;
  /** The words, when they stand outside the criterion (a topic title: positions before its text). */
  text?: string;
}

/**
 * What the criterion is about when its title names it and the criterion does not ("Age" over
 * "* 18 and over", "Life expectancy" over "* At least 3 months"): a variable id ("age" for ages)
 * and the title's absolute span.
 */
export interface NumericSubject {
  id: string;
  span: Span;
  text: string;
}

// Arrays here are built by push onto [] rather than by map(): map() makes "holey" arrays, and
// arrays of two kinds reaching the same code make V8 throw away its optimised code (then compile
// it again) when the second kind first shows up.

function copyMentions(ms: Mention[]): Mention[] {
  const out: Mention[] = [];
  for (const m of ms) out.push({ id: m.id, start: m.start, end: m.end, age: m.age });
  return out;
}

/** Variable mentions moved by `by` (from region-local to criterion-local offsets). */
function shifted(vars: VariableMention[], by: number): VariableMention[] {
  const out: VariableMention[] = [];
  for (const v of vars) out.push({ id: v.id, start: by + v.start, end: by + v.end, weak: v.weak });
  return out;
}

/** Constraints made of one comparison, and how they join the ones before. */
interface Group {
  idx: number[];
  joiner: "and" | "or";
  listOr: boolean;
}

/**
 * One criterion's numeric read, shared by the steps below (kept as small functions: V8's
 * optimising compiler spends far less time on several small functions than on one big one).
 */
interface NumericRun {
  text: string;
  offset: number;
  found: Found[];
  maybeCond: boolean;
  /** Table names in the whole criterion, found once on first use; regions take the ones inside them. */
  allVars: VariableMention[] | undefined;
  /** Whether the text has a word naming a part of a scale ("item", "subscale"), tested once. */
  mayNamePart?: boolean;
  /** Whether the text may define a reference range ("ULN =", "normal range is"), tested once. */
  mayDefineReference?: boolean;
  constraints: NumericConstraint[];
  groups: Group[];
  prevEnd: number;
  prevMentions: Mention[];
  /** The next comparison is an alternative threshold of the same measurement for another group ("… for dose expansion"). */
  alternative?: boolean;
  /** Index in `found` of the last comparison read as a duration (a time that is no age), or -1. */
  lastDuration: number;
  /** The title's subject, in local positions (before the text: negative). */
  subject?: Mention;
}

function varsIn(r: NumericRun, s: number, e: number): VariableMention[] {
  const all = (r.allVars ??= findVariables(r.text));
  const out: VariableMention[] = [];
  for (const v of all) if (v.start >= s && v.end <= e) out.push({ id: v.id, start: v.start - s, end: v.end - s, weak: v.weak });
  return out;
}

function abs(r: NumericRun, s: number, e: number): Span {
  return [r.offset + s, r.offset + e];
}

const CONDITION_THEN_VALUE_RE = /^[\s,;]*(?:and\s+|or\s+)?(?:if|when|in\s+(?:the\s+)?case\s+of|in\s+(?:patients|subjects|participants)\s+with|for\s+(?:patients|subjects|participants)\s+with)\b[^.;:,()]{3,80},\s*$/i;
/**
 * A label in brackets after the previous value ("18–49 years (Cohort A) or 65 through 85 years"): no name.
 * (An abbreviation in brackets, "total body surface area (TBSA)", is one: the label has lower-case letters.)
 */
const BRACKET_LABEL_RE = /^\s*\((?=[^()]*[a-z])[^()\d]{1,40}\)/;
const CONNECTOR_ONLY_RE =
  /^[\s,/;(（]*(?:(?:at|during|on|before|prior\s+to)\s+(?:the\s+)?(?:screening|baseline|enrol?l?ment|randomi[sz]ation|study\s+entry|entry)(?:\s+visit)?[\s,]*)?(?:(?:and\/or|and|or|but|&|\/|while|whereas|respectively|to)\b)?[\s,]*(?:(?:for|in)\s+)?(?:(?:men|males?|women|females?|boys|girls)\b)?[\s,:]*(?:(?:and\/or|and|or)\s+)?$/i;

/** Words that say a score is meant but not which: "Score ≥ 3 on the CRAFFT", "scoring ≥ 10 on the PHQ-9". */
const GENERIC_SCORE_WORDS = /^(?:(?:a|the|total|sum)\s+)?(?:scores?|scoring|scored|rating|result|value|level)(?:\s+of)?$/i;
/** A region ending in a word that introduces the measurement rather than naming it: "lead to", "reduction of". */
const INTRODUCING_END = /(?:\b(?:to|of|by|with|in|on|as|a|an|the|and|or|than|be|is|are|lead|leads|led|reduce[sd]?|reduction|resulting|result|cause[sd]?|causing|lose|lost|losing|gain(?:ed)?|covers?|covering|involves?|involving|affects?|affecting|occup(?:y|ies|ying)|represents?|representing|comprises?|comprising|exceeds?|exceeding)|[,(])\s*$/i;

/** Where a comparison stands: its clause region before the comparator and whether only connectors separate it from the previous one. */
interface Place {
  regionStart: number;
  region: string;
  afterText: string;
  connectorOnly: boolean;
}

function placeOf(r: NumericRun, f: Found): Place {
  const text = r.text;
  const prevEnd = r.prevEnd;
  const cs = clauseStart(text, f.cmpStart, 0);
  const regionStart = Math.max(cs, prevEnd);
  // joiner with the previous comparison
  const between = prevEnd > 0 ? text.slice(prevEnd, f.cmpStart) : "";
  const connectorOnly =
    prevEnd > 0 &&
    // ("Total bilirubin ≤ 1.5 × upper limit of normal (ULN); ≤ 3 × ULN for …": the abbreviation in brackets is the previous one's)
    (((cs <= prevEnd || /^[\s(（]*(?:\((?:ULN|LLN)\))?[\s;,]*$/.test(text.slice(prevEnd, cs))) && CONNECTOR_ONLY_RE.test(between.replace(BRACKET_LABEL_RE, "").replace(/^\s*\((?:ULN|LLN)\)/, ""))) ||
      // "FEV1 < 80% of predicted normal for adults (< 90% for adolescents …)": a bracket that opens on the other threshold of the same measurement
      (/[(（]\s*$/.test(between) && between.length < 60 && !/[.;:]/.test(between) && /^\s*[<>≤≥=≦≧]/.test(text.slice(f.cmpStart, f.cmpStart + 3)) && varsIn(r, prevEnd, f.cmpStart).length === 0) ||
      // "AST and ALT ≤ 2.5 × ULN; if the patient has liver metastases, ≤ 5.0 × ULN": a condition, then the same measurements' threshold
      (CONDITION_THEN_VALUE_RE.test(between) && /^\s*[<>≤≥=≦≧]/.test(text.slice(f.cmpStart, f.cmpStart + 3))));
  return {
    regionStart,
    region: text.slice(regionStart, f.cmpStart),
    afterText: text.slice(f.end, Math.min(text.length, f.end + 60)),
    connectorOnly,
  };
}

/** Whether a comparison is an age, and the words that say so. */
interface AgeRead {
  isAge: boolean;
  ageMention: { start: number; end: number } | undefined;
  isTime: boolean;
  regionVars: VariableMention[];
}

function readAge(r: NumericRun, fi: number, p: Place): AgeRead {
  const text = r.text;
  const f = r.found[fi];
  const q = f.q;
  const { regionStart, region, connectorOnly } = p;
  // "m" is metres ("6MWD ≥ 150 m"), but months where a time is meant ("age ≥ 6 m", "life expectancy ≥ 3 m")
  if ((q.unit === "m" || f.q2?.unit === "m") && /\b(?:ages?|aged|old|life|survival|expectancy|prognosis)\b/i.test(region)) {
    if (q.unit === "m") q.unit = "mo";
    if (f.q2?.unit === "m") f.q2.unit = "mo";
  }
  const unit = q.unit ?? f.q2?.unit;
  const valEnd0 = (f.q2 ?? q).valueSpan[1];
  // "3 or more months", "80 or more years old": the unit after a postfix comparator is the value's
  const postUnit = unit === undefined && f.end > valEnd0 ? /^([ \t]*)(years?|yrs?|months?|weeks?|days?|hours?)\b/i.exec(text.slice(f.end, f.end + 12)) : null;
  if (postUnit) {
    const u = ucumOf(postUnit[2]);
    if (u) {
      q.unit = u;
      q.unitSpan = [f.end + postUnit[1].length, f.end + postUnit[0].length];
    }
  }
  const isTime =
    (unit !== undefined && TIME_UNITS.has(unit)) ||
    /^[\s)]*(?:consecutive|full|complete|additional|calendar|continuous|gestational|straight)\s+(?:years?|months?|weeks?|days?|hours?)\b/i.test(text.slice(valEnd0, valEnd0 + 30)) ||
    // "5 or more years of diabetes": a time unit after a postfix comparator
    postUnit !== null;
  const noUnit = unit === undefined;
  AGE_WORD_BEFORE.lastIndex = 0;
  let ageWord: { start: number; end: number } | undefined;
  const ageRegion = text.slice(regionStart, q.valueSpan[0]);
  for (let m = AGE_WORD_BEFORE.exec(ageRegion); m; m = AGE_WORD_BEFORE.exec(ageRegion)) {
    if (NOT_AGE_BEFORE.test(ageRegion.slice(0, m.index))) continue;
    ageWord = { start: regionStart + m.index, end: regionStart + m.index + m[0].length };
  }
  const valEnd = (f.q2 ?? q).valueSpan[1];
  // "80 or more years old": the age words after a postfix comparator
  let ageAfter = AGE_AFTER.exec(text.slice(valEnd, valEnd + 30));
  let ageAfterAt = valEnd;
  if (!ageAfter && noUnit && f.end > valEnd) {
    ageAfter = AGE_AFTER_POSTFIX.exec(text.slice(f.end, f.end + 30));
    ageAfterAt = f.end;
  }
  const regionVars = varsIn(r, regionStart, f.cmpStart);
  const hasVarInRegion = regionVars.length > 0;
  let isAge = false;
  let ageMention: { start: number; end: number } | undefined;
  if (isTime || noUnit) {
    if (ageAfter && !(noUnit && /life/i.test(ageAfter[1])) && !THING_AGED.test(region)) {
      isAge = true;
      const s = ageAfterAt + ageAfter.index + ageAfter[0].length - ageAfter[1].length;
      ageMention = ageWord ?? { start: s, end: s + ageAfter[1].length };
    } else if (f.postfixAge || (ageWord && !hasVarInRegion)) {
      isAge = true;
      ageMention = ageWord;
    } else if (isTime && /\b(?:for|in|if|among)\s+(?:patients?|subjects?|participants?|those|people|individuals|adults|adolescents|children|teenagers|infants|elderly)\s+(?:(?:aged|who\s+are)\s+)?$/i.test(region)) {
      isAge = true; // "for patients over 65 years": an age condition (made a qualifier below)
    } else if (unit === "a" && !hasVarInRegion && PATIENT_WORDS.test(region) && !TEMPORAL_AFTER.test(text.slice(f.end, f.end + 30)) && !(connectorOnly && r.lastDuration === fi - 1)) {
      // (not the other bound of a duration: "hair loss for ≥ 6 months and ≤ 8 years")
      isAge = true;
    } else if (noUnit && nextIsAge(text, f, r.found[fi + 1])) {
      isAge = true;
      ageMention = ageWord ?? nextIsAge(text, f, r.found[fi + 1]);
    } else if (noUnit && !hasVarInRegion && PATIENT_WORDS.test(region) && nextInYears(text, f, r.found[fi + 1])) {
      // "Adults >= 18 and <= 75 years": the unit of the next bound
      isAge = true;
      ageMention = ageWord ?? nextInYears(text, f, r.found[fi + 1]);
    } else if (connectorOnly && r.prevMentions.length === 1 && r.prevMentions[0].age) {
      isAge = true;
      ageMention = { start: r.prevMentions[0].start, end: r.prevMentions[0].end };
    } else if (r.subject?.age && !hasVarInRegion && (noUnit || unit === "a" || unit === "mo")) {
      isAge = true; // under the title "Age": "* 18 and over"
    }
    if (isAge && !ageMention && !r.subject?.age) {
      const us = (f.q2 ?? q).unitSpan ?? q.unitSpan;
      ageMention = us ? { start: us[0], end: us[1] } : { start: q.valueSpan[0], end: q.valueSpan[1] };
    }
  }
  return { isAge, ageMention, isTime, regionVars };
}

/**
 * "(≥ 50 mL/min for patients over 65 years)": an age that conditions the threshold before it
 * becomes that threshold's qualifier. True when it did.
 */
function ageQualifiesPrevious(r: NumericRun, f: Found): boolean {
  const text = r.text;
  const lastGroup = r.groups[r.groups.length - 1];
  const prevEnd = r.prevEnd;
  if (
    !lastGroup ||
    !(prevEnd > 0) ||
    !lastGroup.idx.every((i) => r.constraints[i].variable !== "age" && !r.constraints[i].qualifier) ||
    !/\b(?:for|in|if|among)\s+(?:(?:patients?|subjects?|participants?|those|people|individuals|adults|adolescents|children|teenagers|infants|elderly)\s+)?(?:(?:aged|who\s+are|age[sd]?)\s+)?$/i.test(text.slice(prevEnd, f.cmpStart))
  )
    return false;
  const q = f.q;
  const qs = text.slice(prevEnd, f.end).search(/\b(?:for|in|if|among)\b/i) + prevEnd;
  const unitA = q.unit ?? "a";
  const cond: Qualifier = {
    text: text.slice(qs, f.end),
    span: abs(r, qs, f.end),
    condition: `age ${f.op === "range" ? `${q.value}-${f.q2!.value}` : `${f.op} ${q.value}`} ${unitA}`,
    age: f.op === "range" ? { op: "range", value: q.value, value2: f.q2!.value, unit: unitA } : { op: f.op, value: q.value, unit: unitA },
  };
  for (const i of lastGroup.idx) r.constraints[i].qualifier = cond;
  return true;
}

/** The subjects of a comparison that is not an age; undefined when it is no measurement (a dose, a count of cycles, a grade, a duration …). */
function measurementMentions(r: NumericRun, f: Found, p: Place, age: AgeRead): Mention[] | undefined {
  const text = r.text;
  const q = f.q;
  const { regionStart, region, afterText, connectorOnly } = p;
  const regionVars = age.regionVars;
  const hasVarInRegion = regionVars.length > 0;
  let mentions: Mention[];
  const rawUnit = (f.q2 ?? q).unitRaw ?? q.unitRaw;
  if (rawUnit && DOSE_UNITS.test(rawUnit.replace(/\s+/g, "")) && !hasVarInRegion) return undefined;
  // known variables in the clause: the last one, with names listed before it
  // ("ALT, AST and total bilirubin ≤ 3 × ULN", "Hemoglobin (Hb)")
  let chosen = shifted(chooseKnown(region, regionVars), regionStart);
  // "Thrombocytopenia grade ≥ 2", "ALT increase grade 3": a toxicity grade, not the measurement's value
  if (chosen.length && /\bgrade\b/i.test(text.slice(chosen[chosen.length - 1].end, f.cmpStart)) && chosen.every((c) => variableById(c.id)?.kind !== "score")) {
    return undefined;
  }
  // a name right after the value: "≥140 mmHg systolic", "5 ppm carbon monoxide (CO)"
  const afterVars = varsIn(r, f.end, Math.min(text.length, f.end + 40));
  // (after a time, "of" may come between: "37 weeks of gestation")
  const afterGap = afterVars[0] ? afterText.slice(0, afterVars[0].start) : "";
  const afterVar = afterVars[0] && (/^[\s,]*$/.test(afterGap) || (age.isTime && /^\s+of\s+$/.test(afterGap))) ? afterVars[0] : undefined;
  const regionHasWords = afterVar ? words(text, regionStart, f.cmpStart) !== undefined : true;
  if (!chosen.length && !afterVar && !connectorOnly) {
    // inside brackets: "weight loss (by patient report, > 5 lbs)"
    const wideStart = Math.max(clauseStart(text, f.cmpStart, 0, true), r.prevEnd);
    if (wideStart < regionStart) {
      const wide = text.slice(wideStart, f.cmpStart);
      chosen = shifted(chooseKnown(wide, varsIn(r, wideStart, f.cmpStart)), wideStart);
    }
  }
  // (a time measured, named after the value, whatever words come before: "Born after at least 37 weeks of gestation")
  if (afterVar && !chosen.length && (!regionHasWords || (age.isTime && (isTimeVariable(afterVar.id) || isTimeMeasurement(afterVar.id))))) {
    mentions = [{ id: afterVar.id, start: f.end + afterVar.start, end: f.end + afterVar.end, age: false }];
  } else if (
    !chosen.length &&
    connectorOnly &&
    r.prevMentions.length &&
    !(
      q.unit === "%" &&
      /^[\s)]*of\s+(?:the\s+)?(?:total\s+)?\p{L}/u.test(afterText) &&
      !/^[\s)]*of\s+(?:the\s+)?(?:predicted|normal|baseline|reference|expected|ULN|LLN|upper|lower)\b/i.test(afterText) &&
      !r.prevMentions.some((m) => afterText.slice(0, 60).toLowerCase().includes((m.text ?? text.slice(m.start, m.end)).toLowerCase()))
    )
  ) {
    // (not "for more than 10% of total sleep time" after "SpO2 < 90%": a share of something else)
    mentions = copyMentions(r.prevMentions);
  } else if (chosen.length) {
    mentions = [];
    for (const c of chosen) mentions.push({ id: c.id, start: c.start, end: c.end, age: false });
  } else {
    // "ECOG 0, 1 or 2 for dose escalation, and 0 or 1 for dose expansion": after a purpose, the same measurement
    // "AST ≤ 2.5 × ULN, which is allowed < 5 × ULN in patients with liver metastases": the same measurement's other bound;
    // so is a value after only whom it is for ("Hemoglobin: males < 12.5 g/dL; females < 11.5 g/dL", "(except known Gilbert's, ≤ 2 × ULN)")
    const between = text.slice(r.prevEnd, f.cmpStart);
    const onlyWhom = QUALIFIER_ONLY_REGION.test(between);
    const samePrevious =
      r.prevMentions.length > 0 &&
      !r.prevMentions.some((m) => m.age) &&
      (onlyWhom ||
        /^[\s,]*(?:for|in|during)\b[^;.]*?,?\s*(?:and|or|but|while|whereas)\s*$/i.test(between) ||
        /^[\s,]*(?:(?:which|that)\s+)?(?:is|are|may\s+be|can\s+be)?\s*(?:allowed|acceptable|permitted|tolerated|accepted)(?:\s+(?:up\s+to|if|to\s+be))?\s*$/i.test(between));
    const w = samePrevious ? undefined : unknownMeasurement(r, f, p);
    if (samePrevious) {
      mentions = copyMentions(r.prevMentions);
      if (!onlyWhom) r.alternative = true;
    }
    else if (!w) {
      if (connectorOnly && r.prevMentions.length) mentions = copyMentions(r.prevMentions);
      else if (r.subject && !r.subject.age) mentions = [{ ...r.subject }]; // under the title "Life expectancy": "* At least 3 months"
      else {
        const named = unitNamed(f); // "30 pack-years or more": the unit names it
        if (!named) return undefined;
        mentions = [named];
      }
    } else {
      // a known name among the words after the value ("at least 4 on a 0-10 numeric rating scale")
      // (only a scale's range or length before it: "10-point numerical rating scale", not "excess weight")
      const known = w.start >= f.end ? varsIn(r, w.start, w.end) : [];
      const ownName = known.length === 1 && /^[\d\s\-–.]*(?:-?points?\s+)?$/i.test(text.slice(w.start, w.start + known[0].start));
      mentions = ownName ? [{ id: known[0].id, start: w.start + known[0].start, end: w.start + known[0].end, age: false }] : [{ id: null, start: w.start, end: w.end, age: false }];
    }
  }
  // counts of treatment cycles / lines / types are therapy history (the clinical extractor's)
  const valEndC = (f.q2 ?? q).valueSpan[1];
  // "at least 1 of the following conditions": a count of listed items
  if (/^[\s)]*of\s+(?:the\s+)?(?:following|below|above|these|those)\b/i.test(text.slice(valEndC, valEndC + 30))) return undefined;
  // so are counts of drugs: "intolerant to at least 2 Nonsteroidal Anti-Inflammatory Drugs", "more than 1 TNF antagonist"
  if (mentions.every((m) => m.id === null) && !(q.unit ?? f.q2?.unit) && DRUG_COUNT_AFTER.test(text.slice(valEndC, valEndC + 60))) {
    return undefined;
  }
  // "at least 2 (weeks) but no more than 6 weeks before enrolment": the near end of a time window
  if (mentions.every((m) => m.id === null) && /^\s*(?:days?|weeks?|months?|years?)?\s*(?:and|but)\s+(?:no\s+more\s+than|not\s+more\s+than|at\s+most|up\s+to|within|less\s+than|fewer\s+than|<|≤)\s*\d+\s*(?:days?|weeks?|months?|years?)\b/i.test(text.slice(valEndC, valEndC + 50))) {
    return undefined;
  }
  // ("at least 1 but no more than 3 prior regimens": the lower bound of the count)
  if (mentions.every((m) => m.id === null) && /^[\s)]*(?:(?:but|and)\s+(?:no\s+more\s+than|not\s+more\s+than|at\s+most|fewer\s+than|less\s+than|up\s+to|≤|<=|<)\s*\w+\s+)?(?:(?:consecutive|prior|previous|treatment|complete|full|systemic|standard)\s+){0,2}(?:cycles?|courses?|lines?|regimens?|doses?|types?\s+of|kinds?\s+of)\b/i.test(text.slice(valEndC, valEndC + 60))) {
    return undefined;
  }
  // "Grade 2 or higher myocardial ischemia": a grade of a condition, not a measurement
  if (mentions.length === 1 && mentions[0].id === null && /^(?:grade|stage|level|class|type|phase|step|line|cycle|version|times?)$/i.test(text.slice(mentions[0].start, mentions[0].end))) {
    return undefined;
  }
  // "≥ 4 on a 0 to 10 numerical rating scale": the scale's span, not a threshold; so is "(NRS, 0-10)" after a scale's name
  if (f.op === "range" && /\b(?:on|of|using)\s+(?:a|an|the)\s*$/i.test(text.slice(Math.max(0, f.cmpStart - 12), f.cmpStart))) {
    return undefined;
  }
  if (f.op === "range" && (q.value === 0 || q.value === 1) && /\bscales?\s*[(（]\s*(?:[\p{L}-]{1,10}\s*[,;:]\s*)?(?:range\s*:?\s*)?$/iu.test(text.slice(Math.max(0, f.cmpStart - 40), f.cmpStart))) {
    return undefined;
  }
  // "VAS pain ≥ 30 mm (0-100 mm scale)", "≥ 5 (range 0-20)", "(scores range from 0 to 21)": the scale's range, in brackets after a threshold
  const bracket = text.lastIndexOf("(", f.cmpStart);
  if (
    f.op === "range" &&
    (q.value === 0 || q.value === 1) &&
    r.prevEnd > 0 &&
    bracket >= r.prevEnd &&
    bracket - r.prevEnd <= 25 &&
    /^[(（]\s*(?:(?:the\s+)?(?:total\s+)?(?:scores?\s+)?(?:range[sd]?|ranging)\s*(?:from|:|of)?\s*)?$/i.test(text.slice(bracket, f.cmpStart))
  ) {
    return undefined;
  }
  const unit = q.unit ?? f.q2?.unit;
  // "between 2008 and 2021", "since 2015": calendar years, not values of an unknown measurement
  const isYear = (x: Quantity | undefined) => x !== undefined && Number.isInteger(x.value) && x.value >= 1900 && x.value <= 2100 && x.valueSpan[1] - x.valueSpan[0] === 4;
  if (!unit && mentions.every((m) => m.id === null) && isYear(q) && (f.q2 === undefined || isYear(f.q2))) return undefined;
  // a bare "a-b" with neither unit nor a known measurement: a citation, a stage, a list
  if (f.bareRange && !unit && mentions.every((m) => m.id === null) && !/\b(score|scale|status|grade|class|index|ratio|level|rating|range|count)\b[\s:]*(?:of\s+|was\s+|is\s+)?$/i.test(region)) {
    return undefined;
  }
  // temporal windows and durations ("within 4 weeks", "for at least 3 months") are not
  // measurements: the clinical extractor reads windows. A life expectancy is one: a
  // clinician's estimate the patient is checked against ("life expectancy ≥ 3 months").
  // An age other than the patient's now is one too ("age at diagnosis ≤ 40 years").
  if (age.isTime) {
    const timed = mentions.filter((m) => m.id !== null && (isTimeVariable(m.id) || isTimeMeasurement(m.id)));
    return timed.length ? timed : undefined;
  }
  return changeMention(r, f, mentions) ?? mentions;
}

/** Every change word's stem: most criteria name none, and the change patterns are not tried. */
const PART_GATE = /item|question|sub-?scale|sub-?score|domain|quality|QoL/i;
const PART_AFTER_NAME = /^[\s(-]*(?:(?:total\s+)?(?:item|question)\s*#?\s*\d+[a-z]?|(?:[\p{L}-]+\s+){0,2}?(?:sub-?scale|sub-?score|domain|quality[-\s]of[-\s]life|QoL)(?:\s+(?:score|item))?)/iu;
const CHANGE_GATE = /chang|decreas|reduc|improv|increas|declin|drop|rise|fluctuat|variat|gain|loss|intake/i;
const CHANGE_WORD = String.raw`(?:changes?|decrease[sd]?|reductions?|reduced|improvements?|improved|increase[sd]?|declines?|drops?|rises?|fluctuations?|variations?|gains?|loss(?:es)?|intakes?)`;
/** A change word between the name and its comparator: "Weight change less than 5 kg", "HbA1c reduction of at least 0.5%". */
const CHANGE_AFTER_NAME = new RegExp(String.raw`^[\s()]*(?:[\p{L}-]+\s+){0,2}?${CHANGE_WORD}\b`, "iu");
/** A change word before the name: "increase in serum creatinine ≥ 0.3 mg/dL", "Decrease of ≥ 25% in MADRS total score". */
const CHANGE_BEFORE_NAME = new RegExp(String.raw`\b${CHANGE_WORD}\s+(?:of|in|from)\b[^;.]{0,40}$`, "iu");
/** A change word right after the value, ending its phrase: "(less than 5 kg self-reported change)" (not "LDH > 200 U/L Increase in troponin"). */
const CHANGE_AFTER_VALUE = new RegExp(String.raw`^\s*(?=\p{Ll})(?:[\p{L}-]+\s+){0,2}?${CHANGE_WORD}\b\s*(?:[);,.]|$|(?:from|since|over|during|in\s+the\s+(?:last|past|previous))\b)`, "u");

/**
 * A threshold on how much a measurement changed is no threshold on the measurement: "Decrease
 * of ≥ 25% in MADRS total score" does not say MADRS ≥ 25. Its mention becomes an unknown
 * measurement (null) over the change words and the name; undefined when no change is named.
 */
function changeMention(r: NumericRun, f: Found, mentions: Mention[]): Mention[] | undefined {
  if (!mentions.length || mentions.some((m) => m.id === null || m.age || m.text !== undefined)) return undefined;
  const text = r.text;
  const first = mentions[0];
  const last = mentions[mentions.length - 1];
  // "MADRS item 10 score ≥ 5", "IPSS quality-of-life score < 3": a part of the scale, not its total
  if (last.end <= f.cmpStart && (r.mayNamePart ??= PART_GATE.test(text))) {
    const part = PART_AFTER_NAME.exec(text.slice(last.end, f.cmpStart));
    if (part) return [{ id: null, start: first.start, end: last.end + part[0].length, age: false }];
  }
  if (!CHANGE_GATE.test(r.text)) return undefined;
  // "decline of LVEF to < 50%", "a drop in Hb to ≤ 8 g/dL": the level it fell to is the measurement itself
  if (last.end <= f.cmpStart && /^[\s,]*(?:to|at)\s*$/i.test(text.slice(last.end, f.cmpStart))) return undefined;
  const lineStart = Math.max(clauseStart(text, Math.min(first.start, f.cmpStart), 0, true), 0);
  let start = first.start;
  let end = last.end;
  if (last.end <= f.cmpStart) {
    // the name before the comparison
    const between = CHANGE_AFTER_NAME.exec(text.slice(last.end, f.cmpStart));
    const before = CHANGE_BEFORE_NAME.exec(text.slice(lineStart, first.start));
    const valueEnd = (f.q2 ?? f.q).unitSpan?.[1] ?? (f.q2 ?? f.q).valueSpan[1];
    const afterValue = CHANGE_AFTER_VALUE.exec(text.slice(valueEnd, valueEnd + 40));
    if (between) end = last.end + between[0].length;
    else if (before) start = lineStart + before.index;
    else if (!afterValue) return undefined;
  } else {
    // the name after the value: the change named before the comparison
    const before = CHANGE_BEFORE_NAME.exec(text.slice(lineStart, f.cmpStart));
    if (!before) return undefined;
    start = lineStart + before.index;
  }
  return [{ id: null, start: Math.min(start, first.start), end: Math.max(end, last.end), age: false }];
}

/**
 * An unknown measurement: the words before the comparator (within the clause, after the
 * last comma when there is one), else the words after the value.
 */
function unknownMeasurement(r: NumericRun, f: Found, p: Place): { start: number; end: number } | undefined {
  const text = r.text;
  const q = f.q;
  const { regionStart, region, afterText } = p;
  const lastComma = Math.max(region.lastIndexOf(","), region.lastIndexOf("，"));
  // the words before the comparator name the measurement unless they only introduce it: "Score ≥ 3 on the CRAFFT"
  // (a generic word), "lead to less than 50% of excess weight" (a verb or preposition): then the words after it do
  const before = words(text, regionStart + (lastComma >= 0 ? lastComma + 1 : 0), f.cmpStart);
  const beforeText = before ? text.slice(before.start, before.end) : "";
  const genericBefore = GENERIC_SCORE_WORDS.test(region.slice(lastComma + 1).trim());
  const namesBefore = before !== undefined && !genericBefore && !GENERIC_SCORE_WORDS.test(beforeText) && !INTRODUCING_END.test(region);
  // "less than 50% of excess weight", "at least 5 on the 10-point numerical rating scale": the name follows
  const ofAfter = /^[\s)]*(?:of|on|in)\s+(?:the\s+|a\s+|an\s+)?((?:[\p{L}\d][\p{L}\d'’\-]*\s*){1,5})/u.exec(afterText);
  let w: { start: number; end: number } | undefined;
  const pctAfter = /^[\s)]*((?:[\p{L}][\p{L}\d'’\-]*)(?:\s+[\p{L}][\p{L}\d'’\-]*){0,4})/u.exec(afterText);
  if (q.unit === "%" && pctAfter && !/^(?:of|on|in|and|or|with|within|for|since|after|before|prior|during|past|by|at|from|over|to|per|is|are|was|were|the|than|below|above|under|predicted|normal|ULN|LLN|when|while|where|who|which|that|if|as|because|unless|until)\b/i.test(pctAfter[1])) {
    const st = f.end + pctAfter.index + pctAfter[0].length - pctAfter[1].length;
    const tx = pctAfter[1].replace(/\s+(?:and|or|with|within|for|in|of|at|to|per|is|are|was|were|the|by|before|after|prior|during|on)(?:\s.*)?$/i, "");
    w = { start: st, end: st + tx.length };
  }
  // "< 80% of predicted", "≥ 50% of normal", "30% of baseline" say what the percentage is of, not what is measured
  const ofReference = ofAfter && /^(?:predicted|normal|baseline|reference|expected|the\s+(?:predicted|normal|reference))\b/i.test(ofAfter[1]);
  // "≥ 3 on a 5-point scale": the scale's size, not its name (the name is before the comparator)
  // nor is "on the 4 m walk test" after a value with a unit of its own ("Walking speed < 1 m/sec"): the method
  const scaleSize =
    ofAfter &&
    (/^\d+[-\s]?points?\s+(?:[\p{L}-]+\s+)?scale\b/iu.test(ofAfter[1]) || (q.unit !== undefined && q.unit !== "%" && !q.unit.startsWith("{"))) &&
    words(text, regionStart, f.cmpStart) !== undefined;
  if (!w && ofAfter && !ofReference && !scaleSize && (q.unit === "%" ? !namesBefore : /\b(scale|score|test|questionnaire|index|inventory)\b/i.test(ofAfter[1]) || genericBefore)) {
    const st = f.end + ofAfter.index + ofAfter[0].length - ofAfter[1].length;
    const tx = ofAfter[1].replace(/\s+$/, "").replace(/\s+(?:and|or|with|within|for|in|of|at|to|per|is|are|was|were|the|by|lost|before|after|prior|during)(?:\s.*)?$/i, "");
    if (/\p{L}{2}/u.test(tx)) w = { start: st, end: st + tx.length };
  }
  if (!w) w = before;
  if (!w && lastComma >= 0) w = words(text, regionStart, f.cmpStart);
  if (!w) {
    const after = /^[\s,)]*(?:of\s+|on\s+|in\s+)?((?:[\p{L}][\p{L}\d'’\-]*\s*){1,4})/u.exec(afterText);
    if (after && after[1].trim() && !/^(?:and|or|with|within|for|since|after|before|prior|during|in|the|of|at|from|to|per|is|are|was|were|times?)\b/i.test(after[1])) {
      const st = f.end + after.index + after[0].length - after[1].length;
      const tx = after[1].replace(/\s+$/, "").replace(/\s+(?:and|or|with|within|for|in|of|at|to|per|is|are|was|were|the)(?:\s.*)?$/i, "");
      w = { start: st, end: st + tx.length };
    }
  }
  if (!w) {
    const wideStart = Math.max(clauseStart(text, f.cmpStart, 0, true), r.prevEnd);
    if (wideStart < regionStart) w = words(text, wideStart, f.cmpStart);
  }
  return w;
}

/** Qualifiers of a comparison: sex ("men ≥ 450 ms", "≥2 for male") and condition ("if liver metastases …"). */
interface Qualifiers {
  sex: Qualifier | undefined;
  condition: Qualifier | undefined;
  qualEnd: number;
}

function qualifiersOf(r: NumericRun, fi: number, p: Place, mentions: Mention[], isAge: boolean): Qualifiers {
  const text = r.text;
  const f = r.found[fi];
  const { regionStart, region, afterText } = p;
  let sex: Qualifier | undefined;
  // qualifiers: sex before the comparator ("men ≥ 450 ms") or after ("≥2 for male")
  let qualEnd = 0;
  let sexBefore = SEX_RE.exec(text.slice(Math.max(regionStart, mentions[0].end), f.cmpStart));
  let sexBase = Math.max(regionStart, mentions[0].end);
  if (!sexBefore && !isAge) {
    // "male QTc ≥ 450 ms; female QTc ≥ 470 ms"
    sexBase = Math.max(regionStart, mentions[0].start - 12);
    const m = /(?<![\p{L}])(men|males?|women|females?|boys|girls)\s*$/iu.exec(text.slice(sexBase, mentions[0].start));
    sexBefore = m;
  }
  const sexAfter =
    // (past a value restated in another unit: "≥ 10.0 g/dL (≥ 6.2 mmol/L) for women", "≥ 11.5 g/dL [≥ 115 g/L] (female)")
    /^[\s,\])）]*(?:[[(][^()[\]]{1,25}[\])]\s*)?(?:(?!or\b|and\b)[\p{L}-]+\s+){0,2}?(?:for|in)\s+(men|males?|women|females?|boys|girls)\b/iu.exec(afterText) ??
    // "> 450 milliseconds (msec) (men)": past a bracketed restatement of the unit
    /^[\s,\])）]*(?:\([^()\d]{1,8}\)\s*|[[(][^()[\]]{1,25}[\])]\s*)?\(\s*(?:(?:for|in)\s+)?(men|males?|women|females?|boys|girls)\s*\)/i.exec(afterText);
  if (sexBefore) {
    const s = sexBase + sexBefore.index;
    sex = { text: sexBefore[1], span: abs(r, s, s + sexBefore[1].length), sex: sexOfWord(sexBefore[1]) };
  } else if (sexAfter) {
    const s = f.end + sexAfter[0].lastIndexOf(sexAfter[1]);
    qualEnd = f.end + sexAfter[0].length;
    sex = { text: sexAfter[1], span: abs(r, s, s + sexAfter[1].length), sex: sexOfWord(sexAfter[1]) };
  }
  // conditions: "if liver metastasis is present, ALT and AST < 5 ULN", "(≤ 5 × ULN for patients with liver metastases)"
  let condition: Qualifier | undefined;
  const maybeCond = r.maybeCond;
  const condBefore = !maybeCond ? null : (CONDITION_RE.exec(region) ?? (CONDITION_ANY.test(region) ? CONDITION_ANY.exec(region) : null));
  const found = r.found;
  const nextStart = fi + 1 < found.length ? found[fi + 1].cmpStart : text.length;
  const clauseEndRaw = (() => {
    const m = /[;\n]|\.\s/.exec(text.slice(f.end));
    return m ? f.end + m.index : text.length;
  })();
  const afterClauseEnd = Math.min(nextStart, clauseEndRaw);
  const nextInClause = nextStart < clauseEndRaw;
  const afterClause = text.slice(f.end, afterClauseEnd);
  const condAfter = maybeCond ? CONDITION_RE.exec(afterClause) : null;
  let unless: RegExpExecArray | null;
  let onDrug: RegExpExecArray | null;
  if (condBefore) {
    const s = regionStart + condBefore.index;
    condition = { text: condBefore[0], span: abs(r, s, s + condBefore[0].length), condition: conditionOf(condBefore[0]) };
  } else if (condAfter && (/^[\s,(]*(?:for|in)\b/i.test(afterClause) || (!nextInClause && /^[\s,(]*(?:if|with|when)\b/i.test(afterClause)))) {
    const s = f.end + condAfter.index;
    condition = { text: condAfter[0], span: abs(r, s, s + condAfter[0].length), condition: conditionOf(condAfter[0]) };
  } else if (condAfter && /^[\s,(]*(?:unless|except)\b/i.test(afterClause)) {
    // "bilirubin > 2.0 mg/dL unless due to Gilbert's syndrome": not for those who have it
    const s = f.end + /^[\s,(]*/.exec(afterClause)![0].length;
    const e = f.end + condAfter.index + condAfter[0].length;
    condition = { text: text.slice(s, e), span: abs(r, s, e), condition: conditionOf(condAfter[0]), unless: true };
  } else if ((unless = UNLESS_ANTICOAGULATED.exec(afterClause))) {
    // "INR ≤ 1.5 × ULN unless the patient is receiving anticoagulant therapy": not for those who are
    const s = f.end + unless.index + unless[0].length - unless[1].length;
    condition = { text: unless[1], span: abs(r, s, s + unless[1].length), condition: "anticoagulant", unless: true };
  } else if (!nextInClause && (onDrug = ON_DRUG_AFTER.exec(afterClause))) {
    // "eGFR ≥ 45 mL/min for patients on metformin" (or "not on"): by what the patient takes
    const s = f.end + onDrug.index + onDrug[0].length - onDrug[1].length;
    const words = onDrug[3].replace(/^an?\s+/i, "");
    const drug = normaliseDrug(words) ?? drugClassOf(words) ?? words.toLowerCase().replace(/\s+/g, "-");
    condition = { text: onDrug[1], span: abs(r, s, s + onDrug[1].length), condition: drug, medication: true, ...(onDrug[2] ? { unless: true } : {}) };
  } else if (!condAfter && !nextInClause) {
    // any other condition closing the threshold's clause: "(≥ 75 × 10⁹/L if bone marrow involvement)"
    // (one that opens the next comparison, "…, if X, ALT < 5 × ULN", is that comparison's);
    // after an alternative threshold, a bare "with": "BMI ≥ 40 or ≥ 35 with comorbidities"
    const alternative = fi > 0 && /^\s*or\s*$/i.test(text.slice(found[fi - 1].end, f.cmpStart));
    // (a group named by words such as "all", "enrolled", "study" is everyone: "for all participants")
    const group = GROUP_AFTER.exec(afterClause);
    const other =
      OTHER_CONDITION_AFTER.exec(afterClause) ??
      (alternative ? WITH_CONDITION_AFTER.exec(afterClause) : null) ??
      (group && !/\b(?:all|both|the|these|those|such|eligible|enrolled|included|randomi[sz]ed|study|trial)\b/i.test(group[2]) ? group : null) ??
      LATE_CONDITION_AFTER.exec(afterClause);
    const unlessOther = other ? null : UNLESS_AFTER.exec(afterClause);
    const o = other ?? unlessOther;
    if (o && !/\b(?:age|aged|years?|men|women|males?|females?)\b/i.test(o[2])) {
      const s = f.end + o.index + o[0].indexOf(o[1]);
      const e = f.end + o.index + o[0].length;
      condition = { text: text.slice(s, e), span: abs(r, s, e), condition: o[2].toLowerCase().replace(/\s+/g, " ").replace(/^(?:documented|known)\s+/, ""), ...(unlessOther ? { unless: true } : {}) };
    }
  }
  return { sex, condition, qualEnd };
}

const AT_DIAGNOSIS_AFTER = /^[\s,]*(?:(?:years?|yrs?)\s*)?(?:old\s*)?at\s+(?:the\s+time\s+of\s+)?(?:(?:initial|first|primary)\s+)?(?:[a-z-]+\s+){0,2}?(?:diagnosis|onset)\b/i;

const COUNT_NOUN_AFTER = /^[ \t]+(?:[\p{L}-]+[ \t]+){0,3}?(?:values|measurements|results|readings|determinations|assessments|occasions|samples|tests|regimens?|lines|courses)\b/iu;
function isCountOfResults(text: string, f: Found): boolean {
  const q = f.q;
  if (q.unit !== undefined || f.q2 || !Number.isInteger(q.value) || q.value > 20 || q.value < 1) return false;
  return COUNT_NOUN_AFTER.test(text.slice(q.valueSpan[1], q.valueSpan[1] + 50));
}
const REFERENCE_DEFINED_BEFORE = /\b(?:ULN|LLN|upper\s+limit\s+of\s+normal|normal\s+range|reference\s+range)(?:\s+(?:for|of)\s+(?:the\s+)?[\w-]+)?\s*(?:=|:|is|being|of)\s*$/i;
function definesReference(text: string, f: Found): boolean {
  return REFERENCE_DEFINED_BEFORE.test(text.slice(Math.max(0, f.cmpStart - 50), f.q.valueSpan[0]));
}

/**
 * "total bilirubin ≤ 2 × ULN, except participants with Gilbert's syndrome (direct bilirubin ≤ 1.5 × ULN)":
 * a threshold in brackets right after an "except …" qualifier is what applies to those excepted.
 */
function exceptedGroupThresholds(r: NumericRun): void {
  if (r.constraints.length < 2 || !r.text.includes("xcept")) return;
  for (const q of r.constraints.map((c) => c.qualifier)) {
    if (!q?.unless || !q.condition) continue;
    const end = q.span[1] - r.offset;
    if (!/^\s*[([]\s*$/.test(r.text.slice(end, end + 3).replace(/[^\s([].*$/, ""))) continue;
    for (const c of r.constraints) {
      if (c.qualifier || c.mentionSpan[0] - r.offset <= end || c.mentionSpan[0] - r.offset > end + 4) continue;
      const text = q.text.replace(/^except(?:\s+(?:for|in))?\s+/i, "");
      const { unless: _unless, ...rest } = q;
      c.qualifier = { ...rest, text, span: [q.span[1] - text.length, q.span[1]] };
    }
  }
}

/** Reads the comparison found[fi] into constraints (or into a qualifier of the previous ones, or into nothing). */
function readComparison(r: NumericRun, fi: number): void {
  const f = r.found[fi];
  const p = placeOf(r, f);
  const age = readAge(r, fi, p);
  const isAge = age.isAge;
  if (age.isTime && !isAge) r.lastDuration = fi;
  if (isAge && ageQualifiesPrevious(r, f)) {
    r.prevEnd = f.end;
    return;
  }
  let mentions: Mention[];
  if (isAge) {
    // "age ≥ 18 years at diagnosis": the age then, not now
    const then = AT_DIAGNOSIS_AFTER.test(r.text.slice(f.end, f.end + 48));
    mentions =
      r.subject?.age && !age.ageMention
        ? [{ ...r.subject }]
        : [{ id: then ? "age-at-diagnosis" : "age", start: age.ageMention!.start, end: age.ageMention!.end, age: !then }];
  } else {
    const ms = measurementMentions(r, f, p, age);
    if (!ms) {
      r.prevEnd = f.end;
      return;
    }
    mentions = ms;
  }
  if (WORDED.has(f) && !isAge && mentions.every((m) => m.id === null)) {
    r.prevEnd = f.end;
    return;
  }
  // "at least 2 rising PSA values", "at least 3 PSA measurements": a count of results, no threshold on them;
  // "the ULN for SGPT is 45 U/L", "(ULN = 35 U/L for males)": the reference range defined, not a criterion
  if (!isAge && (isCountOfResults(r.text, f) || ((r.mayDefineReference ??= /ULN|LLN|normal|reference/i.test(r.text)) && definesReference(r.text, f)))) {
    r.prevEnd = f.end;
    return;
  }
  // "less than 3 or less than 14 days before randomization": the duration's unit, written once, is this value's too
  if (!isAge && mentions.every((m) => m.id === null) && sharesNextTimeUnit(r, fi)) {
    r.prevEnd = f.end;
    return;
  }
  if (f.pair && mentions.length) {
    emitPair(r, f, mentions);
    return;
  }
  const { sex, condition, qualEnd } = qualifiersOf(r, fi, p, mentions, isAge);
  emitConstraints(r, f, mentions, sex, condition, qualEnd);
}

/** "BP > 140/90 mmHg": systolic and diastolic constraints. */
function emitPair(r: NumericRun, f: Found, mentions: Mention[]): void {
  const text = r.text;
  const mn = mentions[0];
  const pair = f.pair!;
  const idx: number[] = [];
  for (const [id, qq] of [["sbp", f.q], ["dbp", pair]] as const) {
    const c: NumericConstraint = {
      type: "numeric",
      variable: id,
      mention: mn.text ?? text.slice(mn.start, mn.end),
      mentionSpan: abs(r, mn.start, mn.end),
      op: f.op,
      value: qq.value,
      valueSpan: abs(r, qq.valueSpan[0], qq.valueSpan[1]),
      unit: "mm[Hg]",
    };
    if (pair.unitSpan) c.unitSpan = abs(r, pair.unitSpan[0], pair.unitSpan[1]);
    idx.push(r.constraints.length);
    r.constraints.push(c);
  }
  // "BP > 140/90": either value; "BP < 140/90": both
  const prevEnd = r.prevEnd;
  const gapEndP = Math.max(prevEnd, Math.min(f.cmpStart, mn.start));
  const joinerP: "and" | "or" = prevEnd > 0 && /^[\s,()]*(?:and\/or|or)\b[^;.]*$/i.test(text.slice(prevEnd, gapEndP)) ? "or" : "and";
  r.groups.push({ idx, joiner: joinerP, listOr: f.op === ">" || f.op === ">=" });
  r.prevEnd = f.end;
  r.prevMentions = mentions;
}

function emitConstraints(r: NumericRun, f: Found, mentions: Mention[], sex: Qualifier | undefined, condition: Qualifier | undefined, qualEnd: number): void {
  const text = r.text;
  const idx: number[] = [];
  let equivalentEnd = 0;
  for (const mn of mentions) {
    const c: NumericConstraint = {
      type: "numeric",
      variable: mn.id,
      mention: mn.text ?? text.slice(mn.start, mn.end),
      mentionSpan: abs(r, mn.start, mn.end),
      op: f.op,
      value: f.q.value,
      valueSpan: abs(r, f.q.valueSpan[0], f.q.valueSpan[1]),
    };
    if (f.q2) {
      c.value2 = f.q2.value;
      c.value2Span = abs(r, f.q2.valueSpan[0], f.q2.valueSpan[1]);
      if (f.outside) c.outside = true;
      // a range written high to low ("78 to 24 letters", "between -1.0 and -2.5"): value is the lower bound
      if (c.value2 < c.value && f.q.unit === f.q2.unit) {
        [c.value, c.value2] = [c.value2, c.value];
        [c.valueSpan, c.value2Span] = [c.value2Span, c.valueSpan];
      }
    }
    const u = f.q2?.unit ?? f.q.unit;
    const uSpan = f.q2?.unitSpan ?? f.q.unitSpan;
    if (u) c.unit = u;
    else if (mn.age) c.unit = "a";
    if (uSpan && u) c.unitSpan = abs(r, uSpan[0], uSpan[1]);
    // a unit that names its measurement, after words that name none the table knows: "smoking
    // history of at least 20 pack-years" (the mention stays the words; unitNamed is for a value
    // with no words at all, where the unit is the mention)
    if (c.variable === null && u) c.variable = variableNamedByUnit(u) ?? null;
    // "Weight below the 5th percentile for age": a percentile of the measurement, not the measurement;
    // so is a standard deviation score the table does not know ("Height velocity SDS < -1")
    if (u === "{percentile}" || (c.variable !== null && variableById(c.variable)?.unit !== "{SD}" && SDS_AFTER_NAME.test(text.slice(mn.end, mn.end + 25)))) {
      c.variable = null;
      if (u !== "{percentile}") delete c.unit;
    }
    // "urinary protein ≥ 1.0 g": a mass measures another variable (labs.json massMeans)
    if (c.variable !== null && u && /^[mu]?g(?:\/|$)/.test(u)) c.variable = variableById(c.variable)?.massMeans ?? c.variable;
    const rel = f.q.relativeTo ?? f.q2?.relativeTo;
    if (rel) c.relativeTo = rel;
    // vitals and scores have one unit ("DBP ≥ 100", "ECOG 0-1"): normalise to the table's
    if (!c.unit && !rel && c.variable) {
      const v = variableById(c.variable);
      if (v && (v.kind === "vital" || v.kind === "score" || v.kind === "exposure" || v.id === "inr" || v.id === "bmi")) c.unit = v.unit;
      // a percentage written as a fraction of 1: "FEV1/FVC < 0.7", "EF < 0.40"
      if (v?.unit === "%" && c.value <= 1 && (c.value2 === undefined || c.value2 <= 1) && !(v.kind === "vital" && c.value === 1)) c.unit = "1";
    }
    const qual = sex && condition ? { ...condition, sex: sex.sex, text: `${condition.text}; ${sex.text}` } : (sex ?? condition);
    if (qual) c.qualifier = qual;
    if (f.q2 && f.q.unit && f.q2.unit && f.q.unit !== f.q2.unit && !rel) {
      // "aged 2 months to 17 years": bounds in different units are two comparisons, each in its own unit
      const lower: NumericConstraint = { ...c, op: ">=", unit: f.q.unit };
      delete lower.value2;
      delete lower.value2Span;
      if (f.q.unitSpan) lower.unitSpan = abs(r, f.q.unitSpan[0], f.q.unitSpan[1]);
      else delete lower.unitSpan;
      const upper: NumericConstraint = { ...c, op: "<=", value: f.q2.value, valueSpan: c.value2Span!, unit: f.q2.unit };
      delete upper.value2;
      delete upper.value2Span;
      idx.push(r.constraints.length, r.constraints.length + 1);
      r.constraints.push(lower, upper);
      continue;
    }
    idx.push(r.constraints.length);
    r.constraints.push(c);
    const eq = c.unit && !c.relativeTo && f.op !== "range" && !f.q2 ? bracketEquivalent(r, f.end, c) : undefined;
    if (eq) {
      idx.push(r.constraints.length);
      r.constraints.push(eq.constraint);
      equivalentEnd = Math.max(equivalentEnd, eq.end);
    }
  }
  // "or" right after the previous comparison: "Cr ≤ 1.5 × ULN or CrCl ≥ 60 mL/min", "SBP ≥ 140 or < 100"
  const prevEnd = r.prevEnd;
  // (an inherited mention stands before the previous comparison: the gap runs to this one's comparator)
  const ownStart = Math.min(f.cmpStart, ...mentions.map((m) => m.start));
  const gapEnd = ownStart > prevEnd ? ownStart : f.cmpStart;
  const joiner: "and" | "or" = r.alternative || (prevEnd > 0 && /^[\s,()]*(?:and\/or|or)\b[^;.]*$/i.test(text.slice(prevEnd, gapEnd).replace(BRACKET_LABEL_RE, ""))) ? "or" : "and";
  r.alternative = false;
  if (idx.length) {
    const listJoin = mentions.length > 1 && /\bor\b/i.test(text.slice(mentions[0].end, mentions[mentions.length - 1].start)) ? "or" : "and";
    r.groups.push({ idx, joiner, listOr: listJoin === "or" && idx.length > 1 });
  }
  r.prevEnd = Math.max(f.end, qualEnd, equivalentEnd, ...mentions.map((m) => m.end));
  r.prevMentions = mentions;
}

/** "(", "[" and words of approximation before an equivalent value in another unit. */
const EQUIVALENT_OPEN = /^[ \t]*[([][ \t]*(?:approximately[ \t]+|approx\.?[ \t]*|about[ \t]+|~[ \t]*|≈[ \t]*|i\.e\.?,?[ \t]*)?(?=\d)/i;
/**
 * "HbA1c > 86 mmol/mol (10%)", "weight ≥ 50 kg (110 lbs)", "LDL-C ≥ 100 mg/dL (2.6 mmol/L)": the same
 * threshold in another unit, in brackets without a comparator of its own — the same comparison
 * again, when the unit converts to the first one's (or the variable's).
 */
function bracketEquivalent(r: NumericRun, at: number, c: NumericConstraint): { constraint: NumericConstraint; end: number } | undefined {
  const text = r.text;
  if (!/^[ \t]*[([]/.test(text.slice(at, at + 4))) return undefined;
  const open = EQUIVALENT_OPEN.exec(text.slice(at, at + 24));
  if (!open) return undefined;
  const numAt = at + open[0].length;
  const num = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?|^\d+(?:\.\d+)?/.exec(text.slice(numAt, numAt + 20));
  if (!num) return undefined;
  const q = readQuantity(text, numAt, num[0]);
  if (!q.unit || !q.unitSpan || q.unit === c.unit || q.relativeTo) return undefined;
  if (!/^[ \t]*[)\]]/.test(text.slice(q.end, q.end + 4))) return undefined;
  try {
    convert(1, q.unit, c.unit!, c.variable);
  } catch {
    return undefined;
  }
  const constraint: NumericConstraint = { ...c, value: q.value, valueSpan: abs(r, q.valueSpan[0], q.valueSpan[1]), unit: q.unit, unitSpan: abs(r, q.unitSpan[0], q.unitSpan[1]) };
  return { constraint, end: q.end };
}

/** A roman class (I–VI) standing alone, the cheap test before readRomanClasses. */
const MAY_HAVE_ROMAN_CLASS = /(?<![\p{L}\d])(?:I{1,3}|IV|VI?)(?![\p{L}\d])/u;
let romanScaleNamesRe: RegExp | undefined;
/** Any name of a scale whose classes are roman numerals (labs.json "classes": "roman"), as a cheap pre-test. */
function romanScaleNames(): RegExp {
  if (romanScaleNamesRe) return romanScaleNamesRe;
  const names = labVariables()
    .filter((v) => v.classes === "roman")
    .flatMap((v) => v.synonyms)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  romanScaleNamesRe = names.length ? new RegExp(`(?:${names.join("|")})`, "i") : /(?!)/;
  return romanScaleNamesRe;
}
const ROMAN_VALUE: Record<string, number> = { I: 1, II: 2, III: 3, IV: 4, V: 5, VI: 6 };
/** After a class scale's name: an optional "class"/"physical status" word, a comparator, a roman class, and a second one or "or above". */
const ROMAN_CLASS_AFTER =
  /^[ \t]*(?:\([^()]{1,12}\)[ \t]*)?(?:(?:[Pp]hysical[ \t]+[Ss]tatus|[Cc]lassification|[Cc]lass(?:es)?|[Ss]core|[Gg]rade|[Ss]tatus|[Ff]unctional[ \t]+[Cc]lass)[ \t]*)?(?:of[ \t]+)?(≥|>=|>|≤|<=|<|\\>|\\<)?[ \t]*(VI|IV|V|I{1,3})(?![\p{L}\d])((?:[ \t]*(?:-|–|to|or|and|,|\/)[ \t]*(?:[Cc]lass[ \t]+)?(?:VI|IV|V|I{1,3})(?![\p{L}\d]))*)([ \t]+(?:or|and)[ \t]+(?:above|higher|greater|more|over|below|lower|less|under))?/u;

/** Classes written in roman numerals after a scale that uses them (labs.json "classes": "roman"): "ASA I-III", "NYHA class III or IV". */
function readRomanClasses(r: NumericRun): void {
  const text = r.text;
  const vars = (r.allVars ??= findVariables(text));
  for (const v of vars) {
    const variable = variableById(v.id);
    if (variable?.classes !== "roman") continue;
    const m = ROMAN_CLASS_AFTER.exec(text.slice(v.end, v.end + 60));
    if (!m) continue;
    const at = v.end;
    const first = m[2];
    const list = m[3];
    const firstAt = m[0].indexOf(first, m[1] ? m[0].indexOf(m[1]) + m[1].length : 0);
    const firstStart = at + firstAt;
    const c: NumericConstraint = {
      type: "numeric",
      variable: v.id,
      mention: text.slice(v.start, v.end),
      mentionSpan: abs(r, v.start, v.end),
      op: "=",
      value: ROMAN_VALUE[first],
      valueSpan: abs(r, firstStart, firstStart + first.length),
      unit: variable.unit,
    };
    if (list) {
      // "I-III", "I to IV": a range; "I, II or III", "III or IV": consecutive classes listed
      const listAt = firstAt + first.length;
      const romans = [...list.matchAll(/(VI|IV|V|I{1,3})(?![\p{L}\d])/gu)];
      const values = [ROMAN_VALUE[first], ...romans.map((x) => ROMAN_VALUE[x[1]])];
      const ranged = romans.length === 1 && /-|–|\bto\b/.test(list);
      if (!ranged && values.some((x, k) => k > 0 && x !== values[k - 1] + 1)) continue; // "III or V" is no range
      const last = romans[romans.length - 1];
      const lastAt = listAt + last.index!;
      if (values[values.length - 1] < values[0]) continue;
      c.op = "range";
      c.value2 = values[values.length - 1];
      c.value2Span = abs(r, at + lastAt, at + lastAt + last[1].length);
    } else if (m[1]) c.op = prefixOpOf(m[1]);
    else if (m[4]) c.op = /above|higher|greater|more|over/i.test(m[4]) ? ">=" : "<=";
    // "American Society of Anesthesiologists (ASA) physical status I–III": two names, one value
    const same = r.constraints.find((x) => x.variable === c.variable && x.valueSpan[0] === c.valueSpan[0]);
    if (same) {
      same.mention = text.slice(same.mentionSpan[0] - r.offset, v.end);
      same.mentionSpan = [same.mentionSpan[0], r.offset + v.end];
      continue;
    }
    r.groups.push({ idx: [r.constraints.length], joiner: "and", listOr: false });
    r.constraints.push(c);
  }
}

const MAY_HAVE_LETTER_CLASS = /pugh/i;
/** After a lettered scale's name: "class A", "≥ B", "A or B7", "B-C", "B or worse". */
const LETTER_CLASS_AFTER =
  /^[ \t]*(?:(?:class|grade|score|stage|category)[ \t]*)?(?:(≥|>=|>|≤|<=|<)[ \t]*)?([A-D])(\d{1,2})?(?:[ \t]*(?:-|–|to|or|and|\/)[ \t]*(?:([A-D])(\d{1,2})?|(\d{1,2})))?(?:[ \t]+or[ \t]+(worse|higher|above|greater|more|better|lower|less|below))?(?![\p{L}\d])/u;

/**
 * A scale whose classes are letters standing for score ranges (labs.json letterClasses):
 * "Child-Pugh A" is a score of 5–6, "A or B7" 5 to 7, "B or worse" ≥ 7. The constraint is on
 * the score, so a patient's score decides; its value span is the letters as written.
 */
function readLetterClasses(r: NumericRun): void {
  const text = r.text;
  const vars = (r.allVars ??= findVariables(text));
  for (const v of vars) {
    const classes = variableById(v.id)?.letterClasses;
    // Scores written as numbers ("Child-Pugh A (score 5-6)") say it already.
    if (!classes || r.constraints.some((c) => c.variable === v.id)) continue;
    const m = LETTER_CLASS_AFTER.exec(text.slice(v.end, v.end + 60));
    if (!m) continue;
    const range = (letter: string, digits: string | undefined): [number, number] | undefined => {
      const c = classes[letter];
      if (!c) return undefined;
      if (digits === undefined) return c;
      const d = Number(digits);
      return d >= c[0] && d <= c[1] ? [d, d] : undefined;
    };
    const a = range(m[2], m[3]);
    // "B8-9": the second bound is a score of the same class
    const b = m[4] ? range(m[4], m[5]) : m[6] && m[3] ? range(m[2], m[6]) : undefined;
    if (!a || ((m[4] || m[6]) && !b)) continue;
    const firstAt = v.end + m[0].indexOf(m[2] + (m[3] ?? ""), m[1] ? m[0].indexOf(m[1]) + m[1].length : 0);
    const firstEnd = firstAt + m[2].length + (m[3]?.length ?? 0);
    const c: NumericConstraint = {
      type: "numeric",
      variable: v.id,
      mention: text.slice(v.start, v.end),
      mentionSpan: abs(r, v.start, v.end),
      op: "range",
      value: a[0],
      valueSpan: abs(r, firstAt, firstEnd),
      unit: variableById(v.id)!.unit,
    };
    if (m[1]) {
      c.op = prefixOpOf(m[1]);
      c.value = c.op === ">=" || c.op === "<" ? a[0] : a[1];
    } else if (m[7]) {
      const up = /worse|higher|above|greater|more/i.test(m[7]);
      c.op = up ? ">=" : "<=";
      c.value = up ? a[0] : a[1];
    } else {
      const hi = b ? b[1] : a[1];
      if (b && b[0] < a[0]) continue;
      if (hi === a[0]) c.op = "=";
      else {
        c.value2 = hi;
        const lastLetters = b ? (m[4] ? m[4] + (m[5] ?? "") : m[6]) : m[2] + (m[3] ?? "");
        const lastAt = b ? v.end + m[0].lastIndexOf(lastLetters) : firstAt;
        c.value2Span = abs(r, lastAt, lastAt + lastLetters.length);
      }
    }
    r.groups.push({ idx: [r.constraints.length], joiner: "and", listOr: false });
    r.constraints.push(c);
  }
}

/** Dipstick urine protein: "urine protein ≥ ++", "proteinuria > 1+", "urine protein ++ or above". */
function readDipsticks(r: NumericRun): void {
  const text = r.text;
  DIPSTICK_RE.lastIndex = 0;
  const mayDip = text.includes("+") && /protein/i.test(text);
  const before = r.constraints.length;
  const dipValues = new Set<number>();
  for (let m = mayDip ? DIPSTICK_RE.exec(text) : null; m; m = DIPSTICK_RE.exec(text)) {
    const name = m[1];
    const plus = m[3];
    const value = /^\d/.test(plus) ? Number(plus[0]) : plus.length;
    const op: ComparisonOp = m[2] ? prefixOpOf(m[2]) : m[4] ? (/above|more|higher|greater/i.test(m[4]) ? ">=" : "<=") : "=";
    const vs = m.index + m[0].lastIndexOf(plus);
    const c: NumericConstraint = {
      type: "numeric",
      variable: "urine-protein-dipstick",
      mention: name,
      mentionSpan: abs(r, m.index, m.index + name.length),
      op,
      value,
      valueSpan: abs(r, vs, vs + plus.length),
      unit: "{dipstick}",
    };
    dipValues.add(c.valueSpan[0]);
    r.groups.push({ idx: [r.constraints.length], joiner: "and", listOr: false });
    r.constraints.push(c);
  }
  // "urine protein < 2+ (if ≥ 2+, 24-hour urine protein < 1 g)": a grade after "if" is the same test's
  const named = r.constraints.find((c, k) => k >= before);
  if (named) {
    BARE_GRADE_RE.lastIndex = 0;
    for (let m = BARE_GRADE_RE.exec(text); m; m = BARE_GRADE_RE.exec(text)) {
      const plus = m[2];
      const vs = m.index + m[0].length - plus.length;
      if (dipValues.has(abs(r, vs, vs)[0])) continue;
      const c: NumericConstraint = { ...named, op: prefixOpOf(m[1]), value: /^\d/.test(plus) ? Number(plus[0]) : plus.length, valueSpan: abs(r, vs, vs + plus.length) };
      dipValues.add(c.valueSpan[0]);
      r.groups.push({ idx: [r.constraints.length], joiner: "and", listOr: false });
      r.constraints.push(c);
    }
  }
  // "< 2+" also reads as a plain "< 2" (and "2+" as "2 or more"): the grade is the one meant.
  if (dipValues.size) dropConstraints(r, (c, k) => k < before && dipValues.has(c.valueSpan[0]));
}

/** Removes constraints (and their places in the groups, dropping groups left empty). */
function dropConstraints(r: NumericRun, drop: (c: NumericConstraint, k: number) => boolean): void {
  const newIndex: number[] = [];
  const kept: NumericConstraint[] = [];
  r.constraints.forEach((c, k) => {
    if (drop(c, k)) newIndex.push(-1);
    else {
      newIndex.push(kept.length);
      kept.push(c);
    }
  });
  if (kept.length === r.constraints.length) return;
  r.constraints = kept;
  const groups: Group[] = [];
  for (const g of r.groups) {
    const idx: number[] = [];
    for (const k of g.idx) if (newIndex[k] >= 0) idx.push(newIndex[k]);
    if (idx.length) groups.push({ idx, joiner: g.joiner, listOr: g.listOr });
  }
  r.groups = groups;
}

const BARE_GRADE_RE = /(?<![\p{L}])(?:if|when)\s+(≥|>=|>|≤|<=|<)\s*(\+{1,4}|[1-4]\+)(?![\p{L}\d+])/giu;
const DIPSTICK_RE =
  /((?:urine|urinary)\s+protein|proteinuria|dipstick\s+protein)\s*(?:\([^()]{0,20}\)\s*)?(?:(?:is|of|by\s+dipstick)\s*)?(≥|>=|>|≤|<=|<|\\>|\\<|:)?\s*(\+{1,4}|[1-4] ?\+)(?![\p{L}\d+])(\s*(?:or|and)\s+(?:above|more|higher|greater|below|less|lower))?/giu;

function prefixOpOf(sym: string): ComparisonOp {
  const s = sym.replace(/\\/g, "");
  if (s === ":") return "=";
  return prefixOp(undefined, s);
}

/**
 * Joiners between comparisons → Logic; absent when everything is AND. In criteria "or"
 * binds tighter than the commas and "and"s around it: "Hb ≥ 9, Cr ≤ 1.5 × ULN or CrCl ≥ 60,
 * ALT ≤ 2.5 × ULN" is Hb ∧ (Cr ∨ CrCl) ∧ ALT.
 */
function buildLogic(groups: Array<{ idx: number[]; joiner: "and" | "or"; listOr?: boolean }>): Logic | undefined {
  if (!groups.some((g, i) => (i > 0 && g.joiner === "or") || g.listOr)) return undefined;
  const leaf = (g: { idx: number[]; listOr?: boolean }): Logic | number =>
    g.idx.length === 1 ? g.idx[0] : { op: g.listOr ? "or" : "and", args: g.idx };
  const andParts: Array<Array<Logic | number>> = [];
  groups.forEach((g, i) => {
    if (i > 0 && g.joiner === "or") andParts[andParts.length - 1].push(leaf(g));
    else andParts.push([leaf(g)]);
  });
  const args: Array<Logic | number> = [];
  for (const p of andParts) args.push(p.length === 1 ? p[0] : { op: "or" as const, args: p });
  if (args.length === 1) return typeof args[0] === "number" ? undefined : (args[0] as Logic);
  return { op: "and", args };
}
