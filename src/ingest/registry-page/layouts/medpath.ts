/**
 * MedPath (trial pages of medpath.com): heading lines followed by their values, criteria
 * as "•" lists, and two tables whose cells lost their separators when saved as text:
 * "Arm && Interventions" (Group | Intervention | Description) and the outcome measures
 * (Name | Time | Method), e.g. "Objective Response Rate (ORR)up to approximately 24 months".
 */
import { buildCriteriaText, type CriteriaBlock } from "../criteria.js";
import { address, prune, sponsorFields, titles } from "../build.js";
import { clean, joinParagraphs, nctIdsIn, nonBlank, sectionOf, splitSections } from "../text.js";
import {
  armGroupType,
  INTERVENTION_TYPE_WORDS,
  interventionLabel,
  interventionModel,
  interventionType,
  overallStatus,
  phases,
  sex,
  studyType,
} from "../values.js";
import type { Layout } from "./layout.js";

const HEADINGS: Record<string, string> = {
  conditions: "conditions",
  interventions: "interventions",
  "registration number": "registration",
  "lead sponsor": "leadSponsor",
  collaborators: "collaborators",
  "brief summary": "summary",
  "detailed description": "description",
  "recruitment & eligibility": "recruitment",
  status: "status",
  sex: "sex",
  age: "age",
  "target recruitment": "target",
  "inclusion criteria": "inclusion",
  "exclusion criteria": "exclusion",
  "study & design": "design",
  "study type": "studyType",
  "study design": "studyDesign",
  "arm && interventions": "arms",
  "arms & interventions": "arms",
  "primary outcome measures": "primaryOutcomes",
  "secondary outcome measures": "secondaryOutcomes",
  "trial locations": "trialLocations",
};
const LOCATIONS = /^Locations \(\d+\)$/i;
const CHROME = [
  /^MedPath$/,
  /^©\s*Copyright .*MedPath/i,
  /^Group\s*Intervention\s*Description$/,
  /^Name\s*Time\s*Method$/,
  /^(?:\p{Regional_Indicator}{2}\s*)+$/u,
];
const isChrome = (l: string) => CHROME.some((re) => re.test(l));
const headingOf = (l: string) => (LOCATIONS.test(l) ? "locations" : HEADINGS[l.toLowerCase()] ?? null);

const ARM_ROW = /^(Experimental|Active Comparator|Placebo Comparator|Sham Comparator|No Intervention|Other):[ ]*(.+)$/i;
const TYPED_INTERVENTION = new RegExp(`^(${INTERVENTION_TYPE_WORDS}):\\s*(.+)$`, "i");
/** Where two table cells were glued: a lower-case letter, digit or ")" directly before a capital. */
const GLUE = /(?<=[a-z0-9)\]])(?=[A-Z])/g;
/** The start of a time frame glued to the end of a measure name. */
const TIME_FRAME_START =
  /(?<=\S)(?=(?:up to|from|at|baseline|through|until|during|within|after|before|every|each|over|day|days|week|weeks|month|months|year|years|cycle|approximately|screening|end of|time)\b|\d+\s*(?:days?|weeks?|months?|years?|hours?|cycles?)\b)/gi;

export const medpath: Layout = {
  id: "medpath",
  markers: [
    /^MedPath$/m,
    /^Registration Number$/m,
    /^Recruitment & Eligibility$/m,
    /^Study & Design$/m,
    /^Arm && Interventions$/m,
    /^Trial Locations$/m,
    /All Rights Reserved by MedPath/,
    /^Target Recruitment$/m,
  ],
  parse(lines) {
    const sections = splitSections(lines, headingOf, isChrome);
    const body = (key: string) => sectionOf(sections, key)?.body ?? [];
    const values = (key: string) => nonBlank(body(key));

    const preamble = values("");
    const briefTitle = preamble[0];
    let phaseList: string[] | undefined;
    let status = overallStatus(values("status")[0] ?? "");
    for (const l of preamble.slice(1)) {
      const p = phases(l);
      if (p) phaseList = [...new Set([...(phaseList ?? []), ...p])];
      else status ??= overallStatus(l);
    }

    const nctId = nctIdsIn(values("registration").join("\n"))[0] ?? nctIdsIn(lines.join("\n"))[0];
    const lead = values("leadSponsor")[0];
    const collaborators = values("collaborators");

    const listed = values("interventions")
      .map((l) => TYPED_INTERVENTION.exec(l))
      .filter((x): x is RegExpExecArray => Boolean(x))
      .map((x) => ({ type: interventionType(x[1]), name: clean(x[2]), armGroupLabels: [] as string[] }));
    // Rows keep their tabs: a page copied from the browser separates table cells with them.
    const arms = body("arms")
      .map((row) => row.trim())
      .filter(Boolean)
      .map((row) => armRow(row, listed.map((i) => i.name)))
      .filter((a): a is NonNullable<typeof a> => Boolean(a));
    const interventions = listed;
    for (const arm of arms) {
      for (const name of arm.interventions) {
        let iv = interventions.find((i) => i.name === name);
        if (!iv) {
          iv = { type: undefined, name, armGroupLabels: [] };
          interventions.push(iv);
        }
        if (!iv.armGroupLabels.includes(arm.label)) iv.armGroupLabels.push(arm.label);
      }
    }

    const criteriaBlocks: CriteriaBlock[] = [];
    for (const s of sections) {
      if (s.key === "inclusion" || s.key === "exclusion") criteriaBlocks.push({ kind: s.key, lines: s.body });
    }

    const target = /^(\d[\d,]*)/.exec(values("target")[0] ?? "");

    return prune({
      protocolSection: {
        identificationModule: { nctId, ...titles(briefTitle) },
        statusModule: { overallStatus: status },
        sponsorCollaboratorsModule: sponsorFields([
          ...(lead ? [{ name: lead, role: "lead" as const }] : []),
          ...collaborators.map((name) => ({ name, role: "collaborator" as const })),
        ]),
        descriptionModule: {
          briefSummary: joinParagraphs(body("summary")),
          detailedDescription: joinParagraphs(body("description")),
        },
        conditionsModule: { conditions: values("conditions") },
        designModule: {
          studyType: studyType(values("studyType")[0] ?? ""),
          phases: phaseList,
          designInfo: { interventionModel: interventionModel(values("studyDesign")[0] ?? "") },
          enrollmentInfo: target ? { count: Number(target[1].replace(/,/g, "")) } : undefined,
        },
        armsInterventionsModule: {
          armGroups: arms.map((a) => ({
            label: a.label,
            type: a.type,
            description: a.description,
            interventionNames: a.interventions.map((n) =>
              interventionLabel(interventions.find((i) => i.name === n)?.type, n),
            ),
          })),
          interventions,
        },
        outcomesModule: {
          primaryOutcomes: outcomes(body("primaryOutcomes")),
          secondaryOutcomes: outcomes(body("secondaryOutcomes")),
        },
        eligibilityModule: {
          eligibilityCriteria: buildCriteriaText(criteriaBlocks),
          sex: sex(values("sex")[0] ?? ""),
        },
        contactsLocationsModule: { locations: locations(values("locations")) },
      },
    });
  },
};

/**
 * One row of the arms table, cells glued: "Experimental: Anlotinib Plus Penpulimab" +
 * "Anlotinib Plus Penpulimab" + "Anlotinib (10mg qd po d1-14 …)". The group label is
 * the first cell; the intervention cell is an intervention the page lists, or else the
 * second cell; the rest is the group's description.
 */
function armRow(row: string, knownInterventions: string[]) {
  const m = ARM_ROW.exec(row);
  if (!m) return undefined;
  const type = armGroupType(m[1]);
  if (m[2].includes("\t")) {
    const [label, ivCell = "", ...desc] = m[2].split("\t").map(clean);
    const ivs = knownInterventions.filter((n) => ivCell.includes(n));
    return {
      label,
      type,
      description: desc.filter(Boolean).join(" ") || undefined,
      interventions: ivs.length ? ivs : ivCell ? [ivCell] : [],
    };
  }
  const rest = clean(m[2]);
  // With the interventions known, the label is the text before the first of them.
  let labelEnd = -1;
  for (let i = 1; i < rest.length && labelEnd < 0; i++) {
    // Cells are glued without a space: "Drug XDrug X…", never "High-dose Drug X".
    if (rest[i - 1] !== " " && knownInterventions.some((n) => rest.startsWith(n, i))) labelEnd = i;
  }
  const cuts = [0, ...[...rest.matchAll(GLUE)].map((g) => g.index!), rest.length];
  const cells = cuts.slice(0, -1).map((c, i) => rest.slice(c, cuts[i + 1]));
  if (labelEnd < 0 && cells.length === 1) return { label: clean(rest), type, description: undefined, interventions: [] as string[] };
  const label = clean(labelEnd >= 0 ? rest.slice(0, labelEnd) : cells[0]);
  let at = labelEnd >= 0 ? labelEnd : cells[0].length;
  const ivs: string[] = [];
  // Known intervention names glued one after the other; the description follows.
  for (;;) {
    const tail = rest.slice(at);
    const known = knownInterventions.find((n) => tail.startsWith(n) && !ivs.includes(n));
    if (!known) break;
    ivs.push(known);
    at += known.length;
  }
  if (!ivs.length && cells.length >= 3) {
    ivs.push(clean(cells[1]));
    at += cells[1].length;
  }
  const description = clean(rest.slice(at)) || undefined;
  return { label, type, description, interventions: ivs };
}

/** Outcome rows "MeasureTime frame" each followed by its description paragraph(s). */
function outcomes(lines: string[]) {
  const out: { measure: string; timeFrame?: string; description?: string; desc: string[] }[] = [];
  let expectRow = true;
  for (const raw of lines) {
    const line = clean(raw);
    if (!line) {
      if (out.length) expectRow = true;
      continue;
    }
    const cells = raw.trim().split("\t").map(clean);
    const split =
      cells.length >= 2 && cells[0] && cells[1] ? { measure: cells[0], timeFrame: cells[1] } : splitMeasure(line);
    if (split && cells.length >= 3 && cells[2]) {
      // A tab-separated row carries its description ("Method") in the third cell.
      out.push({ ...split, desc: [cells.slice(2).join(" ")] });
      expectRow = true;
      continue;
    }
    if (split && (expectRow || !out.length)) {
      out.push({ ...split, desc: [] });
      expectRow = false;
    } else if (out.length) {
      out[out.length - 1].desc.push(line);
      expectRow = false;
    } else {
      out.push({ measure: line, desc: [] });
      expectRow = false;
    }
  }
  return out.map((o) => ({ measure: o.measure, timeFrame: o.timeFrame, description: o.desc.join("\n") || undefined }));
}

function splitMeasure(line: string): { measure: string; timeFrame: string } | undefined {
  for (const m of line.matchAll(TIME_FRAME_START)) {
    const at = m.index!;
    const before = line[at - 1];
    // A glued cell: no space between the measure's last character and the time frame,
    // and either a closing bracket before it or a capital starting it ("SafetyFrom").
    const glued =
      /[)\]%.]/.test(before) ||
      (/[\p{L}\d]/u.test(before) && /[A-Z]/.test(line[at])) ||
      (/\p{L}/u.test(before) && /\d/.test(line[at]));
    if (!glued) continue;
    const measure = line.slice(0, at).trim();
    const timeFrame = line.slice(at).trim();
    if (measure && timeFrame) return { measure, timeFrame };
  }
  return undefined;
}

/** Facility line, then "City, State, Country" (the flag between them is chrome). */
function locations(lines: string[]) {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const facility = lines[i];
    const next = lines[i + 1];
    if (next !== undefined && /,/.test(next)) {
      out.push({ facility, ...address(next) });
      i++;
    } else out.push({ facility });
  }
  return out;
}
