/**
 * Registry ages ("18 Years", "6 Months", "N/A") to days and back. Days are what the
 * store indexes and what matching compares, so that "6 Months" and "26 Weeks" agree.
 */
const DAYS_PER: Record<string, number> = {
  year: 365.25,
  month: 365.25 / 12,
  week: 7,
  day: 1,
  hour: 1 / 24,
  minute: 1 / 1440,
};

/** "18 Years" → 6574 (floor of 18 × 365.25); "N/A", "" or unreadable → undefined. */
export function ageToDays(text: string | undefined | null): number | undefined {
  if (!text) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$/i.exec(text);
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * DAYS_PER[m[2].toLowerCase()]);
}

/** Normalises "18 years", "18 Year(s)", "18Y" to the registry's "18 Years"; undefined for N/A. */
export function normaliseAgeText(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  const t = text.trim();
  if (/^(n\/?a|none|no limit|not applicable)$/i.test(t)) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(y(?:ears?|rs?)?|m(?:onths?)?|w(?:eeks?)?|d(?:ays?)?|hours?|minutes?)\s*(?:\(s\))?(?:\s+old)?$/i.exec(t);
  if (!m) return undefined;
  const n = m[1];
  const u = m[2].toLowerCase();
  const unit = u.startsWith("y")
    ? "Year"
    : u.startsWith("mi")
      ? "Minute"
      : u.startsWith("m")
        ? "Month"
        : u.startsWith("w")
          ? "Week"
          : u.startsWith("d")
            ? "Day"
            : "Hour";
  return `${n} ${unit}${n === "1" ? "" : "s"}`;
}
