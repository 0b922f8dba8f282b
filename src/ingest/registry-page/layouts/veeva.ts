/**
 * ClinicalTrials.Veeva (clinicaltrials.veeva.com): short headings ("Status and phase",
 * "Treatments", "Identifiers", "About", …), criteria as "•" lists, the design block, then
 * one paragraph per patient group ("Anlotinib+Penpulimab / Experimental group /
 * Treatment: / Drug: …").
 */
import { buildCriteriaText, type CriteriaBlock } from "../criteria.js";
import { prune, sponsorFields, titles, unlabelledIds, type PageSponsor } from "../build.js";
import { clean, joinParagraphs, nctIdsIn, nonBlank, sectionOf, splitSections, type Section } from "../text.js";
import {
  agencyClass,
  allocation,
  armGroupType,
  INTERVENTION_TYPE_WORDS,
  interventionLabel,
  interventionModel,
  interventionType,
  masking,
  overallStatus,
  phases,
  primaryPurpose,
  registryAge,
  sex,
  studyType,
  yesNo,
} from "../values.js";
import type { Layout } from "./layout.js";

const HEADINGS: Record<string, string> = {
  "status and phase": "status",
  conditions: "conditions",
  treatments: "treatments",
  "study type": "studyType",
  "funder types": "funderTypes",
  identifiers: "identifiers",
  "details and patient eligibility": "details",
  about: "about",
  description: "description",
  "full description": "description",
  enrollment: "enrollment",
  sex: "sex",
  ages: "ages",
  volunteers: "volunteers",
  "inclusion criteria": "inclusion",
  "exclusion criteria": "exclusion",
  "trial design": "design",
  "primary purpose": "primaryPurpose",
  allocation: "allocation",
  "interventional model": "interventionModel",
  masking: "masking",
  "trial contacts and locations": "locations",
  "central trial contact": "centralContact",
  "trial documents": "documents",
  "trial timeline": "timeline",
  "clinical trials": "footer",
  "sponsor": "sponsor",
};
const GROUPS_LINE = /^\d+ participants? in \d+ patient groups?\b/i;

const CHROME = [
  /^ClinicalTrials\.Veeva$/i,
  /^Menu$/,
  /^Loading\.\.\.$/,
  /^Data sourced from clinicaltrials\.gov$/i,
  /^Find clinical trials\s*Trials by location$/i,
  /^©\s*Copyright .*Veeva/i,
  / logo$/,
  /^Show (?:more|less)$/i,
  /^Read more$/i,
];
const isChrome = (l: string) => CHROME.some((re) => re.test(l));

function headingOf(line: string): string | null {
  if (GROUPS_LINE.test(line)) return "groups";
  return HEADINGS[line.toLowerCase()] ?? null;
}

const TYPED_INTERVENTION = new RegExp(`^(${INTERVENTION_TYPE_WORDS}):\\s*(.+)$`, "i");

export const veeva: Layout = {
  id: "ctgov-veeva",
  markers: [
    /^ClinicalTrials\.Veeva$/m,
    /^Status and phase$/m,
    /^Funder types$/m,
    /^Details and patient eligibility$/m,
    /^Trial contacts and locations$/m,
    /^Central trial contact$/m,
    /^©\s*Copyright \d{4} Veeva Systems/m,
    /^\d+ participants? in \d+ patient groups?\b/m,
  ],
  parse(lines) {
    const sections = splitSections(lines, headingOf, isChrome);
    const body = (key: string) => sectionOf(sections, key)?.body ?? [];
    const values = (key: string) => nonBlank(body(key));

    // The lines before the first heading: the title, then the lead sponsor's name (its
    // logo's alt text, "… logo", is chrome).
    const preamble = values("");
    const briefTitle = preamble[0];
    const sponsorName = preamble.slice(1).find((l) => l !== briefTitle);

    let status: string | undefined;
    let phaseList: string[] | undefined;
    for (const v of values("status")) {
      // "Phase 1" and "Phase 2" may stand on lines of their own.
      const p = phases(v);
      if (p) phaseList = [...new Set([...(phaseList ?? []), ...p])];
      else status ??= overallStatus(v);
    }

    const idLines = values("identifiers");
    const allIds = nctIdsIn(idLines.join("\n"));
    const nctId = allIds[0] ?? nctIdsIn(lines.join("\n"))[0];
    const otherIds = idLines.filter((l) => !/^NCT\d{8}$/.test(l));

    const funderClasses = [...new Set(values("funderTypes").map(agencyClass).filter(Boolean))];
    const sponsors: PageSponsor[] = sponsorName
      ? [{ name: sponsorName, role: "lead", class: funderClasses.length === 1 ? funderClasses[0] : undefined }]
      : [];

    const enrollmentText = values("enrollment").join(" ");
    const enrollment = /(\d[\d,]*)\s*(estimated|actual|anticipated)?/i.exec(enrollmentText);

    const ages = values("ages").join(" ");
    let minimumAge: string | undefined;
    let maximumAge: string | undefined;
    let m: RegExpExecArray | null;
    if ((m = /^(\d+)\s*\+\s*(years?|months?|weeks?|days?)/i.exec(ages))) minimumAge = registryAge(`${m[1]} ${m[2]}`);
    else if ((m = /^(\d+)\s*(?:-|–|to)\s*(\d+)\s*(years?|months?|weeks?|days?)/i.exec(ages))) {
      minimumAge = registryAge(`${m[1]} ${m[3]}`);
      maximumAge = registryAge(`${m[2]} ${m[3]}`);
    } else if ((m = /^(?:up to|under|<=?)\s*(\d+)\s*(years?|months?|weeks?|days?)/i.exec(ages)))
      maximumAge = registryAge(`${m[1]} ${m[2]}`);

    const treatments = values("treatments")
      .map((l) => TYPED_INTERVENTION.exec(l))
      .filter((x): x is RegExpExecArray => Boolean(x))
      .map((x) => ({ type: interventionType(x[1]), name: clean(x[2]) }));

    const arms = parseGroups(values("groups"));
    const interventions: { type?: string; name: string; armGroupLabels: string[] }[] = treatments.map((t) => ({
      ...t,
      armGroupLabels: [],
    }));
    for (const arm of arms) {
      for (const ref of arm.refs) {
        let iv = interventions.find((i) => i.name === ref.name && (!ref.type || i.type === ref.type));
        if (!iv) {
          iv = { type: ref.type, name: ref.name, armGroupLabels: [] };
          interventions.push(iv);
        }
        if (!iv.armGroupLabels.includes(arm.label)) iv.armGroupLabels.push(arm.label);
      }
    }

    const criteriaBlocks: CriteriaBlock[] = [];
    for (const s of sections) {
      if (s.key === "inclusion" || s.key === "exclusion") criteriaBlocks.push({ kind: s.key, lines: s.body });
    }

    const mask = masking(values("masking")[0] ?? "");
    const contacts = centralContacts(sectionOf(sections, "centralContact"));

    return prune({
      protocolSection: {
        identificationModule: {
          nctId,
          ...unlabelledIds(otherIds),
          ...titles(briefTitle),
        },
        statusModule: { overallStatus: status },
        sponsorCollaboratorsModule: sponsorFields(sponsors),
        descriptionModule: {
          briefSummary: joinParagraphs(body("about")),
          detailedDescription: joinParagraphs(body("description")),
        },
        conditionsModule: { conditions: values("conditions") },
        designModule: {
          studyType: studyType(values("studyType")[0] ?? ""),
          phases: phaseList,
          designInfo: {
            allocation: allocation(values("allocation")[0] ?? ""),
            interventionModel: interventionModel(values("interventionModel")[0] ?? ""),
            primaryPurpose: primaryPurpose(values("primaryPurpose")[0] ?? ""),
            maskingInfo: mask,
          },
          enrollmentInfo: enrollment
            ? {
                count: Number(enrollment[1].replace(/,/g, "")),
                type: enrollment[2]
                  ? /actual/i.test(enrollment[2])
                    ? "ACTUAL"
                    : "ESTIMATED"
                  : undefined,
              }
            : undefined,
        },
        armsInterventionsModule: {
          armGroups: arms.map((a) => ({
            label: a.label,
            type: a.type,
            description: a.description,
            interventionNames: a.refs.map((r) => interventionLabel(r.type, r.name)),
          })),
          interventions,
        },
        eligibilityModule: {
          eligibilityCriteria: buildCriteriaText(criteriaBlocks),
          sex: sex(values("sex")[0] ?? ""),
          minimumAge,
          maximumAge,
          healthyVolunteers: yesNo(values("volunteers")[0] ?? ""),
        },
        contactsLocationsModule: { centralContacts: contacts },
      },
    });
  },
};

interface VeevaArm {
  label: string;
  type?: string;
  description?: string;
  refs: { type?: string; name: string }[];
}


/**
 * The patient groups: a label line followed by its type line ("Experimental group"),
 * optional description lines, then "Treatment:" and the interventions. A new group starts
 * at a line followed by a type line, so blank lines are not needed to separate groups.
 */
function parseGroups(lines: string[]): VeevaArm[] {
  const arms: VeevaArm[] = [];
  let inTreatments = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const next = lines[i + 1];
    if (next && armGroupType(next) && !TYPED_INTERVENTION.test(line) && !/^treatments?:$/i.test(line)) {
      arms.push({ label: line, type: armGroupType(next), refs: [] });
      inTreatments = false;
      i++;
      continue;
    }
    const arm = arms[arms.length - 1];
    if (!arm) continue;
    if (/^treatments?:$/i.test(line)) {
      inTreatments = true;
      continue;
    }
    const iv = TYPED_INTERVENTION.exec(line);
    if (inTreatments && iv) {
      arm.refs.push({ type: interventionType(iv[1]), name: clean(iv[2]) });
      continue;
    }
    const text = line.replace(/^Description:\s*/i, "");
    if (text) arm.description = arm.description ? `${arm.description}\n${text}` : text;
  }
  return arms;
}

function centralContacts(section: Section | undefined): Record<string, string | undefined>[] {
  if (!section) return [];
  const out: Record<string, string | undefined>[] = [];
  for (const line of nonBlank(section.body)) {
    if (/\S+@\S+\.\w+/.test(line) && out.length) out[out.length - 1].email = line;
    else if (/^\+?[\d\s().\-]{6,}$/.test(line) && out.length) out[out.length - 1].phone = line;
    else out.push({ name: line });
  }
  return out;
}
