/**
 * Rebuilds an eligibility-criteria text in the registry's usual form from the list a page
 * displays: "Inclusion Criteria:" / "Exclusion Criteria:" headings, one "* " bullet per
 * criterion, nested items indented by two spaces per level. Only the list structure is
 * rebuilt; the words of each criterion are kept as the page shows them (lost
 * superscripts, escaped "\>" and all), because the criteria parser deals with those.
 *
 * Nesting is recovered from the markers: a list numbered "1." that restarts at "1."
 * under an item is a sub-list, "2." after "3." returns to the level whose last number
 * was 1, roman "i:" items sit under the item before them, deeper indentation nests.
 */
import { clean } from "./text.js";

export interface CriteriaBlock {
  /** "inclusion", "exclusion", or null for criteria shown without a heading. */
  kind: "inclusion" | "exclusion" | null;
  lines: string[];
}

type MarkerKind = "bullet" | "number" | "letter" | "roman";
interface Marker {
  kind: MarkerKind;
  /** Ordinal for numbered, lettered and roman items. */
  n?: number;
  /** The bullet character, for bullets. */
  char?: string;
  length: number;
}

const ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"];

function markerOf(text: string): Marker | undefined {
  let m = /^([•*\-·▪◦●○■□➢►–])\s+/.exec(text);
  if (m) return { kind: "bullet", char: m[1], length: m[0].length };
  m = /^(\d{1,2})[.)](?!\d)\s*(?=\S)/.exec(text) ?? /^\((\d{1,2})\)\s*(?=\S)/.exec(text);
  if (m) return { kind: "number", n: Number(m[1]), length: m[0].length };
  m = /^(x{0,1}(?:ix|iv|v?i{0,3}))[.):]\s+/i.exec(text) ?? /^\((x{0,1}(?:ix|iv|v?i{0,3}))\)\s+/i.exec(text);
  if (m && m[1]) {
    const n = ROMANS.indexOf(m[1].toLowerCase()) + 1;
    // A lone "v." or "x." is more likely a letter than a roman five or ten.
    if (n > 0 && !(n === 5 || n === 10)) return { kind: "roman", n, length: m[0].length };
  }
  m = /^([a-hA-H])[.)]\s+/.exec(text) ?? /^\(([a-hA-H])\)\s+/.exec(text);
  if (m) return { kind: "letter", n: m[1].toLowerCase().charCodeAt(0) - 96, length: m[0].length };
  return undefined;
}

interface Item {
  level: number;
  text: string;
}
interface Level {
  kind: MarkerKind;
  last?: number;
  char?: string;
  indent: number;
}

/**
 * Splits an inline enumeration "…including:1)Uncontrolled hypertension.2)Arrhythmias…"
 * into the lead text and its numbered parts. Markers must run 1, 2, 3… and follow
 * punctuation (":" ";" "." ")") so that ordinary parenthesised numbers are left alone.
 */
export function splitInlineEnumeration(text: string): { lead: string; parts: string[] } | undefined {
  const marker = /(?<=[:;.,)。；：]\s*)(\d{1,2})\)(?=\s*\S)/g;
  const found: { n: number; at: number; end: number }[] = [];
  for (const m of text.matchAll(marker)) found.push({ n: Number(m[1]), at: m.index!, end: m.index! + m[0].length });
  const start = found.findIndex((f) => f.n === 1);
  if (start < 0) return undefined;
  const seq = [found[start]];
  for (const f of found.slice(start + 1)) if (f.n === seq[seq.length - 1].n + 1) seq.push(f);
  if (seq.length < 2) return undefined;
  const lead = text.slice(0, seq[0].at).trim();
  if (!lead) return undefined;
  const parts = seq.map((f, i) => text.slice(f.end, i + 1 < seq.length ? seq[i + 1].at : undefined).trim());
  if (parts.some((p) => !p)) return undefined;
  return { lead, parts };
}

function itemsOf(lines: string[]): Item[] {
  const items: Item[] = [];
  const stack: Level[] = [];
  for (const raw of lines) {
    const expanded = raw.replace(/\t/g, "    ");
    const text = clean(expanded);
    if (!text) continue;
    const indent = expanded.length - expanded.trimStart().length;
    const marker = markerOf(text);
    if (!marker) {
      // A line that is not a list item (a preamble such as "Patients who meet any of the
      // following criteria should be excluded:") stands on its own, outside the list.
      items.push({ level: -1, text });
      stack.length = 0;
      continue;
    }
    const body = text.slice(marker.length).trim();
    if (!body) continue;
    let level: number;
    const sameKind = (l: Level) => l.kind === marker.kind;
    if (!stack.length) {
      stack.push({ kind: marker.kind, last: marker.n, char: marker.char, indent });
      level = 0;
    } else {
      let found = -1;
      for (let i = stack.length - 1; i >= 0; i--) {
        const l = stack[i];
        if (!sameKind(l)) continue;
        if (marker.kind === "bullet" ? Math.abs(indent - l.indent) <= 1 : l.last !== undefined && marker.n === l.last + 1) {
          found = i;
          break;
        }
      }
      if (found >= 0) {
        stack.length = found + 1;
        stack[found].last = marker.n;
        level = found;
      } else if (marker.kind === "bullet" && indent <= stack[0].indent + 1) {
        // A bullet back at the outer indentation after a numbered sub-list: outer level.
        stack.length = 0;
        stack.push({ kind: "bullet", char: marker.char, indent });
        level = 0;
      } else {
        stack.push({ kind: marker.kind, last: marker.n, char: marker.char, indent });
        level = stack.length - 1;
      }
    }
    const inline = splitInlineEnumeration(body);
    if (inline) {
      items.push({ level, text: inline.lead });
      for (const p of inline.parts) items.push({ level: level + 1, text: p });
    } else items.push({ level, text: body });
  }
  return items;
}

const HEADING = { inclusion: "Inclusion Criteria:", exclusion: "Exclusion Criteria:" } as const;

/** The criteria text, or undefined when the blocks hold no criterion. */
export function buildCriteriaText(blocks: CriteriaBlock[]): string | undefined {
  const out: string[] = [];
  let prev: "heading" | "plain" | "item" | null = null;
  let hasItem = false;
  for (const block of blocks) {
    const items = itemsOf(block.lines);
    hasItem ||= items.length > 0;
    if (!items.length && !block.kind) continue;
    if (block.kind) {
      if (out.length) out.push("");
      out.push(HEADING[block.kind]);
      prev = "heading";
    }
    for (const it of items) {
      if (it.level < 0) {
        if (prev) out.push("");
        out.push(it.text);
        prev = "plain";
      } else {
        if (prev === "heading" || prev === "plain") out.push("");
        out.push(`${"  ".repeat(it.level)}* ${it.text}`);
        prev = "item";
      }
    }
  }
  return hasItem ? out.join("\n") : undefined;
}
