/** One-line human descriptions of parsed constraints, for the list beside each criterion. */
import type { ComparisonOp, Constraint } from "../../criteria/types.js";

const OP: Record<ComparisonOp, string> = { ">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "=", range: "–" };

export const CONSTRAINT_TYPE_LABELS: Record<Constraint["type"], string> = {
  numeric: "Measurement",
  prognosis: "Prognosis",
  diagnosis: "Diagnosis",
  therapy: "Therapy",
  biomarker: "Biomarker",
  demographic: "Demographic",
  judgement: "For a human",
};

/** UCUM code → reading form: "a" → years, "10*9/L" → ×10⁹/L, annotations {copies}/mL → copies/mL, {score} dropped. */
export function unitText(unit: string | undefined): string {
  if (!unit) return "";
  if (unit === "a") return " years";
  if (unit === "mo") return " months";
  if (unit === "wk") return " weeks";
  if (unit === "d") return " days";
  const sup: Record<string, string> = { "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };
  const u = unit
    .replace(/10\*(\d+)/g, (_, e: string) => `×10${e.replace(/\d/g, (d) => sup[d])}`)
    .replace(/\{([^}]*)\}/g, (_, a: string) => (/^(score|dipstick|ratio|index)$/i.test(a) ? "" : a))
    .replace(/^\/|\/$/g, "")
    .replace(/\.(?=[A-Za-z])/g, "·")
    .trim();
  return u ? ` ${u}` : "";
}

/** The words as written, tidied; the normalised id in parentheses when it says something else. */
function named(mention: string, concept: string | null | undefined): string {
  const m = mention.replace(/\s+/g, " ").trim();
  if (!concept) return m;
  const c = concept.replace(/-/g, " ");
  return m.toLowerCase() === c.toLowerCase() ? m : `${m} (${c})`;
}

const CATEGORY: Record<string, string> = { class: "drug class", procedure: "procedure", drug: "" };

/** "hemoglobin ≥ 90 g/L", "no prior anti-PD-1 (drug class), within 4 weeks", "EGFR mutated". */
export function describeConstraint(c: Constraint): string {
  switch (c.type) {
    case "numeric": {
      const name = c.variable ? c.variable.replace(/[_-]/g, " ") : c.mention;
      const rel = c.relativeTo ? ` × ${c.relativeTo}` : "";
      const value =
        c.op === "range" && c.value2 !== undefined
          ? `${c.type === "numeric" && c.outside ? "outside " : ""}${c.value}–${c.value2}${rel}${unitText(c.unit)}`
          : `${OP[c.op]} ${c.value}${rel}${unitText(c.unit)}`;
      const q = c.qualifier ? ` (${c.qualifier.text})` : "";
      return `${c.type === "numeric" && c.unless ? "unless " : ""}${name} ${value}${q}`;
    }
    case "prognosis":
      // read as the measurement it is shaped like
      return describeConstraint({ ...c, type: "numeric" });
    case "diagnosis": {
      const what = named(c.mention, c.concept);
      let s = c.negated ? `no ${what}` : what;
      if (c.aspect === "stage" && c.stage) s += `, stage ${c.stage}`;
      else if (c.aspect === "metastasis") s = `${c.negated ? "no " : ""}metastasis: ${what}${c.site && !what.toLowerCase().includes(c.site) ? ` (${c.site})` : ""}`;
      else if (c.aspect === "histology") s += " (histology)";
      if (c.status?.length) s += `, ${c.status.join(", ")}`;
      if (c.standard) s += `, per ${c.standard}`;
      if (c.minGrade !== undefined) s += `, grade ≥ ${c.minGrade}`;
      return s;
    }
    case "therapy": {
      const timing = c.timing === "prior" ? "prior " : c.timing === "concurrent" ? "concurrent " : "";
      const cat = CATEGORY[c.category] ? ` [${CATEGORY[c.category]}]` : "";
      const bits = [`${c.negated ? "no " : ""}${timing}${named(c.mention, c.concept)}${cat}`];
      if (c.window) bits.push(`${c.window.relation === "within" ? "within" : "at least"} ${c.window.amount} ${c.window.unit}${c.window.amount === 1 ? "" : "s"}`);
      if (c.line) {
        const l = c.line;
        const range = l.min !== undefined && l.max !== undefined && l.min !== l.max ? `${l.min}–${l.max}` : l.min ?? l.max;
        const line = range !== undefined ? `line ${range}` : "";
        bits.push([l.outcome, line].filter(Boolean).join(" "));
      }
      if (c.minCycles !== undefined) bits.push(`≥ ${c.minCycles} cycles`);
      if (c.dose) bits.push(`dose ${OP[c.dose.op]} ${c.dose.value} ${c.dose.unit}`);
      return bits.filter(Boolean).join(", ");
    }
    case "biomarker": {
      const level = c.op !== undefined && c.value !== undefined ? ` ${OP[c.op]} ${c.value}${c.unit ? ` ${c.unit}` : ""}` : "";
      return `${c.negated ? "not " : ""}${c.marker}${c.status ? ` ${c.status}` : ""}${level}`;
    }
    case "demographic":
      return `${c.negated ? "not " : ""}${c.aspect.replace(/-/g, " ")}${c.sex ? ` (${c.sex})` : ""}`;
    case "judgement": {
      const label = { consent: "informed consent", compliance: "compliance", "investigator-judgement": "investigator's judgement", other: "to be judged", alternative: "an alternative to be judged" }[c.aspect];
      const text = c.text.replace(/\s+/g, " ").trim();
      return c.aspect === "other" ? `${label}: ${text.length > 90 ? `${text.slice(0, 88)}…` : text}` : label;
    }
  }
}
