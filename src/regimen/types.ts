/**
 * Structured regimens read from arm and intervention dosing text. Every parsed piece
 * keeps its span into the text it came from, and what could not be read is kept too.
 */
export type Span = [number, number];

export interface DrugAdministration {
  /** Normalised drug name (lower case generic where known, e.g. "anlotinib"). */
  drug: string;
  /** As written in the text. */
  mention: string;
  mentionSpan?: Span;
  dose?: number;
  /** Dose unit: "mg", "mg/m2", "mg/kg", "g", "ug", "[iU]" or "AUC". */
  unit?: string;
  doseSpan?: Span;
  /** Route id ("po", "iv", "sc", "im", …) and the words that said it ("ivgtt"). */
  route?: string;
  routeText?: string;
  /** Frequency id ("qd", "bid", "q3w", …); absent when the text does not say. */
  frequency?: string;
  /** Administrations on each dosing day (qd → 1, bid → 2). */
  perDay?: number;
  /** Days of the cycle on which the drug is given (1-based). */
  days?: number[];
  /** True when days were not written but follow from the frequency (bid over a 21-day cycle). */
  daysInferred?: boolean;
  /** Where the drug's dosing was read: the arm's description or an intervention's. */
  source: "arm" | "intervention";
  /** Dosing carried over from an earlier phase ("the dose … remain the same"). */
  inheritedFrom?: string;
  /** Rounding the text prescribes ("rounded to the nearest 150 mg"): step in the dose's base unit. */
  roundTo?: number;
}

export interface RegimenPhase {
  /** "treatment", or "induction" / "maintenance" when the text has more than one phase. */
  name: string;
  cycleDays?: number;
  /** Number of cycles: exact ({min = max}) or a range ("4-6 cycles"). */
  cycles?: { min: number; max: number };
  /** Stopping rule as written ("until PD or intolerance to drug toxicity"). */
  until?: string;
  drugs: DrugAdministration[];
}

export interface RegimenNote {
  kind: "cap" | "dose-reduction" | "timing" | "no-dosing" | "assumption";
  text: string;
  span?: Span;
  drug?: string;
  /** For caps: the duration after which a drug stops or is reconsidered. */
  duration?: { amount: number; unit: "day" | "week" | "month" | "year" };
}

export interface ArmRegimen {
  label: string;
  type?: string;
  phases: RegimenPhase[];
  notes: RegimenNote[];
  /** The texts read, each with the parts no rule understood (shown to the user). */
  texts: Array<{ source: string; text: string; unparsed: Array<{ text: string; span: Span }> }>;
}

export interface StudyRegimen {
  nctId: string;
  arms: ArmRegimen[];
}
