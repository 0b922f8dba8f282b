import { test } from "node:test";
import assert from "node:assert/strict";
import { extractDiagnosis } from "./diagnosis.js";
import type { DiagnosisConstraint } from "../types.js";

const view = (cs: DiagnosisConstraint[]) =>
  cs.map((c) => {
    const v: Record<string, unknown> = { aspect: c.aspect, concept: c.concept };
    if (c.site) v.site = c.site;
    if (c.stage) v.stage = c.stage;
    if (c.status) v.status = c.status;
    if (c.negated) v.negated = true;
    if (c.exception) v.exception = true;
    if (c.standard) v.standard = c.standard;
    return v;
  });

test("seed 000: metastatic colorectal cancer with TNM", () => {
  const t = "Histological or cytological confirmation of Metastatic Colorectal Cancer(T1-4N0-2M1).";
  const cs = extractDiagnosis(t, 7);
  assert.deepEqual(view(cs), [
    { aspect: "condition", concept: "mcrc" },
    { aspect: "stage", concept: "mcrc", stage: "T1-4N0-2M1" },
  ]);
  assert.deepEqual(cs[1].mentionSpan, [7 + t.indexOf("T1-4"), 7 + t.indexOf(")")]);
});

test("stages: ranges, extensive-stage, TNM, extent words before a condition", () => {
  assert.deepEqual(view(extractDiagnosis("Patients with stage IIIB-IV NSCLC", 0)), [
    { aspect: "stage", concept: "nsclc", stage: "IIIB-IV" },
    { aspect: "condition", concept: "nsclc" },
  ]);
  assert.deepEqual(view(extractDiagnosis("Histologically confirmed extensive-stage small cell lung cancer (ES-SCLC)", 0)), [
    { aspect: "condition", concept: "es-sclc" },
    { aspect: "stage", concept: "es-sclc", stage: "extensive-stage" },
  ]); // "(ES-SCLC)" restates the condition in the same clause: named once
  assert.deepEqual(view(extractDiagnosis("IIIB–IV lung adenocarcinoma", 0)), [
    { aspect: "stage", concept: "lung-adenocarcinoma", stage: "IIIB–IV" },
    { aspect: "histology", concept: "lung-adenocarcinoma" },
  ]);
  const tnm = view(extractDiagnosis("T1-2N0M0 nasopharyngeal carcinoma", 0));
  assert.deepEqual(tnm[0], { aspect: "stage", concept: "npc", stage: "T1-2N0M0" });
  assert.deepEqual(view(extractDiagnosis("Locoregionally advanced nasopharyngeal carcinoma patients", 0)), [
    { aspect: "stage", concept: "npc", stage: "locoregionally advanced" },
    { aspect: "condition", concept: "npc" },
  ]);
  assert.deepEqual(view(extractDiagnosis("AJCC stage III or IV melanoma", 0))[0], { aspect: "stage", concept: "melanoma", stage: "III or IV" });
  // Phase and grade are not stages; a bare roman range without a sub-stage letter is not either.
  assert.deepEqual(extractDiagnosis("Phase I-II study; grade II or above myocardial ischemia", 0).filter((c) => c.aspect === "stage"), []);
});

test("metastases: sites, distribution over 'or', status words, negation", () => {
  assert.deepEqual(view(extractDiagnosis("Has known active central nervous system (CNS) metastases and/or carcinomatous meningitis.", 0)), [
    { aspect: "metastasis", concept: null, site: "cns", status: ["known", "active"] },
    { aspect: "metastasis", concept: null, site: "leptomeningeal" },
  ]);
  const brainOrCns = view(extractDiagnosis("Patients with brain or central nervous system metastases, including leptomeningeal disease", 0));
  assert.deepEqual(brainOrCns.map((c) => c.site), ["brain", "cns", "leptomeningeal"]);
  assert.deepEqual(view(extractDiagnosis("Patients with untreated or symptomatic brain metastases; patients with treated, stable brain metastases are eligible", 0)), [
    { aspect: "metastasis", concept: null, site: "brain", status: ["untreated", "symptomatic"] },
    { aspect: "metastasis", concept: null, site: "brain", status: ["treated", "stable"] },
  ]);
  assert.deepEqual(view(extractDiagnosis("No brain metastases", 0)), [{ aspect: "metastasis", concept: null, site: "brain", negated: true }]);
  assert.deepEqual(view(extractDiagnosis("without liver or bone metastasis", 0)).map((c) => [c.site, c.negated]), [
    ["liver", true],
    ["bone", true],
  ]);
  assert.deepEqual(view(extractDiagnosis("Existed meningeal metastasis or central nerve system metastasis;", 0)).map((c) => c.site), ["leptomeningeal", "cns"]);
  assert.deepEqual(view(extractDiagnosis("Unstable spinal cord compression/brain metastases.", 0)).filter((c) => c.aspect === "metastasis").map((c) => c.site), ["brain"]);
  assert.equal(view(extractDiagnosis("metastases to the liver", 0))[0].site, "liver");
  // A threshold's condition is the numeric parser's qualifier, not a diagnosis.
  assert.deepEqual(extractDiagnosis("If liver metastasis is present,ALT and AST<5 ULN", 0), []);
  assert.deepEqual(extractDiagnosis("for patients with liver metastases: AST ≤ 5 × ULN", 0), []);
});

test("conditions and histologies, with exceptions", () => {
  assert.deepEqual(view(extractDiagnosis("Non Small cell lung cancer pathologically confirmed, with measurable nidus (RECIST 1.1)", 0)), [
    { aspect: "condition", concept: "nsclc" },
    { aspect: "measurable-disease", concept: null, standard: "RECIST 1.1" },
  ]);
  const sts = view(
    extractDiagnosis("Histologically confirmed diagnosis of un-resectable or recurrent metastatic soft tissue sarcoma, such as: leiomyosarcoma, synovial sarcoma, undifferentiated pleomorphic sarcoma, liposarcoma and other sarcomas.", 0),
  );
  assert.deepEqual(sts.filter((c) => c.aspect !== "stage").map((c) => [c.aspect, c.concept]), [
    ["condition", "soft-tissue-sarcoma"],
    ["histology", "leiomyosarcoma"],
    ["histology", "synovial-sarcoma"],
    ["histology", "ups"],
    ["histology", "liposarcoma"],
    ["condition", "sarcoma"],
  ]);
  assert.deepEqual(sts.filter((c) => c.aspect === "stage").map((c) => c.stage), ["un-resectable", "recurrent", "metastatic"]);
  const other = view(extractDiagnosis("A history of other malignancy ≤ 5 years previous with the exception of cured cervical carcinoma in situ, cutaneous basal cell carcinoma or squamous cell carcinoma of the skin.", 0));
  assert.deepEqual(other, [
    { aspect: "condition", concept: "cancer", status: ["history"] },
    { aspect: "histology", concept: "cervical-carcinoma-in-situ", exception: true },
    { aspect: "histology", concept: "skin-basal-cell-carcinoma", exception: true },
    { aspect: "histology", concept: "skin-squamous-cell-carcinoma", exception: true },
  ]);
  const comorb = view(extractDiagnosis("Patients who have an active, known or suspected autoimmune disease, including a history of being HIV positive, or a history of acquired immunodeficiency syndrome (AIDS)", 0));
  assert.deepEqual(comorb.map((c) => c.concept), ["autoimmune-disease", "hiv-infection"]);
  assert.deepEqual(comorb[0].status, ["active", "known", "suspected"]);
  const hep = view(extractDiagnosis("Uncontrolled active hepatitis after treatment (hepatitis b: HBsAg positive and HBV DNA more than 1 x 104 copy /ml; Hepatitis c: HCV RNA is positive)", 0));
  assert.deepEqual([...new Set(hep.map((c) => c.concept))], ["viral-hepatitis", "hbv-infection", "hcv-infection"]);
  assert.deepEqual(view(extractDiagnosis("Known active hepatitis B or C", 0)), [
    { aspect: "condition", concept: "hbv-infection", status: ["known", "active"] },
    { aspect: "condition", concept: "hcv-infection", status: ["known", "active"] },
  ]);
  assert.deepEqual(view(extractDiagnosis("Patients with symptomatic, untreated, or actively progressing CNS metastases", 0)), [
    { aspect: "metastasis", concept: null, site: "cns", status: ["symptomatic", "untreated", "progressing"] },
  ]);
  assert.deepEqual(view(extractDiagnosis("Interstitial lung disease or non-infectious pneumonitis", 0)).map((c) => c.concept), ["interstitial-lung-disease"]);
  assert.deepEqual(extractDiagnosis("Family history of seizure, epilepsy, brain or mental disease", 0), []);
  assert.deepEqual(view(extractDiagnosis("History of interstitial lung disease", 0)), [{ aspect: "condition", concept: "interstitial-lung-disease", status: ["history"] }]);
  assert.deepEqual(view(extractDiagnosis("Patients with hypertension history", 0)), [{ aspect: "condition", concept: "hypertension", status: ["history"] }]);
  assert.deepEqual(view(extractDiagnosis("Negative in HIV diagnostic test.", 0)), [{ aspect: "condition", concept: "hiv-infection", negated: true }]);
  assert.deepEqual(view(extractDiagnosis("patients with a positive\n   HIV test at screening are eligible", 0)).map((c) => c.concept), ["hiv-infection"]);
  // "cancer" inside a therapy name is not a diagnosis; pregnancy is demographic.
  assert.deepEqual(extractDiagnosis("other experimental anticancer therapy", 0), []);
  assert.deepEqual(extractDiagnosis("Female patients who are pregnant or breastfeeding.", 0), []);
  // Abbreviations match only as written in capitals and as whole words.
  assert.deepEqual(extractDiagnosis("hearing aids and a CT-guided biopsy", 0), []);
});

test("measurable disease and its standard", () => {
  const cases: Array<[string, string | undefined]> = [
    ["At least one measurable lesion, with diameter ≥ 10mm measured by spiral MRI/CT scan per RECIST1.1.", "RECIST 1.1"],
    ["Having at least one measurable lesion confirmed by the RECIST 1.1.", "RECIST 1.1"],
    ["measurable disease defined as at least one lesion that can be accurately measured according to RECIST version 1.1.", "RECIST 1.1"],
    ["Measurable disease per mRECIST", "mRECIST"],
    ["at least one measurable lesion per Response Evaluation Criteria in Solid Tumors v1.1", "RECIST 1.1"],
    ["Measurable disease", undefined],
  ];
  for (const [t, std] of cases) {
    const m = extractDiagnosis(t, 0).filter((c) => c.aspect === "measurable-disease");
    assert.equal(m.length, 1, t);
    assert.equal(m[0].standard, std, t);
  }
});

test("a condition named in a test or panel is not a diagnosis", () => {
  assert.deepEqual(view(extractDiagnosis("Myocardial injury, heart failure three indexes examination, electrocardiogram results are normal", 0)), []);
  assert.deepEqual(view(extractDiagnosis("Hepatitis B surface antigen test and HIV screening are required", 0)), []);
  // A stated result is about the disease.
  assert.deepEqual(view(extractDiagnosis("HIV test positive", 0)), [{ aspect: "condition", concept: "hiv-infection" }]);
  assert.deepEqual(view(extractDiagnosis("Negative in HIV diagnostic test.", 0)), [{ aspect: "condition", concept: "hiv-infection", negated: true }]);
  assert.deepEqual(view(extractDiagnosis("patients with a positive\n   HIV test at screening are eligible", 0)).map((c) => c.concept), ["hiv-infection"]);
  // Not a test: a diagnosis with a verb or preposition between.
  assert.deepEqual(view(extractDiagnosis("heart failure requiring hospital admission", 0)).map((c) => c.concept), ["heart-failure"]);
  assert.deepEqual(view(extractDiagnosis("diagnosis of Atopic Dermatitis according to SCORAD index", 0)).map((c) => c.concept), ["atopic-dermatitis"]);
  assert.deepEqual(view(extractDiagnosis("Patient with symptoms of neuropathy during the screening.", 0)).map((c) => c.concept), ["peripheral-neuropathy"]);
  assert.deepEqual(view(extractDiagnosis("had a lung cancer screening test within the last year", 0)), []);
});

test("the disease a therapy was given for is not a diagnosis", () => {
  assert.deepEqual(view(extractDiagnosis("Disease progression within 6 months after the standard therapy of locoregional advanced nasopharyngeal carcinoma", 0)), []);
  assert.deepEqual(view(extractDiagnosis("Prior treatment for hepatitis C", 0)), []);
  // A current or planned therapy still names the patient's disease.
  assert.deepEqual(view(extractDiagnosis("receiving therapy for active ulcerative colitis", 0)).map((c) => c.concept), ["ulcerative-colitis"]);
  assert.deepEqual(view(extractDiagnosis("Planning to undergo surgical resection of PDAC", 0)).map((c) => c.concept), ["pancreatic-cancer"]);
  assert.deepEqual(view(extractDiagnosis("Locoregionally advanced nasopharyngeal carcinoma", 0)).map((c) => c.aspect), ["stage", "condition"]);
});

test("exceptions reach through 'e.g.' lists", () => {
  const cs = view(extractDiagnosis("active autoimmune disease, excluding type 1 diabetes, hypothyroidism that need hormone replacement therapy and dermatologic diseases that don't need systemic treatment (e.g. leucoderma, psoriasis and alopecia.)", 0));
  assert.deepEqual(cs.filter((c) => !c.exception).map((c) => c.concept), ["autoimmune-disease"]);
  assert.ok(cs.some((c) => c.concept === "psoriasis" && c.exception));
  // "i.e." defines what the criterion is about: not exceptions.
  const ie = view(extractDiagnosis("conditions other than T1D known to affect bone health (i.e., non-compensated hypothyroidism, rheumatoid arthritis)", 0));
  assert.ok(ie.some((c) => c.concept === "rheumatoid-arthritis" && !c.exception));
});

test("a stage list keeps all its items: \"Stage IIIB, IIIC, or IV\"", () => {
  const stages = extractDiagnosis("Stage IIIB, IIIC, or IV", 0).filter((c) => c.aspect === "stage").map((c) => c.stage);
  assert.deepEqual(stages, ["IIIB, IIIC, or IV"]);
});

test("a disorder named after a drug is the disorder; a vaccine against a disease, or a scale named after it, is not the disease", async () => {
  const { extractClinicalConstraints } = await import("./index.js");
  const kinds = (t: string) => extractClinicalConstraints(t, 0).map((c) => (c.type === "diagnosis" ? `diagnosis:${c.concept}` : c.type === "therapy" ? `therapy:${c.concept}` : c.type));
  assert.deepEqual(kinds("History of opioid use disorder"), ["diagnosis:opioid-use-disorder"]);
  assert.deepEqual(kinds("opioids within 7 days"), ["therapy:opioid"]);
  assert.deepEqual(kinds("COVID-19 vaccination within 2 weeks"), []);
  assert.deepEqual(kinds("depression score of 10 or more"), []);
  assert.deepEqual(kinds("major depression"), ["diagnosis:major-depressive-disorder"]);
});

test("a modifier sharing the next condition's head noun names its own condition: 'psychotic and schizoaffective disorders'", async () => {
  const { extractClinicalConstraints } = await import("./index.js");
  const concepts = (t: string) => extractClinicalConstraints(t, 0).flatMap((c) => (c.type === "diagnosis" ? [c.concept] : []));
  assert.deepEqual(concepts("History of psychotic and schizoaffective disorders"), ["psychotic-disorder", "schizoaffective-disorder"]);
  assert.deepEqual(concepts("viral or autoimmune hepatitis"), ["viral-hepatitis", "autoimmune-hepatitis"]);
  assert.deepEqual(concepts("bacterial or fungal infection").slice(0, 1), ["bacterial-infection"]);
});

test("not the patient's diagnosis: the disease agents are for, a germ's resistance; tuberculosis by site, portal hypertension apart", async () => {
  const { extractClinicalConstraints } = await import("./index.js");
  const kinds = (t: string) => extractClinicalConstraints(t, 0).map((c) => (c.type === "diagnosis" ? `diagnosis:${c.concept}` : c.type === "therapy" ? `therapy:${c.concept}` : c.type));
  assert.deepEqual(kinds("Prior experimental biological agents for treatment of axSpA"), ["therapy:biologic-therapy"]);
  assert.deepEqual(kinds("Confirmed resistance to fluoroquinolones in DST"), []);
  assert.deepEqual(kinds("Extrapulmonary TB"), ["diagnosis:extrapulmonary-tuberculosis"]);
  assert.deepEqual(kinds("portal hypertension"), ["diagnosis:portal-hypertension"]);
});

test("a broad condition whose kind follows is no condition of its own; an event of a condition is not the condition; windows; hepatitis D, diabetic ketoacidosis", () => {
  const concepts = (t: string) => extractDiagnosis(t, 0).map((c) => c.concept);
  assert.deepEqual(concepts("Co-infection with hepatitis D virus or HIV"), ["hdv-infection", "hiv-infection"]);
  assert.ok(!concepts("Concurrent infection with HIV").includes("infection"));
  assert.deepEqual(concepts("Type 1 diabetes mellitus or history of diabetic ketoacidosis"), ["type-1-diabetes", "diabetic-ketoacidosis"]);
  assert.deepEqual(concepts("Hospitalisation for heart failure within 4 weeks"), []);
  assert.deepEqual(concepts("COPD exacerbation within 4 weeks"), []);
  assert.deepEqual(concepts("admitted with transient ischemic attack"), ["stroke"]);
  const [mi] = extractDiagnosis("Myocardial infarction or stroke within 90 days before screening", 0);
  assert.deepEqual([mi.window?.relation, mi.window?.amount, mi.window?.unit], ["within", 90, "day"]);
});

test("a modifier coordinated with a condition's first words shares the rest: 'acute or chronic pancreatitis', 'basal cell or squamous cell carcinoma of the skin', 'alcohol or substance abuse'", () => {
  const concepts = (t: string) => extractDiagnosis(t, 0).map((c) => c.concept);
  assert.deepEqual(concepts("History of acute or chronic pancreatitis"), ["acute-pancreatitis", "chronic-pancreatitis"]);
  assert.deepEqual(concepts("except adequately treated basal cell or squamous cell carcinoma of the skin"), ["skin-basal-cell-carcinoma", "skin-squamous-cell-carcinoma"]);
  assert.deepEqual(concepts("alcohol or substance abuse"), ["alcohol-use-disorder", "substance-abuse"]);
});

test("a negative test result denies the infection it tests for; a positive one names it", () => {
  const neg = (t: string) => extractDiagnosis(t, 0).map((c) => `${c.negated ? "not " : ""}${c.concept}`);
  assert.deepEqual(neg("HBsAg negative"), ["not hbv-infection"]);
  assert.deepEqual(neg("Negative HCV antibody"), ["not hcv-infection"]);
  assert.deepEqual(neg("HCV RNA undetectable at screening"), ["not hcv-infection"]);
  assert.deepEqual(neg("HBV DNA below the limit of detection"), ["not hbv-infection"]);
  assert.deepEqual(neg("HBsAg(-) and HCV-Ab(-)"), ["not hbv-infection", "not hcv-infection"]);
  assert.deepEqual(neg("Negative HBsAg and anti-HCV"), ["not hbv-infection", "not hcv-infection"]);
  assert.deepEqual(neg("Helicobacter pylori negative"), ["not h-pylori-infection"]);
  // the result's reach ends at a positive one
  assert.deepEqual(neg("Negative HBsAg and positive anti-HCV"), ["not hbv-infection", "hcv-infection"]);
  assert.deepEqual(neg("HIV positive"), ["hiv-infection"]);
  assert.deepEqual(neg("negative pregnancy test and no HIV"), ["not hiv-infection"]);
  // an abbreviation repeating the mention is the same one; a stated change of result is another
  assert.deepEqual(neg("Negative for human immunodeficiency virus (HIV)"), ["not hiv-infection"]);
  assert.deepEqual(neg("HBsAg negative, or HBsAg positive with low viral load"), ["not hbv-infection", "hbv-infection"]);
});

test("names that contain a condition: instruments ('… Scale for Schizophrenia'), ocular and intracranial hypertension; 'Type 1 or type 2 diabetes'", () => {
  const ids = (t: string) => extractDiagnosis(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("Depression as measured by the Calgary Depression Scale for Schizophrenia"), ["major-depressive-disorder"]);
  assert.deepEqual(ids("Ocular hypertension or open-angle glaucoma"), ["ocular-hypertension", "glaucoma"]);
  assert.deepEqual(ids("History of idiopathic intracranial hypertension"), ["intracranial-hypertension"]);
  assert.deepEqual(ids("Type 1 or type 2 diabetes mellitus"), ["type-1-diabetes", "type-2-diabetes"]);
  assert.deepEqual(ids("T2D not adequately controlled"), ["type-2-diabetes"]);
});

test("leukaemias and lymphomas by kind: AML, APL (an AML), CNS leukaemia, MDS, DLBCL, mantle cell lymphoma", () => {
  const ids = (t: string) => extractDiagnosis(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("Relapsed or refractory AML"), ["aml"]);
  assert.deepEqual(ids("Acute promyelocytic leukemia"), ["apl"]);
  assert.deepEqual(ids("Active CNS leukemia"), ["cns-leukemia"]);
  assert.deepEqual(ids("MDS or CML"), ["mds", "cml"]);
  assert.deepEqual(ids("MCL, DLBCL or follicular lymphoma"), ["mantle-cell-lymphoma", "dlbcl", "follicular-lymphoma"]);
});

test("seizure, retinal vein occlusion, central serous retinopathy, portal vein tumour thrombosis", () => {
  const ids = (t: string) => extractDiagnosis(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("History of seizure"), ["epilepsy"]);
  assert.deepEqual(ids("Retinal vein occlusion or central serous retinopathy"), ["retinal-vein-occlusion", "central-serous-retinopathy"]);
  assert.deepEqual(ids("Main portal vein tumour thrombosis (Vp4)"), ["portal-vein-thrombosis"]);
});

test("a severity grade before or after a condition: 'Grade ≥ 2 peripheral neuropathy', '… of grade 2 or higher', '(CTCAE grade > 2)'", () => {
  const g = (t: string) => extractDiagnosis(t, 0).map((c) => c.minGrade);
  assert.deepEqual(g("Grade ≥ 2 peripheral neuropathy"), [2]);
  assert.deepEqual(g("Peripheral neuropathy of grade 2 or higher (CTCAE v5.0)"), [2]);
  assert.deepEqual(g("Peripheral neuropathy (CTCAE grade > 2)"), [3]);
  assert.deepEqual(g("≥ grade 3 peripheral neuropathy"), [3]);
  assert.deepEqual(g("Peripheral neuropathy"), [undefined]);
});

test("'cannot be controlled' is uncontrolled; 'GAD antibodies' is no anxiety disorder; primary CNS lymphoma and plasma cell leukaemia are kinds of their own; '(≥ 18 years)' after 'Adults' is an age, not a window", () => {
  const d = (t: string) => extractDiagnosis(t, 0);
  assert.deepEqual(d("Hypertension that cannot be controlled by drugs")[0].status, ["uncontrolled"]);
  assert.deepEqual(d("positive GAD antibodies"), []);
  assert.deepEqual(d("HIV antibody positive").map((c) => c.concept), ["hiv-infection"]);
  assert.deepEqual(d("Primary CNS lymphoma").map((c) => c.concept), ["primary-cns-lymphoma"]);
  assert.deepEqual(d("Plasma cell leukemia").map((c) => c.concept), ["plasma-cell-leukemia"]);
  assert.equal(d("Adults (≥ 18 years) with histologically confirmed melanoma")[0].window, undefined);
  assert.equal(d("Stroke within 6 months")[0].window?.amount, 6);
});

test("a disease naming a treatment ('topical psoriasis treatment', 'anti-myeloma treatment') is no diagnosis; CNS lymphoma, Burkitt lymphoma and Richter's transformation are kinds of their own", () => {
  const ids = (t: string) => extractDiagnosis(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("Topical psoriasis treatment within 2 weeks"), []);
  assert.deepEqual(ids("Treatment for psoriasis"), ["psoriasis"]);
  assert.deepEqual(ids("Active central nervous system lymphoma"), ["cns-lymphoma"]);
  assert.deepEqual(ids("Richter's transformation of chronic lymphocytic leukaemia, or Burkitt lymphoma"), ["richter-transformation", "burkitt-lymphoma"]);
});

test("more conditions: angioedema, IgA nephropathy, intracranial haemorrhage (a stroke), MCI, HAP/VAP, hemiplegic migraine, spinal cord compression", () => {
  const ids = (t: string) => extractDiagnosis(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("History of angioedema"), ["angioedema"]);
  assert.deepEqual(ids("IgA nephropathy"), ["iga-nephropathy"]);
  assert.deepEqual(ids("Hemorrhagic stroke"), ["intracranial-hemorrhage"]);
  assert.deepEqual(ids("Mild cognitive impairment due to Alzheimer's disease"), ["mild-cognitive-impairment", "alzheimers-disease"]);
  assert.deepEqual(ids("HAP/VAP"), ["hospital-acquired-pneumonia"]);
  assert.deepEqual(ids("Hemiplegic migraine"), ["hemiplegic-migraine"]);
  assert.deepEqual(ids("Spinal cord compression"), ["spinal-cord-compression"]);
});

test("how long a condition has lasted, written after it, is its onset at least that long ago; denied, none within that time; a treatment's duration is not the condition's", () => {
  const w = (t: string) => {
    const c = extractDiagnosis(t, 0)[0];
    return c.window ? [c.window.relation, c.window.amount, c.window.unit, c.window.text] : undefined;
  };
  assert.deepEqual(w("Diagnosis of Crohn's disease for ≥ 3 months, confirmed by endoscopy"), ["at-least-since", 3, "month", "for ≥ 3 months"]);
  assert.deepEqual(w("Documented diagnosis of symptomatic chronic heart failure (NYHA class II-IV) for at least 3 months prior to screening"), ["at-least-since", 3, "month", "for at least 3 months"]);
  assert.deepEqual(w("History of migraine (with or without aura) for ≥ 12 months per ICHD-3"), ["at-least-since", 12, "month", "for ≥ 12 months"]);
  assert.deepEqual(w("No seizures for at least 12 months"), ["within", 12, "month", "for at least 12 months"]);
  assert.equal(w("Rheumatoid arthritis treated with methotrexate for at least 12 weeks"), undefined);
});

test("a window after a condition that belongs to something written between: a later item's treatment, what it is without, a test's time, a bracketed alternative", () => {
  const w = (t: string) => extractDiagnosis(t, 0).map((c) => [c.concept, c.window?.amount]);
  assert.deepEqual(w("Lupus nephritis, ANCA-associated vasculitis, or any kidney disease requiring immunosuppressive therapy within 6 months"), [
    ["sle", undefined],
    ["vasculitis", undefined],
  ]);
  assert.deepEqual(w("Primary progressive MS, or SPMS without relapses in the last 2 years"), [["multiple-sclerosis", undefined]]);
  assert.deepEqual(w("Diagnosis of IPF confirmed by central review of HRCT performed within 12 months"), [["ipf", undefined]]);
  // … and what stays the condition's own
  assert.deepEqual(w("Active infection requiring antibiotic treatment in the past four weeks"), [["infection", 4]]);
  assert.deepEqual(w("Active autoimmune disease requiring systemic treatment in the past 2 years"), [["autoimmune-disease", 2]]);
  assert.deepEqual(w("Any prior cancer diagnosis, without or with any treatment (e.g., medical or surgical) within prior six months"), [["cancer", 6]]);
  assert.deepEqual(w("Prior malignancy active (i.e., requiring treatment or intervention) within the previous 2 years"), [["cancer", 2]]);
});

test("'other than X' excepts X only: a bracket, an example or a relative clause after it names the rest", () => {
  const e = (t: string) => extractDiagnosis(t, 0).map((c) => [c.concept, c.exception === true]);
  assert.deepEqual(e("Clinically important pulmonary disease other than asthma (COPD, bronchiectasis, cystic fibrosis)"), [
    ["asthma", true],
    ["copd", false],
    ["bronchiectasis", false],
    ["cystic-fibrosis", false],
  ]);
  assert.deepEqual(e("Any neurological condition other than AD that may contribute to cognitive impairment (e.g. Parkinson's disease)").filter((x) => x[0] === "parkinsons-disease"), [["parkinsons-disease", false]]);
  assert.deepEqual(e("Any malignancy other than basal cell carcinoma or cervical carcinoma in situ").every((x) => x[0] === "cancer" || x[1] === true), true);
});

test("the disease a past therapy or a preventive drug was for is no diagnosis of the criterion", () => {
  const ids = (t: string) => extractDiagnosis(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("Prior chemotherapy, radiotherapy or any anti-angiogenic treatment (incl. bevacizumab) for glioma"), []);
  assert.deepEqual(ids("Use of a gepant for migraine prevention within 3 months"), []);
  assert.deepEqual(ids("Any drug for the prophylaxis of migraine"), []);
  assert.deepEqual(ids("Patients with glioma"), ["glioma"]);
  assert.deepEqual(ids("Receiving therapy for active ulcerative colitis"), ["ulcerative-colitis"]);
});

test("after 'unless', or before '… are eligible', a status says what is not meant: 'brain metastases, unless treated and stable' are untreated or unstable ones", () => {
  const st = (t: string) => extractDiagnosis(t, 0)[0].status;
  assert.deepEqual(st("Known brain metastases, unless treated and stable for at least 8 weeks"), ["known", "untreated", "unstable"]);
  assert.deepEqual(st("Brain metastases (treated, stable patients are eligible)"), ["untreated", "unstable"]);
  assert.deepEqual(st("Untreated or symptomatic brain metastases"), ["untreated", "symptomatic"]);
});
