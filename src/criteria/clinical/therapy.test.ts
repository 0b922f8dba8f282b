import { test } from "node:test";
import assert from "node:assert/strict";
import { extractTherapy } from "./therapy.js";
import type { TherapyConstraint } from "../types.js";

/** Compact view: concept → constraint, for readable expectations. */
function byConcept(text: string, offset = 0): Map<string, TherapyConstraint> {
  const out = new Map<string, TherapyConstraint>();
  for (const c of extractTherapy(text, offset)) if (!out.has(c.concept!)) out.set(c.concept!, c);
  return out;
}

test("seed 000: prior anlotinib and anti-PD-1 / PD-L1 / CTLA-4 written out in full", () => {
  const t =
    "Patients who had previously received treatment with Anlotinib or anti-programmed cell death protein 1 (PD-1), programmed cell death protein 1 ligand 1 (PD-L1), or cytotoxic T-lymphocyte-associated protein 4 (CTLA-4) inhibitors other immunotherapy against .";
  const cs = extractTherapy(t, 100);
  assert.deepEqual(cs.map((c) => [c.category, c.concept]), [
    ["drug", "anlotinib"],
    ["class", "anti-pd-1"],
    ["class", "anti-pd-l1"],
    ["class", "anti-ctla-4"],
    ["class", "immunotherapy"],
  ]);
  for (const c of cs) {
    assert.equal(c.timing, "prior");
    assert.equal(c.negated, false);
    assert.equal(t.slice(c.mentionSpan[0] - 100, c.mentionSpan[1] - 100), c.mention);
  }
});

test("seed 001: progression after ≥ 2 cycles of a checkpoint inhibitor", () => {
  const m = byConcept("Disease progression following prior Immune Checkpoint Inhibitors (PD-1 or PD-L1 inhibitors) treatment for NSCLC for at least 2 consecutive treatment cycles.");
  for (const id of ["immune-checkpoint-inhibitor", "anti-pd-1", "anti-pd-l1"]) {
    const c = m.get(id);
    assert.ok(c, id);
    assert.equal(c.timing, "prior");
    assert.equal(c.minCycles, 2);
    assert.equal(c.line?.outcome, "progressed");
  }
  assert.equal(m.get("anti-pd-1")?.mention, "PD-1");
});

test("lines of therapy", () => {
  const first = byConcept("have failed for first-line chemotherapy").get("chemotherapy");
  assert.deepEqual(first?.line, { min: 1, max: 1, outcome: "failed" });
  const platinum = byConcept("Failed first-line platinum-based chemotherapy").get("platinum");
  assert.deepEqual(platinum?.line, { min: 1, max: 1, outcome: "failed" });
  assert.equal(platinum?.mention, "platinum-based chemotherapy");
  const twice = byConcept("Have failed for two times or beyond of platinum two drugs chemotherapy (except adjunctive chemotherapy").get("platinum");
  assert.deepEqual(twice?.line, { min: 2, outcome: "failed" });
  const generic = extractTherapy("At least two prior lines of systemic therapy for advanced disease", 0);
  assert.equal(generic.length, 1);
  assert.equal(generic[0].concept, "systemic-anticancer-therapy");
  assert.deepEqual(generic[0].line, { min: 2 });
  const more = byConcept("previous treatment with 2 or more lines of Chemotherapy or immunotherapy.");
  assert.deepEqual(more.get("chemotherapy")?.line?.min, 2);
  assert.deepEqual(more.get("immunotherapy")?.line?.min, 2);
  assert.deepEqual(byConcept("Completion of ≥2 previous platinum-containing regimens").get("platinum")?.line, { min: 2 });
  const atMost = byConcept("No more than 2 prior chemotherapy regimens").get("chemotherapy");
  // An upper bound alone admits none at all.
  assert.deepEqual(atMost?.line, { min: 0, max: 2 });
  assert.equal(atMost?.negated, false);
  // Ranges: the lower end is the minimum, and the span covers both ends.
  for (const [text, line] of [
    ["Received 1 to 3 prior lines of systemic therapy", { min: 1, max: 3, outcome: "received" }],
    ["1-3 prior regimens for metastatic disease", { min: 1, max: 3 }],
    ["one or two prior lines of therapy", { min: 1, max: 2 }],
    ["between 1 and 3 prior lines of therapy", { min: 1, max: 3 }],
    ["in the first or second line setting", { min: 1, max: 2 }],
    ["Received 2 prior lines of therapy", { min: 2, max: 2, outcome: "received" }],
  ] as const) {
    const c = extractTherapy(text, 0);
    assert.equal(c.length, 1, text);
    assert.deepEqual(c[0].line, line, text);
  }
  const cycles = byConcept("progressed after ≥ 2 cycles of a PD-1 inhibitor").get("anti-pd-1");
  assert.deepEqual([cycles?.minCycles, cycles?.line?.outcome, cycles?.timing], [2, "progressed", "prior"]);
  assert.deepEqual(byConcept("received second-line or later therapy").get("systemic-anticancer-therapy")?.line, { min: 2, outcome: "received" });
  // Refusal is one side of the alternative and no record shows it: no therapy constraint (a judgement one instead).
  assert.deepEqual(extractTherapy("Refuse the firs-line chemotherapy or could not tolerate chemotherapy as determined by treatment physician", 0), []);
  assert.deepEqual(extractTherapy("Patients who declined standard chemotherapy or were intolerant of it", 0), []);
  // A refusal elsewhere in the list does not reach the therapies before it.
  assert.deepEqual(extractTherapy("Previous cardiac or ipsilateral thoracic surgery, anemia, patient refusal", 0).map((c) => c.concept), ["surgery"]);
  const intolerant = byConcept("Participants must have received and progressed through or become intolerant to fluoropyrimidine, irinotecan, oxaliplatin");
  assert.deepEqual([...intolerant.keys()], ["fluoropyrimidine", "irinotecan", "oxaliplatin"]);
});

test("temporal windows attach to the therapies of their clause", () => {
  const t = "Patients who had received chemotherapy, radiation, or other experimental anticancer therapy (except Diphosphonate) within 4 weeks prior to the first dose of this study.";
  const m = byConcept(t);
  for (const id of ["chemotherapy", "radiotherapy", "systemic-anticancer-therapy"]) {
    const w = m.get(id)?.window;
    assert.ok(w, id);
    assert.equal(w.relation, "within");
    assert.equal(w.amount, 4);
    assert.equal(w.unit, "week");
    assert.equal(w.reference, "first dose of this study");
    assert.equal(w.text, "within 4 weeks prior to the first dose of this study");
    assert.equal(t.slice(w.span[0], w.span[1]), w.text);
  }
  assert.equal(m.get("bone-targeted-agent")?.exception, true);
  assert.equal(m.get("chemotherapy")?.exception, undefined);

  const since = byConcept("have a time interval ≥ 3 months between relapse and the end of the last systemic chemotherapy").get("chemotherapy");
  assert.equal(since?.window?.relation, "at-least-since");
  assert.equal(since?.window?.amount, 3);
  assert.equal(since?.window?.unit, "month");

  const surgery = byConcept("Patients who underwent major surgery within 4 weeks.").get("major-surgery");
  assert.equal(surgery?.category, "procedure");
  assert.deepEqual([surgery?.window?.relation, surgery?.window?.amount, surgery?.window?.unit], ["within", 4, "week"]);

  const vaccine = byConcept("Has received a live vaccine or attenuated vaccine within 30 days prior to trial registration.").get("live-vaccine");
  assert.deepEqual([vaccine?.window?.amount, vaccine?.window?.unit, vaccine?.window?.reference], [30, "day", "trial registration"]);

  const sixMonths = byConcept("it has been more than 6 months after the end of adjuvant and neoadjuvant chemotherapy.").get("chemotherapy");
  assert.equal(sixMonths?.window?.relation, "at-least-since");
  assert.equal(sixMonths?.window?.amount, 6);

  const cyp = extractTherapy("Received a potent CYP3A4 inhibitor (such as ketoconazole, itraconazole, erythromycin, and clarithromycin) within 7 days, or received a potent CYP3A4 inducer within 12 days prior to the study", 0);
  const inhibitor = cyp.find((c) => c.concept === "strong-cyp3a4-inhibitor");
  const inducer = cyp.find((c) => c.concept === "strong-cyp3a4-inducer");
  assert.equal(inhibitor?.window?.amount, 7);
  assert.equal(inducer?.window?.amount, 12);
  assert.deepEqual(cyp.filter((c) => c.category === "drug").map((c) => c.concept), ["ketoconazole", "itraconazole", "erythromycin", "clarithromycin"]);

  assert.equal(byConcept("major surgery within 28 days").get("major-surgery")?.window?.amount, 28);
  // "the first dose of study drug" is the reference, not another therapy.
  assert.deepEqual(extractTherapy("Receipt of live attenuated vaccine within 30 days prior to the first dose of study drug", 0).map((c) => c.concept), ["live-vaccine"]);
});

test("corticosteroid doses are prednisone-equivalent mg/d", () => {
  const m = byConcept("Has a diagnosis of immunodeficiency or is receiving chronic steroid therapy of prednisone ≥ 10 mg daily or any equivalent dose of corticosteroids.");
  assert.deepEqual(m.get("prednisone")?.dose, { op: ">=", value: 10, unit: "mg/d" });
  assert.deepEqual(m.get("corticosteroid")?.dose, { op: ">=", value: 10, unit: "mg/d" });
  assert.equal(m.get("prednisone")?.timing, "concurrent");
  const escaped = byConcept("Patients who need systemically using glucocorticoid (\\> 10mg prednisone per day) or other immunosuppressive drugs treatment in 14 days before intervention");
  assert.deepEqual(escaped.get("corticosteroid")?.dose, { op: ">", value: 10, unit: "mg/d" });
  assert.equal(escaped.get("corticosteroid")?.window?.amount, 14);
  assert.ok(escaped.has("immunosuppressant"));
  assert.deepEqual(byConcept("> 10 mg/day prednisone or equivalent").get("prednisone")?.dose, { op: ">", value: 10, unit: "mg/d" });
  assert.deepEqual(byConcept("dexamethasone > 2 mg/day").get("dexamethasone")?.dose, { op: ">", value: 13.34, unit: "mg/d" });
});

test("negation and exceptions", () => {
  const never = extractTherapy("Never receive immune-checkpoint inhibitors (anti-PD-1 monoclonal antibody or anti PD-L1 monoclonal antibody, etc) treatment.", 0);
  // The class decides; its members listed in parentheses are examples, not alternatives to the denial.
  assert.deepEqual(never.map((c) => [c.concept, c.negated]), [["immune-checkpoint-inhibitor", true]]);
  // Not a member of the class, or not denied: kept.
  assert.deepEqual(extractTherapy("No prior immune-checkpoint inhibitors (or bevacizumab)", 0).map((c) => c.concept), ["immune-checkpoint-inhibitor", "bevacizumab"]);
  assert.deepEqual(extractTherapy("Prior immune checkpoint inhibitors (PD-1 or PD-L1 inhibitors)", 0).map((c) => c.concept), ["immune-checkpoint-inhibitor", "anti-pd-1", "anti-pd-l1"]);
  const transfusion = byConcept("No blood transfusion or blood product within the past 14 days, and no correction was used with G-CSF or other hematopoietic stimulating factors.");
  assert.equal(transfusion.get("blood-transfusion")?.negated, true);
  assert.equal(transfusion.get("blood-transfusion")?.window?.amount, 14);
  assert.equal(transfusion.get("hematopoietic-growth-factor")?.negated, true);
  assert.equal(byConcept("Patients who have not treated with anti-tumor drugs").get("systemic-anticancer-therapy")?.negated, true);
  assert.equal(byConcept("chemotherapy-naive patients").get("chemotherapy")?.negated, true);
  const exc = byConcept("Have failed for two times or beyond of platinum two drugs chemotherapy (except adjunctive chemotherapy, neoadjuvant therapy and concurrent chemoradiotherapy");
  assert.equal(exc.get("platinum")?.exception, undefined);
  assert.equal(exc.get("radiotherapy")?.exception, true);
});

test("drugs, brands and codes in a list; classes named by target", () => {
  const vegfr = extractTherapy("Prior treatment with any VEGFR tyrosine kinase inhibitor(such as sunitinib, sorafenib, bevacizumab, imatinib, famitinib, apatinib, regorafenib and other drugs).", 0);
  assert.deepEqual(vegfr.map((c) => c.concept), ["vegfr-tki", "sunitinib", "sorafenib", "bevacizumab", "imatinib", "famitinib", "apatinib", "regorafenib"]);
  assert.ok(vegfr.every((c) => c.timing === "prior"));
  const codes = extractTherapy("Patients who have received attenuated live vaccine or AK-105 treatment in the 30 days before inclusion;", 0);
  assert.deepEqual(codes.map((c) => c.concept), ["live-vaccine", "penpulimab"]);
  assert.equal(codes[1].window?.amount, 30);
  const brands = extractTherapy("Prior Keytruda, Opdivo or SHR-1210", 0);
  assert.deepEqual(brands.map((c) => c.concept), ["pembrolizumab", "nivolumab", "camrelizumab"]);
  const anti = extractTherapy("have used Penpulimab or other anti-PD-1, anti-PD-L1, anti-CTLA-4 antibodies", 0);
  assert.deepEqual(anti.map((c) => c.concept), ["penpulimab", "anti-pd-1", "anti-pd-l1", "anti-ctla-4"]);
  const anticoag = extractTherapy("Patients treated with anticoagulants or vitamin K antagonists such as warfarin, heparin.", 0);
  assert.deepEqual(anticoag.map((c) => c.concept), ["anticoagulant", "vitamin-k-antagonist", "warfarin", "heparin"]);
  assert.ok(anticoag.every((c) => c.timing === "prior" || c.timing === "any"));
  const concurrent = byConcept("Concurrent use of strong inducers or inhibitors of CYP3A4/5/7 is not permitted");
  assert.equal(concurrent.get("cyp3a4-inhibitor")?.timing, "concurrent");
});

test("not therapies: biomarkers, lab tests and PCR", () => {
  assert.deepEqual(extractTherapy("EGFR/ALK/ROS1 wild type", 0), []);
  assert.deepEqual(extractTherapy("PD-L1 TPS ≥ 50%", 0), []);
  assert.deepEqual(extractTherapy("Real time polymerase chain reaction (RT-PCR) diagnosis of Sars-CoV2 infection", 0), []);
  assert.deepEqual(extractTherapy("Hemoglobin (Hb) ≥ 90 g/L, Platelet count (PLT) ≥ 75×109/L", 0), []);
});

test("conditional clauses reach from 'if' to the first comma outside parentheses", () => {
  assert.deepEqual(
    extractTherapy("If the patient received immune-checkpoint inhibitors (with or without other drugs) during radiotherapy, there should be no progression during treatment and within 6 months after treatment.", 0),
    [],
  );
  // The consequent after the comma is not conditional.
  const after = extractTherapy("If the patient had surgery, chemotherapy must have ended at least 4 weeks before", 0);
  assert.deepEqual(after.map((c) => c.concept), ["chemotherapy"]);
});

test("late recurrence after a completed course is not a failure of it", () => {
  const late = byConcept("was found with recurrence or metastasis in at least 6 months after completing chemotherapy and radiotherapy of the primary lesion");
  assert.equal(late.get("chemotherapy")?.line, undefined);
  assert.equal(late.get("chemotherapy")?.negated, false);
  assert.equal(byConcept("recurrence more than 12 months after completion of adjuvant chemotherapy").get("chemotherapy")?.line, undefined);
  // Early recurrence is a failure.
  assert.equal(byConcept("disease progression within 6 months after completion of platinum-based chemotherapy").get("platinum")?.line?.outcome, "progressed");
});

test("an upper bound on prior therapies in a permission is no requirement", () => {
  const t =
    "In radical treatment phase of locoregional nasopharyngeal carcinoma, patients received no more than 1 type of immune-checkpoint inhibitor (limited to CTLA-4/PD-1/PD-L1 monoclonal antibody, not including bi-specific antibody or penpulimab) can be included";
  assert.deepEqual(extractTherapy(t, 0), []);
  // Without the permission, the bound is kept and starts at zero.
  assert.deepEqual(byConcept("Patients who received no more than 1 type of immune-checkpoint inhibitor").get("immune-checkpoint-inhibitor")?.line, { min: 0, max: 1, outcome: "received" });
  assert.deepEqual(byConcept("No more than 2 prior chemotherapy regimens are allowed").get("chemotherapy"), undefined);
});

test("therapies a patient could have, or that describe a disease, are not therapies received", () => {
  assert.deepEqual(extractTherapy("Patient who has recurrent lesion that is suitable for operation or second-course radiotherapy", 0), []);
  assert.deepEqual(extractTherapy("the target lesion cannot benefit from radiotherapy", 0), []);
  assert.deepEqual(extractTherapy("Patients who are candidates for curative surgery", 0), []);
  // A benefit from a therapy received is about that therapy.
  assert.deepEqual(extractTherapy("Patients who derived clinical benefit from prior pembrolizumab", 0).map((c) => c.concept), ["pembrolizumab"]);
  assert.deepEqual(extractTherapy("benefit from previous chemotherapy", 0).map((c) => c.concept), ["chemotherapy"]);
  const autoimmune = extractTherapy(
    "Patient has active immune or autoimmune disease history, excluding type 1 diabetes, hypothyroidism that need hormone replacement therapy and dermatologic diseases that don't need systemic treatment (e.g. leucoderma, psoriasis and alopecia.).",
    0,
  );
  assert.deepEqual(autoimmune.map((c) => c.concept), []);
  // A need that narrows the criterion stays.
  assert.deepEqual(extractTherapy("Active autoimmune disease requiring corticosteroids within the past 2 years", 0).map((c) => c.concept), ["corticosteroid"]);
  // A patient's needs are still a therapy constraint.
  assert.equal(byConcept("Patients who require systemic corticosteroids").get("corticosteroid")?.timing, "concurrent");
  // Received therapies beside the words stay.
  assert.ok(byConcept("Patients who underwent surgery and are suitable for radiotherapy").has("surgery"));
});

test("a drug the patient did not respond to was taken: 'no response to clozapine', 'not adequately controlled with metformin'; 'CKD-EPI' is no epirubicin", () => {
  const neg = (t: string) => extractTherapy(t, 0).map((c) => `${c.negated ? "not " : ""}${c.concept}`);
  assert.deepEqual(neg("Treatment-resistant schizophrenia defined as no response to clozapine"), ["clozapine"]);
  assert.deepEqual(neg("Did not respond to methotrexate"), ["methotrexate"]);
  assert.deepEqual(neg("Type 2 diabetes not adequately controlled with metformin"), ["metformin"]);
  assert.deepEqual(neg("No benefit from prior anti-PD-1"), ["anti-pd-1"]);
  assert.deepEqual(neg("No prior treatment with pembrolizumab"), ["not pembrolizumab"]);
  assert.deepEqual(neg("eGFR ≥ 30 mL/min/1.73 m² by CKD-EPI"), []);
});

test("classes: topoisomerase I vs II, antiandrogens vs ADT vs ARPIs, BRAF/MEK/FLT3 inhibitors, calcineurin inhibitors", () => {
  const ids = (t: string) => extractTherapy(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("Prior treatment with a topoisomerase I inhibitor"), ["topoisomerase-i-inhibitor"]);
  assert.deepEqual(ids("Prior anti-androgen within 4 weeks"), ["antiandrogen"]);
  assert.deepEqual(ids("Prior androgen receptor pathway inhibitor"), ["arpi"]);
  assert.deepEqual(ids("Prior BRAF or MEK inhibitor"), ["braf-inhibitor", "mek-inhibitor"]);
  assert.deepEqual(ids("Calcineurin inhibitors within 14 days"), ["calcineurin-inhibitor"]);
});

test("the event, not the therapy; a class narrowed by 'with'; a course's duration is no washout", () => {
  const ids = (t: string) => extractTherapy(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("History of grade 4 immune-related adverse event from prior immunotherapy"), []);
  assert.deepEqual(ids("Unresolved toxicity from prior anticancer therapy (≥ grade 2)"), []);
  assert.deepEqual(ids("Prior systemic therapy with sorafenib or any other VEGFR tyrosine kinase inhibitor"), ["sorafenib", "vegfr-tki"]);
  assert.deepEqual(ids("Prior treatment with pembrolizumab"), ["pembrolizumab"]);
  const [ad] = extractTherapy("Inadequate response to at least 2 antidepressants of adequate dose and duration (≥ 6 weeks)", 0);
  assert.equal(ad.window, undefined);
  assert.deepEqual(ad.minDuration, { amount: 6, unit: "week" });
  // Taken now, for at least that long: decimals in a dose, "stable … before screening", a long regimen name, a duration before "including".
  const on = (t: string) => extractTherapy(t, 0).map((c) => [c.concept, c.timing, c.minDuration?.amount, c.minDuration?.unit]);
  assert.deepEqual(on("Receiving methotrexate 7.5–25 mg/week for ≥ 12 weeks"), [["methotrexate", "concurrent", 12, "week"]]);
  assert.deepEqual(on("Stable dose of an ACE inhibitor for ≥ 4 weeks before screening"), [["ace-inhibitor", "concurrent", 4, "week"]]);
  assert.deepEqual(on("On a stable antiretroviral regimen of 2 NRTIs plus a third agent (INSTI, NNRTI or boosted PI) for ≥ 6 months prior to screening").slice(0, 1), [["antiretroviral", "concurrent", 6, "month"]]);
  assert.deepEqual(on("On stable doses of medical therapy for at least 4 weeks, including a beta-blocker"), [["beta-blocker", "concurrent", 4, "week"]]);
  // A washout stays one.
  const [chemo] = extractTherapy("No chemotherapy for at least 4 weeks before the first dose", 0);
  assert.deepEqual([chemo.negated, chemo.window?.relation, chemo.minDuration], [true, "within", undefined]);
});

test("radiopharmaceuticals (radium-223, Pluvicto) and electroconvulsive therapy", () => {
  const ids = (t: string) => extractTherapy(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("Radium-223 within 6 months or other bone-seeking radiopharmaceutical"), ["radium-223", "radiopharmaceutical"]);
  assert.deepEqual(ids("Electroconvulsive therapy in the current episode"), ["electroconvulsive-therapy"]);
});

test("myeloma, lymphoma, dementia, arrhythmia, psoriasis and HCV classes: proteasome inhibitors, anti-CD38, CD19-directed and CAR-T, cholinesterase inhibitors, antiarrhythmics, NS5A inhibitors; 'PI' and 'IMID' are not drugs", () => {
  const ids = (t: string) => extractTherapy(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("Prior treatment with a proteasome inhibitor and an anti-CD38 antibody"), ["proteasome-inhibitor", "anti-cd38"]);
  assert.deepEqual(ids("Prior CD19-directed CAR T-cell therapy"), ["cd19-directed"]);
  assert.deepEqual(ids("Stable dose of a cholinesterase inhibitor"), ["cholinesterase-inhibitor"]);
  assert.deepEqual(ids("Amiodarone within 60 days"), ["amiodarone"]);
  assert.deepEqual(ids("Virologic failure after an NS5A inhibitor-containing regimen"), ["ns5a-inhibitor"]);
  assert.deepEqual(ids("at the discretion of the PI"), []);
  assert.deepEqual(ids("IMID such as psoriasis"), []);
});

test("more classes: CGRP antibodies and gepants, botulinum toxin, S1P modulators, MS disease-modifying therapies, endothelin receptor antagonists; FMT and lipoprotein apheresis", () => {
  const ids = (t: string) => extractTherapy(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("Prior CGRP monoclonal antibody"), ["cgrp-antagonist"]);
  assert.deepEqual(ids("Botox within 3 months"), ["onabotulinumtoxinA"]);
  assert.deepEqual(ids("Prior S1P receptor modulator"), ["s1p-modulator"]);
  assert.deepEqual(ids("Prior endothelin receptor antagonist"), ["endothelin-receptor-antagonist"]);
  assert.deepEqual(ids("FMT within 6 months"), ["fecal-microbiota-transplantation"]);
  assert.deepEqual(ids("Lipoprotein apheresis within 3 months"), ["lipoprotein-apheresis"]);
});

test("a transplant had or planned ('Kidney transplant (or planned within 12 months)') is any timing, without the plan's window", () => {
  const [t] = extractTherapy("Kidney transplant (or planned within 12 months)", 0);
  assert.deepEqual([t.concept, t.timing, t.window], ["organ-transplant", "any", undefined]);
  const [rt] = extractTherapy("Extensive radiation therapy is performed within 4 weeks", 0);
  assert.equal(rt.window?.amount, 4);
});

test("drugs the table does not list are known by their INN stems; English words with such endings are not", () => {
  const ids = (t: string) => extractTherapy(t, 0).map((c) => [c.category, c.concept]);
  assert.deepEqual(ids("Previous treatment with trabectedin or eribulin"), [
    ["drug", "trabectedin"],
    ["drug", "eribulin"],
  ]);
  assert.deepEqual(ids("Any prior use of denosumab, teriparatide, abaloparatide or romosozumab").map((x) => x[1]), ["denosumab", "teriparatide", "abaloparatide", "romosozumab"]);
  assert.deepEqual(ids("Prior treatment with sotatercept").map((x) => x[1]), ["sotatercept"]);
  assert.deepEqual(ids("We accept the concept of haemoglobin and peptide vaccines, except tubulin binders"), []);
  // A listed drug keeps its classes: ibrutinib is a BTK inhibitor.
  assert.deepEqual(ids("Prior covalent BTK inhibitor (ibrutinib or acalabrutinib)").map((x) => x[1]), ["btk-inhibitor", "ibrutinib", "acalabrutinib"]);
  // An inhaled corticosteroid is not a systemic one.
  assert.deepEqual(ids("Stable triple maintenance therapy (inhaled corticosteroid + LABA + LAMA) for at least 3 months").map((x) => x[1]), ["inhaled-corticosteroid", "laba", "lama"]);
});

test("a germ's resistance or susceptibility to drugs is no therapy, through a list; a tumour's resistance is a failed treatment; 'at least 1 but no more than 3' lines", () => {
  const ids = (t: string) => extractTherapy(t, 0).map((c) => c.concept);
  assert.deepEqual(ids("Known resistance to isoniazid, fluoroquinolones or bedaquiline"), []);
  assert.deepEqual(ids("Rifampicin-susceptible pulmonary tuberculosis"), []);
  assert.deepEqual(ids("Imatinib-resistant GIST"), ["imatinib"]);
  assert.deepEqual(ids("Prior isoniazid and rifampicin"), ["isoniazid", "rifampicin"]);
  assert.deepEqual(extractTherapy("at least 1 but no more than 3 prior systemic regimens", 0)[0].line, { min: 1, max: 3 });
});

test("a washout of days or half-lives keeps the half-lives and which of the two governs", () => {
  const w = (t: string) => extractTherapy(t, 0)[0].window;
  assert.deepEqual(w("Rituximab within 28 days or 5 half-lives, whichever is longer, before the first dose")?.halfLives, { count: 5, whichever: "longer" });
  assert.deepEqual(w("Rituximab within 14 days or 5 half-lifes (whichever is shorter) prior to randomisation")?.halfLives, { count: 5, whichever: "shorter" });
  assert.deepEqual(w("Any investigational drug within 30 days or five half-lives of the drug prior to screening")?.halfLives, { count: 5, whichever: "longer" });
  assert.equal(w("Chemotherapy within 4 weeks")?.halfLives, undefined);
});

test("a window after ', or recurrence' belongs to the alternative it starts", () => {
  const cs = extractTherapy("Disease progression on or after an anti-PD-1 antibody for advanced disease, or recurrence within 6 months of the last dose of adjuvant anti-PD-1 therapy", 0);
  assert.deepEqual(cs.map((c) => [c.concept, c.window?.amount]), [
    ["anti-pd-1", undefined],
    ["anti-pd-1", 6],
  ]);
});

test("'at least 14 days and no more than 42 days before randomisation' is one window with its near end", () => {
  const [s] = extractTherapy("Surgical resection performed at least 14 days and no more than 42 days before randomisation", 0);
  assert.deepEqual([s.window?.relation, s.window?.amount, s.window?.unit, s.window?.atLeast], ["within", 42, "day", { amount: 14, unit: "day" }]);
  const [t] = extractTherapy("Surgery at least 2 but no more than 6 weeks before enrolment", 0);
  assert.deepEqual([t.window?.amount, t.window?.unit, t.window?.atLeast], [6, "week", { amount: 2, unit: "week" }]);
});
