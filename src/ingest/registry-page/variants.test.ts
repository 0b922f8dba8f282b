/**
 * Layout variants the seeds do not show, so the importer is not fitted to five pages:
 * fixtures/*.txt are pages written in each site's layout with what other trials show
 * (several arms, placebo groups, phases on separate lines, postal codes, contacts with
 * phone and e-mail, other-name lists, publications, keywords). They describe fictional
 * trials; the expectations below are written from reading those pages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { detectRegistryLayout, parseRegistryPage } from "./index.js";
import { address, contactOf } from "./build.js";
import { acronymOfTitle, dateStruct, masking, phases, registryAge } from "./values.js";

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");

test("Veeva page with two groups, a placebo group, phases on two lines and several funder types", () => {
  const page = fixture("veeva-two-arms.txt");
  assert.equal(detectRegistryLayout(page), "ctgov-veeva");
  const p = parseRegistryPage(page, "veeva-two-arms.txt").study.protocolSection;
  assert.deepEqual(p.identificationModule, {
    nctId: "NCT09876543",
    orgStudyIdInfo: { id: "EXP-001" },
    secondaryIdInfos: [{ id: "2020-001234-56" }],
    briefTitle: "Drug X With or Without Drug Y in Advanced Gastric Cancer",
  });
  // Two funder types: the page does not say which is the lead sponsor's.
  assert.deepEqual(p.sponsorCollaboratorsModule, { leadSponsor: { name: "Example Pharma" } });
  assert.deepEqual(p.statusModule, { overallStatus: "RECRUITING" });
  assert.deepEqual(p.designModule?.phases, ["PHASE1", "PHASE2"]);
  assert.deepEqual(p.designModule?.designInfo, {
    allocation: "RANDOMIZED",
    interventionModel: "PARALLEL",
    primaryPurpose: "TREATMENT",
    maskingInfo: { masking: "DOUBLE" },
  });
  assert.deepEqual(p.designModule?.enrollmentInfo, { count: 240 });
  assert.equal(p.descriptionModule?.briefSummary, "Part 1 finds the dose.\n\nPart 2 compares the combination with drug X alone.");
  assert.deepEqual(p.armsInterventionsModule, {
    armGroups: [
      {
        label: "Drug X + Drug Y",
        type: "EXPERIMENTAL",
        description: "Drug X daily plus drug Y every 3 weeks.",
        interventionNames: ["Drug: Drug X", "Biological: Drug Y"],
      },
      { label: "Drug X + placebo", type: "PLACEBO_COMPARATOR", interventionNames: ["Drug: Drug X", "Drug: Placebo"] },
    ],
    interventions: [
      { type: "DRUG", name: "Drug X", armGroupLabels: ["Drug X + Drug Y", "Drug X + placebo"] },
      { type: "BIOLOGICAL", name: "Drug Y", armGroupLabels: ["Drug X + Drug Y"] },
      { type: "DRUG", name: "Placebo", armGroupLabels: ["Drug X + placebo"] },
    ],
  });
  assert.equal(p.eligibilityModule?.minimumAge, "18 Years");
  assert.equal(p.eligibilityModule?.maximumAge, "75 Years");
  assert.deepEqual(p.contactsLocationsModule, {
    centralContacts: [{ name: "Clinical Trials Desk", phone: "+1 800 555 0100", email: "trials@example.com" }],
  });
});

test("MedPath page with listed interventions, two arm rows, glued outcome cells and two sites", () => {
  const page = fixture("medpath-two-arms.txt");
  assert.equal(detectRegistryLayout(page), "medpath");
  const p = parseRegistryPage(page, "medpath-two-arms.txt").study.protocolSection;
  assert.equal(p.statusModule?.overallStatus, "NOT_YET_RECRUITING");
  assert.deepEqual(p.designModule?.phases, ["PHASE3"]);
  assert.equal(p.eligibilityModule?.sex, "FEMALE");
  assert.deepEqual(p.armsInterventionsModule, {
    armGroups: [
      { label: "Drug X", type: "EXPERIMENTAL", description: "Drug X 10 mg daily", interventionNames: ["Drug: Drug X"] },
      {
        label: "Drug Z",
        type: "ACTIVE_COMPARATOR",
        description: "Drug Z 5 mg/kg every 2 weeks",
        interventionNames: ["Drug: Drug Z"],
      },
    ],
    interventions: [
      { type: "DRUG", name: "Drug X", armGroupLabels: ["Drug X"] },
      { type: "DRUG", name: "Drug Z", armGroupLabels: ["Drug Z"] },
    ],
  });
  assert.deepEqual(p.outcomesModule, {
    primaryOutcomes: [
      { measure: "Progression-free survival", timeFrame: "24 months" },
      { measure: "Overall Survival (OS)", timeFrame: "From randomisation to death, up to 5 years" },
    ],
  });
  assert.deepEqual(p.contactsLocationsModule?.locations, [
    { facility: "City Hospital", city: "London", country: "United Kingdom" },
    { facility: "University Clinic", city: "Munich", state: "Bavaria", country: "Germany" },
  ]);
});

test("classic ClinicalTrials.gov page of a randomised trial with sites, contacts, publications and keywords", () => {
  const page = fixture("classic-randomised.txt");
  assert.equal(detectRegistryLayout(page), "ctgov-classic");
  const { study } = parseRegistryPage(page, "classic-randomised.txt");
  const p = study.protocolSection;
  assert.equal(p.identificationModule.acronym, "PEARL-X");
  assert.deepEqual(p.identificationModule.orgStudyIdInfo, { id: "EUH-2018-01" });
  assert.deepEqual(p.statusModule, {
    statusVerifiedDate: "2021-05",
    overallStatus: "RECRUITING",
    startDateStruct: { date: "2018-03-15", type: "ACTUAL" },
    primaryCompletionDateStruct: { date: "2022-12-31", type: "ESTIMATED" },
    completionDateStruct: { date: "2023-12-31", type: "ESTIMATED" },
    studyFirstPostDateStruct: { date: "2018-03-05" },
    lastUpdatePostDateStruct: { date: "2021-06-01" },
  });
  assert.deepEqual(p.sponsorCollaboratorsModule, {
    leadSponsor: { name: "Example University Hospital" },
    collaborators: [{ name: "Merck Sharp & Dohme LLC" }],
    responsibleParty: { investigatorFullName: "Jane Doe, MD", investigatorAffiliation: "Example University Hospital" },
  });
  assert.deepEqual(p.conditionsModule, {
    conditions: ["Non-small Cell Lung Cancer", "Lung Neoplasms"],
    keywords: ["PD-1", "adjuvant immunotherapy"],
  });
  assert.deepEqual(p.designModule, {
    studyType: "INTERVENTIONAL",
    phases: ["PHASE3"],
    designInfo: {
      allocation: "RANDOMIZED",
      interventionModel: "PARALLEL",
      primaryPurpose: "TREATMENT",
      maskingInfo: { masking: "DOUBLE", whoMasked: ["PARTICIPANT", "INVESTIGATOR"] },
    },
    enrollmentInfo: { count: 1120, type: "ACTUAL" },
  });
  assert.deepEqual(p.armsInterventionsModule, {
    armGroups: [
      { label: "Pembrolizumab", type: "EXPERIMENTAL", description: "200 mg every 3 weeks for 18 cycles", interventionNames: ["Drug: Pembrolizumab"] },
      { label: "Placebo", type: "PLACEBO_COMPARATOR", description: "Saline every 3 weeks", interventionNames: ["Drug: Placebo"] },
    ],
    interventions: [
      {
        type: "DRUG",
        name: "Pembrolizumab",
        description: "Given intravenously",
        armGroupLabels: ["Pembrolizumab"],
        otherNames: ["MK-3475", "Keytruda"],
      },
      { type: "DRUG", name: "Placebo", description: "Saline intravenously", armGroupLabels: ["Placebo"] },
    ],
  });
  assert.deepEqual(p.outcomesModule, {
    primaryOutcomes: [{ measure: "Disease-free survival", timeFrame: "5 years" }],
    secondaryOutcomes: [
      { measure: "Overall survival", timeFrame: "5 years", description: "Time from randomization to death from any cause." },
    ],
  });
  assert.deepEqual(p.eligibilityModule, {
    eligibilityCriteria:
      "Inclusion Criteria:\n\n* Completely resected stage IB-IIIA NSCLC\n* ECOG performance status 0-1\n\nExclusion Criteria:\n\n* Prior anti-PD-1 therapy",
    sex: "ALL",
    minimumAge: "18 Years",
    stdAges: ["ADULT", "OLDER_ADULT"],
    healthyVolunteers: false,
  });
  assert.deepEqual(p.contactsLocationsModule, {
    centralContacts: [
      { name: "Jane Doe, MD", role: "CONTACT", phone: "+1 555 123 4567", email: "jane.doe@example.org" },
      { name: "John Roe, RN", role: "CONTACT", phone: "555-765-4321", phoneExt: "12" },
    ],
    overallOfficials: [{ name: "Jane Doe, MD", affiliation: "Example University Hospital", role: "PRINCIPAL_INVESTIGATOR" }],
    locations: [
      {
        facility: "UCLA Medical Center",
        status: "RECRUITING",
        city: "Los Angeles",
        state: "California",
        zip: "90095",
        country: "United States",
        contacts: [
          { name: "Ann Lee", role: "CONTACT", phone: "310-555-0100" },
          { name: "Ann Lee, MD", role: "PRINCIPAL_INVESTIGATOR" },
        ],
      },
      {
        facility: "Memorial Hospital",
        status: "NOT_YET_RECRUITING",
        city: "New York",
        state: "New York",
        zip: "10065",
        country: "United States",
      },
    ],
  });
  assert.deepEqual(p.referencesModule, {
    references: [{ citation: "Doe J, Roe R. Adjuvant pembrolizumab in lung cancer. N Engl J Med. 2018;378(1):1-10." }],
  });
  assert.deepEqual(study.derivedSection?.conditionBrowseModule?.meshes, [
    { term: "Lung Neoplasms" },
    { term: "Carcinoma, Non-Small-Cell Lung" },
  ]);
  assert.ok(!JSON.stringify(study).includes("See Contacts and Locations"));
});

test("value mappings", () => {
  assert.deepEqual(phases("Phase 1/Phase 2"), ["PHASE1", "PHASE2"]);
  assert.deepEqual(phases("Phase 2/3"), ["PHASE2", "PHASE3"]);
  assert.deepEqual(phases("Early Phase 1"), ["EARLY_PHASE1"]);
  assert.deepEqual(phases("N/A"), ["NA"]);
  assert.equal(phases("Phase 2 of the study enrolls adults"), undefined);
  assert.deepEqual(dateStruct("January 3, 2019"), { date: "2019-01-03" });
  assert.deepEqual(dateStruct("December 2020", "Estimated "), { date: "2020-12", type: "ESTIMATED" });
  assert.deepEqual(dateStruct("2021-01-30 (Actual)"), { date: "2021-01-30", type: "ACTUAL" });
  assert.equal(dateStruct("soon"), undefined);
  assert.deepEqual(masking("Triple (Participant, Care Provider, Outcomes Assessor)"), {
    masking: "TRIPLE",
    whoMasked: ["PARTICIPANT", "CARE_PROVIDER", "OUTCOMES_ASSESSOR"],
  });
  assert.equal(registryAge("18 years old"), "18 Years");
  assert.equal(registryAge("6 Months"), "6 Months");
  assert.equal(acronymOfTitle("Anlotinib Plus Penpulimab (AK105) for Chemo-refractory Metastatic Colorectal Cancer:ALTER-C003"), "ALTER-C003");
  assert.equal(acronymOfTitle("Anlotinib Plus Penpulimab (AK105) for Cancer"), undefined);
  assert.equal(acronymOfTitle("A Study in Stage IIIB/IIIC/IV Non-squamous Non-small-cell Lung Cancer"), undefined);
  assert.deepEqual(address("Changsha, Hunan, China"), { city: "Changsha", state: "Hunan", zip: undefined, country: "China" });
  assert.deepEqual(address("Paris, France"), { city: "Paris", zip: undefined, country: "France" });
  assert.deepEqual(address("Boston, Massachusetts 02114, United States"), {
    city: "Boston",
    state: "Massachusetts",
    zip: "02114",
    country: "United States",
  });
  assert.deepEqual(contactOf("Zhaoming Ye, professor 0086 13606501549", "CONTACT"), {
    name: "Zhaoming Ye, professor",
    role: "CONTACT",
    phone: "0086 13606501549",
    phoneExt: undefined,
    email: undefined,
  });
});

test("MedPath page copied from the browser: table cells separated by tabs", () => {
  const seed = readFileSync(new URL("../../../../shared/seeds/001_8da2837fc106f71e.txt", import.meta.url), "utf8");
  const copied = seed
    .replace(
      "Experimental: Anlotinib Plus PenpulimabAnlotinib Plus PenpulimabAnlotinib (10mg",
      "Experimental: Anlotinib Plus Penpulimab\tAnlotinib Plus Penpulimab\tAnlotinib (10mg",
    )
    .replace(
      "SafetyFrom the first assignment of informed consent form up to 21 days after the last dose\n\nSafety as measured",
      "Safety\tFrom the first assignment of informed consent form up to 21 days after the last dose\tSafety as measured",
    );
  assert.notEqual(copied, seed);
  const p = parseRegistryPage(copied, "copied.txt").study.protocolSection;
  assert.deepEqual(p.armsInterventionsModule?.armGroups, [
    {
      label: "Anlotinib Plus Penpulimab",
      type: "EXPERIMENTAL",
      description: "Anlotinib (10mg qd po d1-14, 21 days per cycle) and Penpulimab (200mg ivgtt d1)",
      interventionNames: ["Anlotinib Plus Penpulimab"],
    },
  ]);
  assert.deepEqual(p.outcomesModule?.secondaryOutcomes?.at(-1), {
    measure: "Safety",
    timeFrame: "From the first assignment of informed consent form up to 21 days after the last dose",
    description: "Safety as measured by the rate of AEs, SAEs and laboratory abnormalities",
  });
  assert.equal(p.outcomesModule?.secondaryOutcomes?.length, 4);
});

test("MedPath page saved as HTML with real tables: cells come apart at the table cells", () => {
  const seed = readFileSync(new URL("../../../../shared/seeds/001_8da2837fc106f71e.txt", import.meta.url), "utf8");
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const [before, rest] = seed.split("Arm && Interventions\n");
  const [, after] = rest.split("Primary Outcome Measures\n");
  const html =
    "<html><body>" +
    before.split("\n").map((l) => `<div>${esc(l)}</div>`).join("\n") +
    "<h3>Arm &amp;&amp; Interventions</h3><table><tr><th>Group</th><th>Intervention</th><th>Description</th></tr>" +
    "<tr><td>Experimental: Anlotinib Plus Penpulimab</td><td>Anlotinib Plus Penpulimab</td>" +
    "<td>Anlotinib (10mg qd po d1-14, 21 days per cycle) and Penpulimab (200mg ivgtt d1)</td></tr></table>" +
    "<h3>Primary Outcome Measures</h3><table><tr><th>Name</th><th>Time</th><th>Method</th></tr>" +
    "<tr><td>Objective Response Rate (ORR)</td><td>up to approximately 24 months</td>" +
    "<td>Objective Response Rate per Response Evaluation Criteria in Solid Tumors Version 1.1 (RECIST 1.1).</td></tr></table>" +
    after
      .split("\n")
      .slice(after.split("\n").indexOf("Secondary Outcome Measures"))
      .map((l) => `<div>${esc(l)}</div>`)
      .join("\n") +
    "</body></html>";
  const { study, provenance } = parseRegistryPage(html, "page.html");
  assert.equal(provenance.layout, "medpath");
  const p = study.protocolSection;
  assert.deepEqual(p.armsInterventionsModule?.armGroups, [
    {
      label: "Anlotinib Plus Penpulimab",
      type: "EXPERIMENTAL",
      description: "Anlotinib (10mg qd po d1-14, 21 days per cycle) and Penpulimab (200mg ivgtt d1)",
      interventionNames: ["Anlotinib Plus Penpulimab"],
    },
  ]);
  assert.deepEqual(p.outcomesModule?.primaryOutcomes, [
    {
      measure: "Objective Response Rate (ORR)",
      timeFrame: "up to approximately 24 months",
      description: "Objective Response Rate per Response Evaluation Criteria in Solid Tumors Version 1.1 (RECIST 1.1).",
    },
  ]);
  assert.equal(p.outcomesModule?.secondaryOutcomes?.length, 4);
});

test("classic page saved as HTML: the arms table's cells share a row", () => {
  const seed = readFileSync(new URL("../../../../shared/seeds/004_f1fe85ef2dbf3c23.txt", import.meta.url), "utf8");
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const armsTable =
    "<table><tr><th>Arm</th><th>Intervention/treatment</th></tr><tr><td>Experimental: Anlotinib<br>" +
    "Anlotinib p.o, qd and it should be continued until disease progress or toxicity cannot be tolerated or patients withdraw consent</td>" +
    "<td>Drug: Anlotinib<br>Anlotinib Hydrochloride ( 12mg, quaque die(QD), PO, d1-14, 21 days per cycle), take once when limosis in the morning. If patients cannot suffer from adverse events(AEs), they can get declined dosage.<br>Other Name: AL3818</td></tr></table>";
  const start = seed.indexOf("Arm Intervention/treatment\n");
  const end = seed.indexOf("Primary Outcome Measures :");
  const html =
    "<html><body>" +
    seed.slice(0, start).split("\n").map((l) => `<p>${esc(l)}</p>`).join("") +
    "<p>Arm Intervention/treatment</p>" +
    armsTable +
    seed.slice(end).split("\n").map((l) => `<p>${esc(l)}</p>`).join("") +
    "</body></html>";
  const p = parseRegistryPage(html, "page.html").study.protocolSection;
  assert.deepEqual(p.armsInterventionsModule, parseRegistryPage(seed, "page.txt").study.protocolSection.armsInterventionsModule);
  assert.equal(p.armsInterventionsModule?.interventions?.[0].otherNames?.[0], "AL3818");
});
