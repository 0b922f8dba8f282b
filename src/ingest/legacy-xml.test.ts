import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { legacyDate, legacyPhases, legacyXmlFormat, mapClinicalStudy } from "./legacy-xml.js";
import type { Study } from "../model/study.js";

const XML_DIR = new URL("../../../shared/data/ctgov-legacy-xml/", import.meta.url);
const load = (id: string): Study & Record<string, unknown> => {
  const path = new URL(`${id}.xml`, XML_DIR);
  const [one, ...more] = [...legacyXmlFormat.parse(readFileSync(path, "utf8"), path.pathname)];
  assert.equal(more.length, 0);
  assert.equal(one.provenance.sourceKind, "ctgov-legacy-xml");
  assert.equal(one.provenance.source, path.pathname);
  return one.study as Study & Record<string, unknown>;
};

test("NCT05381025 (Thorne kava study) maps field by field", () => {
  const s = load("NCT05381025");
  const p = s.protocolSection;
  assert.deepEqual(p.identificationModule, {
    nctId: "NCT05381025",
    orgStudyIdInfo: { id: "THT002-PFKV01" },
    organization: { fullName: "Thorne HealthTech, Inc", class: "INDUSTRY" },
    briefTitle: "Kavalactones on Sleep and Cortisol in Healthy Special Forces Trainees",
    officialTitle:
      "The Effect of Oral Kavalactones on Sleep and Cortisol in a Cohort of Healthy Adult Males Preparing for Military Special Forces Training",
  });
  const st = p.statusModule!;
  assert.equal(st.overallStatus, "COMPLETED");
  assert.equal(st.statusVerifiedDate, "2022-10");
  assert.deepEqual(st.startDateStruct, { date: "2022-05-11", type: "ACTUAL" });
  assert.deepEqual(st.primaryCompletionDateStruct, { date: "2022-07-01", type: "ACTUAL" });
  assert.deepEqual(st.completionDateStruct, { date: "2022-10-09", type: "ACTUAL" });
  assert.equal(st.studyFirstSubmitDate, "2022-05-09");
  assert.equal((st as Record<string, unknown>).studyFirstSubmitQcDate, "2022-05-14");
  assert.deepEqual(st.studyFirstPostDateStruct, { date: "2022-05-19", type: "ACTUAL" });
  assert.equal(st.lastUpdateSubmitDate, "2022-10-11");
  assert.deepEqual(st.lastUpdatePostDateStruct, { date: "2022-10-13", type: "ACTUAL" });
  assert.deepEqual((st as Record<string, unknown>).expandedAccessInfo, { hasExpandedAccess: false });

  const sc = p.sponsorCollaboratorsModule!;
  assert.deepEqual(sc.leadSponsor, { name: "Thorne HealthTech, Inc", class: "INDUSTRY" });
  assert.deepEqual(sc.collaborators, [{ name: "Performance First", class: "OTHER" }]);
  assert.deepEqual(sc.responsibleParty, { type: "SPONSOR" });
  assert.deepEqual(p.oversightModule, { oversightHasDmc: false, isFdaRegulatedDrug: false, isFdaRegulatedDevice: false });

  // Textblocks: the hard wrap and the &#xD; line ends are gone, paragraphs stay apart.
  assert.match(p.descriptionModule!.briefSummary!, /^This research study is being done to better understand the effects of kava supplementation on sleep quality/);
  assert.doesNotMatch(p.descriptionModule!.briefSummary!, /\r|\n|  /);
  assert.equal(p.descriptionModule!.detailedDescription!.split("\n\n").length, 3);

  const d = p.designModule!;
  assert.equal(d.studyType, "INTERVENTIONAL");
  assert.deepEqual(d.phases, ["NA"]);
  assert.deepEqual(d.designInfo, {
    allocation: "RANDOMIZED",
    interventionModel: "CROSSOVER",
    interventionModelDescription:
      "Participants will be divided into two arms which will cross-over during a washout period such that each participant will take the active and the placebo in one phase of the two-phase study.",
    primaryPurpose: "OTHER",
    maskingInfo: {
      masking: "DOUBLE",
      maskingDescription:
        "Participants will be aware of the contents of the active material but will not be informed as to whether they will begin or end the study with the active vs the placebo. Study Managers will also not be aware of what an individual participant is taking during the study.",
      whoMasked: ["PARTICIPANT", "INVESTIGATOR"],
    },
  });
  assert.deepEqual(d.enrollmentInfo, { count: 15, type: "ACTUAL" });
  assert.deepEqual(p.conditionsModule, {
    conditions: ["Sleep"],
    keywords: ["Sleep", "Kava", "Piper methysticum", "Stress", "Cortisol", "Special Operations"],
  });

  const ai = p.armsInterventionsModule!;
  assert.deepEqual(
    ai.armGroups!.map((a) => [a.label, a.type, a.interventionNames]),
    [
      ["Active to Placebo (Cohort 1)", "EXPERIMENTAL", ["Dietary Supplement: Kava (Piper methysticum) extract"]],
      ["Placebo to Active (Cohort 2)", "EXPERIMENTAL", ["Dietary Supplement: Kava (Piper methysticum) extract"]],
    ],
  );
  assert.deepEqual(ai.interventions, [
    {
      type: "DIETARY_SUPPLEMENT",
      name: "Kava (Piper methysticum) extract",
      description: "Each dose (3 capsules) contains kavalactones (225 mg) and silicified microcrystalline cellulose.",
      armGroupLabels: ["Active to Placebo (Cohort 1)", "Placebo to Active (Cohort 2)"],
    },
  ]);

  const o = p.outcomesModule!;
  assert.equal(o.primaryOutcomes!.length, 4);
  assert.equal(o.secondaryOutcomes!.length, 4);
  assert.deepEqual(o.primaryOutcomes![0], {
    measure: "Change in Salivary Cortisol - Phase 1",
    description: "Diurnal salivary samples will be collected and tested for cortisol levels [ng/ml].",
    timeFrame: "Day 1 and 15",
  });

  const el = p.eligibilityModule!;
  assert.equal(el.sex, "MALE");
  assert.equal(el.minimumAge, "18 Years");
  assert.equal(el.maximumAge, undefined, "N/A is absent");
  assert.equal(el.healthyVolunteers, true);
  assert.deepEqual(el.stdAges, ["ADULT", "OLDER_ADULT"]);
  const crit = el.eligibilityCriteria!;
  assert.ok(crit.startsWith("Inclusion Criteria:\n\n* Age 18 or older\n* Provides consent to participate in the study\n"));
  assert.ok(crit.includes("\n\nExclusion Criteria:\n\n* Female\n* Use of kava within the past 8 weeks\n"));
  // A wrapped item is re-joined onto one line.
  assert.ok(crit.includes("\n* Use of over the counter or prescription sleep aids including dietary supplements within the past 8 weeks\n"));
  assert.ok(crit.endsWith("* Recent history of clinical depression or anxiety diagnosis"));

  assert.deepEqual(p.contactsLocationsModule, {
    overallOfficials: [
      { name: "Michael A Schmidt, PhD, MPhil", affiliation: "Advanced Pattern Analysis & Countermeasures Group", role: "PRINCIPAL_INVESTIGATOR" },
    ],
    locations: [{ facility: "Performance First", city: "Virginia Beach", state: "Virginia", zip: "23453", country: "United States" }],
  });
  assert.deepEqual((p as Record<string, unknown>).ipdSharingStatementModule, { ipdSharing: "NO" });
  assert.equal(s.hasResults, false);
  assert.equal(s.derivedSection, undefined, "no MeSH terms in this record");
  // Elements without a v2 home are kept, not dropped.
  const legacy = s.legacyXml as Record<string, unknown>;
  assert.equal(legacy.number_of_arms, "2");
  assert.deepEqual(legacy.location_countries, { country: ["United States"] });
});

test("NCT05482516: anticipated dates, secondary ids, other names, contacts, investigators, MeSH", () => {
  const s = load("NCT05482516");
  const p = s.protocolSection;
  assert.deepEqual(p.identificationModule.secondaryIdInfos, [{ id: "ML43975" }]);
  assert.equal(p.identificationModule.acronym, "MRD-GI");
  assert.equal(p.statusModule!.overallStatus, "RECRUITING");
  assert.deepEqual(p.statusModule!.startDateStruct, { date: "2023-03", type: "ESTIMATED" });
  assert.deepEqual(p.statusModule!.completionDateStruct, { date: "2028-12", type: "ESTIMATED" });
  assert.deepEqual(p.designModule!.phases, ["PHASE3"]);
  assert.deepEqual(p.designModule!.enrollmentInfo, { count: 20, type: "ESTIMATED" });
  assert.equal(p.designModule!.designInfo!.allocation, "NA");
  assert.equal(p.designModule!.designInfo!.interventionModel, "SINGLE_GROUP");
  assert.deepEqual(p.designModule!.designInfo!.maskingInfo, { masking: "NONE" });
  assert.equal(p.designModule!.designInfo!.primaryPurpose, "TREATMENT");
  assert.deepEqual(p.sponsorCollaboratorsModule!.collaborators, [
    { name: "Genentech, Inc.", class: "INDUSTRY" },
    { name: "Natera, Inc.", class: "INDUSTRY" },
  ]);
  assert.equal((p.oversightModule as Record<string, unknown>).isUsExport, false);
  assert.equal(p.oversightModule!.oversightHasDmc, true);
  assert.deepEqual(
    p.armsInterventionsModule!.interventions!.map((i) => [i.type, i.name, i.otherNames]),
    [
      ["DRUG", "Atezolizumab", ["TECENTRIQ"]],
      ["DRUG", "Bevacizumab", ["Avastin"]],
    ],
  );
  assert.deepEqual(p.armsInterventionsModule!.armGroups![0].interventionNames, ["Drug: Atezolizumab", "Drug: Bevacizumab"]);
  assert.equal(p.eligibilityModule!.healthyVolunteers, false);
  assert.equal(p.eligibilityModule!.sex, "ALL");
  // Numbered items stay numbered; the lab sub-list nests under item 10.
  const crit = p.eligibilityModule!.eligibilityCriteria!;
  assert.ok(crit.includes("\n9. ECOG Performance Status of 0-2\n10. Adequate hematologic and end-organ function"));
  assert.ok(crit.includes("\n  * Lymphocyte count ≥ 0.5 x 10^9/L (500/uL)\n"));
  assert.ok(crit.includes("\n2. Age >= 18 years at time of signing Informed Consent Form\n"), "entities decoded");
  const cl = p.contactsLocationsModule!;
  assert.deepEqual(cl.centralContacts, [{ name: "Nicole Swanson", role: "CONTACT", phone: "12026879194", email: "ns1209@georgetown.edu" }]);
  assert.deepEqual(cl.locations, [
    {
      facility: "Georgetown Lombardi Comprehensive Cancer Center",
      status: "RECRUITING",
      city: "Washington",
      state: "District of Columbia",
      zip: "20007",
      country: "United States",
      contacts: [
        { name: "Jennifer Gleim", role: "CONTACT", phone: "202-687-2353", email: "jg2148@georgetown.edu" },
        { name: "John L. Marshall, MD", role: "PRINCIPAL_INVESTIGATOR" },
      ],
    },
  ]);
  assert.deepEqual(s.derivedSection, {
    conditionBrowseModule: { meshes: [{ term: "Adenocarcinoma" }] },
    interventionBrowseModule: { meshes: [{ term: "Bevacizumab" }, { term: "Atezolizumab" }] },
  });
});

test("references keep PMIDs and type; results references are RESULT; links are seeAlsoLinks", () => {
  const xml = `<?xml version="1.0"?>
<clinical_study>
  <id_info><org_study_id>X-1</org_study_id><nct_id>NCT01234567</nct_id><nct_alias>NCT00000001</nct_alias></id_info>
  <brief_title>T</brief_title>
  <overall_status>Unknown status</overall_status>
  <last_known_status>Not yet recruiting</last_known_status>
  <phase>Phase 1/Phase 2</phase>
  <study_type>Observational [Patient Registry]</study_type>
  <study_design_info><observational_model>Case-Control</observational_model><time_perspective>Cross-Sectional</time_perspective></study_design_info>
  <eligibility><study_pop><textblock>
        Adults attending
        the clinic</textblock></study_pop><sampling_method>Non-Probability Sample</sampling_method>
    <gender>Female</gender><minimum_age>6 Months</minimum_age><maximum_age>17 Years</maximum_age><healthy_volunteers>No</healthy_volunteers></eligibility>
  <reference><citation>Smith J. A trial. 2001.</citation><PMID>11111111</PMID></reference>
  <results_reference><citation>Doe J. Results.</citation><PMID>22222222</PMID></results_reference>
  <link><url>https://example.org/x</url><description>Study site</description></link>
  <sponsors><lead_sponsor><agency>NCI</agency><agency_class>NIH</agency_class></lead_sponsor>
    <collaborator><agency>VA</agency><agency_class>U.S. Fed</agency_class></collaborator></sponsors>
  <responsible_party><name_title>Dr X</name_title><organization>Org Y</organization></responsible_party>
  <removed_countries><country>Canada</country></removed_countries>
  <biospec_retention>Samples With DNA</biospec_retention>
  <biospec_descr><textblock>
      Whole blood
      and serum</textblock></biospec_descr>
  <expanded_access_info><expanded_access_type_individual>Yes</expanded_access_type_individual></expanded_access_info>
  <pending_results><submitted>May 1, 2020</submitted></pending_results>
</clinical_study>`;
  const [{ study }] = [...legacyXmlFormat.parse(xml, "inline.xml")];
  const p = study.protocolSection as Record<string, any>;
  assert.equal(p.statusModule.overallStatus, "UNKNOWN");
  assert.equal(p.statusModule.lastKnownStatus, "NOT_YET_RECRUITING");
  assert.deepEqual(p.designModule.phases, ["PHASE1", "PHASE2"]);
  assert.equal(p.designModule.studyType, "OBSERVATIONAL");
  assert.equal(p.designModule.patientRegistry, true);
  assert.deepEqual(p.designModule.designInfo, { observationalModel: "CASE_CONTROL", timePerspective: "CROSS_SECTIONAL" });
  assert.deepEqual(p.identificationModule.nctIdAliases, ["NCT00000001"]);
  assert.equal(p.eligibilityModule.studyPopulation, "Adults attending the clinic");
  assert.equal(p.eligibilityModule.samplingMethod, "NON_PROBABILITY_SAMPLE");
  assert.equal(p.eligibilityModule.sex, "FEMALE");
  assert.equal(p.eligibilityModule.minimumAge, "6 Months");
  assert.deepEqual(p.eligibilityModule.stdAges, ["CHILD"]);
  assert.deepEqual(p.referencesModule.references, [
    { pmid: "11111111", type: "BACKGROUND", citation: "Smith J. A trial. 2001." },
    { pmid: "22222222", type: "RESULT", citation: "Doe J. Results." },
  ]);
  assert.deepEqual(p.referencesModule.seeAlsoLinks, [{ label: "Study site", url: "https://example.org/x" }]);
  assert.deepEqual(p.sponsorCollaboratorsModule.collaborators, [{ name: "VA", class: "FED" }]);
  assert.deepEqual(p.sponsorCollaboratorsModule.responsibleParty, { oldNameTitle: "Dr X", oldOrganization: "Org Y" });
  assert.deepEqual((study.derivedSection as Record<string, any>).miscInfoModule, { removedCountries: ["Canada"] });
  assert.deepEqual(p.designModule.bioSpec, { retention: "SAMPLES_WITH_DNA", description: "Whole blood and serum" });
  assert.deepEqual(p.designModule.expandedAccessTypes, { individual: true });
  assert.deepEqual((study as Record<string, any>).legacyXml, { pending_results: { submitted: "May 1, 2020" } });
});

test("every shared legacy XML record maps to a valid study named like its file", () => {
  const names = readdirSync(XML_DIR).filter((n) => n.endsWith(".xml"));
  assert.equal(names.length, 65);
  for (const n of names) {
    const s = load(n.replace(/\.xml$/, ""));
    assert.equal(s.protocolSection.identificationModule.nctId, n.replace(/\.xml$/, ""));
    assert.ok(s.protocolSection.eligibilityModule?.eligibilityCriteria, `${n} has criteria`);
    assert.doesNotMatch(JSON.stringify(s.protocolSection), /\\r|&#x?[0-9a-f]+;/i, `${n}: no CRs or undecoded entities`);
  }
});

test("dates, phases and invalid input", () => {
  assert.equal(legacyDate("May 2019"), "2019-05");
  assert.equal(legacyDate("May 9, 2022"), "2022-05-09");
  assert.equal(legacyDate("2022-05-09"), "2022-05-09");
  assert.equal(legacyDate("Spring 2020"), undefined);
  assert.deepEqual(legacyPhases("Early Phase 1"), ["EARLY_PHASE1"]);
  assert.deepEqual(legacyPhases("Phase 2/Phase 3"), ["PHASE2", "PHASE3"]);
  assert.deepEqual(legacyPhases("N/A"), ["NA"]);
  assert.throws(() => [...legacyXmlFormat.parse("<clinical_study><id_info><nct_id>NCT1</nct_id>", "x.xml")], /invalid XML/);
  assert.throws(
    () => [...legacyXmlFormat.parse("<clinical_study><id_info><nct_id>NCT1</nct_id></id_info></clinical_study>", "x.xml")],
    /clinical_study \(NCT1\) is not a valid study: protocolSection\.identificationModule\.nctId: an NCT id is NCT followed by 8 digits/,
  );
  assert.equal(mapClinicalStudy({}).protocolSection !== undefined, true);
  assert.ok(legacyXmlFormat.sniff('<?xml version="1.0" encoding="UTF-8"?>\n<clinical_study rank="1">'));
  assert.ok(legacyXmlFormat.sniff("<clinical_study>\n  <!-- c -->"));
  assert.ok(!legacyXmlFormat.sniff("<html><body>clinical_study</body></html>"));
});
