/**
 * Stage 2: the lexical pieces of numeric comparisons — numbers (with thousands separators,
 * scientific notation and scraped lost superscripts), comparators (symbols and words, as
 * written), units and ULN/LLN multiples. All regexes are compiled once, here.
 */
import type { ComparisonOp } from "./types.js";

/** A number that may start a quantity: not glued to a preceding letter ("T1", "PHQ9", "GAD-7"). */
// Thousands separated by a space ("100 000/µL", the SI style) only before a count's unit,
// where two numbers side by side would make no sense.
export const NUMBER_RE =
  /(?<![\p{L}\d.,\/^_]|\p{L}-)(\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d])(?=[ \t]*(?:(?:[-–~]|and\b|to\b)[ \t]*\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+[ \t]*)?(?:\/|cells?\b|per\b|copies|IU\b|mm3|mm³))|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])(?!(?:st|nd|rd|th)\b(?![ \t]*(?:percentile|centile)))(?!\.\d)/gu;

/** Parses "50,000" / "100 000" / "1.5" / "50.000" (thousands with a dot only when `dotThousands`). */
export function parseNumber(s: string, dotThousands = false): number {
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) return Number(s.replace(/,/g, ""));
  if (/^\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+$/.test(s)) return Number(s.replace(/[ \u00a0\u2009\u202f]/g, ""));
  if (dotThousands && /^\d{1,3}\.\d{3}$/.test(s)) return Number(s.replace(".", ""));
  return Number(s);
}

const SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
export function supToInt(s: string): number {
  let out = "";
  for (const c of s) out += SUP.includes(c) ? String(SUP.indexOf(c)) : c;
  return Number(out);
}

/**
 * "× 10^9", "x10⁹", "*109" (lost superscript), "_109" (scraped ×10⁹), "10E9": a power-of-ten
 * factor right after a number. Group 1: exponent.
 */
export const SCI_RE = /^[ \t]*(?:\\?[x×*✕_Xx]|[x×]\s*)[ \t]*10[ \t]*(?:\\?\^|\*\*|\*|[eE](?:xp)?)?[ \t]*\(?(-?\d{1,2}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2})\)?(?![\d])/;
/** After a power of ten: a "per volume" that makes it a unit (10⁹/L) rather than a multiplier (1 × 10⁴ copies). */
export const PER_VOLUME_RE = /^[ \t]*(?:cells[ \t]*)?\/[ \t]*(l|µl|μl|ul|mcl|mm3|mm³|mmc|ml)(?![\p{L}\d])/iu;

const UNIT_ALTS = [
  "ml/min/1[.,]73[ \\t]?m[ \\t]?(?:2|²|\\^2)",
  "ml/min[ \\t]per[ \\t]1\\.73[ \\t]?m(?:2|²|\\^2)",
  "ml[ \\t]?/[ \\t]?min(?:ute)?",
  "ml[ \\t]per[ \\t]min(?:ute)?",
  "ml/m",
  "ml/kg/h",
  "g[ \\t]?/[ \\t]?24[ \\t]?h(?:ours?|rs?)?",
  "mg[ \\t]?/[ \\t]?24[ \\t]?h(?:ours?|rs?)?",
  "g/day",
  "gm?[ \\t]?/[ \\t]?dl",
  "gm?%",
  "g[ \\t]?/[ \\t]?l",
  "mg[ \\t]?/[ \\t]?dl",
  "mg[ \\t]?/[ \\t]?l",
  "mg/mmol",
  "(?:m|[µμu]|mc)?g[ \\t]?/[ \\t]?(?:m|[µμu]|mc)?g(?:[ \\t]?(?:cr|creat(?:inine)?))?",
  "(?:[µμu]|micro)mol[ \\t]?/[ \\t]?l",
  "mmol[ \\t]?/[ \\t]?mol",
  "mmol[ \\t]?/[ \\t]?(?:day|d|24[ \\t]?h(?:ours?|rs?)?)",
  "mmol[ \\t]?/[ \\t]?l",
  "nmol[ \\t]?/[ \\t]?l",
  "pmol[ \\t]?/[ \\t]?l",
  "meq[ \\t]?/[ \\t]?l",
  "ng[ \\t]?/[ \\t]?ml",
  "pg[ \\t]?/[ \\t]?ml",
  "(?:[µμu]|mc)g[ \\t]?/[ \\t]?[dm]?l",
  "m?iu[ \\t]?/[ \\t]?[md]?l",
  "giga[ \\t]?/[ \\t]?l",
  "degrees?[ \\t]+(?:celsius|centigrade|c)(?![\\p{L}])",
  "degrees?[ \\t]+(?:fahrenheit|f)(?![\\p{L}])",
  "[µμu]iu[ \\t]?/[ \\t]?ml",
  "u[ \\t]?/[ \\t]?m?l",
  "units?[ \\t]?/[ \\t]?m?l",
  "kg[ \\t]?/[ \\t]?m(?:2|²|\\^2)",
  "cop(?:y|ies)[ \\t]?/[ \\t]?ml",
  "cells[ \\t]?/[ \\t]?(?:mm3|mm³|mm\\^3|[µμu]l|mcl|mmc|cu\\.?[ \\t]?mm|cumm)",
  "/[ \\t]?(?:cu\\.?[ \\t]?mm|cumm)",
  "mg[ \\t]?%",
  "per[ \\t]?cent",
  "inch(?:es)?",
  "(?:cells?[ \\t]+)?per[ \\t]+(?:micro[ \\t-]?lit(?:er|re)|[µμu]l|cubic[ \\t]+millimet(?:er|re)|mm3|mm³|mmc)",
  "/[ \\t]?(?:mm[ \\t]?3|mm³|mm\\^3|mmc|[µμu]l|mcl)",
  "k/[µμu]l",
  "G[ \\t]?/[ \\t]?L",
  "mm[ \\t]?/?[ \\t]?hg",
  "mm[ \\t]?/[ \\t]?h(?:r|our)?",
  "packs?[ \\t-]?years?",
  "(?:st|nd|rd|th)?[ \\t]*(?:percentiles?|centiles?)",
  "(?:units?|drinks?|cigarettes?|cups?)[ \\t]?(?:/|per)[ \\t]?(?:week|wk|day|d)",
  "(?:units?|drinks?|cigarettes?|cups?)[ \\t]+of[ \\t]+[a-z]+[ \\t]+(?:/|per)[ \\t]?(?:week|wk|day|d)",
  "m[ \\t]?/[ \\t]?s(?:ec)?",
  "ml[ \\t]?/[ \\t]?s(?:ec)?",
  "cm[ \\t]?h(?:2|₂)o",
  "mg[ \\t]?/[ \\t]?dl[ \\t]?/[ \\t]?h(?:r|our)?",
  "cfus?[ \\t]?/[ \\t]?ml",
  "bu[ \\t]?/[ \\t]?ml",
  "(?:million|mill?)[ \\t]?/[ \\t]?ml",
  "(?:million|mill?)[ \\t]+per[ \\t]+ml",
  "diopt(?:er|re)s?",
  "ml[ \\t]?/[ \\t]?kg[ \\t]?/[ \\t]?min",
  "met(?:er|re)s?",
  "m(?:2|²|\\^2)",
  "m",
  "[µμun]M(?![A-Za-z])",
  "milliseconds?",
  "msec",
  "ms",
  "kpa",
  "db[ \\t]?/[ \\t]?m",
  "db",
  "ppm",
  "ppb",
  "cm[ \\t]?/[ \\t]?s(?:ec)?",
  "wood[ \\t]+units?",
  "bpm",
  "beats[ \\t]?/[ \\t]?min(?:ute)?",
  "beats[ \\t]+per[ \\t]+min(?:ute)?",
  "breaths[ \\t]?/[ \\t]?min(?:ute)?",
  "°[ \\t]?f",
  "℉",
  "°[ \\t]?c",
  "℃",
  "°",
  "degrees",
  "kgs?",
  "kilograms?",
  "lbs?",
  "pounds",
  "grams?",
  "gm",
  "g",
  "cm2",
  "cm(?:3|³|\\^3)",
  "cm",
  "mm",
  "[µμ]m",
  "microns?",
  "fl",
  "%",
  "years?",
  "yrs?",
  "y/o",
  "yo",
  "y",
  "months?",
  "mos?",
  "weeks?",
  "wks?",
  "days?",
  "hours?",
  "hrs?",
  "h",
  "seconds?",
  "s",
  "secs?",
  "minutes?",
  "mins?",
  "points?",
  "(?:mg|mcg|[µμu]g|ng)[ \\t]?/[ \\t]?kg(?:[ \\t]?/[ \\t]?(?:min|h|hr|day|d))?",
  "ng[ \\t]?/[ \\t]?d?l",
  "pg[ \\t]?/[ \\t]?d?l",
  "/[ \\t]?min(?:ute)?",
  "％",
  "mg/m2",
  "mg/day",
  "ml",
  "cc",
  "l[ \\t]?/[ \\t]?min(?:ute)?",
  "lit(?:er|re)s?",
  "l",
  "mg",
  "mcg",
  "[µμu]g",
  "gy",
  "cgy",
];
export const UNIT_RE = new RegExp(
  `^[ \\t]{0,2}(?:-[ \\t]?)?(${[...UNIT_ALTS].sort((a, b) => b.length - a.length).join("|")})(?![\\p{L}\\d])`,
  "iu",
);

/** "× ULN", "times the upper limit of normal", "ULN", "N" (French), "LLN". Group 1: the reference words. */
export const ULN_RE =
  /^[ \t]*(?:\\?[xX×*✕]|times(?:[ \t]+of)?|-?[ \t]*folds?(?:[ \t]+of)?|fois)?[ \t]*(?:the[ \t]+)?(?:institutional[ \t]+|age[- ]adjusted[ \t]+|institutional[ \t]+age[- ]adjusted[ \t]+|upper[ \t]+)?(ULN|LLN|UNL|ULRR|LSN|la[ \t]+(?:limite[ \t]+sup[ée]rieure[ \t]+de[ \t]+la[ \t]+)?normale|upper[ \t]+limits?[ \t]+of[ \t]+(?:the[ \t]+)?(?:normal(?:[ \t]+range)?|norm\b)|normal[ \t]+(?:limits?|values?)\b|(?:the[ \t]+)?normal[ \t]+upper[ \t]+limits?|upper[ \t]+normal[ \t]+(?:limits?|range)|upper[ \t]+(?:limit[ \t]+of[ \t]+(?:the[ \t]+)?)?normal[ \t]+range|lower[ \t]+limits?[ \t]+of[ \t]+(?:the[ \t]+)?normal|normal[ \t]+low(?:er)?[ \t]+limits?|N(?=[ \t]*(?:[;,.)]|$|\s)))(?:[ \t]*\((?:ULN|LLN)\))?/;

/** Comparators as written before a value, longest first. */
const PREFIX: Array<[string, ComparisonOp]> = [
  ["greater than or equal to", ">="],
  ["greater than or equal", ">="],
  ["greater or equal to", ">="],
  ["greater or equal", ">="],
  ["greater than or equals", ">="],
  ["more than or equal to", ">="],
  ["more or equal to", ">="],
  ["more or equal", ">="],
  ["greater or equal than", ">="],
  ["bigger or equal to", ">="],
  ["higher than or equal to", ">="],
  ["higher or equal to", ">="],
  ["larger than or equal to", ">="],
  ["equal to or greater than", ">="],
  ["equal to or more than", ">="],
  ["equal to or higher than", ">="],
  ["equal or greater than", ">="],
  ["equal or more than", ">="],
  ["equal to or older than", ">="],
  ["above or equal to", ">="],
  ["at or above", ">="],
  ["equal to or above", ">="],
  ["or above", ">="],
  ["superior or equal to", ">="],
  ["at least", ">="],
  ["no less than", ">="],
  ["not less than", ">="],
  ["no fewer than", ">="],
  ["not fewer than", ">="],
  ["not lower than", ">="],
  ["no lower than", ">="],
  ["not below", ">="],
  ["a minimum of", ">="],
  ["minimum of", ">="],
  ["minimum", ">="],
  ["min\\.?", ">="],
  ["less than or equal to", "<="],
  ["less than or equal", "<="],
  ["less or equal to", "<="],
  ["less or equal", "<="],
  ["lower than or equal to", "<="],
  ["lower or equal to", "<="],
  ["smaller than or equal to", "<="],
  ["equal to or less than", "<="],
  ["equal to or lower than", "<="],
  ["equal or less than", "<="],
  ["equal to or younger than", "<="],
  ["below or equal to", "<="],
  ["at or below", "<="],
  ["equal to or below", "<="],
  ["inferior or equal to", "<="],
  ["at most", "<="],
  ["no more than", "<="],
  ["not more than", "<="],
  ["no greater than", "<="],
  ["not greater than", "<="],
  ["not higher than", "<="],
  ["no higher than", "<="],
  ["not exceeding", "<="],
  ["not to exceed", "<="],
  ["does not exceed", "<="],
  ["do not exceed", "<="],
  ["doesn't exceed", "<="],
  ["not exceed", "<="],
  ["not above", "<="],
  ["not over", "<="],
  ["up to", "<="],
  ["a maximum of", "<="],
  ["maximum of", "<="],
  ["maximum", "<="],
  ["max\\.?", "<="],
  ["greater than", ">"],
  ["more than", ">"],
  // "then" for "than", a common slip
  ["greater then", ">"],
  ["more then", ">"],
  ["higher then", ">"],
  ["less then", "<"],
  ["lower then", "<"],
  ["higher than", ">"],
  ["larger than", ">"],
  ["bigger than", ">"],
  ["older than", ">"],
  ["superior to", ">"],
  ["in excess of", ">"],
  ["exceeding", ">"],
  ["exceeds", ">"],
  ["exceed", ">"],
  ["above", ">"],
  ["over", ">"],
  ["less than", "<"],
  ["lower than", "<"],
  ["smaller than", "<"],
  ["fewer than", "<"],
  ["younger than", "<"],
  ["inferior to", "<"],
  ["below", "<"],
  ["under", "<"],
  ["equal to", "="],
  ["equals", "="],
];
const SYMBOLS: Array<[string, ComparisonOp]> = [
  ["≥/=", ">="],
  [">/=", ">="],
  ["=/>", ">="],
  ["=/<", "<="],
  ["\\\\?>[ \\t]*or[ \\t]*=", ">="],
  ["\\\\?<[ \\t]*or[ \\t]*=", "<="],
  ["\\\\?>[ \\t]?=", ">="],
  ["=[ \\t]?>", ">="],
  ["≥", ">="],
  ["≧", ">="],
  ["⩾", ">="],
  ["</=", "<="],
  ["≤/=", "<="],
  ["\\\\?<[ \\t]?=", "<="],
  ["=[ \\t]?<", "<="],
  ["≤", "<="],
  ["≦", "<="],
  ["⩽", "<="],
  ["\\\\?>", ">"],
  ["\\\\?<", "<"],
  ["＞", ">"],
  ["＜", "<"],
  ["=", "="],
];

const wordAlt = PREFIX.map(([w]) => w.replace(/ /g, "[ \\t]+")).join("|");
const symAlt = SYMBOLS.map(([s]) => s).join("|");
/** A comparator ending right before a value (the text slice must end where the value starts). */
export const PREFIX_RE = new RegExp(
  `(?:(?<![\\p{L}])(${wordAlt})(?:[ \\t]+(?:to|than|of))?(?:[ \\t]+the)?(?:[ \\t]+(?:the[ \\t]+)?ages?(?:[ \\t]+of)?)?|(${symAlt})(?:[ \\t]*than)?)[ \\t]*(?:\\(?(?:of|at)[ \\t]+)?[:：]?[ \\t]*$`,
  "iu",
);
const wordOps = new Map(PREFIX.map(([w, op]) => [w.replace(/\\\.\?$/, ""), op]));

/** The op of a matched prefix comparator. */
export function prefixOp(word: string | undefined, sym: string | undefined): ComparisonOp {
  if (sym) {
    const s = sym.replace(/[\\ \t]/g, "").replace(/or=$/i, "=");
    if (s === ">=" || s === "=>" || s === ">/=" || s === "=/>" || s === "≥/=" || s === "≥" || s === "≧" || s === "⩾") return ">=";
    if (s === "<=" || s === "=<" || s === "</=" || s === "=/<" || s === "≤/=" || s === "≤" || s === "≦" || s === "⩽") return "<=";
    if (s === ">" || s === "＞") return ">";
    if (s === "<" || s === "＜") return "<";
    return "=";
  }
  const w = (word ?? "").toLowerCase().replace(/\s+/g, " ").replace(/\.$/, "");
  return wordOps.get(w) ?? "=";
}

/** Postfix: "18 or older", "2 and above", "15% or more", "5 mm or less", "18+". */
export const POSTFIX_RE =
  /^[ \t]*(?:\(s\))?[ \t]*(?:old[ \t]+|of[ \t]+age[ \t]+)?,?[ \t]*(?:or|and|&)[ \t]+(older|over|above|more|greater|higher|upward|upwards|beyond|younger|less|fewer|below|under|lower|smaller)\b/i;
export function postfixOp(word: string): ComparisonOp {
  return /^(older|over|above|more|greater|higher|upwards?|beyond)$/i.test(word) ? ">=" : "<=";
}

/** Range joiners between two values. */
export const RANGE_JOIN_RE = /^[ \t]*(?:-|–|—|~|∼|～|－|to|and|through|until)[ \t]*(?=-?\d)/i;
