/**
 * Biomarker constraints: gene/marker status ("EGFR/ALK/ROS1 wild type", "ALK-positive",
 * "BRAF V600E mutation", "HER2 amplification", "MSI-H/dMMR") and expression levels
 * ("PD-L1 TPS ≥ 50%", "PD-L1 CPS ≥ 10", "TMB ≥ 10 mut/Mb").
 *
 * A marker named with no status is not a constraint, and a marker used as a drug target
 * ("EGFR-TKI", "anti-PD-L1", "HER2-targeted therapy") is left to the therapy extractor.
 */
import type { BiomarkerConstraint, ComparisonOp } from "../types.js";
import { buildContext, clauseAt, gate, hasAny, negatedBefore, OP_SRC, parseOp, type ClinicalContext } from "./context.js";

interface MarkerDef {
  marker: string;
  /** Source of a regex matching the marker's name (case-sensitive unless `i`). */
  src: string;
  /** Ambiguous abbreviations ("ER", "PR", "MET", "RET") count only with a status next to them. */
  needsAdjacentStatus?: boolean;
  /** Status implied by the name itself ("MSI-H" → high, "dMMR" → deficient). */
  implied?: string;
}

const MARKERS: MarkerDef[] = [
  { marker: "EGFR", src: String.raw`EGFR|epidermal\s+growth\s+factor\s+receptor` },
  { marker: "ALK", src: String.raw`ALK|EML4-ALK|anaplastic\s+lymphoma\s+kinase` },
  { marker: "ROS1", src: String.raw`ROS-?1` },
  { marker: "KRAS", src: String.raw`K-?RAS` },
  { marker: "NRAS", src: String.raw`N-?RAS` },
  { marker: "RAS", src: String.raw`RAS` },
  { marker: "BRAF", src: String.raw`B-?RAF` },
  { marker: "HER2", src: String.raw`HER-?2(?:/neu)?|ERBB2|ErbB-?2|[Hh]er-?2` },
  { marker: "MET", src: String.raw`c-MET|MET`, needsAdjacentStatus: true },
  { marker: "RET", src: String.raw`RET`, needsAdjacentStatus: true },
  { marker: "NTRK", src: String.raw`NTRK[1-3]?(?:/[1-3])*` },
  { marker: "BRCA", src: String.raw`g?BRCA[12]?(?:/[12])?` },
  { marker: "PIK3CA", src: String.raw`PIK3CA` },
  { marker: "IDH", src: String.raw`IDH[12]?` },
  { marker: "FLT3", src: String.raw`FLT-?3` },
  { marker: "NPM1", src: String.raw`NPM-?1` },
  { marker: "FGFR", src: String.raw`FGFR[1-4]?` },
  { marker: "PD-L1", src: String.raw`PD-?L1` },
  { marker: "TMB", src: String.raw`TMB|tumou?r\s+mutation(?:al)?\s+burden` },
  { marker: "MSI", src: String.raw`MSI-H|MSI-high|MSI\s+high`, implied: "high" },
  { marker: "MSI", src: String.raw`MSS|microsatellite\s+stable`, implied: "stable" },
  { marker: "MSI", src: String.raw`MSI|microsatellite\s+instability` },
  { marker: "MMR", src: String.raw`dMMR|MMR-?d|mismatch\s+repair[-\s]deficien(?:t|cy)|deficient\s+mismatch\s+repair`, implied: "deficient" },
  { marker: "MMR", src: String.raw`pMMR|MMR-?p|mismatch\s+repair[-\s]proficient|proficient\s+mismatch\s+repair`, implied: "proficient" },
  { marker: "ER", src: String.raw`ER|estrogen\s+receptor|oestrogen\s+receptor`, needsAdjacentStatus: true },
  { marker: "PR", src: String.raw`PR|PgR|progesterone\s+receptor`, needsAdjacentStatus: true },
  { marker: "HR", src: String.raw`HR|hormone\s+receptor`, needsAdjacentStatus: true },
  { marker: "EBV", src: String.raw`EBV(?:\s+DNA)?|Epstein-Barr\s+virus`, needsAdjacentStatus: true },
  { marker: "HBeAg", src: String.raw`HBeAg|HBe\s+antigen`, needsAdjacentStatus: true },
  { marker: "HPV", src: String.raw`HPV(?:-?16)?|p16`, needsAdjacentStatus: true },
];

// One alternation, longest names first; group index identifies the marker.
const MARKER_RE = new RegExp(MARKERS.map((d) => `(${d.src})`).join("|"), "g");
const MARKER_RE_I = new RegExp(String.raw`\b(?:epidermal\s+growth|anaplastic\s+lymphoma|estrogen\s+receptor|oestrogen\s+receptor|progesterone\s+receptor|hormone\s+receptor|tumou?r\s+mutation|microsatellite|mismatch\s+repair|deficient\s+mismatch|proficient\s+mismatch)`, "i");

/** Status phrases → status value; variants are kept as written. */
const STATUS_DEFS: Array<[RegExp, string | null]> = [
  [/^(?:wild[-\s]?types?|WT)\b/i, "wild-type"],
  [/^(?:sensiti[sz]ing|activating|driver)\s+(?:gene\s+)?(?:mutations?|alterations?)/i, null], // kept as written
  [/^(?:exon\s*19\s*(?:deletions?|del)|exon\s*20\s*(?:insertions?|ins)|exon\s*21\s*(?:L858R|mutations?)|exon\s*14\s*skipping(?:\s+mutations?)?)/i, null],
  // ("V600E or V600K", "V600E/K", "G12C or G12D": the variants as written, any of them)
  [/^(?:V600[EK]?|G12[CDVSR]?|T790M|L858R|C797S|G13D|Q61[A-Z]?)\b(?:\s*(?:\/|,|or|and\/or)\s*(?:V600[EKDR]|V600|G12[CDVSR]|G13D|Q61[A-Z]|[EKDR](?![A-Za-z0-9])))*(?:\s+mutations?)?/, null],
  // FLT3: internal tandem duplication or tyrosine kinase domain mutation, both mutations
  [/^(?:[-\s]?(?:ITD|TKD|D835[A-Z]?)(?:\s*(?:\/|or|and|,)\s*(?:ITD|TKD|D835[A-Z]?))?)\b(?:\s+mutations?)?/, "mutated"],
  [/^(?:mutation[-\s]?positive|mutant|mutated|mutations?|altered|alterations?|variants?|aberrations?)\b/i, "mutated"],
  [/^(?:rearrange(?:d|ments?)|fusions?|fusion[-\s]positive|translocations?|translocated)\b/i, "fusion"],
  [/^(?:amplifi(?:ed|cations?))\b/i, "amplified"],
  [/^(?:over-?expressi(?:on|ng)|over-?expressed)\b/i, "overexpressed"],
  [/^(?:negative|neg\b|-\s*negative|\(-\)|-(?![\w]))/i, "negative"],
  [/^(?:positive|pos\b|\(\+\)|\+(?![\d]))/i, "positive"],
  [/^(?:high|-H\b)/i, "high"],
  [/^(?:low)\b/i, "low"],
  [/^(?:deficien(?:t|cy))\b/i, "deficient"],
  [/^(?:proficient)\b/i, "proficient"],
  [/^(?:unknown|not\s+(?:tested|known|assessed))\b/i, "unknown"],
];
/** Status words written before the marker: "wild-type EGFR", "sensitizing EGFR mutation", "positive for ALK". */
const STATUS_BEFORE_RE = /(?:\b(wild[-\s]?type|sensiti[sz]ing|activating|known|documented|confirmed|actionable)\s+|\b(positive|negative)\s+(?:for\s+)?)$/i;

/** A protein variant right after a marker ("G12D", "p.V600E", "exon 20"), skipped before the therapy test. */
const VARIANT_FIRST_RE = /^[\s-]*(?:p\.)?(?:[A-Z]\d{1,4}(?:[A-Z]|del|ins|fs|\*)?|exon\s*\d{1,2})(?=[\s-])/;
const THERAPY_AFTER_RE = /^[\s-]*(?:TKIs?|tyrosine|inhibitors?|antibod(?:y|ies)|targeted|directed|therapy|therapies|treatment|blockade|blockers?|monoclonal|agents?|drugs?|ADC)\b/i;
const THERAPY_BEFORE_RE = /\banti[\s-]*$/i;
const SEP_RE = /^\s*(?:\/|,|or|and|and\/or|&)\s*$/i;

const LEVEL_RE = new RegExp(
  String.raw`^[^.;]{0,40}?(?<![A-Za-z])(TPS|TC|IC|CPS|tumou?r\s+proportion\s+score|combined\s+positive\s+score|expression|staining|mut/Mb|level)?\s*(?:\(\s*(?:TPS|CPS|TC)\s*\))?\s*(?:of\s+|score\s+|:\s*|is\s+)?(${OP_SRC}|=)\s*(\d+(?:\.\d+)?)\s*(%|percent|mut(?:ations)?\s*/\s*Mb|/\s*Mb)?`,
  "i",
);

const LONG_NAME_DEFS = MARKERS.filter((d) => /\\s/.test(d.src));
const LONG_NAMES_RE = new RegExp(LONG_NAME_DEFS.map((d) => `(${d.src})`).join("|"), "gi");

const MARKER_GATE_RE = /[A-Z][A-Z0-9]/;
const MARKER_WORDS_GATE = gate(["receptor", "microsatellite", "mismatch", "mutation", "p16", "her"]);

interface MarkerHit {
  def: MarkerDef;
  start: number;
  end: number;
}

const LONG_NAME_GATE = gate(["epidermal", "anaplastic", "estrogen", "oestrogen", "progesterone", "hormone", "mutation", "microsatellite", "mismatch", "epstein"]);

function findMarkers(text: string, ctx: ClinicalContext): MarkerHit[] {
  const out: MarkerHit[] = [];
  MARKER_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = MARKER_RE.exec(text)) !== null) {
    if (m[0] === "") {
      MARKER_RE.lastIndex++;
      continue;
    }
    const gi = m.findIndex((g, i) => i > 0 && g !== undefined);
    const def = MARKERS[gi - 1];
    const s = m.index;
    const e = s + m[0].length;
    // Whole words only: "ALKaline", "PRESS", "TRAS" are not markers.
    if ((s > 0 && /[A-Za-z0-9]/.test(text[s - 1])) || (e < text.length && /[A-Za-z0-9]/.test(text[e]))) continue;
    out.push({ def, start: s, end: e });
  }
  // Long lower-case names ("estrogen receptor", "microsatellite instability") in any case.
  if (hasAny(ctx, LONG_NAME_GATE) && MARKER_RE_I.test(text)) {
    const re = LONG_NAMES_RE;
    re.lastIndex = 0;
    const defs = LONG_NAME_DEFS;
    while ((m = re.exec(text)) !== null) {
      const gi = m.findIndex((g, i) => i > 0 && g !== undefined);
      const s = m.index;
      if (out.some((o) => o.start <= s && s < o.end)) continue;
      out.push({ def: defs[gi - 1], start: s, end: s + m[0].length });
    }
    out.sort((a, b) => a.start - b.start);
  }
  return out;
}

function statusAt(text: string, at: number): { status: string; end: number } | null {
  const rest = text.slice(at);
  const lead = /^[\s:-]*(?:gene\s+|status\s+|(?:is|was|are)\s+|test(?:ing)?\s+)?/i.exec(rest);
  const skip = lead ? lead[0].length : 0;
  const tail = rest.slice(skip);
  for (const [re, status] of STATUS_DEFS) {
    const m = re.exec(tail);
    if (!m) continue;
    // Variants as written, singular: "sensitizing mutations" → "sensitizing mutation".
    let value = status ?? m[0].trim().replace(/\s+/g, " ").replace(/\b(mutation|deletion|insertion|alteration)s\b/gi, "$1");
    let end = at + skip + m[0].length;
    // "mutation negative", "mutation positive", "fusion-positive": the polarity decides.
    const after = /^[\s-]*(negative|positive)\b/i.exec(text.slice(end));
    if (after && (value === "mutated" || value === "fusion" || value === "amplified")) {
      value = after[1].toLowerCase() === "negative" ? "negative" : value;
      end += after[0].length;
    }
    if (value.startsWith("-") || value === "(-)") value = "negative";
    return { status: value, end };
  }
  return null;
}

/** Biomarker constraints of one criterion text; spans are absolute (offset + index). */
export function extractBiomarkers(text: string, offset: number, ctx: ClinicalContext = buildContext(text, offset)): BiomarkerConstraint[] {
  // Every marker name has two capitals in a row, a capital and a digit, or one of these words.
  if (!MARKER_GATE_RE.test(text) && !hasAny(ctx, MARKER_WORDS_GATE)) return [];
  // ("KRAS G12D inhibitor": a drug aimed at the variant, not the variant)
  const hits = findMarkers(text, ctx).filter(
    (h) => !THERAPY_AFTER_RE.test(text.slice(h.end).replace(VARIANT_FIRST_RE, "")) && !THERAPY_BEFORE_RE.test(text.slice(Math.max(0, h.start - 6), h.start)),
  );
  const out: BiomarkerConstraint[] = [];
  // Group markers joined by "/", ",", "or", "and": "EGFR/ALK/ROS1 wild type" shares one status.
  const groups: MarkerHit[][] = [];
  for (const h of hits) {
    const last = groups[groups.length - 1];
    if (last && SEP_RE.test(text.slice(last[last.length - 1].end, h.start))) last.push(h);
    else groups.push([h]);
  }
  for (const group of groups) {
    const first = group[0];
    const lastHit = group[group.length - 1];
    const clause = clauseAt(ctx, first.start);
    // A status written right after the last marker applies to every marker of the group; a
    // marker's own status (EGFR mutation / ALK fusion) wins over the group's.
    const groupStatus = statusAt(text, lastHit.end);
    const before = STATUS_BEFORE_RE.exec(text.slice(Math.max(clause[0], first.start - 30), first.start));
    for (const h of group) {
      let status: string | undefined = h.def.implied;
      let end = h.end;
      const own = h === lastHit ? groupStatus : statusAt(text, h.end);
      if (own && (!h.def.implied || own.status === "negative" || own.status === "positive")) {
        status = own.status === "positive" && h.def.implied ? h.def.implied : own.status;
        end = own.end;
      } else if (!status && groupStatus && !own) status = groupStatus.status;
      let start = h.start;
      if (!status && before) {
        const w = (before[1] ?? before[2]).toLowerCase();
        if (/wild/.test(w)) status = "wild-type";
        else if (/sensiti|activating/.test(w)) status = `${w} mutation`;
        else if (w === "positive" || w === "negative") status = w;
        if (status && h === first) start = first.start - (before[0].length);
      }
      // A "sensitizing EGFR mutation": the mutation after the marker carries the before-word.
      if (status === "mutated" && before && /sensiti|activating/i.test(before[1] ?? "")) status = `${before[1].toLowerCase()} mutation`;
      // PD-L1 / TMB levels.
      let op: ComparisonOp | undefined;
      let value: number | undefined;
      let unit: string | undefined;
      let scale: string | undefined;
      if (h.def.marker === "PD-L1" || h.def.marker === "TMB") {
        const lv = LEVEL_RE.exec(text.slice(h.end, clause[1]));
        if (lv) {
          const o = parseOp(lv[2]);
          if (o) {
            op = o;
            value = Number(lv[3]);
            const sc = (lv[1] ?? "").toLowerCase();
            if (/tps|proportion/.test(sc) || /\bTPS\b/.test(lv[0])) scale = "TPS";
            else if (/cps|combined/.test(sc) || /\bCPS\b/.test(lv[0])) scale = "CPS";
            else if (sc === "tc") scale = "TC";
            else if (sc === "ic") scale = "IC";
            const u = (lv[4] ?? "").toLowerCase();
            if (u === "%" || u === "percent") unit = "%";
            else if (/mb/.test(u)) unit = "mut/Mb";
            end = h.end + lv[0].length;
          }
        }
      }
      if (!status && op === undefined) continue;
      if (h.def.needsAdjacentStatus && !own && op === undefined) continue;
      const c: BiomarkerConstraint = {
        type: "biomarker",
        marker: h.def.marker,
        mention: text.slice(start, end),
        mentionSpan: [offset + start, offset + end],
        // "negative for EGFR and ALK" states a status, it does not deny the marker.
        negated: negatedBefore(ctx, start) && !(status === "negative" && /negative\s+for\b[^.;:]*$/i.test(text.slice(clause[0], start))),
      };
      if (status) c.status = status;
      if (op !== undefined) {
        c.op = op;
        c.value = value;
        if (unit) c.unit = unit;
        if (scale) c.scale = scale;
      }
      out.push(c);
    }
  }
  return out;
}
