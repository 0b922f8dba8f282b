/**
 * Stage 0: the eligibility text as the later stages read it, with every character kept in
 * place (same length, same offsets), so spans still point into the text the user gave.
 *
 * - Unicode spaces (no-break U+00A0, thin, narrow no-break, ideographic, zero-width, BOM)
 *   become plain spaces: saved registry pages are full of "Age\u00a0≥\u00a018", and every
 *   pattern of the parser writes a space as " " or "[ \t]".
 * - Full-width forms (U+FF01–FF5E: "＞１．５", "１，５００／mm３", "（1）", "：") become their
 *   ASCII characters, as Chinese and Japanese registries' texts write them.
 * - Markdown escapes ("25\-40", "\> 18") become the escaped character, a space before it.
 * - HTML character references left in a text ("Age &ge; 18", "&bull; Platelets &gt;= 100")
 *   become the character they stand for, padded with spaces to the reference's length: a
 *   comparison sign at the end of the reference (so "&gt;=" reads ">="), anything else at
 *   its start (so "&bull; item" is a bullet). Unknown names stay as written.
 */

const SPACES_RE = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/g;
const HAS_SPACES_RE = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/;
const REFERENCE_RE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,7}));/g;

/** Named references eligibility texts carry (HTML's names; the rest are rare in criteria). */
const NAMED: Record<string, string> = {
  ge: "≥",
  le: "≤",
  gt: ">",
  lt: "<",
  geq: "≥",
  leq: "≤",
  amp: "&",
  nbsp: " ",
  ensp: " ",
  emsp: " ",
  thinsp: " ",
  bull: "•",
  middot: "·",
  ndash: "–",
  mdash: "—",
  minus: "−",
  plusmn: "±",
  times: "×",
  micro: "µ",
  mu: "μ",
  deg: "°",
  quot: '"',
  apos: "'",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  hellip: "…",
  sup2: "²",
  sup3: "³",
  frac12: "½",
  alpha: "α",
  beta: "β",
  gamma: "γ",
  kappa: "κ",
};

/** Signs that join what follows them ("&gt;=" → ">="): placed at the end of the padded reference. */
const COMPARISON = new Set([">", "<", "≥", "≤", "=", "≧", "≦", "⩾", "⩽"]);

function decodedReference(ref: string, dec: string | undefined, hex: string | undefined, name: string | undefined): string {
  let ch: string | undefined;
  if (name !== undefined) ch = NAMED[name] ?? NAMED[name.toLowerCase()];
  else {
    const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    // A lone surrogate or a control character is not a character a text means.
    if (code >= 0x20 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && !(code >= 0x7f && code < 0xa0)) ch = String.fromCodePoint(code);
  }
  if (ch === undefined || ch.length > ref.length) return ref;
  if (/^[\s\u00a0]$/.test(ch)) ch = " ";
  const pad = " ".repeat(ref.length - ch.length);
  return COMPARISON.has(ch) ? pad + ch : ch + pad;
}

/** The text with spaces and character references normalised in place (same length). */
export function normaliseCriteriaText(text: string): string {
  let out = text;
  if (out.includes("&")) out = out.replace(REFERENCE_RE, decodedReference);
  if (HAS_SPACES_RE.test(out)) out = out.replace(SPACES_RE, " ");
  if (HAS_FULL_WIDTH_RE.test(out)) out = out.replace(FULL_WIDTH_RE, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  // Markdown escapes from a converted page ("BMI 25\-40", "\> 18", "\* footnote"): the character itself, a space before it
  if (out.includes("\\")) out = out.replace(MARKDOWN_ESCAPE_RE, " $1");
  return out;
}

const MARKDOWN_ESCAPE_RE = /\\([-*_<>#~.()[\]+!|=`])/g;

const FULL_WIDTH_RE = /[\uff01-\uff5e]/g;
const HAS_FULL_WIDTH_RE = /[\uff01-\uff5e]/;

/**
 * A protocol's page header or footer copied with the text ("Protocol XYZ-123 Version 2.0 Page
 * 12 of 80", "CONFIDENTIAL", "Page 14"): no criterion. The segmenter skips such lines between
 * items; inside an item they interrupt (a page break in "ANC ≥ 1.5 ×" … "10^9/L") they are
 * blanked by withoutPageFurniture.
 */
export const PAGE_FURNITURE =
  /\bpage\s+\d{1,4}\s+of\s+\d{1,4}\b|^(?:strictly\s+)?confidential$|^page\s+\d{1,4}$|\b(?:protocol|amendment)\b[^.;:]{0,60}\b(?:v(?:ersion)?\s*\d+(?:\.\d+)*|confidential)\b|\bclinical\s+(?:study|trial)\s+protocol\b/i;

const FURNITURE_WORD = { test: (t: string) => t.includes("age") || t.includes("AGE") || t.includes("onfid") || t.includes("ONFID") || t.includes("rotoc") || t.includes("ROTOC") };
/** Whether a line (trimmed, without a bullet) is a page's header or footer. */
export function isPageFurniture(trimmed: string): boolean {
  // (every header or footer has one of these words: most lines are not tried)
  return FURNITURE_WORD.test(trimmed) && (trimmed.length <= 22 || trimmed.includes("age ") || trimmed.includes("rotocol")) && PAGE_FURNITURE.test(trimmed) && trimmed.split(/\s+/).length <= 14;
}

/** A criterion's text with its page headers and footers (whole lines after its first) blanked, same length. */
export function withoutPageFurniture(text: string): string {
  if (!text.includes("\n") || !FURNITURE_WORD.test(text)) return text;
  return text.replace(/(?<=\n)[^\n]*/g, (line) => {
    const t = line.trim();
    return t && !/^[-*•\d]/.test(t.replace(/^page\b/i, "")) && isPageFurniture(t) ? " ".repeat(line.length) : line;
  });
}

/**
 * A comparison broken over two lines inside one criterion ("total bilirubin ≤⏎   1.5 × ULN",
 * "Creatinine clearance⏎  ≥ 50 mL/min", "less than⏎360 mg/m2"): the line break becomes a
 * space (same length), so the numeric reader, which ends a clause at a line break, reads it
 * whole. Only breaks next to a comparison sign, or after "than"/"to"/"least"/"most" and
 * before a number, between a compared value and its unit or "× ULN" ("creatinine ≥ 2⏎ times
 * the upper limit of normal", "calcium > 12⏎ mg/dL"), between a value and the next of a list
 * ("ECOG 0 or⏎ 1"), and inside "upper limit of⏎ normal" are joined: other line breaks inside a
 * criterion may separate a list.
 */
const COMPARISON_WRAP_RE = new RegExp(
  [
    String.raw`(?:[≥≤<>=≧≦][ \t]*\r?\n(?=[ \t]*[\d.]))`,
    String.raw`(?:\b(?:than|to|least|most)[ \t]*\r?\n(?=[ \t]*\d))`,
    String.raw`(?:[\p{L}\d)%][ \t]*\r?\n(?=[ \t]*[≥≤<>≧≦]))`,
    // a compared value, then its unit or reference on the next line
    String.raw`(?:(?<=(?:[≥≤<>=≧≦]|\b(?:than|least|most))[ \t]*\d+(?:[.,]\d+)?)[ \t]*\r?\n(?=[ \t]*(?:(?:[xX×*][ \t]*)?(?:10\b|ULN\b|LLN\b|upper[ \t]+limit|the[ \t]+upper|institutional)|times\b|(?:mg|g|[µμu]g|ng|[µμu]mol|mmol|mEq|mL|ml|dL|dl|L|IU|U|cells|copies|mm|cm|kg|bpm|msec|ms|seconds?|minutes?|hours?|days?|weeks?|months?|years?)(?![\p{L}])|%)))`,
    // the next value of a list of values: "0 or⏎ 1"
    String.raw`(?:(?<=\d[ \t]+(?:or|and|to))[ \t]*\r?\n(?=[ \t]*\d(?!\d*[.)][ \t])))`,
    // inside "upper limit of normal"
    String.raw`(?:(?<=\bupper(?:[ \t]+limits?)?(?:[ \t]+of)?(?:[ \t]+the)?)[ \t]*\r?\n(?=[ \t]*(?:limits?|of|the|normal)\b))`,
  ].join("|"),
  "gu",
);

export function withComparisonWrapsJoined(text: string): string {
  if (!text.includes("\n")) return text;
  return text.replace(COMPARISON_WRAP_RE, (m) => m.replace(/[\r\n]/g, " "));
}
