/**
 * Stage 1: eligibility text → criteria segments (kind, depth, parent, span).
 *
 * Reads headings ("Inclusion Criteria:", "Key inclusion criteria", "Non-inclusion
 * criteria", none), bullets (`*`, `-`, `•`, `o`, `○`, `■`, `1.`, `1)`, `(1)`, `i:`, `a.`), nesting (by
 * indentation, by a numbered list restarting under an item that ends with ":", by a
 * bullet style change under such an item), wrapped lines (joined into their item) and
 * paragraphs (blank-line separated texts without bullets).
 */
import { isPageFurniture } from "./normalise-text.js";
import type { CriterionKind, Span } from "./types.js";

export interface Segment {
  kind: CriterionKind;
  depth: number;
  parent?: number;
  span: Span;
  text: string;
}

/**
 * A heading: "Inclusion Criteria:", "Key exclusion criteria", "E.3 Principal inclusion criteria"
 * (EU register), "Participant exclusion criteria" (ISRCTN), "5.3 Inclusion Criteria" (a
 * protocol's section), "Inclusion criteria：1. …" (full-width colon, items on the same line).
 * What follows "criteria" on the line is the heading's too up to a colon, unless an item's
 * number starts there ("Inclusion criteria (1) Age …").
 */
const HEADING =
  /^[ \t]*(?:[#*_]+[ \t]*|[-–•][ \t]+|[[【][ \t]*)?(?:(?:[A-Z]\.)?\d{1,2}(?:\.\d{1,2})*\.?[ \t]+)?(?:(?:key|main|major|principal|general|specific|participant|patient|subject|study|trial)[ \t]+)?(inclusion|exclusion|non[- ]?inclusion|eligibility|selection)[ \t]*criteria\b(?:[^\n:：]{0,60}?(?=[ \t]*(?:\(\d{1,2}\)|\d{1,2}[.)、][ \t]*\p{L}|[①-⑳]))|[^\n:：]{0,60}?(?:[:：]|\*\*|$))[ \t]*/iu;
const SHORT_HEADING = /^[ \t]*(?:[#*_]+[ \t]*|[-–•][ \t]+|[[【][ \t]*)?(inclusion|exclusion|non[- ]?inclusion)[ \t]*[:：][ \t]*/i;
const CRITERIA_FOR = /^[ \t]*criteria[ \t]+for[ \t]+(inclusion|exclusion|non[- ]?inclusion)[ \t]*:?[ \t]*/i;
/** A registry field's label at the start of a line. */
const REGISTRY_FIELD =
  /^(?:(?:minimum|maximum|lower|upper)\s+(?:eligible\s+)?age(?:\s+limit)?|(?:ages?|sexes|genders?|sex)\s+eligible(?:\s+for\s+(?:the\s+)?study)?|age\s+(?:minimum|maximum|from|to|limits?|group)|participant\s+type\(?s?\)?|(?:gender|sex)(?=\s*[:：]|\s*$)|target\s+(?:number|sample\s+size)(?:\s+of\s+participants)?|accepts\s+healthy\s+volunteers?|healthy\s+volunteers?(?=\s*[:：?])|can\s+healthy\s+volunteers\s+participate\??)/i;
/** The values a "Sex" or "Gender" field takes, alone on the line after its label. */
const SEX_VALUE = /^(?:both|all|male|female|males|females|male\s+and\s+female|female\s+and\s+male|male\s+only|female\s+only|not\s+specified)\.?$/i;
/** A saved web page's controls and tab labels ("Show more", "Back to top", "Criteria" alone). */
const PAGE_CONTROL = /^(?:show\s+(?:more|less|all)|read\s+(?:more|less)|see\s+(?:more|less|all)|back\s+to\s+top|go\s+to\s+(?:top|section)|criteria|expand(?:\s+all)?|collapse(?:\s+all)?)$/i;
/** The registry's boilerplate after a summary of the criteria: it asks nothing of the patient. */
const BOILERPLATE = /^other\s+(?:protocol[- ]defined|protocol[- ]specific|study[- ]specific)\s+(?:inclusion|exclusion|inclusion\s*\/\s*exclusion|eligibility)\s+criteria\s+(?:may|will|might)\s+apply\.?$/i;

/** A line that starts with a footnote mark: superscript digits, †, ‡, §, ¶. */
const FOOTNOTE = /^[ \t]*[¹²³⁴⁵⁶⁷⁸⁹⁰†‡§¶]+[ \t]*\p{L}/u;

/**
 * A heading match that runs on, with no colon, into a sentence that says something ("Inclusion
 * criteria include patients with NSCLC"), rather than a title ("Inclusion Criteria for the
 * Phase 1 part") or a pointer ("Exclusion criteria are listed below").
 */
function isSentenceAfterHeading(heading: string): boolean {
  if (/[:：]/.test(heading)) return false;
  const trailing = /criteria\b(.*)$/i.exec(heading.trimEnd())?.[1] ?? "";
  if ((trailing.match(/\p{L}+/gu) ?? []).length < 3) return false;
  return !/^\s*(?:(?:for|of|in|to)\b|\(|-|–)/i.test(trailing) && !/\b(?:below|following|as follows|listed|apply|applies)\b/i.test(trailing);
}

const MAY_BE_HEADING = { test: (line: string) => /clusi|eligib|selection|criteria/i.test(line) || line.includes("标准") || line.includes("基準") };

/**
 * Headings in the other languages registries publish in, alone or beside the English one:
 * "Critères d'inclusion / Inclusion criteria:", "Critères de non-inclusion", "Criterios de
 * exclusión", "入选标准:", "纳入标准：", "排除标准：", "選択基準", "除外基準".
 */
const OTHER_LANGUAGE_HEADING =
  /^[ \t]*(?:[#*_]+[ \t]*|[-–•][ \t]+|[[【][ \t]*)?(?:(?:[A-Z]\.)?\d{1,2}(?:\.\d{1,2})*\.?[ \t]+)?(crit[èe]res?[ \t]+(?:d['’][ \t]*|de[ \t]+)(?:non[- ]?)?(?:inclusion|exclusion)|criterios[ \t]+de[ \t]+(?:no[ \t]+)?(?:inclusi[óo]n|exclusi[óo]n)|(?:入选|纳入|入组|排除)标准|(?:選択|除外)基準)(?:[ \t]*[/(][^\n:：]{0,60})?[ \t]*(?:[:：]|$)[ \t]*/iu;

/**
 * A bulleted line is a heading ("-  INCLUSION CRITERIA:") only when it is nothing but the heading's
 * words; "- Inclusion criteria of the parent study are met" is an item.
 */
function isBulletedSentence(line: string): boolean {
  return /^[ \t]*[-–•][ \t]+/.test(line) && !/(?:criteria|inclusion|exclusion|eligibility)[ \t]*[:：]?[ \t]*$/i.test(line);
}

/** "INCLUSION" or "Exclusion" alone on its line. */
/** "Inclusion and Exclusion Criteria", "Inclusion/Exclusion criteria" over both lists: a title, no criterion. */
const COMBINED_HEADING = /^[ \t]*(?:[#*_]+[ \t]*)?(?:key[ \t]+)?(?:inclusion[ \t]*(?:and|&|\/)[ \t]*exclusion|eligibility)[ \t]+criteria[ \t]*:?[ \t]*$/i;
const BARE_HEADING = /^[ \t]*(?:[#*_]+[ \t]*|[-–•][ \t]+|[[【][ \t]*)?(inclusion|exclusion|non[- ]?inclusion|eligibility)[ \t]*(?:[#*_\]】]+[ \t]*)?[:：]?[ \t]*$/i;

/** A lead-in sentence's words that make it an exclusion list's heading ("… will be excluded:", "… are not eligible if:"). */
const LEAD_IN_EXCLUSION =
  /\b(?:(?:exclusion|non[- ]?inclusion)[ \t]+criteria|(?:be|are|is)[ \t]+excluded|excluded[ \t]+(?:if|from)|not[ \t]+(?:be[ \t]+)?eligible|ineligible|not[ \t]+be[ \t]+(?:enrolled|included|randomi[sz]ed|entered)|will[ \t]+not[ \t]+(?:be[ \t]+)?(?:enrolled|included|participate))\b/i;
/** … and an inclusion list's ("Patients must meet all of the following criteria to be eligible:", "To be eligible, participants must:"). */
const LEAD_IN_INCLUSION =
  /\b(?:(?<!non[- ]?)inclusion[ \t]+criteria|(?:meet|fulfil+|satisfy|have)[ \t]+(?:all|each)[ \t]+(?:of[ \t]+)?the[ \t]+following|to[ \t]+be[ \t]+(?:eligible|included|enrolled)|(?:are|is)[ \t]+eligible[ \t]+(?:if|when)|eligible[ \t]+(?:for|to)[ \t]+(?:inclusion|enrol+ment|participat)\w*)\b/i;

/**
 * The kind of list a lead-in sentence heads, when the line is one: no bullet, at most 25 words,
 * ending in ":", and saying who is excluded or included. An item such as "Adequate organ
 * function defined as:" says neither and heads its own sub-items instead.
 */
function leadInKind(trimmed: string): CriterionKind | undefined {
  if (!/:$/.test(trimmed) || trimmed.split(/\s+/).length > 25) return undefined;
  if (LEAD_IN_EXCLUSION.test(trimmed)) return "exclusion";
  if (LEAD_IN_INCLUSION.test(trimmed)) return "inclusion";
  return undefined;
}

type MarkerType = "star" | "dash" | "dot" | "num." | "num)" | "(num)" | "alpha." | "alpha)" | "roman" | "circled";
const BULLET =
  /^([ \t]*)(?:([*\-•·▪◦‣⁃–—»>+○●■□◆◇►➢✓✔❖o](?=[ \t])|・)[ \t]*|(\d{1,2})([.)、）])(?=[ \t]*\S)(?![\d])[ \t]*|[(（](\d{1,2})[)）][ \t]*|([a-hj-z])([.)])[ \t]+|\(([a-hj-z])\)[ \t]+|((?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii))([.):])[ \t]+|([①-⑳])[ \t]*)/i;
const ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"];

interface Marker {
  indent: number;
  type: MarkerType;
  /** Sequence number for numbered / lettered bullets. */
  n?: number;
  contentStart: number; // offset in line
  /** A number starts the text ("3. 15 mile …"): an item only in a numbered list it continues. */
  digitFirst?: boolean;
}

function readMarker(line: string): Marker | undefined {
  const m = BULLET.exec(line);
  if (!m) return undefined;
  const indent = m[1].replace(/\t/g, "    ").length;
  const contentStart = m[0].length;
  if (contentStart >= line.length) return undefined; // a bare marker is not an item
  if (m[2]) {
    const c = m[2];
    // "o" is a bullet (word processors' second-level list) only in lower case
    if (c === "O") return undefined;
    // "> 160 mmHg" on a wrapped line is a comparison, not a ">" bullet
    if ((c === ">" || c === "+") && /\d/.test(line[contentStart] ?? "")) return undefined;
    const type: MarkerType = c === "*" ? "star" : c === "-" || c === "–" || c === "—" ? "dash" : "dot";
    return { indent, type, contentStart };
  }
  if (m[3]) {
    // "1.5 mg" or "18 years" are not bullets: "1." must be followed by space or a letter.
    const after = line[contentStart - 1];
    // "3. 15 mile catchment area" is an item only where it continues a numbered list.
    if (m[4] === "." && /\d/.test(line[m[0].length] ?? "")) return { indent, type: "num.", n: Number(m[3]), contentStart, digitFirst: true };
    if (m[4] === "." && after !== " " && after !== "\t" && !/\p{L}/u.test(line[m[0].length] ?? "")) return undefined;
    return { indent, type: m[4] === "." ? "num." : "num)", n: Number(m[3]), contentStart };
  }
  if (m[5]) return { indent, type: "(num)", n: Number(m[5]), contentStart };
  if (m[6]) return { indent, type: m[7] === "." ? "alpha." : "alpha)", n: m[6].toLowerCase().charCodeAt(0) - 96, contentStart };
  if (m[8]) return { indent, type: "alpha)", n: m[8].toLowerCase().charCodeAt(0) - 96, contentStart };
  if (m[9]) return { indent, type: "roman", n: ROMAN.indexOf(m[9].toLowerCase()) + 1, contentStart };
  if (m[11]) return { indent, type: "circled", n: m[11].charCodeAt(0) - 0x2460 + 1, contentStart };
  return undefined;
}

function headingKind(word: string): CriterionKind | "keep" {
  const w = word.toLowerCase();
  if (w.startsWith("non")) return "exclusion";
  if (w === "inclusion") return "inclusion";
  if (w === "exclusion") return "exclusion";
  if (/non[- ]?inclusion|no[ \t]+inclusi|exclusi|排除|除外/.test(w)) return "exclusion";
  if (/inclusi|入选|纳入|入组|選択/.test(w)) return "inclusion";
  return "keep";
}

interface Open {
  index: number; // segment index
  depth: number;
  indent: number;
  type: MarkerType | "para" | "group";
  n?: number;
}

/** A short topic title: a few words, a capital first, no digits, no closing punctuation ("Age", "Performance status", "Hematopoietic"). */
function isTopicTitle(line: string): boolean {
  return line.length <= 40 && /^[A-Z][A-Za-z'’/(), -]*[A-Za-z)]$/.test(line) && line.split(/\s+/).length <= 5;
}

function isAllCapitals(s: string): boolean {
  return /[A-Z]{3}/.test(s) && !/[a-z]/.test(s);
}

/** Whether the next non-blank line from `from` starts with a bullet. */
function nextLineIsBullet(text: string, from: number): boolean {
  let p = from;
  while (p < text.length) {
    let e = text.indexOf("\n", p);
    if (e < 0) e = text.length;
    const line = text.slice(p, e);
    if (line.trim()) {
      const mk = readMarker(line);
      return mk !== undefined && !mk.digitFirst;
    }
    p = e + 1;
  }
  return false;
}

/**
 * Where a hard-wrapped text wraps: its longest line's length (trailing blanks aside), when at
 * least two lines that long (within 12 characters) run on into a next line without a bullet
 * and it is 60 or more; else Infinity — the text is not hard-wrapped, and its line breaks were typed.
 */
function wrapWidth(text: string): number {
  const lines = text.split("\n").map((l) => l.trimEnd());
  let max = 0;
  for (const l of lines) if (l.length > max) max = l.length;
  let runOn = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    if (lines[i].length >= max - 12 && lines[i + 1].trim() && !readMarker(lines[i + 1])) runOn++;
  }
  // Wrappers fill 60 columns or more; a list of short lines is not wrapped at its longest.
  return runOn >= 2 && max >= 60 ? max : Infinity;
}

/** A line ending in a word or sign that needs what follows ("… and", "… of", "≥"). */
const CONNECTOR_END = /(?:[,\-–/(&+=<>≤≥×]|\b(?:and|or|of|with|without|to|the|a|an|in|for|than|by|at|on|from|per|including|following|as|be|is|are|who|which|that|not|no|any|both|either|its|their|has|have|had|least|most|within|over|under|above|below|x|times|about|approximately)\b)\s*$/i;
/** A line that starts with a quantity's number and unit ("10^9/L.", "100,000/mm3", "6 months"): the rest of a comparison. */
const QUANTITY_START = /^\d[\d.,]*[ \t]*(?:[x×*^/%µμ⁰¹²³⁴⁵⁶⁷⁸⁹]|(?:mg|g|mmol|[µμu]mol|ng|pg|mL|ml|dL|L|IU|U|cells|copies|mm|cm|kg|ms|msec|mmHg|months?|weeks?|days?|years?|hours?)\b)/;

/**
 * A line break that was typed, not made by wrapping: the line starts like an item (a capital
 * or a digit), the previous line does not need a continuation, and the line's first word
 * would have fitted on the previous line within the text's wrap width (a wrapper moves a
 * word down only when it does not fit), or the line is a short title ending in ":". Inside a bulleted item, the line must also not be
 * indented under the item's text. Such a line starts a criterion of its own.
 */
function isDeliberateBreak(prev: string, line: string, width: () => number, top: Open | undefined, indent: number): boolean {
  const trimmed = line.trim();
  if (!/^[A-Z0-9\u00C0-\u00DE]/.test(trimmed) || CONNECTOR_END.test(prev)) return false;
  if (QUANTITY_START.test(trimmed) && !/[.;:!?]\s*$/.test(prev)) return false;
  if (top && top.type !== "para" && top.type !== "group" && indent > top.indent) return false;
  // A short title ("Neonates:", "Healthy controls:") heads the items that follow.
  if (/:\s*$/.test(trimmed) && trimmed.split(/\s+/).length <= 6) return true;
  const firstWord = /^\S+/.exec(trimmed)![0];
  return prev.trimEnd().length + 1 + firstWord.length <= width() - 2;
}

/** Splits an eligibility text into criteria segments with spans into `text`. */
export function segmentCriteria(text: string): Segment[] {
  const segs: Segment[] = [];
  let kind: CriterionKind = "unknown";
  let stack: Open[] = [];
  let current: Segment | undefined; // item that wrapped lines extend
  let blankSince = true;
  /** Topic titles (PDQ "Age", "Hepatic"): the bullets after them are their children. */
  const titles = new WeakSet<Segment>();
  /** Items made of lines without bullets indented under an item ending in ":" (see below). */
  const leadChildren = new WeakSet<Open>();
  let pos = 0;
  const endOf = (s: Segment) => s.span[1];

  const push = (depth: number, start: number, end: number, parent: number | undefined): Segment => {
    const seg: Segment = { kind, depth, span: [start, end], text: "" };
    if (parent !== undefined) seg.parent = parent;
    segs.push(seg);
    return seg;
  };

  // Measured only when a line without a bullet follows an item (most texts have none).
  let measured: number | undefined;
  const width = () => (measured ??= wrapWidth(text));
  /** The last non-blank line before this one. */
  let prevLine = "";
  let thisLine = "";
  while (pos <= text.length) {
    prevLine = thisLine;
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = text.length;
    let lineEnd = nl;
    if (lineEnd > pos && text[lineEnd - 1] === "\r") lineEnd--;
    const line = text.slice(pos, lineEnd);
    const lineStart = pos;
    pos = nl + 1;

    const trimmed = line.trim();
    if (!trimmed) {
      blankSince = true;
      thisLine = prevLine;
      if (nl >= text.length) break;
      continue;
    }
    thisLine = line;

    // headings
    // (every heading names inclusion, exclusion, eligibility, selection or criteria: most lines are not tried)
    if (MAY_BE_HEADING.test(line) && COMBINED_HEADING.test(line)) {
      stack = [];
      current = undefined;
      blankSince = true;
      if (nl >= text.length) break;
      continue;
    }
    const h = MAY_BE_HEADING.test(line) && !isBulletedSentence(line) ? (HEADING.exec(line) ?? SHORT_HEADING.exec(line) ?? CRITERIA_FOR.exec(line) ?? BARE_HEADING.exec(line) ?? OTHER_LANGUAGE_HEADING.exec(line)) : null;
    const rest = h ? line.slice(h[0].length) : "";
    if (h && (h[0].length >= line.length - 1 || /[:：]\s*$/.test(h[0]) || line.length < 90 || readMarker(rest) !== undefined)) {
      const k = headingKind(h[1]);
      // a heading line is short or ends in ":"; "Inclusion criteria include patients with …" is text
      if (h[0].length >= line.trimEnd().length || /[:：]\s*$/.test(h[0]) || /^\s*(?:[:：*_]|$)/.test(rest) || readMarker(rest) !== undefined) {
        if (k !== "keep") kind = k;
        stack = [];
        current = undefined;
        blankSince = true;
        if (isSentenceAfterHeading(h[0])) {
          // "Inclusion criteria include patients with NSCLC": the kind is set, and the line is a criterion
          const lineContent = lineStart + (line.length - line.trimStart().length);
          current = push(0, lineContent, lineStart + line.trimEnd().length, undefined);
          stack = [{ index: segs.length - 1, depth: 0, indent: line.length - line.trimStart().length, type: "para" }];
          blankSince = false;
          if (nl >= text.length) break;
          continue;
        }
        const restTrim = rest.replace(/^[\s:：*_]+/, "");
        if (restTrim.trim()) {
          const start = lineStart + (line.length - restTrim.length);
          const mk = readMarker(restTrim);
          const cstart = mk ? start + mk.contentStart : start;
          current = push(0, cstart, lineStart + line.trimEnd().length, undefined);
          stack = [{ index: segs.length - 1, depth: 0, indent: 0, type: mk?.type ?? "para", n: mk?.n }];
          blankSince = false;
        }
        if (nl >= text.length) break;
        continue;
      }
    }

    // A footnote ("¹ As per ASCO/CAP guidelines.", "† By echocardiogram") explains a mark in an
    // item above: it is no criterion, and it ends the item.
    // A registry's fields copied with the criteria (ISRCTN, ANZCTR, jRCT, CTRI: "Lower age limit" /
    // "40 Years", "Sex" / "Both", "Target number of participants" / "300"): a label alone on its line
    // is dropped with the short value line after it; "Minimum age: 65 Years" on one line is an
    // inclusion statement, whatever section it is in.
    const field = REGISTRY_FIELD.exec(trimmed);
    const fieldLabelAlone = field !== null && field[0].length >= trimmed.replace(/[\s:：]+$/, "").length;
    const nextEnd = field ? text.indexOf("\n", nl + 1) : -1;
    const nextLine = field ? text.slice(nl + 1, nextEnd < 0 ? text.length : nextEnd).trim() : "";
    // (a "Sex" title over its items, as PDQ records write it, is no field: only "Sex" then "Both" is)
    const isField = field !== null && !readMarker(line) && (!fieldLabelAlone || !/^(?:gender|sex)$/i.test(field[0]) || SEX_VALUE.test(nextLine));
    if (isField && fieldLabelAlone) {
      current = undefined;
      blankSince = true;
      // the value on the next line, when it is short ("40 Years", "Both", "300", "No limit")
      if (nextLine && nextLine.split(/\s+/).length <= 4 && !readMarker(nextLine) && !REGISTRY_FIELD.test(nextLine)) pos = nextEnd < 0 ? text.length + 1 : nextEnd + 1;
      if (nl >= text.length || pos > text.length) break;
      continue;
    }
    if (isField) {
      const start = lineStart + (line.length - line.trimStart().length);
      const seg = push(0, start, lineStart + line.trimEnd().length, undefined);
      seg.kind = "inclusion";
      current = undefined;
      stack = [];
      blankSince = true;
      if (nl >= text.length) break;
      continue;
    }
    // A protocol's page header or footer copied with the text ("Protocol XYZ-123 Version 2.0 Page 12
    // of 80", "CONFIDENTIAL"): no criterion, and the item it interrupts goes on after it.
    if (isPageFurniture(trimmed) && !readMarker(line)) {
      if (nl >= text.length) break;
      continue;
    }
    // a page number alone, between items
    if ((trimmed.length <= 14 && PAGE_CONTROL.test(trimmed)) || (trimmed.length <= 3 && current && /^\d{1,3}$/.test(trimmed) && /[.;]\s*$/.test(text.slice(current.span[0], current.span[1])))) {
      if (nl >= text.length) break;
      continue;
    }
    // a bullet with nothing after it, and the registry's "Other protocol-defined … criteria may apply"
    const loneBullet = trimmed.length === 1 && /^[*\-•·・▪◦‣⁃–—○●■□◆◇►➢]$/.test(trimmed);
    if (loneBullet || ((trimmed.endsWith("pply") || trimmed.endsWith("pply.")) && BOILERPLATE.test(line.slice(readMarker(line)?.contentStart ?? 0).trim()))) {
      current = undefined;
      blankSince = true;
      if (nl >= text.length) break;
      continue;
    }
    if (trimmed.charCodeAt(0) > 127 && FOOTNOTE.test(line)) {
      current = undefined;
      blankSince = true;
      if (nl >= text.length) break;
      continue;
    }
    // "Patients must meet all of the following criteria to be eligible:" heads the items after it
    const leadIn = trimmed.endsWith(":") && !readMarker(line) ? leadInKind(trimmed) : undefined;
    if (leadIn) {
      kind = leadIn;
      stack = [];
      current = undefined;
      blankSince = true;
      if (nl >= text.length) break;
      continue;
    }
    let mk = readMarker(line);
    if (mk?.digitFirst && !stack.some((o) => o.type === "num." && o.n !== undefined && o.n + 1 === mk!.n)) mk = undefined;
    const contentEnd = lineStart + line.trimEnd().length;
    if (mk) {
      const start = lineStart + mk.contentStart;
      const prev = current;
      const prevEndsColon = prev ? titles.has(prev) || /:\s*$/.test(text.slice(prev.span[0], prev.span[1])) : false;
      let depth = 0;
      let parent: number | undefined;
      // where does it fit in the open levels?
      let placed = false;
      if (stack.length) {
        const top = stack[stack.length - 1];
        const restart = mk.n === 1 && prevEndsColon;
        if (restart || (prevEndsColon && top.type !== mk.type && top.type !== "para" && mk.indent >= top.indent)) {
          depth = top.depth + 1;
          parent = top.index;
          stack.push({ index: segs.length, depth, indent: mk.indent, type: mk.type, n: mk.n });
          placed = true;
        } else if (
          mk.indent > top.indent + 1 &&
          top.type !== "para" &&
          !stack.some((o) => o.type === mk.type && Math.abs(o.indent - mk.indent) <= 1 && (mk.n === undefined || o.n === undefined || o.n + 1 === mk.n))
        ) {
          depth = top.depth + 1;
          parent = top.index;
          stack.push({ index: segs.length, depth, indent: mk.indent, type: mk.type, n: mk.n });
          placed = true;
        } else {
          // same style: prefer the level whose numbering this continues, else the nearest
          let at = -1;
          if (mk.n !== undefined) {
            for (let i = stack.length - 1; i >= 0; i--)
              if (stack[i].type === mk.type && stack[i].n !== undefined && stack[i].n! + 1 === mk.n) {
                at = i;
                break;
              }
          }
          if (at < 0)
            for (let i = stack.length - 1; i >= 0; i--)
              if (stack[i].type === mk.type && Math.abs(stack[i].indent - mk.indent) <= 1) {
                at = i;
                break;
              }
          if (at < 0)
            for (let i = stack.length - 1; i >= 0; i--)
              if (stack[i].indent <= mk.indent + 1) {
                at = i;
                break;
              }
          if (at >= 0) {
            const lvl = stack[at];
            depth = lvl.depth;
            parent = at > 0 ? stack[at - 1].index : lvl.depth > 0 ? segs[lvl.index].parent : undefined;
            stack = stack.slice(0, at);
            stack.push({ index: segs.length, depth, indent: mk.indent, type: mk.type, n: mk.n });
            placed = true;
          }
        }
      }
      if (!placed) {
        depth = 0;
        parent = undefined;
        stack = [{ index: segs.length, depth: 0, indent: mk.indent, type: mk.type, n: mk.n }];
      }
      current = push(depth, start, contentEnd, parent);
      blankSince = false;
      if (nl >= text.length) break;
      continue;
    }

    // a line without a bullet: a wrapped line of the current item, or a paragraph
    const lineContentStart = lineStart + (line.length - line.trimStart().length);
    const indent = line.length - line.trimStart().length;
    // Lines without bullets indented under an item that ends in ":" ("2. Adequate organ function
    // defined as:" then "   Platelets ≥ 100,000/μL") are its items, one per line; a line indented
    // deeper, or starting in lower case, continues the one before.
    const top = stack[stack.length - 1];
    if (current && !blankSince && top) {
      const opensLead = top.type !== "para" && top.type !== "group" && segs[top.index] === current && indent > top.indent && /:\s*$/.test(prevLine);
      const nextInLead = !opensLead && leadChildren.has(top) && Math.abs(indent - top.indent) <= 1;
      if ((opensLead || nextInLead) && /^[A-Z0-9\u00C0-\u00DE]/.test(trimmed) && !CONNECTOR_END.test(prevLine)) {
        const parent = opensLead ? top : stack[stack.length - 2];
        if (nextInLead) stack.pop();
        current = push(parent.depth + 1, lineContentStart, contentEnd, parent.index);
        const child: Open = { index: segs.length - 1, depth: parent.depth + 1, indent, type: "para" };
        leadChildren.add(child);
        stack.push(child);
        if (nl >= text.length) break;
        continue;
      }
    }
    if (current && !blankSince && !isDeliberateBreak(prevLine, line, width, stack[stack.length - 1], indent)) {
      const prevText = text.slice(current.span[0], endOf(current));
      const stackTop = stack[stack.length - 1];
      const inBulletItem = stackTop && stackTop.type !== "para";
      if (inBulletItem || !/[.;:!?]\s*$/.test(prevText) || /^[a-z(,]/.test(trimmed)) {
        current.span[1] = contentEnd;
        blankSince = false;
        if (nl >= text.length) break;
        continue;
      }
    }
    if (
      current &&
      blankSince &&
      stack.length &&
      stack[stack.length - 1].type !== "para" &&
      (/^[a-z]/.test(trimmed) ||
        (QUANTITY_START.test(trimmed) && CONNECTOR_END.test(text.slice(current.span[0], current.span[1]))) ||
        // an indented "Note: …" under an item says more about that item
        (indent > 0 && /^(?:note|nb|n\.b\.|please\s+note)\s*[:.-]/i.test(trimmed)))
    ) {
      // continuation after a stray blank line (lower-case start), or a page break inside a
      // comparison ("≥ 1.5 ×", the page's footer, then "10^9/L.")
      current.span[1] = contentEnd;
      blankSince = false;
      if (nl >= text.length) break;
      continue;
    }
    // a preamble such as "Patients meeting any of the following criteria will be excluded:"
    if (/:\s*$/.test(trimmed) && !/\d/.test(trimmed) && /\b(following|criteria|must|eligible|excluded|included)\b/i.test(trimmed) && trimmed.length < 160) {
      stack = [];
      current = undefined;
      blankSince = true;
      if (nl >= text.length) break;
      continue;
    }
    // A topic line inside an all-capitals section ("PATIENT CHARACTERISTICS:" then "Age", then
    // "* 18 and over"), as the NCI's PDQ records write them: a title over the bullets that follow.
    const section = stack[0] && stack[0].type === "group" ? segs[stack[0].index] : undefined;
    if (section && blankSince && isTopicTitle(trimmed) && isAllCapitals(text.slice(section.span[0], section.span[1])) && nextLineIsBullet(text, nl + 1)) {
      current = push(1, lineContentStart, contentEnd, stack[0].index);
      titles.add(current);
      stack = [stack[0], { index: segs.length - 1, depth: 1, indent: -1, type: "group" }];
      blankSince = false;
      if (nl >= text.length) break;
      continue;
    }
    const endsColon = /:\s*$/.test(trimmed);
    if (stack[0]?.type === "group" && stack[0].depth === 0 && !endsColon && (stack.length === 1 || (stack.length === 2 && stack[1].type === "para"))) {
      // Lines without bullets under a group title ("Neonates:" then "Aged 1 to 28 days") are its
      // children; after bulleted children, a line without one is the group's end.
      current = push(1, lineContentStart, contentEnd, stack[0].index);
      stack = [stack[0], { index: segs.length - 1, depth: 1, indent: line.length - line.trimStart().length, type: "para" }];
      blankSince = false;
      if (nl >= text.length) break;
      continue;
    }
    current = push(0, lineContentStart, contentEnd, undefined);
    stack = [{ index: segs.length - 1, depth: 0, indent: line.length - line.trimStart().length, type: "para" }];
    if (endsColon) {
      // a group title ("Neonates:"): the bullets that follow are its children
      stack[0].type = "group";
      stack[0].indent = -1;
    }
    blankSince = false;
    if (nl >= text.length) break;
  }
  const out = splitInlineLists(text, segs);
  for (const s of out) s.text = text.slice(s.span[0], s.span[1]);
  return out;
}

/** A number closed as an item's and followed by text (most "1.5 mg" are not). */
const INLINE_NUMBER_GATE = /\d[.)）、]\s*[A-Za-z(（\u4e00-\u9fff≥≤<>＜＞]/;
/** An item number inside a line: "2. ", "2)", "(2)", "（2）", "2、". Groups: 1 "(" or "（", 2 the number, 3 what closes it. */
const INLINE_NUMBER = /(?:^|(?<=[;；。:：,，.!?)）]\s*)|(?<=\s))([(（]?)(\d{1,2})([.)）、])(?![\d.])(?=\s*[\p{L}(（≥≤<>＜＞])/gu;

/**
 * Items numbered inside one line ("Inclusion criteria: 1. Aged 18-75 years; 2. Histologically
 * confirmed …; 3. ECOG 0-1", "(1) Age 40-80 years (2) …", "including:1)Uncontrollable
 * hypertension.2)Arrhythmias…"), as registries such as ChiCTR and CTRI write them, become
 * items of their own: after an item numbered 1 the numbers 2, 3, … on its line are its
 * siblings; after a lead text, 1, 2, … are the lead's children. The numbers must run in order
 * in one style, so "grade 2) or 3)" inside a sentence is left alone.
 */
function splitInlineLists(text: string, segs: Segment[]): Segment[] {
  let changed = false;
  const pieces: Segment[][] = segs.map((seg) => {
    const t = text.slice(seg.span[0], seg.span[1]);
    if (!INLINE_NUMBER_GATE.test(t)) return [seg];
    // the item's own number, when the line numbers it ("1. Aged …")
    const lineStart = text.lastIndexOf("\n", seg.span[0] - 1) + 1;
    const own = /([(（]?)(\d{1,2})([.)）、])\s*$/.exec(text.slice(lineStart, seg.span[0]));
    let ownStyle = own ? styleOf(own[1], own[3]) : undefined;
    let ownN = own ? Number(own[2]) : undefined;
    let skip = 0;
    // the item's text may start with its own number where no bullet was read ("1、Aged …")
    const lead = !own ? /^([(（]?)(\d{1,2})([.)）、])\s*/.exec(t) : null;
    if (lead && Number(lead[2]) === 1) {
      ownStyle = styleOf(lead[1], lead[3]);
      ownN = 1;
      skip = lead[0].length;
    }
    const marks: Array<{ n: number; style: string; at: number; content: number }> = [];
    INLINE_NUMBER.lastIndex = 0;
    for (let m = INLINE_NUMBER.exec(t); m; m = INLINE_NUMBER.exec(t)) {
      if (m.index === 0) continue;
      const close = m[3];
      // "1." needs a sentence break before it ("…years; 2. Histo…"); brackets and "、" do not
      if (close === "." && !/[;；。.:：]\s*$/.test(t.slice(0, m.index))) continue;
      let content = m.index + m[0].length;
      while (content < t.length && /\s/.test(t[content])) content++;
      marks.push({ n: Number(m[2]), style: styleOf(m[1], close), at: m.index, content });
    }
    if (!marks.length) return [seg];
    // the run: in the item's own style from 2 after an item numbered 1, else from 1 in one style
    const first = ownN === 1 ? 2 : 1;
    const style = first === 2 ? ownStyle : marks.find((m) => m.n === 1)?.style;
    const run: typeof marks = [];
    for (const m of marks) if (m.style === style && m.n === first + run.length) run.push(m);
    if (!run.length || (first === 1 && run.length < 2)) return [seg];
    changed = true;
    const base = seg.span[0];
    const trimEnd = (a: number, b: number) => {
      let e = b;
      while (e > a && /\s/.test(text[e - 1])) e--;
      return e;
    };
    const out: Segment[] = [];
    const head: Segment = { ...seg, span: [seg.span[0] + skip, trimEnd(seg.span[0] + skip, base + run[0].at)] };
    out.push(head);
    const asChildren = first === 1;
    run.forEach((m, k) => {
      const end = k + 1 < run.length ? base + run[k + 1].at : seg.span[1];
      const item: Segment = { kind: seg.kind, depth: asChildren ? seg.depth + 1 : seg.depth, span: [base + m.content, trimEnd(base + m.content, end)], text: "" };
      if (!asChildren && seg.parent !== undefined) item.parent = seg.parent;
      out.push(item);
    });
    return out;
  });
  if (!changed) return segs;
  // New indices; a lead's children point at it, and the old children of a split item at its last piece.
  const firstIndex: number[] = [];
  const lastIndex: number[] = [];
  let n = 0;
  for (const p of pieces) {
    firstIndex.push(n);
    n += p.length;
    lastIndex.push(n - 1);
  }
  const out: Segment[] = [];
  pieces.forEach((p, i) => {
    p.forEach((seg, k) => {
      if (k === 0) {
        if (seg.parent !== undefined) seg.parent = lastIndex[seg.parent];
      } else if (seg.depth > p[0].depth) seg.parent = firstIndex[i];
      else if (seg.parent !== undefined && k > 0 && p[0].parent !== undefined) seg.parent = p[0].parent;
      out.push(seg);
    });
  });
  return out;
}

function styleOf(open: string, close: string): string {
  return `${open ? "(" : ""}${close === "）" ? ")" : close}`;
}
