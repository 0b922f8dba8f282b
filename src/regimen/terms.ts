/**
 * The regimen vocabulary (routes, frequencies, dose units) from
 * data/knowledge/regimen-terms.json, compiled once into regular expressions.
 */
import { readFileSync } from "node:fs";

interface RouteTerm { id: string; label: string; forms: string[] }
interface FrequencyTerm { id: string; label: string; perDay: number; intervalDays?: number; forms: string[] }
interface DoseUnitTerm { id: string; forms: string[]; basis: "bsa" | "weight" | "flat" | "auc"; base: string }
interface RegimenTerms { version: string; routes: RouteTerm[]; frequencies: FrequencyTerm[]; doseUnits: DoseUnitTerm[] }

export const terms: RegimenTerms = JSON.parse(
  readFileSync(new URL("../../data/knowledge/regimen-terms.json", import.meta.url), "utf8"),
) as RegimenTerms;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+");
/** Longest forms first so "iv drip" wins over "iv"; boundaries that also work after a dot ("p.o."). */
function alternation(forms: string[]): string {
  return [...forms].sort((a, b) => b.length - a.length).map(escape).join("|");
}

function lookup<T extends { forms: string[] }>(items: T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const it of items) for (const f of it.forms) m.set(f.toLowerCase().replace(/\s+/g, " "), it);
  return m;
}

export const routeByForm = lookup(terms.routes);
export const frequencyByForm = lookup(terms.frequencies);
export const doseUnitByForm = lookup(terms.doseUnits);
export const frequencyById = new Map(terms.frequencies.map((f) => [f.id, f]));
export const doseUnitById = new Map(terms.doseUnits.map((u) => [u.id, u]));

const B = "(?<![A-Za-z0-9])"; // left boundary
const E = "(?![A-Za-z0-9])"; // right boundary
export const ROUTE_RE = new RegExp(`${B}(${alternation(terms.routes.flatMap((r) => r.forms))})${E}`, "gi");
export const FREQUENCY_RE = new RegExp(`${B}(${alternation(terms.frequencies.flatMap((f) => f.forms))})${E}`, "gi");
/** A dose: number, unit, and an optional "/day" that also says once daily. */
export const DOSE_RE = new RegExp(
  `${B}(\\d+(?:[.,]\\d+)?)\\s*(${alternation(terms.doseUnits.filter((u) => u.id !== "AUC").flatMap((u) => u.forms))})(\\s*/\\s*d(?:ay)?)?${E}`,
  "gi",
);
export const AUC_RE = /(?<![A-Za-z])AUC\s*(?:=|of|:)?\s*(\d+(?:\.\d+)?)(?![\d.])/gi;

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fourteen: 14, twenty: 20, "twenty-one": 21, "twenty-eight": 28,
};
export const NUMBER = `(?:\\d+|${Object.keys(NUMBER_WORDS).sort((a, b) => b.length - a.length).join("|")})`;
export function toNumber(s: string): number {
  const n = Number(s.replace(",", "."));
  return Number.isFinite(n) ? n : NUMBER_WORDS[s.toLowerCase()] ?? NaN;
}
