/**
 * What the criteria engine produces: criteria with computable constraints, every one
 * carrying [start, end) spans (UTF-16 offsets) into the eligibility text it came from.
 * The matching engine, the store and the UI consume these types; change them with care.
 */
export type Span = [number, number];

export type CriterionKind = "inclusion" | "exclusion" | "unknown";

/** Comparison as written in the text, whatever the criterion's kind. */
export type ComparisonOp = ">" | ">=" | "<" | "<=" | "=" | "range";

export interface NumericConstraint {
  type: "numeric";
  /** Canonical variable id from the lab/vital table (e.g. "hemoglobin", "alt"), "age", or null when unknown. */
  variable: string | null;
  /** The words naming the measured thing, as written. */
  mention: string;
  mentionSpan: Span;
  op: ComparisonOp;
  value: number;
  valueSpan: Span;
  /** Upper bound for op "range" (value is the lower bound). */
  value2?: number;
  value2Span?: Span;
  /** UCUM unit code (e.g. "g/L", "10*9/L", "umol/L", "mL/min", "a" for years of age). */
  unit?: string;
  unitSpan?: Span;
  /** Threshold relative to the reference range: value is a multiple of ULN/LLN, or of baseline. */
  relativeTo?: "ULN" | "LLN" | "baseline";
  /** Conditions on the threshold: "if liver metastases", "men", "women", "in patients > 65 years". */
  qualifier?: Qualifier;
  /** For op "range": the value lies outside the range ("TSH outside 0.4–4.0 mIU/L"), not in it. */
  outside?: boolean;
  /**
   * A rescue after "unless" in an exclusion ("urine protein ≥ 2+, unless 24-hour urine protein < 1 g"):
   * the criterion holds when the other constraints hold and this one does not. (In an inclusion the
   * same words are an alternative, and the criterion's logic says so.)
   */
  unless?: boolean;
}

/**
 * A clinician's estimate compared with a duration: "life expectancy ≥ 3 months" — or another
 * time the lab table marks `temporal`, a gestational age ("born before 32 weeks of gestation").
 * Read by the numeric grammar and shaped like a numeric constraint, but a type of its own: the
 * comparison is about time (annotation schemes such as the LCT corpus's count such durations as
 * temporal, not as measured values), and durations elsewhere ("within 4 weeks") are windows.
 */
export interface PrognosisConstraint extends Omit<NumericConstraint, "type" | "variable" | "relativeTo"> {
  type: "prognosis";
  /** Variable id of the lab table's "prognosis" kind ("life-expectancy") or of a `temporal` variable ("gestational-age"). */
  variable: string;
}

export interface Qualifier {
  text: string;
  span: Span;
  /** Sex the threshold applies to, when sex-specific. */
  sex?: "male" | "female";
  /** Metastasis site or other condition the threshold applies to (e.g. "liver"). */
  condition?: string;
  /** The threshold applies unless the condition holds ("INR ≤ 1.5 unless on anticoagulants", "unless Gilbert's syndrome"). */
  unless?: boolean;
  /** `condition` is a drug or drug class the patient takes ("eGFR ≥ 45 for patients on metformin"), not a diagnosis. */
  medication?: boolean;
  /**
   * The threshold applies when another constraint of the criterion holds, given by its index
   * ("if urine protein ≥ 2+, 24-hour urine protein ≤ 1 g"): that constraint is a condition, not
   * a requirement, and the criterion's logic leaves it out.
   */
  when?: number;
  /** The threshold applies at these ages ("PSA between 2.5 and 10 if 50-60 years of age"); `condition` then says it in words. */
  age?: { op: ComparisonOp; value: number; value2?: number; unit: string };
}

export interface DiagnosisConstraint {
  type: "diagnosis";
  /** What is named: histology, primary site, metastasis, measurable disease… */
  aspect: "condition" | "histology" | "stage" | "metastasis" | "measurable-disease";
  /** Canonical condition id from the conditions table, or null. */
  concept: string | null;
  mention: string;
  mentionSpan: Span;
  /** Stage / TNM text ("IIIB", "T1-2N0M0", "extensive-stage"), when aspect is "stage". */
  stage?: string;
  /** For metastasis: the site ("brain", "cns", "leptomeningeal", "liver", "bone", …). */
  site?: string;
  /** Status words: "active", "untreated", "symptomatic", "stable", "treated"… */
  status?: string[];
  /** True when the text denies it ("no brain metastases", "without"). */
  negated: boolean;
  /** For measurable disease: the standard, e.g. "RECIST 1.1". */
  standard?: string;
  /** Named as an exception to the criterion ("excluding cured non-melanoma skin cancer"): it does not count. */
  exception?: boolean;
  /** When it counts: "stroke within 6 months" (onset within, or still present), "diagnosed at least 6 months ago" (onset before). */
  window?: TemporalWindow;
  /**
   * Names whom the criterion is for ("Participants with hepatitis B infection must have HBV DNA
   * < 500 IU/mL", "Patients with brain metastases are eligible if stable"): a patient without it
   * is outside the criterion — unless it is the condition the trial studies, which stays required.
   */
  subject?: boolean;
  /** The lowest severity grade that counts (CTCAE): "grade ≥ 2 peripheral neuropathy", "diarrhoea of grade 3 or higher". */
  minGrade?: number;
}

export interface TemporalWindow {
  /** The window relative to the reference event (usually first dose / enrolment). */
  relation: "within" | "at-least-since";
  amount: number;
  unit: "day" | "week" | "month" | "year";
  /** "first dose", "enrolment", "randomisation", "screening"… as written. */
  reference?: string;
  /**
   * "within 28 days or 5 half-lives, whichever is longer": the drug's half-lives are the other
   * measure of the window (longer: the window is the longer of the two; shorter: the shorter).
   */
  halfLives?: { count: number; whichever: "longer" | "shorter" };
  /** "at least 14 and no more than 42 days before randomisation": a "within" window that also ends this long before. */
  atLeast?: { amount: number; unit: "day" | "week" | "month" | "year" };
  text: string;
  span: Span;
}

export interface TherapyConstraint {
  type: "therapy";
  /** "drug" (a named agent), "class" (a drug class id), "procedure" (surgery, radiotherapy, transplant, vaccine). */
  category: "drug" | "class" | "procedure";
  /** Normalised drug name, drug class id (from the drug-class table) or procedure id. */
  concept: string | null;
  mention: string;
  mentionSpan: Span;
  /** Prior, current/concurrent, or planned use. */
  timing: "prior" | "concurrent" | "any";
  negated: boolean;
  window?: TemporalWindow;
  /** Line of therapy: "failed first-line platinum-based chemotherapy" → {line: 1, outcome: "failed"}. */
  line?: { min?: number; max?: number; outcome?: "failed" | "progressed" | "intolerant" | "received" };
  /** Minimum number of cycles or doses received ("after ≥ 2 cycles"). */
  minCycles?: number;
  /** Dose threshold, e.g. steroids > 10 mg/day prednisone equivalent (corticosteroid doses are prednisone-equivalent mg/d). */
  dose?: { op: ComparisonOp; value: number; unit: string };
  /** Named as an exception to the criterion ("except diphosphonate", "except adjuvant chemotherapy"): it does not count. */
  exception?: boolean;
  /** A surgery's or radiotherapy's body sites, when named ("prostate surgery", "radiotherapy to the chest"): procedures.json site ids. */
  sites?: string[];
  /** At least this many different drugs of the class ("more than 1 TNF antagonist": 2). */
  minDrugs?: number;
  /** Taken without a break for at least this long up to now ("on a beta-blocker at a stable dose for at least 4 weeks"). */
  minDuration?: { amount: number; unit: "day" | "week" | "month" | "year" };
  /** A rescue after "unless" ("latent tuberculosis unless treated with isoniazid"): the criterion's logic reads it as its negation. */
  unless?: boolean;
}

export interface BiomarkerConstraint {
  type: "biomarker";
  /** Gene or marker ("EGFR", "ALK", "ROS1", "PD-L1", "HER2", "MSI"). */
  marker: string;
  mention: string;
  mentionSpan: Span;
  /** "wild-type", "mutated", "positive", "negative", "amplified", "fusion", "high", "low", or a specific variant ("exon 19 deletion"). */
  status?: string;
  /** Numeric expression level, e.g. PD-L1 TPS ≥ 50 %. */
  op?: ComparisonOp;
  value?: number;
  unit?: string;
  /** Scoring scale of a numeric level: "TPS", "CPS", "TC", "IC" (PD-L1), "mut/Mb" (TMB). */
  scale?: string;
  negated: boolean;
  /** Names whom the criterion is for ("Patients whose tumours harbour an EGFR mutation must have progressed on an EGFR TKI"), as DiagnosisConstraint.subject. */
  subject?: boolean;
}

export interface DemographicConstraint {
  type: "demographic";
  aspect: "sex" | "pregnancy" | "lactation" | "contraception" | "childbearing-potential";
  /** For sex: the sex admitted. For pregnancy/lactation: true when the text names the state. */
  sex?: "male" | "female";
  mention: string;
  mentionSpan: Span;
  negated: boolean;
}

export interface JudgementConstraint {
  type: "judgement";
  /**
   * "consent", "compliance", "investigator-judgement", "other": kept for a human, never guessed.
   * "alternative": an alternative to the rest of the criterion that only a human can judge ("… or not eligible
   * for ASCT"); it is asked about, so the criterion is not failed on the rest alone.
   */
  aspect: "consent" | "compliance" | "investigator-judgement" | "other" | "alternative";
  text: string;
  span: Span;
}

export type Constraint =
  | NumericConstraint
  | PrognosisConstraint
  | DiagnosisConstraint
  | TherapyConstraint
  | BiomarkerConstraint
  | DemographicConstraint
  | JudgementConstraint;

/**
 * How the constraints of a criterion combine. Leaves are indices into `constraints`.
 * Absent logic means "all constraints must hold" (AND).
 */
export type Logic = { op: "and" | "or"; args: Array<Logic | number> };

export interface Criterion {
  kind: CriterionKind;
  /** 0 for a top-level item, 1+ for nested items. */
  depth: number;
  /** Index of the parent criterion in the same list, for nested items. */
  parent?: number;
  text: string;
  span: Span;
  constraints: Constraint[];
  logic?: Logic;
  /** Why `kind` differs from the heading the text lists the criterion under (see criteria/polarity.ts). */
  kindNote?: string;
  /** Where the criterion came from: the text, or the eligibility module's structured fields. */
  source?: "text" | "module";
}

export interface ParsedCriteria {
  parserVersion: string;
  criteria: Criterion[];
}
