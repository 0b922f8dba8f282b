/**
 * Classic ClinicalTrials.gov (the pre-2023 study page): "Label : value" lines in "Layout
 * table for …" blocks, the condition / intervention / phase table, arms with
 * "Experimental: …" and "Drug: …" lines, numbered outcome measures with
 * "[ Time Frame: … ]", "•" criteria lists, locations grouped by "Country, State".
 */
import { buildCriteriaText, type CriteriaBlock } from "../criteria.js";
import { address, contactOf, prune, sponsorFields, titles, type PageSponsor } from "../build.js";
import { bodyOf, clean, joinParagraphs, nctIdsIn, nonBlank, sectionOf, splitSections } from "../text.js";
import {
  allocation,
  armGroupType,
  dateStruct,
  INTERVENTION_TYPE_WORDS,
  interventionLabel,
  interventionModel,
  interventionType,
  isoDate,
  masking,
  overallStatus,
  phases,
  primaryPurpose,
  recruitmentStatus,
  registryAge,
  sex,
  SITE_STATUS_WORDS,
  stdAges,
  studyType,
  yesNo,
} from "../values.js";
import type { Layout } from "./layout.js";

const HEADINGS: [RegExp, string][] = [
  [/^Brief Summary:$/i, "summary"],
  [/^Detailed Description:$/i, "description"],
  [/^Condition or disease\s+Intervention\/treatment\s+Phase$/i, "conditionTable"],
  [/^Layout table for study information$/i, "studyInfo"],
  [/^Resource links provided by the National Library of Medicine$/i, "chrome"],
  [/^Arm\s+Intervention\/treatment$/i, "arms"],
  [/^Primary Outcome Measures\s*:$/i, "primaryOutcomes"],
  [/^Secondary Outcome Measures\s*:$/i, "secondaryOutcomes"],
  [/^Other Outcome Measures\s*:$/i, "otherOutcomes"],
  [/^Information from the National Library of Medicine$/i, "chrome"],
  [/^Layout table for eligibility information$/i, "eligibilityInfo"],
  [/^Inclusion Criteria:?$/i, "inclusion"],
  [/^Exclusion Criteria:?$/i, "exclusion"],
  [/^Criteria:?$/i, "criteria"],
  [/^Layout table for location contacts$/i, "contacts"],
  [/^Layout table for location information$/i, "locations"],
  [/^Sponsors and Collaborators$/i, "sponsors"],
  [/^Layout table for investigator information$/i, "investigators"],
  [/^Investigators$/i, "investigators"],
  [/^Layout table for (?:additonal|additional) information$/i, "additional"],
  [/^Keywords provided by .*:$/i, "keywords"],
  [/^Additional relevant MeSH terms:$/i, "mesh"],
  [/^Publications(?: of Results)?:$/i, "references"],
  [/^Publications automatically indexed to this study.*$/i, "references"],
  [/^Study Design$/i, "chrome"],
  [/^Go to$/i, "chrome"],
];
const CHROME = [
  /^Working\.\.\.(?:\s*Menu)?$/,
  /^Menu$/,
  /^The safety and scientific validity of this study is the responsibility\b/,
  /^Choosing to participate in a study is an important personal decision\b/,
  /^To learn more about this study, you or your doctor may contact\b/,
  /^Please refer to this study by its identifier/,
  /^Layout table for MeSH terms$/,
  /^Try the modernized ClinicalTrials\.gov/i,
  /^Study Record Detail$/i,
  /^See Contacts and Locations$/i,
  /^Save this study$/i,
];
const isChrome = (l: string) => CHROME.some((re) => re.test(l));
const headingOf = (l: string) => HEADINGS.find(([re]) => re.test(l))?.[1] ?? null;

/** Labelled values, wherever they appear on the page. */
const LABELS = [
  "Recruitment Status",
  "First Posted",
  "Last Update Posted",
  "Study Type",
  "Estimated Enrollment",
  "Actual Enrollment",
  "Enrollment",
  "Allocation",
  "Intervention Model",
  "Intervention Model Description",
  "Masking",
  "Masking Description",
  "Primary Purpose",
  "Official Title",
  "Brief Title",
  "Acronym",
  "Estimated Study Start Date",
  "Actual Study Start Date",
  "Study Start Date",
  "Estimated Primary Completion Date",
  "Actual Primary Completion Date",
  "Primary Completion Date",
  "Estimated Study Completion Date",
  "Actual Study Completion Date",
  "Study Completion Date",
  "Ages Eligible for Study",
  "Sexes Eligible for Study",
  "Accepts Healthy Volunteers",
  "Responsible Party",
  "Other Study ID Numbers",
  "Last Verified",
  "Studies a U.S. FDA-regulated Drug Product",
  "Studies a U.S. FDA-regulated Device Product",
  "Has Data Monitoring Committee",
];
const LABEL_RE = new RegExp(
  `^(${LABELS.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})\\s*:\\s*(.*)$`,
  "i",
);
/** Text the page appends to a value on the same line. */
const TRAILERS = /\s+(?:Identifier:\s*NCT\d{8}.*|History of Changes|Key Record Dates)\s*$/i;

const TYPED_INTERVENTION = new RegExp(`^(${INTERVENTION_TYPE_WORDS}):\\s*(.+)$`, "i");
const ARM_HEADER = /^(Experimental|Active Comparator|Placebo Comparator|Sham Comparator|No Intervention|Other):\s*(.+)$/i;
const STATUS_AT_END = new RegExp(`^(.+?)\\s+(${SITE_STATUS_WORDS.join("|")})$`);

export const classic: Layout = {
  id: "ctgov-classic",
  markers: [
    /^Layout table for (?:study|eligibility|location|investigator|additonal|additional) information$/m,
    /^Recruitment Status\s*:/m,
    /^Information provided by \(Responsible Party\):$/m,
    /^Please refer to this study by its identifier \(NCT number\)/m,
    /^Condition or disease\s+Intervention\/treatment\s+Phase$/m,
    /^Working\.\.\.\s*Menu$/m,
    /Listing a study does not mean it has been evaluated by the U\.S\. Federal Government/,
    /^Sponsors and Collaborators$/m,
  ],
  parse(lines) {
    const sections = splitSections(lines, headingOf, isChrome);
    const body = (key: string) => (key === "" ? (sectionOf(sections, "")?.body ?? []) : bodyOf(sections, key));
    const values = (key: string) => nonBlank(body(key));

    const kv = new Map<string, string>();
    for (const raw of lines) {
      const l = clean(raw);
      const m = LABEL_RE.exec(l);
      if (!m) continue;
      const label = LABELS.find((x) => x.toLowerCase() === m[1].toLowerCase())!;
      const value = clean(m[2].replace(TRAILERS, "").split(/\s{2,}/)[0] ?? "");
      if (!kv.has(label)) kv.set(label, label === "Ages Eligible for Study" ? clean(m[2]) : value);
    }
    const get = (label: string) => kv.get(label);

    const identifierLine = lines.map(clean).find((l) => /\bIdentifier:\s*NCT\d{8}/.test(l));
    const nctId = nctIdsIn(identifierLine ?? "")[0] ?? nctIdsIn(lines.join("\n"))[0];

    // The preamble: title, labelled header values, the collaborator list, and the
    // responsible party after "Information provided by (Responsible Party):".
    const preamble = values("");
    const briefTitle = preamble.find((l) => !LABEL_RE.test(l) && !/\bIdentifier:\s*NCT/.test(l));
    const rpIndex = preamble.findIndex((l) => /^Information provided by \(Responsible Party\):$/i.test(l));
    const responsibleName = rpIndex >= 0 ? preamble[rpIndex + 1] : get("Responsible Party");
    // Header lines between the dates and "Information provided by": "Sponsor:" and
    // "Collaborator(s):" labels when the page kept them, else the collaborators alone.
    const lastHeaderLabel = preamble.reduce((acc, l, i) => (LABEL_RE.test(l) ? i : acc), -1);
    const headerLines =
      rpIndex > lastHeaderLabel && lastHeaderLabel >= 0 ? preamble.slice(lastHeaderLabel + 1, rpIndex) : [];
    const headerSponsors: PageSponsor[] = [];
    let headerRole: "lead" | "collaborator" = "collaborator";
    for (const l of headerLines) {
      if (/^Sponsors?:$/i.test(l)) headerRole = "lead";
      else if (/^Collaborators?:$/i.test(l)) headerRole = "collaborator";
      else headerSponsors.push({ name: l, role: headerRole });
    }

    const sponsorLines = values("sponsors");
    const sponsors: PageSponsor[] = sponsorLines.length
      ? sponsorLines.map((name, i) => ({ name, role: i === 0 ? "lead" : "collaborator" }))
      : headerSponsors;
    const leadName = sponsors.find((s) => s.role === "lead")?.name;

    const table = conditionTable(values("conditionTable"));
    const { arms, interventions } = parseArms(
      // The arm and intervention cells of one table row may share a line, tab-separated.
      nonBlank(body("arms").flatMap((l) => l.split("\t"))),
      table.interventions,
    );

    const enrollmentLabel = ["Estimated Enrollment", "Actual Enrollment", "Enrollment"].find((l) => kv.has(l));
    const enrollment = enrollmentLabel ? /^(\d[\d,]*)/.exec(get(enrollmentLabel)!) : null;
    const date = (base: string) => {
      for (const prefix of ["Estimated ", "Actual ", ""]) {
        const v = get(prefix + base);
        if (v) return dateStruct(v, prefix);
      }
      return undefined;
    };

    const ages = get("Ages Eligible for Study") ?? "";
    let minimumAge: string | undefined;
    let maximumAge: string | undefined;
    let m: RegExpExecArray | null;
    if ((m = /(\d+\s+\w+)\s+to\s+(\d+\s+\w+)/i.exec(ages))) {
      minimumAge = registryAge(m[1]);
      maximumAge = registryAge(m[2]);
    } else if ((m = /(\d+\s+\w+)\s+and\s+older/i.exec(ages))) minimumAge = registryAge(m[1]);
    else if ((m = /up to\s+(\d+\s+\w+)/i.exec(ages))) maximumAge = registryAge(m[1]);
    const ageGroups = /\(([^)]*)\)\s*$/.exec(ages);

    const criteriaBlocks: CriteriaBlock[] = [];
    for (const s of sections) {
      if (s.key === "inclusion" || s.key === "exclusion") criteriaBlocks.push({ kind: s.key, lines: s.body });
      if (s.key === "criteria") criteriaBlocks.push({ kind: null, lines: s.body });
    }

    const otherIds = get("Other Study ID Numbers");
    const mk = masking(get("Masking") ?? "");
    const orgNames = [...sponsors.map((s) => s.name), responsibleName].filter((x): x is string => Boolean(x));
    const fda = (label: string) => yesNo(get(label) ?? "");

    return prune({
      protocolSection: {
        identificationModule: {
          nctId,
          orgStudyIdInfo: otherIds ? { id: otherIds } : undefined,
          ...titles(briefTitle, get("Official Title")),
          ...(get("Acronym") ? { acronym: get("Acronym") } : {}),
        },
        statusModule: {
          statusVerifiedDate: isoDate(get("Last Verified") ?? ""),
          overallStatus: overallStatus(get("Recruitment Status") ?? ""),
          startDateStruct: date("Study Start Date"),
          primaryCompletionDateStruct: date("Primary Completion Date"),
          completionDateStruct: date("Study Completion Date"),
          studyFirstPostDateStruct: dateStruct(get("First Posted") ?? ""),
          lastUpdatePostDateStruct: dateStruct(get("Last Update Posted") ?? ""),
        },
        sponsorCollaboratorsModule: {
          ...sponsorFields(sponsors),
          responsibleParty: responsibleParty(responsibleName, leadName, orgNames),
        },
        oversightModule: {
          isFdaRegulatedDrug: fda("Studies a U.S. FDA-regulated Drug Product"),
          isFdaRegulatedDevice: fda("Studies a U.S. FDA-regulated Device Product"),
          oversightHasDmc: fda("Has Data Monitoring Committee"),
        },
        descriptionModule: {
          briefSummary: joinParagraphs(body("summary")),
          detailedDescription: joinParagraphs(body("description")),
        },
        conditionsModule: { conditions: table.conditions, keywords: values("keywords") },
        designModule: {
          studyType: studyType(get("Study Type") ?? ""),
          phases: table.phases,
          designInfo: {
            allocation: allocation(get("Allocation") ?? ""),
            interventionModel: interventionModel(get("Intervention Model") ?? ""),
            interventionModelDescription: get("Intervention Model Description"),
            primaryPurpose: primaryPurpose(get("Primary Purpose") ?? ""),
            maskingInfo: mk ? { ...mk, maskingDescription: get("Masking Description") } : undefined,
          },
          enrollmentInfo: enrollment
            ? {
                count: Number(enrollment[1].replace(/,/g, "")),
                type: /^Estimated/.test(enrollmentLabel!) ? "ESTIMATED" : /^Actual/.test(enrollmentLabel!) ? "ACTUAL" : undefined,
              }
            : undefined,
        },
        armsInterventionsModule: { armGroups: arms, interventions },
        outcomesModule: {
          primaryOutcomes: outcomes(body("primaryOutcomes")),
          secondaryOutcomes: outcomes(body("secondaryOutcomes")),
          otherOutcomes: outcomes(body("otherOutcomes")),
        },
        eligibilityModule: {
          eligibilityCriteria: buildCriteriaText(criteriaBlocks),
          sex: sex(get("Sexes Eligible for Study") ?? ""),
          minimumAge,
          maximumAge,
          stdAges: ageGroups ? stdAges(ageGroups[1]) : undefined,
          healthyVolunteers: yesNo(get("Accepts Healthy Volunteers") ?? ""),
        },
        contactsLocationsModule: {
          centralContacts: values("contacts")
            .filter((l) => /^Contact:/i.test(l))
            .map((l) => contactOf(l.replace(/^Contact:\s*/i, ""), "CONTACT")),
          overallOfficials: investigators(values("investigators"), orgNames),
          locations: locations(values("locations")),
        },
        referencesModule: { references: values("references").map((citation) => referenceOf(citation)) },
      },
      derivedSection: { conditionBrowseModule: { meshes: values("mesh").map((term) => ({ term })) } },
    });
  },
};

/** Rows "Soft Tissue Sarcoma Drug: Anlotinib Phase 2": conditions, typed interventions, phase. */
function conditionTable(rows: string[]) {
  const conditions: string[] = [];
  const interventions: { type?: string; name: string }[] = [];
  let phaseList: string[] | undefined;
  const typeRe = new RegExp(`\\b(${INTERVENTION_TYPE_WORDS}):\\s*`, "g");
  for (const row of rows) {
    let rest = row;
    const ph = /\s*\b((?:Early\s+)?Phase\s+\d(?:\s*\/\s*Phase\s+\d)?|Not Applicable)$/i.exec(rest);
    if (ph) {
      const p = phases(ph[1].replace(/\s*\/\s*/g, "/"));
      if (p) phaseList = p;
      rest = rest.slice(0, ph.index);
    }
    const marks = [...rest.matchAll(typeRe)];
    const condition = clean(marks.length ? rest.slice(0, marks[0].index) : rest);
    if (condition) conditions.push(condition);
    marks.forEach((mk, i) => {
      const name = clean(rest.slice(mk.index! + mk[0].length, marks[i + 1]?.index));
      if (name) interventions.push({ type: interventionType(mk[1]), name });
    });
  }
  return { conditions, interventions, phases: phaseList };
}

interface ClassicIntervention {
  type?: string;
  name: string;
  description?: string;
  armGroupLabels: string[];
  otherNames?: string[];
}

/** "Experimental: Label" / description / "Drug: Name" / description / "Other Name: …". */
function parseArms(lines: string[], tableInterventions: { type?: string; name: string }[]) {
  const arms: { label: string; type?: string; description?: string; interventionNames: string[] }[] = [];
  const interventions: ClassicIntervention[] = tableInterventions.map((i) => ({ ...i, armGroupLabels: [] }));
  let current: "arm" | "intervention" | null = null;
  let iv: ClassicIntervention | undefined;
  let ivIsNew = false;
  let inOtherNames = false;
  const isTableIntervention = (l: string) =>
    tableInterventions.some((t) => interventionLabel(t.type, t.name).toLowerCase() === l.toLowerCase());
  for (const l of lines) {
    const typed = TYPED_INTERVENTION.exec(l);
    const arm = ARM_HEADER.exec(l);
    if (arm && !(typed && isTableIntervention(l)) && !(arm[1].toLowerCase() === "other" && current === "arm")) {
      arms.push({ label: clean(arm[2]), type: armGroupType(arm[1]), interventionNames: [] });
      current = "arm";
      inOtherNames = false;
      continue;
    }
    const a = arms[arms.length - 1];
    if (typed && a) {
      const type = interventionType(typed[1]);
      const name = clean(typed[2]);
      iv = interventions.find((x) => x.name === name && (!x.type || x.type === type));
      ivIsNew = !iv || (!iv.description && !iv.armGroupLabels.length);
      if (!iv) {
        iv = { type, name, armGroupLabels: [] };
        interventions.push(iv);
      }
      iv.type ??= type;
      if (!iv.armGroupLabels.includes(a.label)) iv.armGroupLabels.push(a.label);
      a.interventionNames.push(interventionLabel(iv.type, iv.name));
      current = "intervention";
      inOtherNames = false;
      continue;
    }
    const other = /^Other Names?:\s*(.*)$/i.exec(l);
    if (other && iv && current === "intervention") {
      if (other[1]) for (const n of other[1].split(/;\s*/)) if (ivIsNew) (iv.otherNames ??= []).push(clean(n));
      inOtherNames = !other[1];
      continue;
    }
    if (inOtherNames && iv && /^[•*\-·]\s*/.test(l)) {
      const name = clean(l.replace(/^[•*\-·]\s*/, ""));
      if (ivIsNew && name) (iv.otherNames ??= []).push(name);
      continue;
    }
    inOtherNames = false;
    if (current === "arm" && a) a.description = a.description ? `${a.description}\n${l}` : l;
    else if (current === "intervention" && iv && ivIsNew) iv.description = iv.description ? `${iv.description}\n${l}` : l;
  }
  return { arms, interventions };
}

/** "1. Measure [ Time Frame: … ]" followed by its description lines. */
function outcomes(lines: string[]) {
  const out: { measure: string; timeFrame?: string; description?: string }[] = [];
  for (const raw of lines) {
    const l = clean(raw);
    if (!l) continue;
    const m = /^\d+\.\s+(.*?)(?:\s*\[\s*Time Frame:\s*(.*?)\s*\])?$/.exec(l);
    if (m) {
      out.push({ measure: m[1], timeFrame: m[2] || undefined });
      continue;
    }
    const cur = out[out.length - 1];
    if (cur) cur.description = cur.description ? `${cur.description}\n${l}` : l;
  }
  return out;
}

const TITLE_WORD = /^(?:M\.?D\.?|Ph\.?D\.?|MD|PhD|MSc|MS|MPH|MBBS|RN|DO|DrPH|Dr\.?|Prof\.?|professor|associate professor|chief physician|director)$/i;

/** "Principal Investigator: Zhaoming Ye, professor Second Affiliated Hospital, …". */
function investigators(lines: string[], orgNames: string[]) {
  const roles: Record<string, string> = {
    "principal investigator": "PRINCIPAL_INVESTIGATOR",
    "study director": "STUDY_DIRECTOR",
    "study chair": "STUDY_CHAIR",
    "sub-investigator": "SUB_INVESTIGATOR",
  };
  const out: Record<string, string | undefined>[] = [];
  for (const l of lines) {
    const m = /^(Principal Investigator|Study Director|Study Chair|Sub-Investigator):\s*(.+)$/i.exec(l);
    if (!m) continue;
    const rest = clean(m[2]);
    let name = rest;
    let affiliation: string | undefined;
    const org = orgNames.find((o) => rest.endsWith(" " + o));
    if (org) {
      name = rest.slice(0, rest.length - org.length).trim();
      affiliation = org;
    } else {
      // "Name, title Affiliation words…": the name ends after its title.
      const parts = rest.split(",");
      if (parts.length >= 2) {
        const words = parts[1].trim().split(/\s+/);
        let k = 0;
        while (k < words.length && TITLE_WORD.test(words.slice(0, k + 1).join(" "))) k++;
        if (k > 0 && k < words.length) {
          name = `${parts[0].trim()}, ${words.slice(0, k).join(" ")}`;
          affiliation = [words.slice(k).join(" "), ...parts.slice(2)].join(",").trim();
        }
      }
    }
    out.push({ name: name.replace(/,\s*$/, ""), affiliation, role: roles[m[1].toLowerCase()] });
  }
  return out;
}

/**
 * "Country, State" group lines, then per site: "Facility Status", "City, State,
 * Country", "Contact: …" lines.
 */
function locations(lines: string[]) {
  const out: Record<string, unknown>[] = [];
  let expectAddress = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const contact = /^(Contact|Principal Investigator|Sub-Investigator):\s*(.+)$/i.exec(l);
    if (contact) {
      const cur = out[out.length - 1];
      if (cur) {
        const role = contact[1].toLowerCase() === "contact" ? "CONTACT" : contact[1].toUpperCase().replace(/[^A-Z]+/g, "_");
        ((cur.contacts ??= []) as unknown[]).push(contactOf(contact[2], role));
      }
      continue;
    }
    if (expectAddress && /,/.test(l)) {
      Object.assign(out[out.length - 1], address(l));
      expectAddress = false;
      continue;
    }
    const st = STATUS_AT_END.exec(l);
    if (st) {
      out.push({ facility: clean(st[1]), status: recruitmentStatus(st[2]) });
      expectAddress = true;
      continue;
    }
    // A group line "China, Zhejiang" is followed by a facility, not by an address; a
    // facility shown without a status is followed by its address.
    const next = lines[i + 1] ?? "";
    if (STATUS_AT_END.test(next)) continue;
    if (/,/.test(next) && !/^(Contact|Principal Investigator|Sub-Investigator):/i.test(next)) {
      out.push({ facility: l, ...address(next) });
      i++;
      expectAddress = false;
    }
  }
  return out;
}

/**
 * The responsible party as the page names it: the lead sponsor (type SPONSOR), or an
 * investigator "Name, Title, Affiliation" whose affiliation is an organisation the page
 * names elsewhere. Anything else is left out rather than split at a guess.
 */
function responsibleParty(name: string | undefined, leadName: string | undefined, orgNames: string[]) {
  if (!name) return undefined;
  if (name === leadName) return { type: "SPONSOR" };
  const org = orgNames.find((o) => o !== name && name.endsWith(`, ${o}`));
  if (!org) return undefined;
  return { investigatorFullName: name.slice(0, name.length - org.length - 2).trim(), investigatorAffiliation: org };
}

function referenceOf(citation: string) {
  const pmid = /\bPMID:?\s*(\d+)/.exec(citation);
  return { citation: clean(citation.replace(/\s*\[?PubMed:?\s*\d+\]?\s*$/i, "")), pmid: pmid?.[1] };
}
