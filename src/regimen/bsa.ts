/**
 * Body-surface area and per-administration doses.
 * Mosteller: BSA = sqrt(height cm × weight kg / 3600)   (N Engl J Med 1987;317:1098)
 * DuBois:    BSA = 0.007184 × weight kg^0.425 × height cm^0.725   (Arch Intern Med 1916;17:863)
 */
export type BsaFormula = "mosteller" | "dubois";

export function bodySurfaceArea(heightCm: number, weightKg: number, formula: BsaFormula = "mosteller"): number {
  if (!(heightCm > 0 && heightCm < 300)) throw new RangeError(`height ${heightCm} cm is not a plausible height (0–300 cm)`);
  if (!(weightKg > 0 && weightKg < 700)) throw new RangeError(`weight ${weightKg} kg is not a plausible weight (0–700 kg)`);
  return formula === "dubois" ? 0.007184 * weightKg ** 0.425 * heightCm ** 0.725 : Math.sqrt((heightCm * weightKg) / 3600);
}

export interface Body { heightCm?: number; weightKg?: number; formula?: BsaFormula }

export interface ComputedDose {
  /** Dose per administration in the unit's base (mg for mg/m² and mg/kg). */
  amount: number;
  unit: string;
  /** How it was computed, for the clinician to check. */
  basis: string;
}

/**
 * The dose of one administration. Flat doses pass through; mg/m² uses BSA, mg/kg weight.
 * Rounded only when the text prescribes a step (roundTo). AUC (carboplatin, Calvert
 * formula) needs renal function and is not computed here.
 */
export function computeDose(dose: number, unit: string, body: Body, roundTo?: number): ComputedDose | undefined {
  const round = (x: number) => (roundTo ? Math.round(x / roundTo) * roundTo : x);
  if (unit === "mg/m2" || unit === "g/m2") {
    if (body.heightCm === undefined || body.weightKg === undefined) return undefined;
    const bsa = bodySurfaceArea(body.heightCm, body.weightKg, body.formula);
    const base = unit === "g/m2" ? "g" : "mg";
    return { amount: round(dose * bsa), unit: base, basis: `${dose} ${unit} × BSA ${bsa.toFixed(3)} m² (${body.formula ?? "mosteller"})` };
  }
  if (unit === "mg/kg" || unit === "ug/kg") {
    if (body.weightKg === undefined) return undefined;
    const base = unit === "ug/kg" ? "ug" : "mg";
    return { amount: round(dose * body.weightKg), unit: base, basis: `${dose} ${unit} × ${body.weightKg} kg` };
  }
  if (unit === "AUC") return undefined;
  return { amount: dose, unit, basis: "flat dose" };
}
