/** One-line human descriptions of parsed constraints, for the list beside each criterion. */
import type { ComparisonOp, Constraint } from "../../criteria/types.js";

const OP: Record<ComparisonOp, string> = { ">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "=", range: "–" };

export const CONSTRAINT_TYPE_LABELS: Record<Constraint["type"], string> = {
  numeric: "Measurement",
  diagnosis: "Diagnosis",
  therapy: "Therapy",
  biomarker: "Biomarker",
  demographic: "Demographic",
  judgement: "For a human",
};

function unitText(unit: string | undefined): string {
  if (!unit) return "";
  if (unit === "a") return " years";
  if (unit === "10*9/L") return " ×10⁹/L";
  if (unit === "10*12/L") return " ×10¹²/L";
  return ` ${unit}`;
}

/** "Hemoglobin ≥ 90 g/L", "Prior drug: anlotinib (excluded) within 4 weeks", "EGFR mutated". */
export function describeConstraint(c: Constraint): string {
  switch (c.type) {
    case "numeric": {
      const name = c.variable ? c.variable.replace(/[_-]/g, " ") : c.mention;
      const rel = c.relativeTo ? ` × ${c.relativeTo}` : "";
      const value =
        c.op === "range" && c.value2 !== undefined
          ? `${c.value}–${c.value2}${rel}${unitText(c.unit)}`
          : `${OP[c.op]} ${c.value}${rel}${unitText(c.unit)}`;
      const q = c.qualifier ? ` (${c.qualifier.text})` : "";
      return `${name} ${value}${q}`;
    }
    case "diagnosis": {
      const what = c.concept ?? c.mention;
      const bits = [c.negated ? "no" : "", c.aspect === "condition" ? "" : c.aspect.replace("-", " "), what];
      if (c.stage) bits.push(`stage ${c.stage}`);
      if (c.site && c.site !== what) bits.push(`site: ${c.site}`);
      if (c.status?.length) bits.push(`(${c.status.join(", ")})`);
      if (c.standard) bits.push(`per ${c.standard}`);
      return bits.filter(Boolean).join(" ");
    }
    case "therapy": {
      const what = c.concept ?? c.mention;
      const timing = c.timing === "prior" ? "prior" : c.timing === "concurrent" ? "concurrent" : "";
      const bits = [c.negated ? "no" : "", timing, c.category === "class" ? "class" : c.category, what];
      if (c.window) bits.push(`${c.window.relation === "within" ? "within" : "at least"} ${c.window.amount} ${c.window.unit}${c.window.amount === 1 ? "" : "s"}`);
      if (c.line) {
        const l = c.line;
        const range = l.min !== undefined && l.max !== undefined && l.min !== l.max ? `${l.min}–${l.max}` : String(l.min ?? l.max ?? "");
        bits.push(`line ${range}${l.outcome ? ` (${l.outcome})` : ""}`.trim());
      }
      if (c.minCycles !== undefined) bits.push(`≥ ${c.minCycles} cycles`);
      if (c.dose) bits.push(`dose ${OP[c.dose.op]} ${c.dose.value} ${c.dose.unit}`);
      return bits.filter(Boolean).join(" ");
    }
    case "biomarker": {
      const level = c.op !== undefined && c.value !== undefined ? ` ${OP[c.op]} ${c.value}${c.unit ? ` ${c.unit}` : ""}` : "";
      return `${c.negated ? "not " : ""}${c.marker}${c.status ? ` ${c.status}` : ""}${level}`;
    }
    case "demographic":
      return `${c.negated ? "not " : ""}${c.aspect.replace(/-/g, " ")}${c.sex ? `: ${c.sex}` : ""}`;
    case "judgement":
      return `${c.aspect.replace(/-/g, " ")}: ${c.text}`;
  }
}
