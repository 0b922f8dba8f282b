/** Readable text of a regimen: ranges of days ("days 1–14"), cycles, notes. */
import { frequencyById } from "./terms.js";
import type { ArmRegimen, DrugAdministration, RegimenPhase } from "./types.js";

/** [1,2,3,8] → "1–3, 8". */
export function dayRanges(days: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < days.length; i++) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    out.push(j > i ? `${days[i]}–${days[j]}` : String(days[i]));
    i = j;
  }
  return out.join(", ");
}

export function describeDrug(d: DrugAdministration): string {
  const parts = [d.drug];
  parts.push(d.dose !== undefined ? `${d.dose} ${d.unit === "mg/m2" ? "mg/m²" : d.unit ?? ""}`.trim() : "(no dose given)");
  if (d.route) parts.push(d.route);
  if (d.frequency) parts.push(frequencyById.get(d.frequency)?.label ?? d.frequency);
  if (d.days) parts.push(`${d.days.length > 1 ? "days" : "day"} ${dayRanges(d.days)}${d.daysInferred ? " (implied by the frequency)" : ""}`);
  if (d.inheritedFrom) parts.push(`(dosing as in ${d.inheritedFrom})`);
  return parts.join(" ");
}

export function describePhase(p: RegimenPhase): string {
  const bits = [p.name + ":"];
  if (p.cycleDays) bits.push(`${p.cycleDays}-day cycles`);
  if (p.cycles) bits.push(p.cycles.min === p.cycles.max ? `× ${p.cycles.min}` : `× ${p.cycles.min}–${p.cycles.max}`);
  if (p.until) bits.push(p.until);
  return bits.join(" ");
}

export function describeArm(a: ArmRegimen): string[] {
  const lines = [`Arm: ${a.label}${a.type ? ` (${a.type})` : ""}`];
  for (const p of a.phases) {
    lines.push(`  ${describePhase(p)}`);
    for (const d of p.drugs) lines.push(`    ${describeDrug(d)}`);
  }
  for (const n of a.notes) lines.push(`  note (${n.kind}): ${n.text}`);
  for (const t of a.texts) for (const u of t.unparsed) lines.push(`  not understood in ${t.source}: "${u.text}"`);
  return lines;
}
