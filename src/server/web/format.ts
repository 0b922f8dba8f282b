/** Human labels for the registry's enum values, and small formatting helpers. */
import { html, type SafeHtml } from "./html.js";

const STATUS_LABELS: Record<string, string> = {
  ACTIVE_NOT_RECRUITING: "Active, not recruiting",
  COMPLETED: "Completed",
  ENROLLING_BY_INVITATION: "Enrolling by invitation",
  NOT_YET_RECRUITING: "Not yet recruiting",
  RECRUITING: "Recruiting",
  SUSPENDED: "Suspended",
  TERMINATED: "Terminated",
  WITHDRAWN: "Withdrawn",
  AVAILABLE: "Available",
  NO_LONGER_AVAILABLE: "No longer available",
  TEMPORARILY_NOT_AVAILABLE: "Temporarily not available",
  APPROVED_FOR_MARKETING: "Approved for marketing",
  WITHHELD: "Withheld",
  UNKNOWN: "Unknown status",
};

const PHASE_LABELS: Record<string, string> = {
  NA: "Not applicable",
  EARLY_PHASE1: "Early phase 1",
  PHASE1: "Phase 1",
  PHASE2: "Phase 2",
  PHASE3: "Phase 3",
  PHASE4: "Phase 4",
};

/** "RECRUITING" → "Recruiting"; unknown codes are title-cased rather than hidden. */
export function statusLabel(code: string | null | undefined): string {
  if (!code) return "Status not given";
  return STATUS_LABELS[code] ?? enumLabel(code);
}

export function phaseLabel(code: string): string {
  return PHASE_LABELS[code] ?? enumLabel(code);
}

/** "PHASE1","PHASE2" → "Phase 1/Phase 2". */
export function phasesLabel(codes: readonly string[] | undefined): string {
  if (!codes || codes.length === 0) return "Phase not given";
  return codes.map(phaseLabel).join(" / ");
}

/** "SINGLE_GROUP" → "Single group". */
export function enumLabel(code: string | null | undefined): string {
  if (!code) return "";
  const s = code.replace(/_/g, " ").toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Badge class per status family: recruiting (green), upcoming (blue), active (amber), closed (grey), stopped (red). */
export function statusClass(code: string | null | undefined): string {
  switch (code) {
    case "RECRUITING":
    case "AVAILABLE":
    case "ENROLLING_BY_INVITATION":
      return "badge status-open";
    case "NOT_YET_RECRUITING":
      return "badge status-soon";
    case "ACTIVE_NOT_RECRUITING":
    case "TEMPORARILY_NOT_AVAILABLE":
      return "badge status-active";
    case "SUSPENDED":
    case "TERMINATED":
    case "WITHDRAWN":
    case "WITHHELD":
      return "badge status-stopped";
    default:
      return "badge status-closed";
  }
}

export function statusBadge(code: string | null | undefined): SafeHtml {
  return html`<span class="${statusClass(code)}">${statusLabel(code)}</span>`;
}

/** Age and sex range as one phrase: "18 Years to 65 Years · all sexes". */
export function ageSexRange(minAge?: string | null, maxAge?: string | null, sex?: string | null): string {
  const age =
    minAge && maxAge ? `${minAge} to ${maxAge}` : minAge ? `${minAge} and older` : maxAge ? `up to ${maxAge}` : "any age";
  const sx = sex === "FEMALE" ? "female only" : sex === "MALE" ? "male only" : "all sexes";
  return `${age} · ${sx}`;
}

/** "2023-09-01" plus "(estimated)" when the registry says so. */
export function dateLabel(d: { date: string; type?: string } | undefined): string {
  if (!d) return "";
  return d.type === "ESTIMATED" ? `${d.date} (estimated)` : d.date;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}
