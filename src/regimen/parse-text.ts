/**
 * Reads one dosing text ("Anlotinib (10mg qd po d1-14, 21 days per cycle) and
 * Penpulimab (200mg ivgtt d1)") into phases of drug administrations, notes, and the
 * parts no rule understood. Pure and total: any string in, a result out.
 */
import {
  AUC_RE, DOSE_RE, FREQUENCY_RE, NUMBER, ROUTE_RE, doseUnitByForm, frequencyByForm, routeByForm, toNumber,
} from "./terms.js";
import type { DrugAdministration, RegimenNote, RegimenPhase, Span } from "./types.js";

/** A drug the text may name: its normalised name and the written forms that mean it. */
export interface KnownDrug {
  name: string;
  forms: string[];
}

export interface ParsedDosingText {
  phases: RegimenPhase[];
  notes: RegimenNote[];
  unparsed: Array<{ text: string; span: Span }>;
}

interface Fact<T> { value: T; span: Span; text: string }

const SALT_WORDS = /\b(?:hydrochloride|hcl|mesylate|maleate|malate|tosylate|sodium|potassium|citrate|sulfate|sulphate|tablets?|capsules?|injection|for injection|oral solution)\b/gi;

/** "Anlotinib Hydrochloride" → "anlotinib". */
export function normaliseDrugName(name: string): string {
  return name.replace(SALT_WORDS, " ").replace(/\s+/g, " ").trim().toLowerCase();
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");

function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  re.lastIndex = 0;
  const out: RegExpExecArray[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out.push(m);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

const NOT_DRUG = new Set([
  "receive", "receives", "received", "of", "and", "or", "dose", "doses", "dosage", "with", "patients", "patient", "at",
  "is", "was", "be", "the", "a", "an", "to", "in", "on", "day", "days", "daily", "cycle", "cycles", "given", "take",
  "taken", "total", "plus", "then", "followed", "by", "group", "arm", "each", "per", "every", "dosed", "administered",
  "than", "more", "less", "up", "over", "from", "for", "starting", "initial", "fixed", "flat", "mg", "po", "iv", "qd",
]);

/** Drug names a dose follows ("capecitabine 650mg/m2", "Anlotinib: 10mg", "Anlotinib Hydrochloride ( 12mg"). */
export function drugsBeforeDoses(text: string): KnownDrug[] {
  const found = new Map<string, KnownDrug>();
  for (const m of [...allMatches(DOSE_RE, text), ...allMatches(AUC_RE, text)]) {
    const before = text.slice(Math.max(0, m.index - 60), m.index);
    const words = [...before.matchAll(/[A-Za-z][A-Za-z0-9-]*/g)].map((w) => w[0]);
    // Walk back over salt words and punctuation to the drug's own name.
    for (let i = words.length - 1; i >= 0 && i >= words.length - 3; i--) {
      const w = words[i];
      if (SALT_WORDS.test(w)) { SALT_WORDS.lastIndex = 0; continue; }
      SALT_WORDS.lastIndex = 0;
      if (NOT_DRUG.has(w.toLowerCase()) || w.length < 4) break;
      const name = w.toLowerCase();
      if (!found.has(name)) found.set(name, { name, forms: [w] });
      break;
    }
  }
  return [...found.values()];
}

function findDrugMentions(text: string, drugs: KnownDrug[]): Array<Fact<string>> {
  const forms: Array<{ form: string; name: string }> = [];
  for (const d of drugs) for (const f of new Set([d.name, ...d.forms])) if (f.trim().length >= 2) forms.push({ form: f.trim(), name: d.name });
  forms.sort((a, b) => b.form.length - a.form.length);
  const taken: boolean[] = new Array(text.length).fill(false);
  const out: Array<Fact<string>> = [];
  for (const { form, name } of forms) {
    const re = new RegExp(`(?<![A-Za-z0-9])${escapeRe(form)}(?![A-Za-z0-9])`, "gi");
    for (const m of allMatches(re, text)) {
      const s = m.index, e = s + m[0].length;
      if (taken.slice(s, e).some(Boolean)) continue;
      // "Anlotinib Hydrochloride": the salt is part of the name as written.
      const salt = /^\s+(?:hydrochloride|hcl|mesylate|maleate|malate|tosylate|sodium|citrate|sulfate|sulphate)\b/i.exec(text.slice(e));
      const end = salt ? e + salt[0].length : e;
      for (let i = s; i < end; i++) taken[i] = true;
      out.push({ value: name, span: [s, end], text: text.slice(s, end) });
    }
  }
  return out.sort((a, b) => a.span[0] - b.span[0]);
}

function doseFacts(text: string): Array<Fact<{ dose: number; unit: string; perDay?: boolean }>> {
  const out: Array<Fact<{ dose: number; unit: string; perDay?: boolean }>> = [];
  for (const m of allMatches(DOSE_RE, text)) {
    const unit = doseUnitByForm.get(m[2].toLowerCase().replace(/\s+/g, " "));
    if (!unit) continue;
    out.push({ value: { dose: toNumber(m[1]), unit: unit.id, perDay: Boolean(m[3]) }, span: [m.index, m.index + m[0].length], text: m[0] });
  }
  for (const m of allMatches(AUC_RE, text)) {
    out.push({ value: { dose: Number(m[1]), unit: "AUC" }, span: [m.index, m.index + m[0].length], text: m[0] });
  }
  return out.sort((a, b) => a.span[0] - b.span[0]);
}

function routeFacts(text: string): Array<Fact<string>> {
  return allMatches(ROUTE_RE, text)
    .map((m) => ({ value: routeByForm.get(m[1].toLowerCase().replace(/\s+/g, " "))?.id ?? "", span: [m.index, m.index + m[0].length] as Span, text: m[0] }))
    .filter((f) => f.value);
}

function frequencyFacts(text: string): Array<Fact<string>> {
  return allMatches(FREQUENCY_RE, text)
    .map((m) => ({ value: frequencyByForm.get(m[1].toLowerCase().replace(/\s+/g, " "))?.id ?? "", span: [m.index, m.index + m[0].length] as Span, text: m[0] }))
    .filter((f) => f.value);
}

const range = (a: number, b: number) => (b >= a && b - a < 400 ? Array.from({ length: b - a + 1 }, (_, i) => a + i) : [a]);

/** "d1-14", "d1,8", "day 1 to 14", "from day 1 to day 14", "days 1 and 8", "on day 1". */
const DAYS_RE = /(?<![A-Za-z])(?:d|days?)\s*(\d{1,3})((?:\s*(?:-|–|~|to|through)\s*(?:d|days?)?\s*\d{1,3}|\s*(?:,|and|&)\s*(?:d|days?)?\s*\d{1,3}(?!\s*(?:-?days?|weeks?|months?)))*)(?![\d])/gi;
function dayFacts(text: string): Array<Fact<number[]>> {
  const out: Array<Fact<number[]>> = [];
  for (const m of allMatches(DAYS_RE, text)) {
    // "21 days" is a duration, not a day of the cycle: day numbers follow the word.
    const days: number[] = [];
    let last = Number(m[1]);
    days.push(last);
    for (const part of m[2].matchAll(/(-|–|~|to|through|,|and|&)\s*(?:d|days?)?\s*(\d{1,3})/gi)) {
      const n = Number(part[2]);
      if (/^(?:-|–|~|to|through)$/i.test(part[1])) days.push(...range(last + 1, n));
      else days.push(n);
      last = n;
    }
    if (days.some((d) => d < 1)) continue;
    out.push({ value: [...new Set(days)].sort((a, b) => a - b), span: [m.index, m.index + m[0].length], text: m[0] });
  }
  return out;
}

const CYCLE_LENGTH_RES: Array<{ re: RegExp; days: (m: RegExpExecArray) => number }> = [
  { re: new RegExp(`(${NUMBER})\\s*-?\\s*days?\\s*(?:per|a|each|as\\s+(?:a|one)|/|for\\s+(?:a|one|each))\\s*(?:treatment\\s+)?cycle`, "gi"), days: (m) => toNumber(m[1]) },
  { re: new RegExp(`(${NUMBER})\\s*-\\s*day\\s+(?:treatment\\s+)?cycles?`, "gi"), days: (m) => toNumber(m[1]) },
  { re: new RegExp(`cycles?\\s+(?:of|is|are|lasts?|=)\\s+(${NUMBER})\\s*days`, "gi"), days: (m) => toNumber(m[1]) },
  { re: new RegExp(`(${NUMBER})\\s*-?\\s*weeks?\\s*(?:per|a|each|as\\s+(?:a|one)|/)\\s*cycle`, "gi"), days: (m) => 7 * toNumber(m[1]) },
  { re: new RegExp(`(${NUMBER})\\s*-\\s*week\\s+cycles?`, "gi"), days: (m) => 7 * toNumber(m[1]) },
  { re: new RegExp(`(?:for\\s+)?every\\s+(${NUMBER})\\s+weeks?`, "gi"), days: (m) => 7 * toNumber(m[1]) },
  { re: new RegExp(`(?:for\\s+)?every\\s+(${NUMBER})\\s+days`, "gi"), days: (m) => toNumber(m[1]) },
  { re: /(?<![A-Za-z0-9])q(\d{1,2})w(?:ks?)?(?![A-Za-z0-9])/gi, days: (m) => 7 * Number(m[1]) },
  { re: /(?<![A-Za-z0-9])q(\d{1,2})d(?![A-Za-z0-9])/gi, days: (m) => Number(m[1]) },
];
function cycleLengthFacts(text: string): Array<Fact<number>> {
  const out: Array<Fact<number>> = [];
  for (const { re, days } of CYCLE_LENGTH_RES) {
    for (const m of allMatches(re, text)) {
      const d = days(m);
      const span: Span = [m.index, m.index + m[0].length];
      if (d > 0 && !out.some((o) => o.span[0] < span[1] && span[0] < o.span[1])) out.push({ value: d, span, text: m[0] });
    }
  }
  return out.sort((a, b) => a.span[0] - b.span[0]);
}

const CYCLES_RES: Array<{ re: RegExp; value: (m: RegExpExecArray) => { min: number; max: number } }> = [
  { re: new RegExp(`(${NUMBER})\\s*(?:-|–|~|to|or)\\s*(${NUMBER})\\s+(?:treatment\\s+)?cycles`, "gi"), value: (m) => ({ min: toNumber(m[1]), max: toNumber(m[2]) }) },
  { re: new RegExp(`(?:up\\s+to|a\\s+maximum\\s+of|maximum(?:\\s+of)?|no\\s+more\\s+than|at\\s+most)\\s+(${NUMBER})\\s+(?:treatment\\s+)?cycles`, "gi"), value: (m) => ({ min: 1, max: toNumber(m[1]) }) },
  { re: new RegExp(`(?:for|of|total\\s+of|x|×)\\s*(${NUMBER})\\s+(?:treatment\\s+)?cycles`, "gi"), value: (m) => ({ min: toNumber(m[1]), max: toNumber(m[1]) }) },
];
function cyclesFacts(text: string): Array<Fact<{ min: number; max: number }>> {
  const out: Array<Fact<{ min: number; max: number }>> = [];
  for (const { re, value } of CYCLES_RES) {
    for (const m of allMatches(re, text)) {
      const v = value(m);
      const span: Span = [m.index, m.index + m[0].length];
      if (Number.isFinite(v.min) && Number.isFinite(v.max) && !out.some((o) => o.span[0] < span[1] && span[0] < o.span[1])) {
        out.push({ value: { min: Math.min(v.min, v.max), max: Math.max(v.min, v.max) }, span, text: m[0] });
      }
    }
  }
  return out;
}

const UNTIL_RE = /\buntil\s+[^.;)]*/gi;
function untilFacts(text: string): Array<Fact<string>> {
  return allMatches(UNTIL_RE, text).map((m) => {
    const t = m[0].replace(/[\s,]+$/, "");
    return { value: t, span: [m.index, m.index + t.length] as Span, text: t };
  });
}

const ROUNDING_RE = /round(?:ed|ing)?\s+(?:down\s+|up\s+)?to\s+the\s+nearest\s+(\d+(?:\.\d+)?)\s*mg/gi;
const DOSE_REDUCTION_RE = /declined\s+dos|dose\s+(?:reduction|modification|adjustment|interruption|de-?escalation)|reduc(?:e|ed|tion)\s+(?:of\s+)?(?:the\s+)?dos|dose\s+(?:can|may|could)\s+be\s+(?:reduced|lowered|adjusted)|lower\s+dose/i;
const TIMING_RE = /in\s+the\s+morning|in\s+the\s+evening|at\s+bedtime|fasting|limosis|empty\s+stomach|before\s+(?:breakfast|meals?)|after\s+(?:breakfast|meals?)|with\s+(?:food|meals?)|at\s+the\s+same\s+time/i;
const CAP_DURATION_RE = new RegExp(`(?:for|after|up\\s+to|maximum(?:\\s+of)?|no\\s+(?:more|longer)\\s+than)\\s+(${NUMBER})\\s+(years?|months?|weeks?)`, "i");
const CAP_WORDS_RE = /continu|discontinu|stop|maximum|up\s+to|judg|no\s+longer/i;
/** A sentence that starts a new phase of treatment. */
const NEW_PHASE_RE = /^\s*(?:then|thereafter|afterwards?|subsequently|followed\s+by|after\s+(?:that|completion|induction|\d+\s*-?\s*\d*\s*cycles))\b|\bmaintenance\b/i;

function sentences(text: string): Span[] {
  const out: Span[] = [];
  // A full stop ends a sentence unless it sits inside a number or an abbreviation such as "p.o.".
  const re = /(?<!\b[A-Za-z])[.;!?](?=\s|$)|\n\s*\n/g;
  let start = 0;
  for (const m of allMatches(re, text)) {
    const end = m.index + m[0].length;
    if (text.slice(start, end).trim()) out.push([start, end]);
    start = end;
  }
  if (text.slice(start).trim()) out.push([start, text.length]);
  return out;
}

const inside = (s: Span, outer: Span) => s[0] >= outer[0] && s[1] <= outer[1];
const overlapsAny = (s: Span, others: Span[]) => others.some((o) => s[0] < o[1] && o[0] < s[1]);

const FILLER = new Set(
  ("a an the and or of for on in at to from by with will be is are was were patients patient participants receive receives received " +
    "given administered each every per cycle cycles day days treatment combination plus group arm then first that this it as " +
    "drug drugs dose dosed orally also who which take taken run same remain remains method medication once maintenance induction " +
    "note should continued continue it they following followed next phase").split(" "),
);

export function parseDosingText(text: string, known: KnownDrug[] = []): ParsedDosingText {
  const drugsKnown = [...known];
  for (const d of drugsBeforeDoses(text)) {
    const n = normaliseDrugName(d.name);
    if (!drugsKnown.some((k) => k.name === n || k.forms.some((f) => f.toLowerCase() === d.name))) drugsKnown.push({ name: n, forms: d.forms });
  }
  const mentions = findDrugMentions(text, drugsKnown);
  const doses = doseFacts(text);
  const doseSpans = doses.map((d) => d.span);
  const routes = routeFacts(text).filter((r) => !overlapsAny(r.span, doseSpans));
  const cycleLengths = cycleLengthFacts(text);
  const clSpans = cycleLengths.map((c) => c.span);
  const freqs = frequencyFacts(text).filter((f) => !overlapsAny(f.span, doseSpans));
  const cycles = cyclesFacts(text);
  const days = dayFacts(text).filter((d) => !overlapsAny(d.span, [...clSpans, ...cycles.map((c) => c.span)]));
  const untils = untilFacts(text);
  const consumed: Span[] = [...mentions, ...doses, ...routes, ...freqs, ...cycleLengths, ...cycles, ...days, ...untils].map((f) => f.span);

  // Notes are sentences of their own kind: caps, dose reductions, timing, rounding.
  const notes: RegimenNote[] = [];
  let roundTo: number | undefined;
  const sents = sentences(text);
  const noteSentences: Span[] = [];
  for (const s of sents) {
    const st = text.slice(s[0], s[1]);
    const lead = st.length - st.trimStart().length;
    const span: Span = [s[0] + lead, s[0] + st.trimEnd().length];
    const clean = text.slice(span[0], span[1]);
    const capM = CAP_DURATION_RE.exec(clean);
    const drugIn = mentions.find((m) => inside(m.span, span));
    const dosesIn = doses.some((d) => inside(d.span, span));
    if (capM && CAP_WORDS_RE.test(clean) && !dosesIn) {
      const unit = capM[2].toLowerCase().replace(/s$/, "") as "year" | "month" | "week";
      notes.push({ kind: "cap", text: clean, span, drug: drugIn?.value, duration: { amount: toNumber(capM[1]), unit } });
      noteSentences.push(span);
      continue;
    }
    if (DOSE_REDUCTION_RE.test(clean)) {
      notes.push({ kind: "dose-reduction", text: clean, span, drug: drugIn?.value });
      noteSentences.push(span);
    }
    const r = new RegExp(ROUNDING_RE.source, "i").exec(clean);
    if (r) {
      roundTo = Number(r[1]);
      notes.push({ kind: "assumption", text: clean, span });
    }
    // Timing advice may share a sentence with dosing: keep the clause it sits in.
    const tm = TIMING_RE.exec(clean);
    if (tm) {
      const clauseStart = Math.max(clean.lastIndexOf(",", tm.index), clean.lastIndexOf(")", tm.index)) + 1;
      let clauseEnd = clean.slice(tm.index).search(/[,;]/);
      clauseEnd = clauseEnd < 0 ? clean.length : tm.index + clauseEnd;
      const t = clean.slice(clauseStart, clauseEnd).trim().replace(/[.]$/, "");
      const off = span[0] + clean.indexOf(t, clauseStart);
      notes.push({ kind: "timing", text: t, span: [off, off + t.length], drug: drugIn?.value });
      consumed.push([off, off + t.length]);
    }
  }
  consumed.push(...noteSentences);

  // Phases: a sentence that says "then …" or "maintenance" opens the next phase.
  const phaseSpans: Span[] = [];
  let cur: Span | null = null;
  for (const s of sents) {
    if (overlapsAny(s, noteSentences) && noteSentences.some((n) => inside(n, [s[0], s[1]]) || inside([s[0] + 1, s[1] - 1], n))) continue;
    const st = text.slice(s[0], s[1]);
    if (cur && NEW_PHASE_RE.test(st)) {
      phaseSpans.push(cur);
      cur = [s[0], s[1]];
    } else cur = cur ? [cur[0], s[1]] : [s[0], s[1]];
  }
  if (cur) phaseSpans.push(cur);

  const phases: RegimenPhase[] = [];
  for (const ps of phaseSpans) {
    const inPhase = <T extends { span: Span }>(xs: T[]) => xs.filter((x) => inside(x.span, ps) && !overlapsAny(x.span, noteSentences));
    const pm = inPhase(mentions);
    const phase: RegimenPhase = { name: "treatment", drugs: [] };
    const cl = inPhase(cycleLengths)[0];
    if (cl) phase.cycleDays = cl.value;
    const cy = inPhase(cycles)[0];
    if (cy) phase.cycles = cy.value;
    const un = inPhase(untils)[0];
    if (un) phase.until = un.value;
    const byDrug = new Map<string, DrugAdministration>();
    for (let i = 0; i < pm.length; i++) {
      const m = pm[i];
      // A drug's words run to the next drug's name or the end of its sentence.
      const sentEnd = sents.find((s) => m.span[0] >= s[0] && m.span[0] < s[1])?.[1] ?? ps[1];
      const seg: Span = [m.span[0], Math.min(i + 1 < pm.length ? pm[i + 1].span[0] : ps[1], sentEnd)];
      const inSeg = <T extends { span: Span }>(xs: T[]) => xs.filter((x) => inside(x.span, seg));
      const d: DrugAdministration = byDrug.get(m.value) ?? { drug: m.value, mention: m.text, mentionSpan: m.span, source: "arm" };
      const dose = inSeg(doses)[0];
      if (dose && d.dose === undefined) {
        d.dose = dose.value.dose;
        d.unit = dose.value.unit;
        d.doseSpan = dose.span;
        d.mention = m.text;
        d.mentionSpan = m.span;
        if (dose.value.perDay && !d.frequency) { d.frequency = "qd"; d.perDay = 1; }
      }
      const route = inSeg(routes)[0];
      if (route && !d.route) { d.route = route.value; d.routeText = route.text; }
      const freq = inSeg(freqs).find((f) => !["q2w", "q3w", "q4w", "q6w", "qw"].includes(f.value) || dose);
      if (freq && !d.frequency) {
        d.frequency = freq.value;
        d.perDay = freq.value === "bid" ? 2 : freq.value === "tid" ? 3 : freq.value === "qid" ? 4 : 1;
      }
      const dd = inSeg(days)[0];
      if (dd && !d.days) d.days = dd.value;
      byDrug.set(m.value, d);
    }
    // A lone drug takes dosing words written before its name ("p.o, qd Anlotinib").
    if (pm.length === 1) {
      const d = byDrug.get(pm[0].value)!;
      const pre: Span = [ps[0], pm[0].span[0]];
      if (!d.route) { const r = routes.find((x) => inside(x.span, pre)); if (r) { d.route = r.value; d.routeText = r.text; } }
      if (d.dose === undefined) { const x = doses.find((x) => inside(x.span, pre)); if (x) { d.dose = x.value.dose; d.unit = x.value.unit; d.doseSpan = x.span; } }
    }
    phase.drugs = [...byDrug.values()];
    if (roundTo !== undefined) for (const d of phase.drugs) if (d.unit === "mg/m2" || d.unit === "mg/kg") d.roundTo = roundTo;
    phases.push(phase);
  }
  // Name the phases once their number is known.
  if (phases.length > 1) {
    phases.forEach((p, i) => {
      const t = text.slice(phaseSpans[i][0], phaseSpans[i][1]);
      p.name = /maintenance/i.test(t) ? "maintenance" : i === 0 ? "induction" : `phase ${i + 1}`;
    });
  }
  inheritAcrossPhases(phases);
  return { phases: phases.filter((p) => p.drugs.length || p.cycleDays || p.until || p.cycles), notes, unparsed: unparsedParts(text, consumed) };
}

/** The runs of text no rule consumed, less filler words and punctuation. */
function unparsedParts(text: string, consumed: Span[]): Array<{ text: string; span: Span }> {
  const used = new Uint8Array(text.length);
  for (const [s, e] of consumed) used.fill(1, Math.max(0, s), Math.min(text.length, e));
  const out: Array<{ text: string; span: Span }> = [];
  let i = 0;
  while (i < text.length) {
    if (used[i]) { i++; continue; }
    let j = i;
    while (j < text.length && !used[j]) j++;
    const raw = text.slice(i, j);
    const words = raw.match(/[A-Za-z][A-Za-z'-]*/g) ?? [];
    if (words.some((w) => !FILLER.has(w.toLowerCase()))) {
      const lead = raw.search(/[A-Za-z0-9]/);
      const trail = raw.length - (raw.match(/[^A-Za-z0-9)%]*$/)?.[0].length ?? 0);
      if (lead >= 0 && trail > lead) out.push({ text: raw.slice(lead, trail), span: [i + lead, i + trail] });
    }
    i = j;
  }
  return out;
}

/**
 * A later phase that names a drug without dosing it ("maintenance with penpulimab and
 * capecitabine, the dose and the medication method remain the same") carries the dosing
 * of the same drug in the earlier phase; the drug records where it came from.
 */
function inheritAcrossPhases(phases: RegimenPhase[]): void {
  for (let i = 1; i < phases.length; i++) {
    for (const d of phases[i].drugs) {
      if (d.dose !== undefined) continue;
      const prev = phases.slice(0, i).reverse().flatMap((p) => p.drugs.map((x) => ({ p, x }))).find(({ x }) => x.drug === d.drug && x.dose !== undefined);
      if (!prev) continue;
      const { x, p } = prev;
      d.dose = x.dose;
      d.unit = x.unit;
      d.route ??= x.route;
      d.routeText ??= x.routeText;
      d.frequency ??= x.frequency;
      d.perDay ??= x.perDay;
      d.days ??= x.days;
      if (x.daysInferred) d.daysInferred = true;
      d.inheritedFrom = p.name;
    }
  }
}

/** Days not written but implied: a daily drug runs the whole cycle; a once-per-cycle drug is given on day 1. */
export function inferDays(phase: RegimenPhase): void {
  if (!phase.cycleDays) return;
  for (const d of phase.drugs) {
    if (d.days || d.dose === undefined) continue;
    if (d.frequency && ["qd", "bid", "tid", "qid"].includes(d.frequency)) {
      d.days = Array.from({ length: phase.cycleDays }, (_, i) => i + 1);
      d.daysInferred = true;
    }
  }
}
