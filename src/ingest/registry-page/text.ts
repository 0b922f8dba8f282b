/**
 * Text utilities shared by the registry-page layouts: turning a saved page (plain text
 * or HTML) into clean lines, grouping lines into paragraphs, and splitting a page into
 * sections at the headings a layout knows.
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  bull: "•",
  middot: "·",
  times: "×",
  ge: "≥",
  le: "≤",
  ne: "≠",
  plusmn: "±",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  copy: "©",
  reg: "®",
  trade: "™",
  deg: "°",
  micro: "µ",
  mu: "μ",
  alpha: "α",
  beta: "β",
  gamma: "γ",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  laquo: "«",
  raquo: "»",
  sup2: "²",
  sup3: "³",
  frac12: "½",
  shy: "",
  zwj: "",
  zwnj: "",
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    const named = NAMED_ENTITIES[body.toLowerCase()];
    return named ?? whole;
  });
}

/** True when the text is an HTML document or fragment rather than text saved from a page. */
export function looksLikeHtml(text: string): boolean {
  return /<(?:!doctype|html|body|head|p|div|br|li|ul|ol|table|tr|td|th|span|h[1-6]|section|article|main)\b[^>]*>/i.test(
    text.slice(0, 20000),
  );
}

/**
 * Renders HTML as the text a browser's "save as text" would give: block elements and
 * line breaks become newlines, list items become "• " bullets, table cells are
 * separated by tabs, tags are dropped and entities decoded.
 */
export function htmlToText(html: string): string {
  let s = html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<head\b[^>]*>[\s\S]*?<\/head\s*>/gi, "");
  // Source newlines inside HTML are plain whitespace; structure comes from the tags.
  s = s.replace(/[ \t]*\r?\n[ \t]*/g, " ");
  s = s
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<li\b[^>]*>/gi, "\n  • ")
    .replace(/<\/(?:p|div|li|ul|ol|tr|table|h[1-6]|section|article|header|footer|main|nav|dd|dt|blockquote|pre)\s*>/gi, "\n")
    .replace(/<(?:p|div|ul|ol|tr|table|h[1-6]|section|article|header|footer|main|nav|dd|dt|blockquote|pre)\b[^>]*>/gi, "\n")
    // Table cells end with a tab, as when a table is copied from a browser.
    .replace(/<\/t[dh]\s*>/gi, "\t")
    .replace(/<[^>]+>/g, "");
  return decodeEntities(s);
}

/**
 * The page as lines: HTML rendered to text, line endings unified, no-break and other
 * exotic spaces made plain, trailing whitespace removed. Leading indentation is kept
 * (list nesting may depend on it).
 */
export function pageLines(input: string): string[] {
  let text = input.replace(/^\uFEFF/, "");
  if (looksLikeHtml(text)) text = htmlToText(text);
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u00a0\u2007\u202f]/g, " ")
    .replace(/[\u200b\u200e\u200f\u2060]/g, "")
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""));
}

/** Collapses inner runs of spaces and trims: the form single-line values are stored in. */
export function clean(line: string): string {
  // Most lines need nothing done: skip the regex work for them.
  if (!/[ \t]{2}|\t|^\s|\s$/.test(line)) return line;
  return line.replace(/[ \t]+/g, " ").trim();
}

/**
 * Joins lines into text: lines of one paragraph with "\n", paragraphs (separated by
 * blank lines) with "\n\n". Leading and trailing blank lines are dropped.
 */
export function joinParagraphs(lines: string[]): string | undefined {
  const paragraphs: string[][] = [];
  let cur: string[] = [];
  for (const l of lines) {
    const t = clean(l);
    if (!t) {
      if (cur.length) paragraphs.push(cur);
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) paragraphs.push(cur);
  const text = paragraphs.map((p) => p.join("\n")).join("\n\n");
  return text || undefined;
}

/** The non-blank lines, cleaned. */
export function nonBlank(lines: string[]): string[] {
  return lines.map(clean).filter(Boolean);
}

export interface Section {
  /** Canonical heading key given by the layout. */
  key: string;
  /** The heading line as written. */
  heading: string;
  /** Index of the heading line in the page. */
  at: number;
  /** The lines after the heading up to the next heading (raw, with indentation). */
  body: string[];
}

/**
 * Splits lines into sections. `headingOf` names the section a line opens (or null for an
 * ordinary line); `isChrome` drops page furniture wherever it appears. Lines before the
 * first heading form the section with key "".
 */
export function splitSections(
  lines: string[],
  headingOf: (line: string, index: number) => string | null,
  isChrome: (line: string) => boolean = () => false,
): Section[] {
  const sections: Section[] = [{ key: "", heading: "", at: -1, body: [] }];
  lines.forEach((line, i) => {
    const t = clean(line);
    if (t && isChrome(t)) return;
    const key = t ? headingOf(t, i) : null;
    if (key !== null) sections.push({ key, heading: t, at: i, body: [] });
    else sections[sections.length - 1].body.push(line);
  });
  return sections;
}

/** The lines of every section with one of the keys, in page order (a heading may repeat). */
export function bodyOf(sections: Section[], ...keys: string[]): string[] {
  return sections.filter((s) => keys.includes(s.key)).flatMap((s) => s.body);
}

/** The first section with one of the keys. */
export function sectionOf(sections: Section[], ...keys: string[]): Section | undefined {
  return sections.find((s) => keys.includes(s.key));
}

/** Every NCT id in a text, in order of appearance, without repeats. */
export function nctIdsIn(text: string): string[] {
  return [...new Set(text.match(/\bNCT\d{8}\b/g) ?? [])];
}

export const ctgovStudyUrl = (nctId: string): string => `https://clinicaltrials.gov/study/${nctId}`;
