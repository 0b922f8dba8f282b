/**
 * A treatment calendar: the administrations of an arm's regimen from a start date, with
 * doses computed for the patient's body, written as iCalendar (RFC 5545) or CSV.
 * One event per drug per administration day; with groupBy "day", one event per day
 * listing every drug given that day.
 */
import { computeDose, type Body, type ComputedDose } from "./bsa.js";
import { frequencyById } from "./terms.js";
import type { ArmRegimen } from "./types.js";

export interface Administration {
  date: string;
  cycle: number;
  day: number;
  phase: string;
  drug: string;
  dose?: number;
  unit?: string;
  route?: string;
  frequency?: string;
  perDay: number;
  computed?: ComputedDose;
}

export interface CalendarOptions {
  start: string;
  cycles: number;
  body?: Body;
}

export interface Calendar {
  nctId: string;
  arm: string;
  start: string;
  cycles: number;
  administrations: Administration[];
  /** Choices the calendar made where the text leaves one open (cycles of a 4–6 range…). */
  assumptions: string[];
}

function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function parseIsoDate(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const d = m ? new Date(`${text}T00:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) {
    throw new RangeError(`start date "${text}" is not a date in the form YYYY-MM-DD`);
  }
  return text;
}

export function buildCalendar(nctId: string, arm: ArmRegimen, opts: CalendarOptions): Calendar {
  parseIsoDate(opts.start);
  if (!Number.isInteger(opts.cycles) || opts.cycles < 1 || opts.cycles > 200) {
    throw new RangeError(`cycles ${opts.cycles} must be a whole number from 1 to 200`);
  }
  const assumptions: string[] = [];
  const administrations: Administration[] = [];
  let offset = 0;
  let cycle = 0;
  const phases = arm.phases.filter((p) => p.drugs.length);
  if (!phases.length) throw new RangeError(`arm "${arm.label}" has no drugs to schedule`);
  for (let pi = 0; pi < phases.length && cycle < opts.cycles; pi++) {
    const ph = phases[pi];
    if (!ph.cycleDays) {
      throw new RangeError(`arm "${arm.label}", phase "${ph.name}": the text gives no cycle length, so no calendar can be drawn`);
    }
    const isLast = pi === phases.length - 1;
    let n = opts.cycles - cycle;
    if (ph.cycles && !isLast) {
      n = Math.min(n, ph.cycles.min);
      if (ph.cycles.min !== ph.cycles.max) {
        assumptions.push(`${ph.name}: ${ph.cycles.min}–${ph.cycles.max} cycles in the text; the calendar uses ${ph.cycles.min} before ${phases[pi + 1].name}`);
      }
    } else if (ph.cycles && n > ph.cycles.max) {
      n = ph.cycles.max;
      assumptions.push(`${ph.name}: at most ${ph.cycles.max} cycles in the text`);
    }
    for (const d of ph.drugs) {
      if (!d.days) assumptions.push(`${ph.name}: no administration days for ${d.drug} in the text; left out of the calendar`);
      if (d.dose !== undefined && d.unit && !computeDose(d.dose, d.unit, opts.body ?? {}, d.roundTo)) {
        assumptions.push(`${d.drug}: ${d.dose} ${d.unit} needs ${d.unit === "AUC" ? "renal function (Calvert formula)" : d.unit.endsWith("/kg") ? "weight" : "height and weight"} to compute; shown per ${d.unit}`);
      }
    }
    for (let c = 0; c < n; c++) {
      cycle++;
      for (const d of ph.drugs) {
        for (const day of d.days ?? []) {
          if (day > ph.cycleDays) continue;
          const interval = d.frequency ? frequencyById.get(d.frequency)?.intervalDays : undefined;
          if (interval && interval < ph.cycleDays && (day - 1) % interval !== 0) continue;
          administrations.push({
            date: addDays(opts.start, offset + day - 1),
            cycle,
            day,
            phase: ph.name,
            drug: d.drug,
            dose: d.dose,
            unit: d.unit,
            route: d.route,
            frequency: d.frequency,
            perDay: d.perDay ?? 1,
            computed: d.dose !== undefined && d.unit ? computeDose(d.dose, d.unit, opts.body ?? {}, d.roundTo) : undefined,
          });
        }
      }
      offset += ph.cycleDays;
    }
  }
  administrations.sort((a, b) => a.date.localeCompare(b.date) || a.drug.localeCompare(b.drug));
  return { nctId, arm: arm.label, start: opts.start, cycles: cycle, administrations, assumptions: [...new Set(assumptions)] };
}

const FREQ_LABEL = (f?: string) => (f ? frequencyById.get(f)?.label ?? f : undefined);
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

export function describeDose(a: Administration): string {
  const parts = [a.drug.charAt(0).toUpperCase() + a.drug.slice(1)];
  if (a.computed && a.computed.basis !== "flat dose") parts.push(`${fmt(a.computed.amount)} ${a.computed.unit} (${a.dose} ${a.unit})`);
  else if (a.dose !== undefined) parts.push(`${a.dose} ${a.unit ?? ""}`.trim());
  if (a.route) parts.push(a.route);
  const f = FREQ_LABEL(a.frequency);
  if (f) parts.push(f);
  else if (a.perDay > 1) parts.push(`${a.perDay} times that day`);
  return parts.join(" ");
}

/** RFC 5545 text escaping and 75-octet line folding. */
function icsText(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}
function fold(line: string): string {
  const bytes = Buffer.from(line, "utf8");
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let cur = "";
  for (const ch of line) {
    if (Buffer.byteLength(cur + ch, "utf8") > (parts.length ? 74 : 75)) {
      parts.push(cur);
      cur = "";
    }
    cur += ch;
  }
  parts.push(cur);
  return parts.join("\r\n ");
}

export function calendarToIcs(cal: Calendar, opts: { groupBy?: "drug" | "day"; now?: Date } = {}): string {
  const stamp = (opts.now ?? new Date()).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//eligo//regimen calendar//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"];
  const groups = new Map<string, Administration[]>();
  for (const a of cal.administrations) {
    const key = opts.groupBy === "day" ? a.date : `${a.date}|${a.drug}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  for (const [key, as] of groups) {
    const a = as[0];
    const date = a.date.replace(/-/g, "");
    const end = addDays(a.date, 1).replace(/-/g, "");
    const uid = `${cal.nctId}-${cal.arm}-${key}`.replace(/[^A-Za-z0-9-]+/g, "-").toLowerCase();
    const summary = opts.groupBy === "day" ? as.map(describeDose).join("; ") : describeDose(a);
    const desc = [`${cal.nctId}, arm ${cal.arm}, ${a.phase}, cycle ${a.cycle} day ${a.day}`, ...as.map((x) => (x.computed ? `${x.drug}: ${x.computed.basis}` : `${x.drug}: dose as written`))].join("\n");
    lines.push(
      "BEGIN:VEVENT",
      `UID:${uid}@eligo`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${date}`,
      `DTEND;VALUE=DATE:${end}`,
      `SUMMARY:${icsText(summary)}`,
      `DESCRIPTION:${icsText(desc)}`,
      "TRANSP:TRANSPARENT",
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return lines.map(fold).join("\r\n") + "\r\n";
}

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function calendarToCsv(cal: Calendar): string {
  const head = ["date", "cycle", "day", "phase", "drug", "dose", "unit", "computed_dose", "computed_unit", "route", "frequency", "administrations_that_day", "basis"];
  const rows = cal.administrations.map((a) =>
    [a.date, a.cycle, a.day, a.phase, a.drug, a.dose, a.unit, a.computed ? +a.computed.amount.toFixed(2) : "", a.computed?.unit, a.route, a.frequency, a.perDay, a.computed?.basis].map(csvCell).join(","),
  );
  return [head.join(","), ...rows].join("\n") + "\n";
}
