/**
 * Legacy ClinicalTrials.gov XML (`<clinical_study>`, the AllPublicXML and TREC Clinical
 * Trials format) mapped field by field onto the API v2 study shape.
 *
 * Elements with a v2 equivalent are mapped (enums, dates with ACTUAL/ESTIMATED, ages,
 * textblocks). Top-level elements without one (results, required_header, documents …)
 * are kept as parsed under `legacyXml` beside protocolSection, so nothing is lost.
 */
import { XMLParser } from "fast-xml-parser";
import { normaliseAgeText, ageToDays } from "../model/age.js";
import type { ImportFormat } from "./types.js";
import { toImportedStudy } from "./validate.js";
import { normaliseTextblock } from "./textblock.js";

const KIND = "ctgov-legacy-xml" as const;

/** Elements that repeat, by path: always parsed as arrays (even when one is present). */
const REPEATED = new Set(
  [
    "id_info.secondary_id", "id_info.nct_alias", "sponsors.collaborator", "primary_outcome",
    "secondary_outcome", "other_outcome", "condition", "arm_group", "intervention",
    "intervention.arm_group_label", "intervention.other_name", "overall_official",
    "overall_contact_backup", "location", "location.contact_backup", "location.investigator",
    "location_countries.country", "removed_countries.country", "link", "reference",
    "results_reference", "keyword", "condition_browse.mesh_term", "intervention_browse.mesh_term",
    "patient_data.ipd_info_type", "study_docs.study_doc",
  ].map((p) => `clinical_study.${p}`),
);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: true,
  isArray: (_name, jpath) => REPEATED.has(String(jpath)),
});

type Node = Record<string, unknown>;

/** Text content of an element (with or without attributes); undefined when absent or empty. */
function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  // Single-line fields sometimes carry the registry's hard wrap; textblocks go through block().
  if (typeof v === "string") return v.replace(/\s*[\r\n]+\s*/g, " ").trim() || undefined;
  if (typeof v === "object" && "#text" in (v as Node)) return text((v as Node)["#text"]);
  if (typeof v === "object" && "textblock" in (v as Node)) return text((v as Node).textblock);
  return undefined;
}
const arr = <T = Node>(v: unknown): T[] => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]) as T[];
const node = (v: unknown): Node => (v && typeof v === "object" ? (v as Node) : {});
const texts = (v: unknown): string[] => arr<unknown>(v).map(text).filter((x): x is string => x !== undefined);
/** Raw text of an element, newlines kept (for textblocks). */
function rawText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object") {
    const o = v as Node;
    if ("textblock" in o) return rawText(o.textblock);
    if ("#text" in o) return rawText(o["#text"]);
  }
  return undefined;
}
const block = (v: unknown): string | undefined => {
  const t = rawText(v);
  return t === undefined ? undefined : normaliseTextblock(t) || undefined;
};

/** "Health Services Research" → "HEALTH_SERVICES_RESEARCH". */
const upperSnake = (s: string) =>
  s
    .trim()
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .toUpperCase();

function yesNo(v: unknown): boolean | undefined {
  const t = text(v)?.toLowerCase();
  return t === "yes" ? true : t === "no" ? false : undefined;
}

const MONTHS: Record<string, string> = {
  january: "01", february: "02", march: "03", april: "04", may: "05", june: "06",
  july: "07", august: "08", september: "09", october: "10", november: "11", december: "12",
};

/** "May 11, 2022" → "2022-05-11"; "May 2019" → "2019-05"; ISO dates pass through. */
export function legacyDate(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = s.trim();
  if (/^\d{4}-\d{2}(-\d{2})?$/.test(t)) return t;
  let m = /^([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})$/.exec(t);
  if (m && MONTHS[m[1].toLowerCase()]) return `${m[3]}-${MONTHS[m[1].toLowerCase()]}-${m[2].padStart(2, "0")}`;
  m = /^([A-Za-z]+)\s+(\d{4})$/.exec(t);
  if (m && MONTHS[m[1].toLowerCase()]) return `${m[2]}-${MONTHS[m[1].toLowerCase()]}`;
  return undefined;
}

/** A date element with its type attribute: Actual → ACTUAL; Anticipated / Estimate → ESTIMATED. */
function dateStruct(v: unknown): { date: string; type?: "ACTUAL" | "ESTIMATED" } | undefined {
  const date = legacyDate(text(v));
  if (!date) return undefined;
  const t = (node(v)["@type"] as string | undefined)?.toLowerCase();
  const type = t === "actual" ? "ACTUAL" : t === "anticipated" || t === "estimate" || t === "estimated" ? "ESTIMATED" : undefined;
  return type ? { date, type } : { date };
}

const STATUS: Record<string, string> = { "unknown status": "UNKNOWN" };
function status(v: unknown): string | undefined {
  const t = text(v);
  return t ? (STATUS[t.toLowerCase()] ?? upperSnake(t)) : undefined;
}

/** "Phase 1/Phase 2" → [PHASE1, PHASE2]; "Early Phase 1" → [EARLY_PHASE1]; "N/A" → [NA]. */
export function legacyPhases(v: string | undefined): string[] | undefined {
  if (!v) return undefined;
  const phases: string[] = [];
  for (const part of v.split("/").map((p) => p.trim().toLowerCase())) {
    if (part === "n" || part === "a" || part === "n/a") continue;
    const m = /^(early\s+)?phase\s*(\d)$/.exec(part);
    if (m) phases.push(`${m[1] ? "EARLY_" : ""}PHASE${m[2]}`);
  }
  if (/^n\/a$/i.test(v.trim())) return ["NA"];
  return phases.length ? phases : undefined;
}

const AGENCY_CLASS: Record<string, string> = {
  nih: "NIH",
  "u.s. fed": "FED",
  industry: "INDUSTRY",
  other: "OTHER",
  individual: "INDIV",
  network: "NETWORK",
  ambiguous: "AMBIG",
  unknown: "UNKNOWN",
  "other u.s. federal agency": "FED",
};
const agencyClass = (v: unknown) => {
  const t = text(v)?.toLowerCase();
  return t ? (AGENCY_CLASS[t] ?? "UNKNOWN") : undefined;
};

const MASKED: Record<string, string> = {
  participant: "PARTICIPANT",
  "care provider": "CARE_PROVIDER",
  investigator: "INVESTIGATOR",
  "outcomes assessor": "OUTCOMES_ASSESSOR",
};

const PRIMARY_PURPOSE: Record<string, string> = { "educational/counseling/training": "ECT" };
const IPD_INFO: Record<string, string> = {
  "study protocol": "STUDY_PROTOCOL",
  "statistical analysis plan (sap)": "SAP",
  "informed consent form (icf)": "ICF",
  "clinical study report (csr)": "CSR",
  "analytic code": "ANALYTIC_CODE",
};
const OFFICIAL_ROLE: Record<string, string> = {
  "principal investigator": "PRINCIPAL_INVESTIGATOR",
  "sub-investigator": "SUB_INVESTIGATOR",
  "study chair": "STUDY_CHAIR",
  "study director": "STUDY_DIRECTOR",
};

/** Drops undefined values and empty arrays/objects so the record reads like the API's. */
function clean<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clean).filter((x) => x !== undefined) as T;
  if (v && typeof v === "object") {
    const o: Node = {};
    for (const [k, x] of Object.entries(v as Node)) {
      const c = clean(x);
      if (c === undefined) continue;
      if (Array.isArray(c) && c.length === 0) continue;
      if (c && typeof c === "object" && !Array.isArray(c) && Object.keys(c).length === 0) continue;
      o[k] = c;
    }
    return o as T;
  }
  return v;
}

function contact(c: Node, role: string) {
  return {
    name: text(c.last_name),
    role,
    phone: text(c.phone),
    phoneExt: text(c.phone_ext),
    email: text(c.email),
  };
}

/** Which CHILD / ADULT / OLDER_ADULT bands an age range touches, as the API derives them. */
function stdAges(min: string | undefined, max: string | undefined): string[] {
  const lo = ageToDays(min) ?? 0;
  const hi = ageToDays(max) ?? Number.POSITIVE_INFINITY;
  const y = (n: number) => Math.floor(n * 365.25);
  const bands: string[] = [];
  if (lo < y(18)) bands.push("CHILD");
  if (lo < y(65) && hi >= y(18)) bands.push("ADULT");
  if (hi >= y(65)) bands.push("OLDER_ADULT");
  return bands;
}

/** Top-level elements this mapping consumes; the rest are kept under `legacyXml`. */
const MAPPED = new Set([
  "id_info", "brief_title", "official_title", "acronym", "sponsors", "source", "oversight_info",
  "brief_summary", "detailed_description", "overall_status", "last_known_status", "why_stopped",
  "start_date", "completion_date", "primary_completion_date", "phase", "study_type",
  "has_expanded_access", "expanded_access_info", "study_design_info", "target_duration",
  "primary_outcome", "secondary_outcome", "other_outcome", "enrollment", "condition", "arm_group",
  "intervention", "eligibility", "overall_official", "overall_contact", "overall_contact_backup",
  "location", "verification_date", "study_first_submitted", "study_first_submitted_qc",
  "study_first_posted", "last_update_submitted", "last_update_submitted_qc", "last_update_posted",
  "results_first_submitted", "results_first_submitted_qc", "results_first_posted",
  "disposition_first_submitted", "disposition_first_submitted_qc", "disposition_first_posted",
  "responsible_party", "keyword", "condition_browse", "intervention_browse", "patient_data",
  "reference", "results_reference", "link", "study_docs", "removed_countries", "biospec_retention",
  "biospec_descr",
]);

/** Maps one parsed `<clinical_study>` element onto the v2 study shape (unvalidated). */
export function mapClinicalStudy(cs: Node): Record<string, unknown> {
  const id = node(cs.id_info);
  const sponsors = node(cs.sponsors);
  const lead = node(sponsors.lead_sponsor);
  const leadName = text(lead.agency);
  const design = node(cs.study_design_info);
  const elig = node(cs.eligibility);
  const rp = node(cs.responsible_party);
  const pd = node(cs.patient_data);
  const oversight = node(cs.oversight_info);

  const studyTypeText = text(cs.study_type);
  const studyType = studyTypeText ? upperSnake(studyTypeText.replace(/\[.*\]/, "")) : undefined;
  const registry = studyTypeText ? /patient registry/i.test(studyTypeText) : undefined;

  const masking = text(design.masking);
  const maskMatch = masking ? /^(\w+)(?:\s*\(([^)]*)\))?/.exec(masking) : null;
  const whoMasked = maskMatch?.[2]
    ?.split(",")
    .map((s) => MASKED[s.trim().toLowerCase()])
    .filter(Boolean);

  const interventions = arr(cs.intervention).map((i) => ({
    type: text(i.intervention_type) ? upperSnake(text(i.intervention_type)!) : undefined,
    name: text(i.intervention_name),
    description: block(i.description),
    armGroupLabels: texts(i.arm_group_label),
    otherNames: texts(i.other_name),
  }));
  const interventionsOfArm = (label: string) =>
    arr(cs.intervention)
      .filter((i) => texts(i.arm_group_label).includes(label))
      .map((i) => `${text(i.intervention_type) ?? "Other"}: ${text(i.intervention_name)}`);

  const minAge = normaliseAgeText(text(elig.minimum_age));
  const maxAge = normaliseAgeText(text(elig.maximum_age));
  const hv = text(elig.healthy_volunteers)?.toLowerCase();
  const gender = text(elig.gender);

  const outcomes = (v: unknown) =>
    arr(v).map((o) => ({ measure: text(o.measure), description: block(o.description), timeFrame: text(o.time_frame) }));

  const rpType = text(rp.responsible_party_type);
  const hasResults = cs.clinical_results !== undefined;

  const protocolSection = {
    identificationModule: {
      nctId: text(id.nct_id),
      nctIdAliases: texts(id.nct_alias),
      orgStudyIdInfo: text(id.org_study_id) ? { id: text(id.org_study_id) } : undefined,
      secondaryIdInfos: texts(id.secondary_id).map((s) => ({ id: s })),
      organization: text(cs.source)
        ? { fullName: text(cs.source), class: text(cs.source) === leadName ? agencyClass(lead.agency_class) : undefined }
        : undefined,
      briefTitle: text(cs.brief_title),
      officialTitle: text(cs.official_title),
      acronym: text(cs.acronym),
    },
    statusModule: {
      statusVerifiedDate: legacyDate(text(cs.verification_date)),
      overallStatus: status(cs.overall_status),
      lastKnownStatus: status(cs.last_known_status),
      whyStopped: text(cs.why_stopped),
      expandedAccessInfo: cs.has_expanded_access !== undefined ? { hasExpandedAccess: yesNo(cs.has_expanded_access) } : undefined,
      startDateStruct: dateStruct(cs.start_date),
      primaryCompletionDateStruct: dateStruct(cs.primary_completion_date),
      completionDateStruct: dateStruct(cs.completion_date),
      studyFirstSubmitDate: legacyDate(text(cs.study_first_submitted)),
      studyFirstSubmitQcDate: legacyDate(text(cs.study_first_submitted_qc)),
      studyFirstPostDateStruct: dateStruct(cs.study_first_posted),
      resultsFirstSubmitDate: legacyDate(text(cs.results_first_submitted)),
      resultsFirstSubmitQcDate: legacyDate(text(cs.results_first_submitted_qc)),
      resultsFirstPostDateStruct: dateStruct(cs.results_first_posted),
      dispFirstSubmitDate: legacyDate(text(cs.disposition_first_submitted)),
      dispFirstSubmitQcDate: legacyDate(text(cs.disposition_first_submitted_qc)),
      dispFirstPostDateStruct: dateStruct(cs.disposition_first_posted),
      lastUpdateSubmitDate: legacyDate(text(cs.last_update_submitted)),
      lastUpdatePostDateStruct: dateStruct(cs.last_update_posted),
    },
    sponsorCollaboratorsModule: {
      responsibleParty: rpType || text(rp.name_title) || text(rp.organization)
        ? {
            type: rpType ? upperSnake(rpType) : undefined,
            investigatorFullName: text(rp.investigator_full_name),
            investigatorTitle: text(rp.investigator_title),
            investigatorAffiliation: text(rp.investigator_affiliation),
            oldNameTitle: text(rp.name_title),
            oldOrganization: text(rp.organization),
          }
        : undefined,
      leadSponsor: leadName ? { name: leadName, class: agencyClass(lead.agency_class) } : undefined,
      collaborators: arr(sponsors.collaborator).map((c) => ({ name: text(c.agency), class: agencyClass(c.agency_class) })),
    },
    oversightModule: {
      oversightHasDmc: yesNo(oversight.has_dmc),
      isFdaRegulatedDrug: yesNo(oversight.is_fda_regulated_drug),
      isFdaRegulatedDevice: yesNo(oversight.is_fda_regulated_device),
      isUnapprovedDevice: yesNo(oversight.is_unapproved_device),
      isPpsd: yesNo(oversight.is_ppsd),
      isUsExport: yesNo(oversight.is_us_export),
    },
    descriptionModule: {
      briefSummary: block(cs.brief_summary),
      detailedDescription: block(cs.detailed_description),
    },
    conditionsModule: {
      conditions: texts(cs.condition),
      keywords: texts(cs.keyword),
    },
    designModule: {
      studyType,
      patientRegistry: studyType === "OBSERVATIONAL" ? registry : undefined,
      targetDuration: normaliseAgeText(text(cs.target_duration)) ?? text(cs.target_duration),
      phases: legacyPhases(text(cs.phase)),
      expandedAccessTypes: cs.expanded_access_info
        ? {
            individual: yesNo(node(cs.expanded_access_info).expanded_access_type_individual),
            intermediate: yesNo(node(cs.expanded_access_info).expanded_access_type_intermediate),
            treatment: yesNo(node(cs.expanded_access_info).expanded_access_type_treatment),
          }
        : undefined,
      bioSpec:
        cs.biospec_retention !== undefined || cs.biospec_descr !== undefined
          ? {
              retention: text(cs.biospec_retention) ? upperSnake(text(cs.biospec_retention)!) : undefined,
              description: block(cs.biospec_descr),
            }
          : undefined,
      designInfo: {
        allocation: text(design.allocation) ? upperSnake(text(design.allocation)!.replace(/^n\/a$/i, "NA")) : undefined,
        interventionModel: text(design.intervention_model)
          ? upperSnake(text(design.intervention_model)!.replace(/\s+assignment$/i, ""))
          : undefined,
        interventionModelDescription: text(design.intervention_model_description),
        primaryPurpose: text(design.primary_purpose)
          ? (PRIMARY_PURPOSE[text(design.primary_purpose)!.toLowerCase()] ?? upperSnake(text(design.primary_purpose)!))
          : undefined,
        observationalModel: text(design.observational_model) ? upperSnake(text(design.observational_model)!) : undefined,
        timePerspective: text(design.time_perspective) ? upperSnake(text(design.time_perspective)!) : undefined,
        maskingInfo: maskMatch
          ? { masking: maskMatch[1].toUpperCase(), maskingDescription: block(design.masking_description), whoMasked }
          : undefined,
      },
      enrollmentInfo: text(cs.enrollment)
        ? {
            count: Number(text(cs.enrollment)),
            type: dateStruct({ "#text": "January 2000", "@type": node(cs.enrollment)["@type"] })?.type,
          }
        : undefined,
    },
    armsInterventionsModule: {
      armGroups: arr(cs.arm_group).map((a) => ({
        label: text(a.arm_group_label),
        type: text(a.arm_group_type) ? upperSnake(text(a.arm_group_type)!) : undefined,
        description: block(a.description),
        interventionNames: interventionsOfArm(text(a.arm_group_label) ?? ""),
      })),
      interventions,
    },
    outcomesModule: {
      primaryOutcomes: outcomes(cs.primary_outcome),
      secondaryOutcomes: outcomes(cs.secondary_outcome),
      otherOutcomes: outcomes(cs.other_outcome),
    },
    eligibilityModule: {
      eligibilityCriteria: block(elig.criteria),
      healthyVolunteers: hv === undefined ? undefined : hv.startsWith("accepts") || hv === "yes",
      sex: gender ? upperSnake(gender) : undefined,
      genderBased: yesNo(elig.gender_based),
      genderDescription: block(elig.gender_description),
      minimumAge: minAge,
      maximumAge: maxAge,
      stdAges: stdAges(minAge, maxAge),
      studyPopulation: block(elig.study_pop),
      samplingMethod: text(elig.sampling_method) ? upperSnake(text(elig.sampling_method)!) : undefined,
    },
    contactsLocationsModule: {
      centralContacts: [
        ...arr(cs.overall_contact).map((c) => contact(c, "CONTACT")),
        ...arr(cs.overall_contact_backup).map((c) => contact(c, "CONTACT")),
      ],
      overallOfficials: arr(cs.overall_official).map((o) => ({
        name: text(o.last_name),
        affiliation: text(o.affiliation),
        role: OFFICIAL_ROLE[text(o.role)?.toLowerCase() ?? ""] ?? (text(o.role) ? upperSnake(text(o.role)!) : undefined),
      })),
      locations: arr(cs.location).map((l) => {
        const f = node(l.facility);
        const a = node(f.address);
        return {
          facility: text(f.name),
          status: status(l.status),
          city: text(a.city),
          state: text(a.state),
          zip: text(a.zip),
          country: text(a.country),
          contacts: [
            ...arr(l.contact).map((c) => contact(c, "CONTACT")),
            ...arr(l.contact_backup).map((c) => contact(c, "CONTACT")),
            ...arr(l.investigator).map((i) => ({
              name: text(i.last_name),
              role: OFFICIAL_ROLE[text(i.role)?.toLowerCase() ?? ""] ?? (text(i.role) ? upperSnake(text(i.role)!) : undefined),
            })),
          ],
        };
      }),
    },
    referencesModule: {
      references: [
        ...arr(cs.reference).map((r) => ({ pmid: text(r.PMID), type: "BACKGROUND", citation: text(r.citation) })),
        ...arr(cs.results_reference).map((r) => ({ pmid: text(r.PMID), type: "RESULT", citation: text(r.citation) })),
      ],
      seeAlsoLinks: arr(cs.link).map((l) => ({ label: text(l.description), url: text(l.url) })),
      availIpds: arr(node(cs.study_docs).study_doc).map((d) => ({
        id: text(d.doc_id),
        type: text(d.doc_type),
        url: text(d.doc_url),
        comment: text(d.doc_comment),
      })),
    },
    ipdSharingStatementModule: {
      ipdSharing: text(pd.sharing_ipd) ? upperSnake(text(pd.sharing_ipd)!) : undefined,
      description: block(pd.ipd_description),
      infoTypes: texts(pd.ipd_info_type).map((t) => IPD_INFO[t.toLowerCase()] ?? upperSnake(t)),
      timeFrame: block(pd.ipd_time_frame),
      accessCriteria: block(pd.ipd_access_criteria),
      url: text(pd.ipd_url),
    },
  };

  const meshes = (v: unknown) => texts(node(v).mesh_term).map((term) => ({ term }));
  const derivedSection = {
    conditionBrowseModule: { meshes: meshes(cs.condition_browse) },
    interventionBrowseModule: { meshes: meshes(cs.intervention_browse) },
    miscInfoModule: { removedCountries: texts(node(cs.removed_countries).country) },
  };

  const legacyXml: Node = {};
  for (const [k, v] of Object.entries(cs)) if (!MAPPED.has(k) && !k.startsWith("@")) legacyXml[k] = v;

  return clean({ protocolSection, derivedSection, hasResults, legacyXml });
}

export const legacyXmlFormat: ImportFormat = {
  name: "ctgov-legacy-xml",
  sourceKind: KIND,
  sniff(head) {
    return /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<clinical_study[\s>]/.test(head);
  },
  *parse(text, source) {
    let doc: Node;
    try {
      doc = parser.parse(text, true) as Node;
    } catch (e) {
      throw new Error(`invalid XML: ${(e as Error).message.split("\n")[0]}`);
    }
    const cs = doc.clinical_study;
    if (!cs || typeof cs !== "object") throw new Error("XML has no <clinical_study> element");
    yield toImportedStudy(mapClinicalStudy(cs as Node), source, KIND, "clinical_study");
  },
};
