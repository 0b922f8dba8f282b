/**
 * Units as trial texts write them → UCUM codes, and conversions between UCUM units through
 * @lhncbc/ucum-lhc (loaded on first conversion only: parsing never needs it).
 *
 * Scraped notations are normalised first: lost superscripts (`×109/L` is 10⁹/L), `G/L`
 * (giga per litre), `/mmc` (mm³), micro signs (µ, μ, u, mc), `²`, `mm Hg`.
 */
import { createRequire } from "node:module";
import { variableById } from "./lexicon.js";

/** Normalises a unit as written (e.g. "×10^9 / L", "g / dl", "ml/min/1.73 m²") to UCUM, or undefined when unknown. */
export function toUcum(raw: string): string | undefined {
  const u = raw
    .trim()
    .replace(/\s*\/\s*/g, "/")
    .replace(/[µμ]/g, "u")
    .replace(/²/g, "2")
    .replace(/³/g, "3")
    .replace(/mm\^3/gi, "mm3")
    .replace(/m\^2/gi, "m2")
    // a superscript lost in a copy from a PDF: "/mm 3", "1.73 m 2"
    .replace(/\bmm\s+3$/i, "mm3")
    .replace(/\b1\.73\s*m\s+2$/i, "1.73 m2")
    .replace(/\b1,73/, "1.73")
    .replace(/\s+/g, " ")
    .replace(/\.$/, "");
  const key = u.toLowerCase();
  const direct = DIRECT[key];
  if (direct) return direct;
  // "95th percentile", "3rd centile"
  if (/^(?:st|nd|rd|th)?\s*(?:percentile|centile)s?$/.test(key)) return "{percentile}";
  // "pack-years", "pack years", "packs-year"
  if (/^packs?[ -]?years?$/.test(key)) return "{pack-years}";
  // "21 units/week" (of alcohol), "3 drinks per day", "10 cigarettes/day"
  const rate = /^(units?|drinks?|cigarettes?|cups?)(?: of [a-z]+)? ?(?:\/|per) ?(week|wk|day|d)$/.exec(key);
  if (rate) return `{${rate[1].replace(/s$/, "")}s}/${/^w/.test(rate[2]) ? "wk" : "d"}`;
  // "per microliter", "cells per cubic millimeter"
  const per = /^(?:cells?\s+)?per\s+(micro\s?-?lit(?:er|re)|ul|cubic\s+millimet(?:er|re)|mm3|mmc)$/.exec(key);
  if (per) return /^(?:micro|ul)/.test(per[1]) ? "/uL" : "/mm3";
  // 10^9/L written as x10^9/L, ×109/L, *10^9/L, 10⁹/L, 10E9/L
  let m = /^(?:[x×*]\s*)?10\s*(?:\^|\*\*|e)?\s*([⁰¹²³⁴⁵⁶⁷⁸⁹]+|\d{1,2})\s*(?:cells\s*)?\/\s*(l|ul|mcl|mm3|ml)$/i.exec(u);
  if (m) {
    const exp = superscriptToDigits(m[1]);
    const per = { l: "L", ul: "uL", mcl: "uL", mm3: "mm3", ml: "mL" }[m[2].toLowerCase()]!;
    return `10*${exp}/${per}`;
  }
  m = /^(?:cells|cell|copies|copy)?\s*\/\s*(ul|mcl|mm3|mmc|ml|l)$/i.exec(u);
  if (m) {
    const per = { ul: "/uL", mcl: "/uL", mm3: "/mm3", mmc: "/mm3", ml: "/mL", l: "/L" }[m[1].toLowerCase()]!;
    return /cop/i.test(u) ? `{copies}${per}` : per;
  }
  // mass ratios, as urine protein or albumin per creatinine: g/g, mg/mg, mg/g Cr
  m = /^(m|u|mc)?g\/(m|u|mc)?g(?:\s*(?:cr|creat|creatinine))?$/i.exec(u);
  if (m) {
    const pre = (p?: string) => (p ? (p.toLowerCase() === "mc" ? "u" : p.toLowerCase()) : "");
    return `${pre(m[1])}g/${pre(m[2])}g`;
  }
  // generic mass or substance per volume: mg/dl, umol/l, ng/ml, mmol/mol …
  m = /^(k|m|u|mc|n|p|d)?(g|mol|eq)\/(d|m|u)?(l|mol)$/i.exec(u);
  if (m) {
    const pre = (p?: string) => (p ? (p.toLowerCase() === "mc" ? "u" : p.toLowerCase()) : "");
    const num = pre(m[1]) + (m[2].toLowerCase() === "eq" ? "eq" : m[2].toLowerCase());
    const den = pre(m[3]) + (m[4].toLowerCase() === "l" ? "L" : "mol");
    return `${num}/${den}`;
  }
  return undefined;
}

const DIRECT: Record<string, string> = {
  "%": "%",
  "％": "%",
  "/min": "/min",
  "/minute": "/min",
  "g/l": "g/L",
  "g/dl": "g/dL",
  "gm/dl": "g/dL",
  "gm%": "g/dL",
  "g%": "g/dL",
  "mg/dl": "mg/dL",
  "mg/l": "mg/L",
  "g/24h": "g/(24.h)",
  "g/24 h": "g/(24.h)",
  "g/24 hours": "g/(24.h)",
  "mg/24h": "mg/(24.h)",
  "mg/24 h": "mg/(24.h)",
  "mg/24hr": "mg/(24.h)",
  "mg/24 hr": "mg/(24.h)",
  "mg/24hrs": "mg/(24.h)",
  "mg/24 hrs": "mg/(24.h)",
  "mg/24 hour": "mg/(24.h)",
  "mg/24 hours": "mg/(24.h)",
  "mg/24hours": "mg/(24.h)",
  ml: "mL",
  cc: "mL",
  l: "L",
  liter: "L",
  liters: "L",
  litre: "L",
  litres: "L",
  "l/min": "L/min",
  "l/minute": "L/min",
  "g/day": "g/d",
  g: "g",
  gm: "g",
  grams: "g",
  kg: "kg",
  kgs: "kg",
  kilograms: "kg",
  lb: "[lb_av]",
  lbs: "[lb_av]",
  pounds: "[lb_av]",
  "g/(24.h)": "g/(24.h)",
  "iu/l": "[IU]/L",
  "iu/ml": "[IU]/mL",
  "iu/dl": "[IU]/dL",
  "degrees celsius": "Cel",
  "degree celsius": "Cel",
  "degrees centigrade": "Cel",
  "degrees c": "Cel",
  "degrees fahrenheit": "[degF]",
  "degree fahrenheit": "[degF]",
  "degrees f": "[degF]",
  "u/l": "U/L",
  "u/ml": "U/mL",
  "miu/l": "m[IU]/L",
  "miu/ml": "m[IU]/mL",
  "uiu/ml": "u[IU]/mL",
  "ml/min": "mL/min",
  "ml per minute": "mL/min",
  "ml/minute": "mL/min",
  "ml/m": "mL/min",
  "ml/min/1.73m2": "mL/min/{1.73_m2}",
  "ml/min/1.73 m2": "mL/min/{1.73_m2}",
  "ml/min per 1.73 m2": "mL/min/{1.73_m2}",
  "ml/min per 1.73m2": "mL/min/{1.73_m2}",
  "ml/kg/h": "mL/kg/h",
  mmhg: "mm[Hg]",
  "mm hg": "mm[Hg]",
  "mm/hg": "mm[Hg]",
  "mm/h": "mm/h",
  "m/s": "m/s",
  "m/sec": "m/s",
  "ml/kg/min": "mL/kg/min",
  meter: "m",
  meters: "m",
  metre: "m",
  metres: "m",
  "mm/hr": "mm/h",
  "mm/hour": "mm/h",
  ms: "ms",
  msec: "ms",
  milliseconds: "ms",
  millisecond: "ms",
  "kg/m2": "kg/m2",
  "kg/m^2": "kg/m2",
  cm: "cm",
  mm: "mm",
  cm2: "cm2",
  cm3: "cm3",
  m2: "m2",
  "°f": "[degF]",
  "° f": "[degF]",
  "℉": "[degF]",
  um: "um",
  microns: "um",
  micron: "um",
  fl: "fL",
  "°c": "Cel",
  "℃": "Cel",
  "° c": "Cel",
  "°": "deg",
  degrees: "deg",
  kpa: "kPa",
  db: "dB",
  // a decibel cannot be divided in UCUM (a logarithmic unit): the controlled attenuation parameter's dB/m as an annotation
  "db/m": "{dB/m}",
  ppm: "[ppm]",
  ppb: "[ppb]",
  "cm/s": "cm/s",
  "cells/mcl": "/uL",
  "cells/cu.mm": "/mm3",
  "cells/cu. mm": "/mm3",
  "cells/cu mm": "/mm3",
  "cells/cumm": "/mm3",
  "/cu.mm": "/mm3",
  "/cu. mm": "/mm3",
  "/cu mm": "/mm3",
  "/cumm": "/mm3",
  "mg%": "mg/dL",
  "mmol/day": "mmol/d",
  "mmol/d": "mmol/d",
  "mmol/24h": "mmol/d",
  "mmol/24 h": "mmol/d",
  "mmol/24 hours": "mmol/d",
  "mg %": "mg/dL",
  "percent": "%",
  "per cent": "%",
  "inch": "[in_i]",
  "inches": "[in_i]",
  "ml/s": "mL/s",
  "ml/sec": "mL/s",
  "cmh2o": "cm[H2O]",
  "cm h2o": "cm[H2O]",
  "cmh₂o": "cm[H2O]",
  "cm h₂o": "cm[H2O]",
  "mg/dl/h": "mg/dL/h",
  "mg/dl/hr": "mg/dL/h",
  "mg/dl/hour": "mg/dL/h",
  "cfu/ml": "{CFU}/mL",
  "cfus/ml": "{CFU}/mL",
  "bu/ml": "[beth'U]/mL",
  "million/ml": "10*6/mL",
  "mill/ml": "10*6/mL",
  "mil/ml": "10*6/mL",
  "million per ml": "10*6/mL",
  "diopter": "[diop]",
  "diopters": "[diop]",
  "dioptre": "[diop]",
  "dioptres": "[diop]",
  "cm/sec": "cm/s",
  "wood units": "[wood'U]",
  "wood unit": "[wood'U]",
  bpm: "/min",
  "beats/min": "/min",
  "beats per minute": "/min",
  "breaths/min": "/min",
  "breaths/minute": "/min",
  "g/kg": "g/kg",
  "ng/ml": "ng/mL",
  "pg/ml": "pg/mL",
  "unit/ml": "U/mL",
  "units/ml": "U/mL",
  "unit/l": "U/L",
  "units/l": "U/L",
  "ng/dl": "ng/dL",
  "pg/dl": "pg/dL",
  "ug/l": "ug/L",
  "mmol/mol": "mmol/mol",
  "mg/g": "mg/g",
  "mg/mmol": "mg/mmol",
  "{copies}/ml": "{copies}/mL",
  "copies/ml": "{copies}/mL",
  "copy/ml": "{copies}/mL",
  "cells/ul": "/uL",
  "/ul": "/uL",
  "k/ul": "10*3/uL",
  "giga/l": "10*9/L",
  "t/l": "10*12/L",
  "/mm3": "/mm3",
  "/mmc": "/mm3",
  "cells/mm3": "/mm3",
  year: "a",
  years: "a",
  yrs: "a",
  yr: "a",
  y: "a",
  "y/o": "a",
  month: "mo",
  months: "mo",
  mo: "mo",
  week: "wk",
  weeks: "wk",
  wk: "wk",
  wks: "wk",
  day: "d",
  days: "d",
  hour: "h",
  hours: "h",
  h: "h",
  hrs: "h",
  s: "s",
  sec: "s",
  seconds: "s",
  min: "min",
  minutes: "min",
  m: "m",
};
// "G/L" (giga per litre) is case-sensitive: "g/L" is grams.
export function toUcumCased(raw: string): string | undefined {
  const t = raw.replace(/\s+/g, "");
  // (a capital G is giga whatever the case of the litre: "G/l"; "g/l" is grams)
  if (t === "G/L" || t === "G/l") return "10*9/L";
  if (t === "T/L") return "10*12/L";
  // molar concentrations written as chemists do: "6 mM", "50 µM" (case tells them from millimetres)
  if (t === "mM") return "mmol/L";
  if (/^[µμu]M$/.test(t)) return "umol/L";
  if (t === "nM") return "nmol/L";
  return toUcum(raw);
}

const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";
function superscriptToDigits(s: string): string {
  return [...s].map((c) => (SUPERSCRIPT.includes(c) ? String(SUPERSCRIPT.indexOf(c)) : c)).join("");
}

interface UcumUtils {
  convertUnitTo(
    from: string,
    value: number,
    to: string,
    options?: { molecularWeight?: number; charge?: number },
  ): { status: string; toVal?: number; msg: string[] };
  validateUnitString(unit: string): { status: string; msg: string[] };
}
let ucum: UcumUtils | undefined;
function ucumUtils(): UcumUtils {
  if (!ucum) {
    const require = createRequire(import.meta.url);
    const lib = require("@lhncbc/ucum-lhc") as { UcumLhcUtils: { getInstance(): UcumUtils } };
    ucum = lib.UcumLhcUtils.getInstance();
  }
  return ucum;
}

/** True when the code is a valid UCUM unit expression. */
export function isValidUcum(code: string): boolean {
  return ucumUtils().validateUnitString(code).status === "valid";
}

/**
 * Converts a value between UCUM units (either may also be written as texts write them:
 * "mg/dl", "×10^9/L"). Mass ↔ substance conversions (mg/dL ↔ µmol/L) use the molar mass
 * of `variable` from the lab table (creatinine, bilirubin, glucose…). Throws an Error naming
 * the units and the reason when the conversion is impossible.
 */
export function convert(value: number, fromUnit: string, toUnit: string, variable?: string | null): number {
  const from = toUcumCased(fromUnit) ?? fromUnit;
  const to = toUcumCased(toUnit) ?? toUnit;
  if (from === to) return value;
  const v = variable ? variableById(variable) : undefined;
  for (const a of v?.affine ?? []) {
    if (a.from === from && a.to === to) return a.scale * value + a.offset;
    if (a.from === to && a.to === from) return (value - a.offset) / a.scale;
  }
  const options: { molecularWeight?: number; charge?: number } = {};
  if (v?.molarMass) options.molecularWeight = v.molarMass;
  if (v?.charge) options.charge = v.charge;
  const res = ucumUtils().convertUnitTo(from, value, to, options);
  if (res.status !== "succeeded" || typeof res.toVal !== "number" || !Number.isFinite(res.toVal)) {
    const why = res.msg?.join("; ") || res.status;
    throw new Error(
      `cannot convert ${value} ${fromUnit} to ${toUnit}${variable ? ` for ${variable}` : ""}: ${why}`,
    );
  }
  return res.toVal;
}
