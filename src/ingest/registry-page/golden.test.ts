/**
 * Golden tests: one per seed page in ../shared/seeds, written by reading the page. Every
 * field the page shows is expected with its exact value, and the whole record is
 * compared, so a field the page does not show must stay absent.
 *
 * Long verbatim texts (criteria, citations) are taken from the page line by line with
 * `line(prefix)`, which returns the page's own line starting with that prefix (list
 * marker removed); the structure around them (headings, bullets, nesting) is written
 * here by hand.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseRegistryPage, detectRegistryLayout } from "./index.js";

const seedDir = new URL("../../../../shared/seeds/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, seedDir), "utf8");

/** The page's line that starts (after any "•", "*", "1." or "i:" marker) with prefix. */
function lineFinder(page: string) {
  const lines = page.split("\n").map((l) => l.trim().replace(/^(?:[•*]|\d+\.|i{1,3}:)\s+/, ""));
  return (prefix: string): string => {
    // The same line may be shown twice (an intervention under its group and in the list).
    const hits = [...new Set(lines.filter((l) => l.startsWith(prefix)))];
    assert.equal(hits.length, 1, `expected one page line starting with ${JSON.stringify(prefix)}, found ${hits.length}`);
    return hits[0];
  };
}

/** The page's non-blank lines strictly between two heading lines, list markers removed. */
function itemsBetween(page: string, from: string, to: string): string[] {
  const lines = page.split("\n").map((l) => l.trim());
  const a = lines.indexOf(from);
  const b = lines.indexOf(to, a + 1);
  assert.ok(a >= 0 && b > a, `headings ${from} / ${to} in page`);
  return lines
    .slice(a + 1, b)
    .filter(Boolean)
    .map((l) => l.replace(/^[•*]\s+/, ""));
}

const bullets = (items: string[]) => items.map((i) => `* ${i}`).join("\n");

function chromeAbsent(json: string, chrome: string[]) {
  for (const c of chrome) assert.ok(!json.includes(c), `page chrome ${JSON.stringify(c)} leaked into the record`);
}

test("seed 000: ClinicalTrials.Veeva page of NCT04970914 (ALTER-C003)", () => {
  const name = "000_093a1d4c9d984e59.txt";
  const page = read(name);
  assert.equal(detectRegistryLayout(page), "ctgov-veeva");
  const { study, provenance } = parseRegistryPage(page, name);
  assert.equal(provenance.sourceKind, "registry-page");
  assert.equal(provenance.layout, "ctgov-veeva");
  assert.equal(provenance.source, name);
  assert.ok(!Number.isNaN(Date.parse(provenance.importedAt)));

  const criteria =
    "Inclusion Criteria:\n\n" +
    bullets(itemsBetween(page, "Inclusion criteria", "Exclusion criteria")) +
    "\n\nExclusion Criteria:\n\n" +
    bullets(itemsBetween(page, "Exclusion criteria", "Trial design"));
  assert.ok(criteria.includes("* Main organs function is normal. (normal main organs function as defined below: Hemoglobin (Hb) ≥ 90 g/L, Neutrophils (ANC) ≥ 1.5×109/L,"));

  assert.deepEqual(study.protocolSection, {
    identificationModule: {
      nctId: "NCT04970914",
      orgStudyIdInfo: { id: "HS-2986B" },
      briefTitle: "Anlotinib Plus Penpulimab (AK105) for Chemo-refractory Metastatic Colorectal Cancer:ALTER-C003",
      acronym: "ALTER-C003",
    },
    statusModule: { overallStatus: "UNKNOWN" },
    sponsorCollaboratorsModule: {
      leadSponsor: { name: "Chinese Academy of Medical Sciences & Peking Union Medical College", class: "OTHER" },
    },
    descriptionModule: {
      briefSummary:
        "A single-arm, open-label clinical trial, focus on the safety and efficacy of anlotinib hydrochloride in combination with Penpulimab (AK105) in patients with Chemo-refractory Metastatic Colorectal Cancer (mCRC)",
    },
    conditionsModule: { conditions: ["Colorectal Cancer"] },
    designModule: {
      studyType: "INTERVENTIONAL",
      phases: ["PHASE2"],
      designInfo: {
        allocation: "NA",
        interventionModel: "SINGLE_GROUP",
        primaryPurpose: "TREATMENT",
        maskingInfo: { masking: "NONE" },
      },
      enrollmentInfo: { count: 32, type: "ESTIMATED" },
    },
    armsInterventionsModule: {
      armGroups: [
        { label: "Anlotinib+Penpulimab", type: "EXPERIMENTAL", interventionNames: ["Drug: Penpulimab", "Drug: Anlotinib"] },
      ],
      interventions: [
        { type: "DRUG", name: "Anlotinib", armGroupLabels: ["Anlotinib+Penpulimab"] },
        { type: "DRUG", name: "Penpulimab", armGroupLabels: ["Anlotinib+Penpulimab"] },
      ],
    },
    eligibilityModule: {
      eligibilityCriteria: criteria,
      sex: "ALL",
      minimumAge: "18 Years",
      healthyVolunteers: false,
    },
    contactsLocationsModule: { centralContacts: [{ name: "Jianfeng Zhou" }] },
  });
  assert.equal(study.derivedSection, undefined);
  chromeAbsent(JSON.stringify(study), ["Menu", "Loading...", "Veeva", "logo", "Data sourced", "Copyright", "Find clinical trials"]);
});

test("seed 001: MedPath page of NCT05460481", () => {
  const name = "001_8da2837fc106f71e.txt";
  const page = read(name);
  assert.equal(detectRegistryLayout(page), "medpath");
  const { study, provenance } = parseRegistryPage(page, name);
  assert.equal(provenance.layout, "medpath");
  const line = lineFinder(page);

  const criteria =
    "Inclusion Criteria:\n\n" +
    bullets(itemsBetween(page, "Inclusion Criteria", "Exclusion Criteria")) +
    "\n\nExclusion Criteria:\n\n" +
    bullets(itemsBetween(page, "Exclusion Criteria", "Study & Design"));
  const recist = (what: string) => `${what} per Response Evaluation Criteria in Solid Tumors Version 1.1 (RECIST 1.1).`;

  assert.deepEqual(study.protocolSection, {
    identificationModule: {
      nctId: "NCT05460481",
      briefTitle: "Anlotinib Plus Penpulimab in Advanced Non-Small-Cell Lung Cancer Previously Treated With PD-1/PD-L1 Inhibitors",
    },
    statusModule: { overallStatus: "RECRUITING" },
    sponsorCollaboratorsModule: { leadSponsor: { name: "Hunan Cancer Hospital" } },
    descriptionModule: {
      briefSummary: line("Anlotinib is a multi-target receptor tyrosine kinase inhibitor in domestic"),
      detailedDescription:
        "This is a multicenter, single-arm, explorative clinical trial conducted in China to investigate the efficacy and safety of anlotinib plus docetaxel in advanced NSCLC patients (pts) who have progressed following prior PD-1 or PD-L1 Inhibitors treatment.",
    },
    conditionsModule: { conditions: ["Non Small Cell Lung Cancer"] },
    designModule: {
      studyType: "INTERVENTIONAL",
      phases: ["PHASE2"],
      designInfo: { interventionModel: "SINGLE_GROUP" },
      enrollmentInfo: { count: 29 },
    },
    armsInterventionsModule: {
      armGroups: [
        {
          label: "Anlotinib Plus Penpulimab",
          type: "EXPERIMENTAL",
          description: "Anlotinib (10mg qd po d1-14, 21 days per cycle) and Penpulimab (200mg ivgtt d1)",
          interventionNames: ["Anlotinib Plus Penpulimab"],
        },
      ],
      interventions: [{ name: "Anlotinib Plus Penpulimab", armGroupLabels: ["Anlotinib Plus Penpulimab"] }],
    },
    outcomesModule: {
      primaryOutcomes: [
        { measure: "Objective Response Rate (ORR)", timeFrame: "up to approximately 24 months", description: recist("Objective Response Rate") },
      ],
      secondaryOutcomes: [
        { measure: "Progress free survival (PFS)", timeFrame: "up to approximately 24 months", description: recist("Progress free survival") },
        { measure: "Overall Survival (OS)", timeFrame: "up to approximately 24 months", description: recist("Overall Survival") },
        { measure: "Disease Control Rate (DCR)", timeFrame: "up to approximately 24 months", description: recist("Disease Control Rate") },
        {
          measure: "Safety",
          timeFrame: "From the first assignment of informed consent form up to 21 days after the last dose",
          description: "Safety as measured by the rate of AEs, SAEs and laboratory abnormalities",
        },
      ],
    },
    eligibilityModule: { eligibilityCriteria: criteria, sex: "ALL" },
    contactsLocationsModule: {
      locations: [{ facility: "Hunan Cancer hospital", city: "Changsha", state: "Hunan", country: "China" }],
    },
  });
  chromeAbsent(JSON.stringify(study), ["MedPath", "🇨🇳", "NameTimeMethod", "GroupInterventionDescription", "Copyright"]);
});

test("seed 002: ClinicalTrials.gov mirror page (unlabelled variant) of NCT05001971", () => {
  const name = "002_2a19d0d006134290.txt";
  const page = read(name);
  assert.equal(detectRegistryLayout(page), "ctgov-mirror");
  const { study, provenance } = parseRegistryPage(page, name);
  assert.equal(provenance.layout, "ctgov-mirror");

  const exclusion = itemsBetween(page, "Exclusion Criteria", "18 Years");
  assert.ok(exclusion.includes("abnormal coagulation (INR \\> 1.5 or prothrombin time (PT) \\> ULN + 4 seconds or APTT ULN \\> 1.5), with bleeding tendency or be treated with thrombolysis and anticoagulation"));
  const criteria =
    "Inclusion Criteria:\n\n" +
    bullets(itemsBetween(page, "Inclusion Criteria", "Exclusion Criteria")) +
    "\n\nExclusion Criteria:\n\n" +
    bullets(exclusion);
  const dosing =
    "Anlotinib: 10mg orally daily on day 1 to 14 of a 21-day cycle. Penpulimab: 200mg by intravenous drip on day 1 of a 21-day cycle.";

  assert.deepEqual(study.protocolSection, {
    identificationModule: {
      nctId: "NCT05001971",
      orgStudyIdInfo: { id: "ALTER-L041" },
      briefTitle:
        "Anlotinib Plus Penpulimab as Second-line Treatment for Patients With Small Cell Lung Cancer After Failure of Platinum-based Chemotherapy",
    },
    statusModule: {
      overallStatus: "COMPLETED",
      startDateStruct: { date: "2021-01-30" },
      completionDateStruct: { date: "2025-04-15" },
      lastUpdatePostDateStruct: { date: "2026-01-15" },
    },
    sponsorCollaboratorsModule: {
      // The page lists three sponsors without saying which one leads: kept in page order.
      listedSponsors: [
        { name: "Fuzhou Pulmonary Hospital of Fujian", class: "OTHER" },
        { name: "Chia Tai Tianqing Pharmaceutical Group Co., Ltd.", class: "INDUSTRY" },
        { name: "Hunan Cancer Hospital", class: "OTHER" },
      ],
    },
    descriptionModule: { detailedDescription: `Eligible patients will receive Anlotinib plus Penpulimab:\n${dosing}` },
    designModule: {
      studyType: "INTERVENTIONAL",
      phases: ["PHASE2"],
      designInfo: {
        allocation: "NA",
        interventionModel: "SINGLE_GROUP",
        primaryPurpose: "TREATMENT",
        maskingInfo: { masking: "NONE" },
      },
      enrollmentInfo: { count: 65 },
    },
    armsInterventionsModule: {
      armGroups: [
        {
          label: "Anlotinib Plus Penpulimab",
          description: "Anlotinib (10mg qd po d1-14, 21 days per cycle) and Penpulimab (200mg ivgtt d1)",
          interventionNames: ["Anlotinib Plus Penpulimab"],
        },
      ],
      interventions: [{ name: "Anlotinib Plus Penpulimab", description: dosing, armGroupLabels: ["Anlotinib Plus Penpulimab"] }],
    },
    eligibilityModule: {
      eligibilityCriteria: criteria,
      minimumAge: "18 Years",
      maximumAge: "75 Years",
      sex: "ALL",
      healthyVolunteers: false,
    },
    contactsLocationsModule: {
      overallOfficials: [{ name: "Nong Yang, PhD", role: "PRINCIPAL_INVESTIGATOR", affiliation: "Hunan Cancer Hospital" }],
      locations: [{ facility: "Nong Yang", city: "Changsha", state: "Hunan", country: "China" }],
    },
    referencesModule: {
      seeAlsoLinks: [
        {
          label: "Anlotinib Combined With Docetaxel for Advanced Non-Small Cell Lung Cancer(ALTER-L034)",
          url: "https://clinicaltrials.gov/study/NCT03735264",
        },
        {
          label: "Anlotinib Hydrochloride Combined With AP in Stage IIIB/IIIC/IV Non-squamous Non-small-cell Lung Cancer",
          url: "https://clinicaltrials.gov/study/NCT04012619",
        },
        {
          label: "Penpulimab Combined With Anlotinib in Neoadjuvant Treatment of Resectable Non-small Cell Lung Cancer",
          url: "https://clinicaltrials.gov/study/NCT05387109",
        },
        {
          label: "Study of Anlotinib as the Maintenance Therapy for Extensive-stage Small Cell Lung Cancer",
          url: "https://clinicaltrials.gov/study/NCT03781869",
        },
        { label: "Anlotinib in Treatment of Recurrent Small Cell Lung Cancer", url: "https://clinicaltrials.gov/study/NCT03732846" },
      ],
    },
  });
  assert.equal(study.hasResults, false);
  chromeAbsent(JSON.stringify(study), ["Get a concise snapshot", "Review the sponsor-provided", "Explore similar", "Identifier Source", "Check back later"]);
});

test("seed 003: ClinicalTrials.gov mirror page (labelled variant) of NCT05807880", () => {
  const name = "003_8f970ab34bf76094.txt";
  const page = read(name);
  assert.equal(detectRegistryLayout(page), "ctgov-mirror");
  const { study } = parseRegistryPage(page, name);
  const line = lineFinder(page);

  // The page's nesting: "i:"/"ii:" under the fourth item; "1." lists restarting at 1
  // under "The major organs' function…" and under each of its first two sub-items.
  const criteria = [
    "Inclusion Criteria:",
    "",
    "* Between 18 to 65 years old.",
    "* ECOG PS score 0-1 point.",
    "* Having at least one measurable lesion confirmed by the RECIST 1.1.",
    `* ${line("Locoregionally advanced nasopharyngeal carcinoma patients")}`,
    `  * ${line("If the patient received immune-checkpoint inhibitors (with or without other drugs) during induction")}`,
    `  * ${line("If the patient received immune-checkpoint inhibitors (with or without other drugs) during radiotherapy")}`,
    "* According to the researchers' judgement, the target lesion cannot benefit from radiotherapy.",
    "* The major organs' function is normal, and meets following criteria 7 days before intervention:",
    `  * ${line("Blood routine should meet")}`,
    "    * Hemoglobin (HB) ≥ 90g/L;",
    "    * White blood cell (WBC) ≥ 4\\*109/L;",
    "    * Blood platelet (PLT): 100\\_109/L;",
    "  * Biochemistry examination should meet:",
    "    * Total bilirubin (TBIL) ≤ 1.5\\*upper limit of normal (ULN);",
    "    * Alanine transaminase (ALT) and aspartate transaminase (AST) ≤ 2.5\\*ULN;",
    "    * Serum creatinine (Cr) ≤ 1.5×ULN and creatinine clearance (CCr) ≥ 60ml/min;",
    "  * Coagulation function: INR and APTT ≤ 1.5\\*ULN;",
    `  * ${line("Myocardial injury, heart failure three indexes")}`,
    `  * ${line("Thyroid gland function")}`,
    `* ${line("Fertile women must already used")}`,
    "* Patient has signed the informed consent and has good compliance.",
    // The page shows these under "Inclusion Criteria" (before the "Exclusion Criteria"
    // heading); the importer keeps the page's structure rather than guess.
    `* ${line("Patient who has been diagnosed with other malignant carcinoma")}`,
    "* Existed meningeal metastasis or central nerve system metastasis;",
    `* ${line("HIV positive, TP positive")}`,
    "* Patients who have participated in other anti-tumor drug-related clinical trial in the 4 weeks before inclusion;",
    "* Patients who have received attenuated live vaccine or AK-105 treatment in the 30 days before inclusion;",
    "* Patients who had severe hypersensitivity history to other monoclonal antibody;",
    "* Patients who had great difficulty for oral drugs, e.g. cannot swallow, chronic diarrhea and bowel congestion, etc.",
    "* Patients with mental drug abuse history and cannot withdrawal or mental disorder;",
    `* ${line("There are conditions that, in the investigator's judgment")}`,
    "",
    "Exclusion Criteria:",
    "",
    "Patients who meet any of the following criteria should be excluded:",
    "",
    bullets(itemsBetween(page, "Patients who meet any of the following criteria should be excluded:", "Minimum Eligible Age")),
  ].join("\n");
  assert.ok(criteria.includes("* Patients who need systemically using glucocorticoid (\\> 10mg prednisone per day)"));

  const armDescription =
    `${line("First, patients will receive the combination treatment")}\n\n` +
    "Note: After using the penpulimab for 2 years, it is dependent on the researcher's judgement of the benefit evaluation whether to continue using it.";
  const ivName = "The combination treatment of anlotinib, penpulimab and capecitabine.";
  const ivDescription = line("Patients will receive the combination treatment of anlotinib, penpulimab and capecitabine every three weeks until PD");
  const ref = (citationStart: string, pmid?: string) => ({
    citation: line(citationStart),
    type: "BACKGROUND",
    ...(pmid ? { pmid } : {}),
  });

  assert.deepEqual(study.protocolSection, {
    identificationModule: {
      nctId: "NCT05807880",
      orgStudyIdInfo: { id: "ALTER-HN005" },
      briefTitle: "Anlotinib, Penpulimab and Capecitabine in Recurrent/Metastatic Nasopharyngeal Carcinoma",
    },
    statusModule: {
      overallStatus: "ACTIVE_NOT_RECRUITING",
      startDateStruct: { date: "2023-09-01" },
      completionDateStruct: { date: "2026-07-01" },
      lastUpdatePostDateStruct: { date: "2026-01-23" },
    },
    sponsorCollaboratorsModule: {
      leadSponsor: { name: "Sun Yat-sen University", class: "OTHER" },
      collaborators: [{ name: "Chia Tai Tianqing Pharmaceutical Group Co., Ltd.", class: "INDUSTRY" }],
      responsibleParty: { type: "PRINCIPAL_INVESTIGATOR", investigatorFullName: "Jun Ma, MD", investigatorTitle: "Professor" },
    },
    descriptionModule: {
      briefSummary:
        "First-diagnosed metastasis or recurrence/metastasis NPC Patients will be treated with anlotinib, penpulimab and capecitabine.",
      detailedDescription: line("The trial is an open-label, single-arm, phase II clinical trial."),
    },
    conditionsModule: { conditions: ["Nasopharyngeal Neoplasms"] },
    designModule: {
      studyType: "INTERVENTIONAL",
      phases: ["PHASE2"],
      designInfo: {
        allocation: "NA",
        interventionModel: "SINGLE_GROUP",
        interventionModelDescription: "The combination of anlotinib, penpulimab and capecitabine.",
        primaryPurpose: "TREATMENT",
        maskingInfo: { masking: "NONE" },
      },
      enrollmentInfo: { count: 59 },
    },
    armsInterventionsModule: {
      armGroups: [
        { label: "Intervention arm", type: "EXPERIMENTAL", description: armDescription, interventionNames: [`Drug: ${ivName}`] },
      ],
      interventions: [{ type: "DRUG", name: ivName, description: ivDescription, armGroupLabels: ["Intervention arm"] }],
    },
    eligibilityModule: {
      eligibilityCriteria: criteria,
      minimumAge: "18 Years",
      maximumAge: "65 Years",
      sex: "ALL",
      healthyVolunteers: false,
    },
    contactsLocationsModule: {
      overallOfficials: [{ name: "Jun Ma, M.D.", role: "PRINCIPAL_INVESTIGATOR", affiliation: "Sun Yat-sen University" }],
      locations: [{ facility: "Sun Yat-sen University Cancer Center", city: "Guangzhou", state: "Guangdong", country: "China" }],
    },
    referencesModule: {
      references: [
        ref("Yang Y, Qu S, Li J", "34174189"),
        ref("Cai, Q. & Su, N."),
        ref("Hui EP, Ma BBY", "29301831"),
        ref("Yuan M, Zhai Y", "35154567"),
        ref("Chen YP, Liu X", "34111416"),
        ref("Bray F, Ferlay J", "30207593"),
        ref("Chen W, Zheng R", "26808342"),
        ref("Herbst RS, Soria JC", "25428504"),
        ref("Wang X, Teng F", "27574444"),
        ref("Hsu C, Lee SH", "28837405"),
      ],
    },
  });
  assert.equal(study.hasResults, false);
  chromeAbsent(JSON.stringify(study), ["View on PubMed", "Results pending", "Sponsor Role", "Site Status", "Identifier Type", "Learn about"]);
});

test("seed 004: classic ClinicalTrials.gov page of NCT03792542 (ALTER-S003)", () => {
  const name = "004_f1fe85ef2dbf3c23.txt";
  const page = read(name);
  assert.equal(detectRegistryLayout(page), "ctgov-classic");
  const { study, provenance } = parseRegistryPage(page, name);
  assert.equal(provenance.layout, "ctgov-classic");
  const line = lineFinder(page);

  const exclusion = itemsBetween(page, "Exclusion Criteria:", "Information from the National Library of Medicine").flatMap(
    (item) =>
      item.startsWith("with any severe and/or uncontrolled disease")
        ? [
            // The page writes this criterion's sub-items inline as "1)…2)…"; one bullet each.
            "with any severe and/or uncontrolled disease, including:",
            "  * Uncontrollable hypertension (systolic blood pressure ≥140 mmHg or diastolic blood pressure ≥90 mmHg, despite optimal drug treatment).",
            "  * Arrhythmias with grade II and above myocardial ischemia or myocardial infarction, poor control (including corrected QT interval(QTc) men ≥ 450 ms, women ≥ 470 ms) and ≥ 2 congestive heart failure (New York Heart Association ( NYHA) rating).",
            "  * Poor control of diabetes (fasting blood glucose > 10mmol / L).",
            "  * Active or uncontrolled serious infection (≥ Common Terminology Criteria for Adverse Event(CTC AE) grade 2 infection);",
            "  * Patients with active hepatitis B or hepatitis C (hepatitis B: HBsAg-positive and hepatitis B virus(HBV) DNA ≥ 500 IU/mL; hepatitis C: hepatitis C virus(HCV) RNA-positive and abnormal liver function), or active infection requiring antimicrobial treatment (eg Treated with antibacterial drugs, antiviral drugs, antifungal drugs);",
            "  * renal insufficiency: urine routine indicates urinary protein ≥ ++, or confirmed 24-hour urine protein ≥ 1.0 g;",
            "  * Patients with seizures and need treatment",
          ]
        : [item],
  );
  const criteria =
    "Inclusion Criteria:\n\n" +
    bullets(itemsBetween(page, "Inclusion Criteria:", "Exclusion Criteria:")) +
    "\n\nExclusion Criteria:\n\n" +
    exclusion.map((i) => (i.startsWith("  * ") ? i : `* ${i}`)).join("\n");
  const sponsor = "Second Affiliated Hospital, School of Medicine, Zhejiang University";
  const untilPd = "each 42 days up to intolerance the toxicity or PD (up to 24 months)";

  assert.deepEqual(study.protocolSection, {
    identificationModule: {
      nctId: "NCT03792542",
      orgStudyIdInfo: { id: "ALTER-S003" },
      briefTitle: "Anlotinib Hydrochloride For Advanced Soft Tissue Sarcoma Patients Who Do Not Receive Chemotherapy",
      officialTitle:
        "Anlotinib Hydrochloride for Advanced Soft Tissue Sarcoma Patients Who do Not Receive Chemotherapy:a One-arm, Multi-center, Prospective Clinical Trial(ALTER-S003)",
      acronym: "ALTER-S003",
    },
    statusModule: {
      statusVerifiedDate: "2018-12",
      overallStatus: "NOT_YET_RECRUITING",
      startDateStruct: { date: "2019-01", type: "ESTIMATED" },
      primaryCompletionDateStruct: { date: "2020-12", type: "ESTIMATED" },
      completionDateStruct: { date: "2020-12", type: "ESTIMATED" },
      studyFirstPostDateStruct: { date: "2019-01-03" },
      lastUpdatePostDateStruct: { date: "2019-01-03" },
    },
    sponsorCollaboratorsModule: {
      responsibleParty: { type: "SPONSOR" },
      leadSponsor: { name: sponsor },
      collaborators: [
        { name: "Zhejiang Cancer Hospital" },
        { name: "Ningbo No.2 Hospital" },
        { name: "Hangzhou Third Hospital" },
        { name: "Jiangsu Provincial People's Hospital" },
        { name: "Jiangsu Cancer Institute & Hospital" },
        { name: "The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School" },
      ],
    },
    oversightModule: { isFdaRegulatedDrug: false, isFdaRegulatedDevice: false },
    descriptionModule: {
      briefSummary: line("Anlotinib is a multi-target receptor tyrosine kinase inhibitor. It can inhibit"),
      detailedDescription: `${line("This study is planned to be carried out")}\n\n${line("In the absence of such situations")}`,
    },
    conditionsModule: { conditions: ["Soft Tissue Sarcoma"] },
    designModule: {
      studyType: "INTERVENTIONAL",
      phases: ["PHASE2"],
      designInfo: { interventionModel: "SINGLE_GROUP", primaryPurpose: "TREATMENT", maskingInfo: { masking: "NONE" } },
      enrollmentInfo: { count: 44, type: "ESTIMATED" },
    },
    armsInterventionsModule: {
      armGroups: [
        {
          label: "Anlotinib",
          type: "EXPERIMENTAL",
          description:
            "Anlotinib p.o, qd and it should be continued until disease progress or toxicity cannot be tolerated or patients withdraw consent",
          interventionNames: ["Drug: Anlotinib"],
        },
      ],
      interventions: [
        {
          type: "DRUG",
          name: "Anlotinib",
          description: line("Anlotinib Hydrochloride ( 12mg"),
          armGroupLabels: ["Anlotinib"],
          otherNames: ["AL3818"],
        },
      ],
    },
    outcomesModule: {
      primaryOutcomes: [
        {
          measure: "Progress free survival (PFS)",
          timeFrame: "until Progressive Disease(PD) or death(up to 24 months)",
          description: line("PFS defined as the time from first dose"),
        },
      ],
      secondaryOutcomes: [
        {
          measure: "Overall Survival (OS)",
          timeFrame: "From randomization until death (up to 24 months)",
          description: "OS is defined as the time until death due to any cause.",
        },
        { measure: "Objective Response Rate (ORR)", timeFrame: untilPd, description: line("ORR is defined as") },
        { measure: "Disease Control Rate (DCR)", timeFrame: untilPd, description: line("Defined as the proportion of patients") },
        {
          measure: "Quality of Life score (QoL)",
          timeFrame: untilPd,
          description: "use EORTC QLQ-C30(version 3) questionnaire to evaluate the quality of life.",
        },
      ],
    },
    eligibilityModule: {
      eligibilityCriteria: criteria,
      sex: "ALL",
      minimumAge: "18 Years",
      maximumAge: "70 Years",
      stdAges: ["ADULT", "OLDER_ADULT"],
      healthyVolunteers: false,
    },
    contactsLocationsModule: {
      centralContacts: [{ name: "Zhaoming Ye, professor", role: "CONTACT", phone: "0086 13606501549" }],
      overallOfficials: [{ name: "Zhaoming Ye, professor", affiliation: sponsor, role: "PRINCIPAL_INVESTIGATOR" }],
      locations: [
        {
          facility: "The Second Affiliated Hospital of Zhejiang University School of Medicine",
          status: "NOT_YET_RECRUITING",
          city: "Hangzhou",
          state: "Zhejiang",
          country: "China",
          contacts: [{ name: "Zhaoming Ye, M.D.", role: "CONTACT", phone: "0086 13606501549" }],
        },
      ],
    },
  });
  assert.deepEqual(study.derivedSection, {
    conditionBrowseModule: { meshes: [{ term: "Neoplasms, Connective and Soft Tissue" }, { term: "Neoplasms by Histologic Type" }] },
  });
  chromeAbsent(JSON.stringify(study), [
    "Working...",
    "Layout table",
    "History of Changes",
    "Key Record Dates",
    "disclaimer",
    "National Library of Medicine",
    "Please refer to this study",
  ]);
});

test("a text that is no registry page is refused with the file name", () => {
  assert.throws(
    () => parseRegistryPage("Minutes of the steering committee\n\nAttendees: …\n", "notes/meeting.txt"),
    /^RegistryPageError: not a recognised registry page: notes\/meeting\.txt$|not a recognised registry page: notes\/meeting\.txt/,
  );
  assert.equal(detectRegistryLayout("just some words"), null);
  // A page of a known site that lost its NCT id cannot be imported either.
  const veevaWithoutId = read("000_093a1d4c9d984e59.txt").replace(/NCT\d{8}/g, "");
  assert.throws(() => parseRegistryPage(veevaWithoutId, "x.txt"), /not a recognised registry page \(ctgov-veeva layout, but no NCT id found\): x\.txt/);
});
