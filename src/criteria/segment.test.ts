import { test } from "node:test";
import assert from "node:assert/strict";
import { segmentCriteria } from "./segment.js";

const brief = (text: string) => segmentCriteria(text).map((s) => [s.kind, s.depth, s.parent ?? null, s.text]);

test("ClinicalTrials.gov layout: headings with colons, dash bullets, nested by indentation", () => {
  const text = [
    "Inclusion Criteria:",
    "",
    "  -  Age ≥ 18 years",
    "  -  Adequate organ function:",
    "       -  Hb ≥ 9 g/dL",
    "       -  PLT ≥ 100 × 10^9/L",
    "",
    "Exclusion Criteria:",
    "",
    "  -  Pregnancy",
  ].join("\n");
  assert.deepEqual(brief(text), [
    ["inclusion", 0, null, "Age ≥ 18 years"],
    ["inclusion", 0, null, "Adequate organ function:"],
    ["inclusion", 1, 1, "Hb ≥ 9 g/dL"],
    ["inclusion", 1, 1, "PLT ≥ 100 × 10^9/L"],
    ["exclusion", 0, null, "Pregnancy"],
  ]);
});

test("heading variants: Key inclusion criteria, Non-inclusion criteria, heading with text on the same line", () => {
  const text = "Key Inclusion Criteria\n• ECOG 0-1\nNon-inclusion criteria\n• HIV\nExclusion criteria: 1. Prior therapy";
  assert.deepEqual(brief(text), [
    ["inclusion", 0, null, "ECOG 0-1"],
    ["exclusion", 0, null, "HIV"],
    ["exclusion", 0, null, "Prior therapy"],
  ]);
});

test("no headings: every item is of unknown kind; wrapped lines are joined into their item", () => {
  const text = "* Histologically confirmed\n  adenocarcinoma of the lung\n* ECOG 0-1";
  const segs = segmentCriteria(text);
  assert.deepEqual(
    segs.map((s) => [s.kind, s.text]),
    [
      ["unknown", "Histologically confirmed\n  adenocarcinoma of the lung"],
      ["unknown", "ECOG 0-1"],
    ],
  );
  assert.equal(text.slice(segs[0].span[0], segs[0].span[1]), segs[0].text);
});

test("numbered lists: '1.', '1)', '(1)', 'a.', 'i:' and a restart under an item ending with ':'", () => {
  const text = [
    "Inclusion Criteria",
    "1. Organ function:",
    "1) Hb ≥ 90 g/L",
    "2) PLT ≥ 100×10^9/L",
    "2. Signed consent",
    "a. sub a",
    "3. Measurable disease:",
    "i: first",
    "ii: second",
    "4. Last",
  ].join("\n");
  assert.deepEqual(brief(text), [
    ["inclusion", 0, null, "Organ function:"],
    ["inclusion", 1, 0, "Hb ≥ 90 g/L"],
    ["inclusion", 1, 0, "PLT ≥ 100×10^9/L"],
    ["inclusion", 0, null, "Signed consent"],
    ["inclusion", 0, null, "sub a"],
    ["inclusion", 0, null, "Measurable disease:"],
    ["inclusion", 1, 5, "first"],
    ["inclusion", 1, 5, "second"],
    ["inclusion", 0, null, "Last"],
  ]);
});

test("numbering that restarts under an item is nested, and the outer numbering resumes", () => {
  const text = ["* Organs:", "1. Blood:", "1. Hb", "2. WBC", "2. Biochemistry:", "1. TBIL", "* Consent"].join("\n");
  assert.deepEqual(
    segmentCriteria(text).map((s) => [s.depth, s.parent ?? null, s.text]),
    [
      [0, null, "Organs:"],
      [1, 0, "Blood:"],
      [2, 1, "Hb"],
      [2, 1, "WBC"],
      [1, 0, "Biochemistry:"],
      [2, 4, "TBIL"],
      [0, null, "Consent"],
    ],
  );
});

test("paragraphs without bullets are criteria; a generic preamble is not", () => {
  const text =
    "Exclusion Criteria\n\nPatients who meet any of the following criteria should be excluded:\n\nPregnant or breastfeeding women.\n\nKnown HIV infection.";
  assert.deepEqual(brief(text), [
    ["exclusion", 0, null, "Pregnant or breastfeeding women."],
    ["exclusion", 0, null, "Known HIV infection."],
  ]);
});

test("'1.5 mg' and '18 years' at a line start are not list numbers", () => {
  const segs = segmentCriteria("Inclusion Criteria:\n- dose\n  1.5 mg/kg given weekly");
  assert.equal(segs.length, 1);
  assert.ok(segs[0].text.endsWith("1.5 mg/kg given weekly"));
});

test("empty and whitespace-only texts give no criteria", () => {
  assert.deepEqual(segmentCriteria(""), []);
  assert.deepEqual(segmentCriteria("\n \n\t\n"), []);
});

test("PDQ layout: topic titles inside an all-capitals section hold the bullets after them", () => {
  const text = [
    "PATIENT CHARACTERISTICS:",
    "",
    "Age",
    "",
    "* 18 and over",
    "",
    "Hematopoietic",
    "",
    "* WBC at least 3,000/mm^3",
    "* Platelet count at least 100,000/mm^3",
    "",
    "PRIOR CONCURRENT THERAPY:",
    "",
    "Chemotherapy",
    "",
    "* No prior chemotherapy",
  ].join("\n");
  assert.deepEqual(brief(text), [
    ["unknown", 0, null, "PATIENT CHARACTERISTICS:"],
    ["unknown", 1, 0, "Age"],
    ["unknown", 2, 1, "18 and over"],
    ["unknown", 1, 0, "Hematopoietic"],
    ["unknown", 2, 3, "WBC at least 3,000/mm^3"],
    ["unknown", 2, 3, "Platelet count at least 100,000/mm^3"],
    ["unknown", 0, null, "PRIOR CONCURRENT THERAPY:"],
    ["unknown", 1, 6, "Chemotherapy"],
    ["unknown", 2, 7, "No prior chemotherapy"],
  ]);
  // outside such a section a short line is a criterion of its own
  assert.deepEqual(brief("Inclusion Criteria:\n\nHealthy volunteers\n\n* Age 18-65"), [
    ["inclusion", 0, null, "Healthy volunteers"],
    ["inclusion", 0, null, "Age 18-65"],
  ]);
});

test("a typed line break starts a criterion; a wrapped line (its first word would not fit above) continues one", () => {
  // Lines without bullets, each a criterion: a wrapper would have kept the next word on the line.
  assert.deepEqual(brief("Exclusion Criteria:\nHeart rate < 50 bpm or > 100 bpm\nSerum sodium < 130 mmol/L\nMetastatic breast cancer"), [
    ["exclusion", 0, null, "Heart rate < 50 bpm or > 100 bpm"],
    ["exclusion", 0, null, "Serum sodium < 130 mmol/L"],
    ["exclusion", 0, null, "Metastatic breast cancer"],
  ]);
  // Hard-wrapped at 60 columns: "Fluorouracil" did not fit, and "…&" needs what follows.
  const wrapped = [
    "Inclusion Criteria:",
    "Patients with histologically confirmed colorectal cancer and",
    "Stage IV disease with peritoneal metastases only, measurable",
    "Concomitant chemotherapy with FOLFIRI, FOLFOX, Mitomycin C &",
    "Fluorouracil",
  ].join("\n");
  assert.equal(brief(wrapped).length, 1);
  // A text wrapped at 64 columns: "NSCLC" did not fit after "confirmed".
  assert.equal(
    brief("Inclusion Criteria:\nPatients must have a histologically proven adenocarcinoma of the\nlung, or squamous cell carcinoma of the lung, cytologically confirmed\nNSCLC stage IV").length,
    1,
  );
  // A short title ending in ":" heads the bullets after it, even after a long item.
  assert.deepEqual(brief("Exclusion Criteria:\nAdults:\n  -  Any drug that modifies the coagulation cascade within 48 h before sampling\nNeonates:\n  -  Risk of anemia"), [
    ["exclusion", 0, null, "Adults:"],
    ["exclusion", 1, 0, "Any drug that modifies the coagulation cascade within 48 h before sampling"],
    ["exclusion", 0, null, "Neonates:"],
    ["exclusion", 1, 2, "Risk of anemia"],
  ]);
  // Under a bullet, a line indented under the item's text is the item's.
  assert.equal(brief("  -  Patients with confirmed\n     NSCLC").length, 1);
});

test("\"3. 15 mile catchment area\": a numbered item whose text starts with a number, where it continues the list", () => {
  assert.deepEqual(brief("1. Age ≥ 18\n2. ECOG 0 or 1.\n3. 15 mile catchment area"), [
    ["unknown", 0, null, "Age ≥ 18"],
    ["unknown", 0, null, "ECOG 0 or 1."],
    ["unknown", 0, null, "15 mile catchment area"],
  ]);
  // Not after a numbered item: a line of its own, as written.
  assert.deepEqual(brief("Hemoglobin ≥ 9 g/dL.\n3. 15 mile catchment area"), [
    ["unknown", 0, null, "Hemoglobin ≥ 9 g/dL."],
    ["unknown", 0, null, "3. 15 mile catchment area"],
  ]);
});

test("lines without bullets under a group title are its children; after bulleted children such a line ends the group", () => {
  assert.deepEqual(brief("Inclusion Criteria:\nAdults:\nAged 18 to 65 years\nBMI < 30\nNeonates:\nAged 1 to 28 days"), [
    ["inclusion", 0, null, "Adults:"],
    ["inclusion", 1, 0, "Aged 18 to 65 years"],
    ["inclusion", 1, 0, "BMI < 30"],
    ["inclusion", 0, null, "Neonates:"],
    ["inclusion", 1, 3, "Aged 1 to 28 days"],
  ]);
  assert.deepEqual(brief("Patients with NSCLC:\n- Stage IV\nECOG 0-1"), [
    ["unknown", 0, null, "Patients with NSCLC:"],
    ["unknown", 1, 0, "Stage IV"],
    ["unknown", 0, null, "ECOG 0-1"],
  ]);
});

test("'o' and '○' bullets (a word processor's second level) are items, nested under their lead-in", () => {
  const text = ["Inclusion Criteria:", "* Age ≥ 18 years", "* Adequate organ function", "  o ANC ≥ 1.5 x 10^9/L", "  o Platelets ≥ 100 x 10^9/L", "Exclusion Criteria:", "○ Prior HSCT", "○ Creatinine > 2 mg/dL", "o the lower-case 'o' only: O is a letter"].join("\n");
  assert.deepEqual(brief(text), [
    ["inclusion", 0, null, "Age ≥ 18 years"],
    ["inclusion", 0, null, "Adequate organ function"],
    ["inclusion", 1, 1, "ANC ≥ 1.5 x 10^9/L"],
    ["inclusion", 1, 1, "Platelets ≥ 100 x 10^9/L"],
    ["exclusion", 0, null, "Prior HSCT"],
    ["exclusion", 0, null, "Creatinine > 2 mg/dL"],
    ["exclusion", 0, null, "the lower-case 'o' only: O is a letter"],
  ]);
  // a capital O is a letter: the line keeps it
  assert.deepEqual(brief("Exclusion:\n- Pregnancy\nO negative blood group"), [
    ["exclusion", 0, null, "Pregnancy"],
    ["exclusion", 0, null, "O negative blood group"],
  ]);
});

test("lead-in sentences head the lists after them; a bare INCLUSION / EXCLUSION line is a heading", () => {
  const text = [
    "Patients must meet all of the following criteria to be eligible:",
    "1. Age 18 years or older.",
    "2. Adequate organ function defined as:",
    "   a. ANC ≥ 1.5 x 10^9/L",
    "Patients meeting any of the following criteria will be excluded:",
    "1. Active tuberculosis.",
  ].join("\n");
  assert.deepEqual(brief(text), [
    ["inclusion", 0, null, "Age 18 years or older."],
    ["inclusion", 0, null, "Adequate organ function defined as:"],
    ["inclusion", 1, 1, "ANC ≥ 1.5 x 10^9/L"],
    ["exclusion", 0, null, "Active tuberculosis."],
  ]);
  const kinds = (t: string) => segmentCriteria(t).map((s) => `${s.kind}:${s.text}`);
  assert.deepEqual(kinds("Subjects must meet all of the following inclusion criteria:\n- A\nSubjects meeting any of the following exclusion criteria will not be enrolled:\n- B"), ["inclusion:A", "exclusion:B"]);
  assert.deepEqual(kinds("To be eligible, participants must:\n- A\nParticipants are not eligible if:\n- B"), ["inclusion:A", "exclusion:B"]);
  assert.deepEqual(kinds("Patients will be excluded if any of the following apply:\n- B"), ["exclusion:B"]);
  assert.deepEqual(kinds("INCLUSION\n- Age ≥ 18 years\nEXCLUSION\n- Prior radiotherapy"), ["inclusion:Age ≥ 18 years", "exclusion:Prior radiotherapy"]);
  // an item with a colon that names neither is an item with sub-items, not a heading
  assert.deepEqual(kinds("Inclusion Criteria:\n- Patients must have adequate organ function as follows:\n  - Hb ≥ 9 g/dL"), ["inclusion:Patients must have adequate organ function as follows:", "inclusion:Hb ≥ 9 g/dL"]);
});

test("lines without bullets indented under an item ending in ':' are its items; a lower-case line continues one", () => {
  const text = [
    "Inclusion Criteria:",
    "1. Age ≥ 18 years",
    "2. Adequate organ function defined as:",
    "   Absolute neutrophil count ≥ 1,500/μL",
    "   Platelets ≥ 100,000/μL (without transfusion",
    "   within 7 days)",
    "   Serum creatinine ≤ 1.5 × ULN",
    "3. ECOG performance status ≤ 1",
    "4. Adequate liver function:",
    "   bilirubin ≤ 1.5 × ULN",
  ].join("\n");
  assert.deepEqual(brief(text), [
    ["inclusion", 0, null, "Age ≥ 18 years"],
    ["inclusion", 0, null, "Adequate organ function defined as:"],
    ["inclusion", 1, 1, "Absolute neutrophil count ≥ 1,500/μL"],
    ["inclusion", 1, 1, "Platelets ≥ 100,000/μL (without transfusion\n   within 7 days)"],
    ["inclusion", 1, 1, "Serum creatinine ≤ 1.5 × ULN"],
    ["inclusion", 0, null, "ECOG performance status ≤ 1"],
    ["inclusion", 0, null, "Adequate liver function:\n   bilirubin ≤ 1.5 × ULN"],
  ]);
});

test("footnotes under a list ('¹ As per ASCO/CAP guidelines.', '† By echocardiogram') are no criteria", () => {
  const text = ["Exclusion Criteria:", "I. HER2-positive breast cancer¹", "II. LVEF < 50%†", "", "¹ As per ASCO/CAP guidelines.", "† By echocardiogram or MUGA scan.", "III. Pregnancy"].join("\n");
  assert.deepEqual(brief(text), [
    ["exclusion", 0, null, "HER2-positive breast cancer¹"],
    ["exclusion", 0, null, "LVEF < 50%†"],
    ["exclusion", 0, null, "Pregnancy"],
  ]);
});

test("registry headings: numbered sections, 'Participant …', full-width colon, items on the heading's line; a sentence after 'criteria' is kept", () => {
  const kinds = (t: string) => segmentCriteria(t).map((s) => `${s.kind}:${s.text}`);
  assert.deepEqual(kinds("E.3 Principal inclusion criteria\n1. Age 18\nE.4 Principal exclusion criteria\n1. Pregnant"), ["inclusion:Age 18", "exclusion:Pregnant"]);
  assert.deepEqual(kinds("Participant inclusion criteria\n1. Age ≥ 18\nParticipant exclusion criteria\n1. Pregnant"), ["inclusion:Age ≥ 18", "exclusion:Pregnant"]);
  assert.deepEqual(kinds("5.3 Inclusion Criteria\n1. Age\n5.4 Exclusion Criteria\n1. Pregnant"), ["inclusion:Age", "exclusion:Pregnant"]);
  // nothing on a heading's line is lost
  assert.deepEqual(kinds("Inclusion criteria：Aged 18-75 years\nExclusion criteria：Pregnant"), ["inclusion:Aged 18-75 years", "exclusion:Pregnant"]);
  assert.deepEqual(kinds("Inclusion criteria (1) Age 18-75 years"), ["inclusion:Age 18-75 years"]);
  assert.deepEqual(kinds("Inclusion criteria include patients with NSCLC"), ["inclusion:Inclusion criteria include patients with NSCLC"]);
  // titles and pointers after 'criteria' are the heading's
  assert.deepEqual(kinds("Inclusion Criteria for the Phase 1 part\n- A\nExclusion criteria are listed below\n- B"), ["inclusion:A", "exclusion:B"]);
  assert.deepEqual(kinds("Eligibility\n- Age ≥ 18"), ["unknown:Age ≥ 18"]);
});

test("a protocol's page header or footer copied with the criteria is no criterion, and the item it interrupts goes on", () => {
  const text = ["Exclusion Criteria:", "1. Absolute neutrophil count < 2.0 × 10 9/L.", "ABC-RA-301 Clinical Study Protocol Amendment 3 Page 27 of 95", "CONFIDENTIAL", "2. Active or latent", "tuberculosis."].join("\n");
  assert.deepEqual(brief(text), [
    ["exclusion", 0, null, "Absolute neutrophil count < 2.0 × 10 9/L."],
    ["exclusion", 0, null, "Active or latent\ntuberculosis."],
  ]);
});

test("items numbered inside a line (ChiCTR, CTRI) become items: siblings after an item numbered 1, children after a lead text", () => {
  assert.deepEqual(brief("Inclusion criteria: 1. Aged 18-75 years; 2. Histologically confirmed NSCLC; 3. ECOG 0-1;\nExclusion criteria: (1) pregnancy (2) HIV infection"), [
    ["inclusion", 0, null, "Aged 18-75 years;"],
    ["inclusion", 0, null, "Histologically confirmed NSCLC;"],
    ["inclusion", 0, null, "ECOG 0-1;"],
    ["exclusion", 0, null, "pregnancy"],
    ["exclusion", 0, null, "HIV infection"],
  ]);
  assert.deepEqual(brief("Inclusion criteria：1、Aged 18-75 years；2、Pathologically confirmed HCC；3、Child-Pugh class A"), [
    ["inclusion", 0, null, "Aged 18-75 years；"],
    ["inclusion", 0, null, "Pathologically confirmed HCC；"],
    ["inclusion", 0, null, "Child-Pugh class A"],
  ]);
  assert.deepEqual(brief("Exclusion Criteria:\n  • with any severe disease, including:1)Uncontrollable hypertension.2)Arrhythmias.3)Poor control of diabetes"), [
    ["exclusion", 0, null, "with any severe disease, including:"],
    ["exclusion", 1, 0, "Uncontrollable hypertension."],
    ["exclusion", 1, 0, "Arrhythmias."],
    ["exclusion", 1, 0, "Poor control of diabetes"],
  ]);
  // numbers out of order or alone in a sentence are text
  assert.deepEqual(brief("Exclusion:\n- Grade 2) or 3) neuropathy"), [["exclusion", 0, null, "Grade 2) or 3) neuropathy"]]);
  assert.deepEqual(brief("Inclusion:\n（1）Age ≥ 18\n（2）ECOG 0-1"), [
    ["inclusion", 0, null, "Age ≥ 18"],
    ["inclusion", 0, null, "ECOG 0-1"],
  ]);
});

test("registry fields copied with the criteria: a label alone is dropped with its value line; 'Minimum age: 65 Years' is an inclusion statement", () => {
  const text = ["Participant inclusion criteria", "1. Adults aged 18 years and over", "Lower age limit", "40 Years", "Sex", "Both", "Target number of participants", "300", "Participant exclusion criteria", "1. Current diagnosis of asthma", "Minimum age: 65 Years", "Gender: All"].join("\n");
  assert.deepEqual(brief(text), [
    ["inclusion", 0, null, "Adults aged 18 years and over"],
    ["exclusion", 0, null, "Current diagnosis of asthma"],
    ["inclusion", 0, null, "Minimum age: 65 Years"],
    ["inclusion", 0, null, "Gender: All"],
  ]);
});

test("headings written as a bullet ('-  INCLUSION CRITERIA:') or in brackets ('[Inclusion Criteria]'); a bulleted sentence about criteria is an item", () => {
  assert.deepEqual(
    brief("-  INCLUSION CRITERIA:\n  -  Age 18 or older\n-  EXCLUSION CRITERIA:\n  -  Pregnant").map((s) => [s[0], s[1], s[3]]),
    [
      ["inclusion", 0, "Age 18 or older"],
      ["exclusion", 0, "Pregnant"],
    ],
  );
  assert.deepEqual(
    brief("[Inclusion Criteria]\n1. Age 18 or older\n[Exclusion Criteria]\n1. Pregnant").map((s) => [s[0], s[3]]),
    [
      ["inclusion", "Age 18 or older"],
      ["exclusion", "Pregnant"],
    ],
  );
  assert.deepEqual(
    brief("- Inclusion criteria of the parent study are met\n- Age 18").map((s) => [s[0], s[3]]),
    [
      ["unknown", "Inclusion criteria of the parent study are met"],
      ["unknown", "Age 18"],
    ],
  );
});

test("headings in French, Spanish, Chinese and Japanese; 'non-inclusion criteria' in a lead-in is exclusion", () => {
  const kinds = (text: string) => segmentCriteria(text).map((s) => [s.kind, s.text]);
  assert.deepEqual(kinds("Critères d'inclusion / Inclusion criteria:\n- Age ≥ 18\nCritères de non-inclusion / Non-inclusion criteria:\n- Grossesse / Pregnancy"), [
    ["inclusion", "Age ≥ 18"],
    ["exclusion", "Grossesse / Pregnancy"],
  ]);
  assert.deepEqual(kinds("Criterios de inclusión:\n- Edad ≥ 18\nCriterios de exclusión:\n- Embarazo"), [
    ["inclusion", "Edad ≥ 18"],
    ["exclusion", "Embarazo"],
  ]);
  assert.deepEqual(kinds("入选标准:\n1、年龄18~65岁;\n排除标准：\n1、妊娠"), [
    ["inclusion", "年龄18~65岁;"],
    ["exclusion", "妊娠"],
  ]);
  assert.deepEqual(kinds("選択基準\n1) 20歳以上\n除外基準\n1) 妊娠中"), [
    ["inclusion", "20歳以上"],
    ["exclusion", "妊娠中"],
  ]);
  // "non-inclusion criteria" in a lead-in sentence heads an exclusion list
  assert.deepEqual(kinds("Patients presenting any of the following non-inclusion criteria:\n- Pregnancy"), [["exclusion", "Pregnancy"]]);
});

test("a wrapped line that starts with a quantity ('1.5 x' ⏎ '10^9/L', 'pressure' ⏎ '> 160 mmHg') continues its item", () => {
  const texts = (text: string) => segmentCriteria(text).map((s) => s.text);
  assert.deepEqual(texts("Inclusion Criteria:\n1. ANC of at least 1.5 x\n10^9/L.\n2. Platelet count of at least\n100,000/mm3.\n3. History of MI within\n6 months."), [
    "ANC of at least 1.5 x\n10^9/L.",
    "Platelet count of at least\n100,000/mm3.",
    "History of MI within\n6 months.",
  ]);
  assert.deepEqual(texts("Exclusion Criteria:\n1. Uncontrolled hypertension (systolic blood pressure\n> 160 mmHg).\n2. Pregnancy"), [
    "Uncontrolled hypertension (systolic blood pressure\n> 160 mmHg).",
    "Pregnancy",
  ]);
  // a typed break still separates: "…limits." ⏎ "2 weeks of …" starts nothing new only after an unfinished line
  assert.deepEqual(texts("Inclusion Criteria:\n- Age 18 years or older.\n- Hb ≥ 9 g/dL."), ["Age 18 years or older.", "Hb ≥ 9 g/dL."]);
});

test("a saved page's chrome is no criterion: controls, tab labels, lone bullets, the registry's boilerplate, study fields", () => {
  const text = [
    "Criteria",
    "Inclusion Criteria:",
    "  • Age 18 years and older",
    "  •",
    "  • Hb ≥ 9 g/dL",
    "Show more",
    "Exclusion Criteria:",
    "  • Known CNS metastases",
    "  • Other protocol-defined inclusion/exclusion criteria may apply",
    "Back to top",
    "",
    "Ages Eligible for Study:   18 Years and older   (Adult, Older Adult)",
    "Sexes Eligible for Study:   All",
  ].join("\n");
  assert.deepEqual(
    segmentCriteria(text).map((s) => [s.kind, s.text]),
    [
      ["inclusion", "Age 18 years and older"],
      ["inclusion", "Hb ≥ 9 g/dL"],
      ["exclusion", "Known CNS metastases"],
      ["inclusion", "Ages Eligible for Study:   18 Years and older   (Adult, Older Adult)"],
      ["inclusion", "Sexes Eligible for Study:   All"],
    ],
  );
});

test("an indented 'Note:' after a blank line belongs to the item above; 'Inclusion and Exclusion Criteria' over both lists is a title", () => {
  const texts = (text: string) => segmentCriteria(text).map((s) => [s.kind, s.text.replace(/\s+/g, " ")]);
  assert.deepEqual(texts("Inclusion Criteria:\n\n- Total bilirubin ≤ 1.5 × ULN\n\n  Note: Patients with Gilbert's syndrome are eligible if total bilirubin ≤ 3 × ULN.\n\n- Platelets ≥ 75 × 10^9/L"), [
    ["inclusion", "Total bilirubin ≤ 1.5 × ULN Note: Patients with Gilbert's syndrome are eligible if total bilirubin ≤ 3 × ULN."],
    ["inclusion", "Platelets ≥ 75 × 10^9/L"],
  ]);
  assert.deepEqual(texts("Inclusion and Exclusion Criteria\n\nInclusion:\n1. Age 18–55 years.\nExclusion:\n1. Positive drug screen."), [
    ["inclusion", "Age 18–55 years."],
    ["exclusion", "Positive drug screen."],
  ]);
});
