/**
 * A ClinicalTrials.gov mirror whose pages have "Basic Information / Brief Summary /
 * Study Design / …" sections, each followed by an explanatory sentence ("Get a concise
 * snapshot of the trial…") that is page chrome. Values are the API's enum words
 * (COMPLETED, PHASE2, SINGLE_GROUP). The page comes in two variants: with field labels
 * ("Recruitment Status", "Group Type EXPERIMENTAL", "Sponsor Role lead") and without
 * them, where values are recognised by their form and position.
 */
import { buildCriteriaText, type CriteriaBlock } from "../criteria.js";
import { address, prune, sponsorFields, titles, unlabelledIds, type PageSponsor } from "../build.js";
import { clean, ctgovStudyUrl, joinParagraphs, nctIdsIn, nonBlank, sectionOf, splitSections, type Section } from "../text.js";
import {
  agencyClass,
  allocation,
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
  studyType,
  yesNo,
} from "../values.js";
import type { Layout } from "./layout.js";

const HEADINGS: Record<string, string> = {
  "study results": "results",
  "basic information": "basic",
  "brief summary": "summary",
  "related clinical trials": "related",
  "detailed description": "description",
  conditions: "conditions",
  keywords: "keywords",
  "study design": "design",
  "study groups": "groups",
  interventions: "interventions",
  "other intervention names": "otherNames",
  "outcome measures": "outcomes",
  "primary outcomes": "primaryOutcomes",
  "secondary outcomes": "secondaryOutcomes",
  "eligibility criteria": "eligibility",
  sponsors: "sponsors",
  "responsible party": "responsibleParty",
  "principal investigators": "investigators",
  "study contacts": "contacts",
  "central contacts": "contacts",
  locations: "locations",
  countries: "countries",
  references: "references",
  "other identifiers": "identifiers",
  "more related trials": "moreRelated",
};

/** The explanatory sentence under each heading, and other furniture. */
const CHROME = [
  /^Get a concise snapshot of the trial\b/,
  /^Review the sponsor-provided synopsis\b/,
  /^Explore similar clinical trials\b/,
  /^Dive into the extended narrative\b/,
  /^See the medical conditions and disease areas\b/,
  /^Understand how the trial is structured\b/,
  /^Review each arm or cohort in the study\b/,
  /^Learn about the drugs, procedures, or behavioral strategies\b/,
  /^Discover alternative or legacy names\b/,
  /^Check the participation requirements\b/,
  /^Meet the organizations funding or collaborating\b/,
  /^Identify the individual or organization who holds primary responsibility\b/,
  /^Learn about the lead researchers overseeing the trial\b/,
  /^Explore where the study is taking place\b/,
  /^Review the countries where the study has\b/,
  /^Explore related publications, articles, or registry entries\b/,
  /^Review additional registry numbers or institutional identifiers\b/,
  /^Additional clinical trials that may be relevant\b/,
  /^Results pending$/,
  /^The study team has not published outcome measurements\b/,
];
const isChrome = (l: string) => CHROME.some((re) => re.test(l));
const headingOf = (l: string) => HEADINGS[l.toLowerCase()] ?? null;

/** "Label VALUE" lines of the labelled variant. */
const labelled = (line: string, label: string): string | undefined => {
  if (line.slice(0, label.length).toLowerCase() !== label.toLowerCase()) return undefined;
  return clean(line.slice(label.length).replace(/^\s*:?\s*/, ""));
};

export const mirror: Layout = {
  id: "ctgov-mirror",
  markers: [
    /^NCT ID:\s*NCT\d{8}$/m,
    /^Basic Information$/m,
    /^Get a concise snapshot of the trial\b/m,
    /^Review the sponsor-provided synopsis\b/m,
    /^Study Groups$/m,
    /^More Related Trials$/m,
    /^Other Identifiers$/m,
    /^Identifier Source:/m,
    /^Check the participation requirements\b/m,
    /^Meet the organizations funding or collaborating\b/m,
  ],
  parse(lines) {
    const sections = splitSections(lines, headingOf, isChrome);
    const section = (key: string) => sectionOf(sections, key);
    const body = (key: string) => section(key)?.body ?? [];
    const values = (key: string) => nonBlank(body(key));

    const preamble = values("");
    const briefTitle = preamble.find((l) => !/^(?:NCT ID|Last Updated):/i.test(l));
    const nctId =
      nctIdsIn(preamble.filter((l) => /^NCT ID:/i.test(l)).join("\n"))[0] ??
      nctIdsIn(lines.filter((l) => /^NCT ID:/i.test(clean(l))).join("\n"))[0];
    const lastUpdated = preamble.map((l) => labelled(l, "Last Updated:")).find(Boolean);

    const interventions = parseInterventions(values("interventions"));
    for (const l of values("otherNames")) {
      // "Name: other name" when labelled; a bare name goes to the only intervention.
      const m = /^(.+?):\s*(.+)$/.exec(l);
      const iv = m ? interventions.find((i) => i.name === m[1]) : interventions.length === 1 ? interventions[0] : undefined;
      if (iv) (iv.otherNames ??= []).push(m && iv.name === m[1] ? m[2] : l);
    }
    const groups = parseGroups(body("groups"), interventions);
    for (const g of groups) {
      for (const ref of g.refs) {
        let iv = interventions.find((i) => i.name === ref.name);
        if (!iv) {
          iv = { name: ref.name, type: ref.type, armGroupLabels: [] };
          interventions.push(iv);
        }
        iv.type ??= ref.type;
        if (!iv.armGroupLabels.includes(g.label)) iv.armGroupLabels.push(g.label);
      }
    }

    const hasResultsNotice = lines.some((l) => /The study team has not published outcome measurements/.test(l));

    return prune({
      protocolSection: {
        identificationModule: {
          nctId,
          ...otherIdentifiers(values("identifiers")),
          ...titles(briefTitle),
        },
        statusModule: {
          ...basicStatus(values("basic")),
          lastUpdatePostDateStruct: lastUpdated && isoDate(lastUpdated) ? { date: isoDate(lastUpdated) } : undefined,
        },
        sponsorCollaboratorsModule: {
          ...sponsorFields(parseSponsors(values("sponsors"))),
          responsibleParty: responsibleParty(values("responsibleParty")),
        },
        descriptionModule: {
          briefSummary: joinParagraphs(body("summary")),
          detailedDescription: joinParagraphs(body("description")),
        },
        conditionsModule: { conditions: values("conditions"), keywords: values("keywords") },
        designModule: {
          ...basicDesign(values("basic")),
          designInfo: design(values("design")),
        },
        armsInterventionsModule: {
          armGroups: groups.map((g) => ({
            label: g.label,
            type: g.type,
            description: joinParagraphs(g.description),
            interventionNames: g.refs.map((r) =>
              interventionLabel(interventions.find((i) => i.name === r.name)?.type ?? r.type, r.name),
            ),
          })),
          interventions: interventions.map((i) => ({
            type: i.type,
            name: i.name,
            description: joinParagraphs(i.description ?? []),
            armGroupLabels: i.armGroupLabels,
            otherNames: i.otherNames,
          })),
        },
        eligibilityModule: eligibility(section("eligibility")),
        contactsLocationsModule: {
          overallOfficials: investigators(values("investigators")),
          locations: locations(values("locations")),
        },
        referencesModule: {
          references: references(values("references")),
          seeAlsoLinks: [...relatedTrials(values("related")), ...relatedTrials(values("moreRelated"))],
        },
      },
      hasResults: hasResultsNotice ? false : undefined,
    });
  },
};

const BASIC_LABELS = [
  "Recruitment Status",
  "Overall Status",
  "Clinical Phase",
  "Total Enrollment",
  "Study Classification",
  "Study Start Date",
  "Primary Completion Date",
  "Study Completion Date",
];

function basicStatus(lines: string[]) {
  const out: Record<string, unknown> = {};
  const dates: { label: string; date: string }[] = [];
  let label = "";
  for (const l of lines) {
    const known = BASIC_LABELS.find((b) => b.toLowerCase() === l.toLowerCase());
    if (known) {
      label = known;
      continue;
    }
    const status = overallStatus(l);
    if (status && !out.overallStatus && !phases(l)) out.overallStatus = status;
    const d = isoDate(l);
    if (d) dates.push({ label, date: d });
    label = "";
  }
  // Unlabelled dates come in the page's order: start, (primary completion,) completion.
  const unlabelled = dates.filter((d) => !d.label);
  const byLabel = (name: string) => dates.find((d) => d.label === name)?.date;
  let start = byLabel("Study Start Date");
  let primary = byLabel("Primary Completion Date");
  let completion = byLabel("Study Completion Date");
  if (unlabelled.length && !dates.some((d) => d.label)) {
    start = unlabelled[0]?.date;
    if (unlabelled.length === 2) completion = unlabelled[1].date;
    if (unlabelled.length >= 3) {
      primary = unlabelled[1].date;
      completion = unlabelled[2].date;
    }
  }
  out.startDateStruct = start ? { date: start } : undefined;
  out.primaryCompletionDateStruct = primary ? { date: primary } : undefined;
  out.completionDateStruct = completion ? { date: completion } : undefined;
  return out;
}

function basicDesign(lines: string[]) {
  const out: Record<string, unknown> = {};
  for (const l of lines) {
    const p = phases(l);
    if (p && !out.phases) out.phases = p;
    const t = studyType(l);
    if (t && !out.studyType) out.studyType = t;
    const e = /^(\d[\d,]*)\s+participants?$/i.exec(l);
    if (e && !out.enrollmentInfo) out.enrollmentInfo = { count: Number(e[1].replace(/,/g, "")) };
  }
  return out;
}

/** Study Design: allocation, model (+ its description), purpose, masking. */
function design(lines: string[]) {
  const out: Record<string, unknown> = {};
  let last: "model" | "masking" | null = null;
  for (const l of lines) {
    if (/^(?:Allocation Method|Intervention Model|Primary Study Purpose|Blinding Strategy|Masking)$/i.test(l)) {
      last = null;
      continue;
    }
    const a = allocation(l);
    const im = interventionModel(l);
    const pp = primaryPurpose(l);
    const mk = masking(l);
    if (a && !out.allocation) (out.allocation = a), (last = null);
    else if (im && !out.interventionModel) (out.interventionModel = im), (last = "model");
    else if (pp && !out.primaryPurpose) (out.primaryPurpose = pp), (last = null);
    else if (mk && !out.maskingInfo) (out.maskingInfo = mk), (last = "masking");
    else if (last === "model")
      out.interventionModelDescription = out.interventionModelDescription ? `${out.interventionModelDescription}\n${l}` : l;
    else if (last === "masking" && out.maskingInfo)
      (out.maskingInfo as Record<string, string>).maskingDescription = l;
  }
  return out;
}

interface MirrorIntervention {
  name: string;
  type?: string;
  description?: string[];
  armGroupLabels: string[];
  otherNames?: string[];
}

/**
 * Interventions: name, description, and (labelled variant) "Intervention Type DRUG"
 * closing the entry. Without labels, entries alternate name / description line.
 */
function parseInterventions(lines: string[]): MirrorIntervention[] {
  const out: MirrorIntervention[] = [];
  const typed = lines.some((l) => /^Intervention Type\s+\S/i.test(l));
  let cur: MirrorIntervention | undefined;
  for (const l of lines) {
    const t = labelled(l, "Intervention Type");
    if (t !== undefined && /^Intervention Type\b/i.test(l)) {
      if (cur) cur.type = interventionType(t);
      cur = undefined;
      continue;
    }
    const other = /^Other (?:Intervention )?Names?:\s*(.+)$/i.exec(l);
    if (other && (cur ?? out[out.length - 1])) {
      ((cur ?? out[out.length - 1]).otherNames ??= []).push(clean(other[1]));
      continue;
    }
    if (!cur) {
      cur = { name: l, armGroupLabels: [] };
      out.push(cur);
    } else {
      (cur.description ??= []).push(l);
      if (!typed) cur = undefined;
    }
  }
  return out;
}

interface MirrorGroup {
  label: string;
  type?: string;
  description: string[];
  refs: { name: string; type?: string }[];
}

/**
 * Study groups: label, description, ("Group Type X"), then each intervention it uses:
 * its name (one of the Interventions section's), ("Intervention Type X"), its
 * description. A line that is none of these after a group's interventions opens the
 * next group.
 */
function parseGroups(raw: string[], interventions: MirrorIntervention[]): MirrorGroup[] {
  const groups: MirrorGroup[] = [];
  const names = interventions.map((i) => i.name);
  let state: "label" | "desc" | "refs" | "ivdesc" = "label";
  let ivDesc = "";
  for (const rawLine of raw) {
    const l = clean(rawLine);
    const g = groups[groups.length - 1];
    if (!l) {
      if (state === "desc" && g) g.description.push("");
      continue;
    }
    if (state !== "label" && g) {
      const gt = /^Group Type\s+(\S+)$/i.exec(l);
      if (gt) {
        g.type = gt[1].toUpperCase();
        state = "refs";
        continue;
      }
      const it = /^Intervention Type\s+(\S+)$/i.exec(l);
      if (it) {
        const ref = g.refs[g.refs.length - 1];
        if (ref) ref.type = interventionType(it[1]);
        continue;
      }
      if (names.includes(l) && (state !== "desc" || g.description.some((d) => d.trim()))) {
        g.refs.push({ name: l });
        ivDesc = (interventions.find((i) => i.name === l)?.description ?? []).join("\n");
        state = "ivdesc";
        continue;
      }
      if (state === "ivdesc" && ivDesc.includes(l)) continue;
      if (state === "desc") {
        g.description.push(rawLine);
        continue;
      }
    }
    groups.push({ label: l, description: [], refs: [] });
    state = "desc";
  }
  return groups.map((gr) => ({ ...gr, type: gr.type && ARM_TYPES.includes(gr.type) ? gr.type : undefined }));
}
const ARM_TYPES = ["EXPERIMENTAL", "ACTIVE_COMPARATOR", "PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION", "OTHER"];

const ELIGIBILITY_LABELS: Record<string, string> = {
  "inclusion criteria": "inclusion",
  "exclusion criteria": "exclusion",
  "minimum eligible age": "min",
  "maximum eligible age": "max",
  "eligible sex": "sex",
  "accepts healthy volunteers": "healthy",
  "standard age groups": "ignore",
};

function eligibility(section: Section | undefined) {
  if (!section) return undefined;
  const parts = splitSections(section.body, (l) => ELIGIBILITY_LABELS[l.replace(/:$/, "").toLowerCase()] ?? null);
  const val = (key: string) => nonBlank(parts.find((p) => p.key === key)?.body ?? [])[0];
  const out: Record<string, unknown> = {
    minimumAge: registryAge(val("min") ?? ""),
    maximumAge: registryAge(val("max") ?? ""),
    sex: sex(val("sex") ?? ""),
    healthyVolunteers: yesNo(val("healthy") ?? ""),
  };
  // Without labels, age / sex / volunteers values trail the last criteria block.
  const blocks: CriteriaBlock[] = [];
  const lastCriteria = [...parts].reverse().find((p) => p.key === "inclusion" || p.key === "exclusion" || p.key === "");
  for (const p of parts) {
    if (p.key !== "inclusion" && p.key !== "exclusion" && p.key !== "") continue;
    let lines = p.body;
    if (p === lastCriteria) {
      const trailing: string[] = [];
      let end = lines.length;
      while (end > 0) {
        const l = clean(lines[end - 1]);
        if (!l) {
          end--;
          continue;
        }
        if (/^\d{1,3} (?:Years?|Months?|Weeks?|Days?|Hours?|Minutes?)$/i.test(l) || /^(?:ALL|FEMALE|MALE|Yes|No)$/i.test(l)) {
          trailing.unshift(l);
          end--;
        } else break;
      }
      lines = lines.slice(0, end);
      const ages = trailing.filter((t) => registryAge(t));
      if (ages.length && !out.minimumAge && !out.maximumAge) {
        out.minimumAge = registryAge(ages[0]);
        if (ages[1]) out.maximumAge = registryAge(ages[1]);
      }
      const sx = trailing.find((t) => sex(t));
      if (sx && !out.sex) out.sex = sex(sx);
      const hv = trailing.find((t) => yesNo(t) !== undefined);
      if (hv && out.healthyVolunteers === undefined) out.healthyVolunteers = yesNo(hv);
    }
    blocks.push({ kind: p.key === "" ? null : (p.key as "inclusion" | "exclusion"), lines });
  }
  out.eligibilityCriteria = buildCriteriaText(blocks);
  return out;
}

/** Name, class, optional "Sponsor Role lead|collaborator". */
function parseSponsors(lines: string[]): PageSponsor[] {
  const out: PageSponsor[] = [];
  for (const l of lines) {
    const role = labelled(l, "Sponsor Role");
    if (role !== undefined && /^Sponsor Role\b/i.test(l)) {
      const cur = out[out.length - 1];
      if (cur && /^lead/i.test(role)) cur.role = "lead";
      else if (cur && /^collaborator/i.test(role)) cur.role = "collaborator";
      continue;
    }
    const cls = agencyClass(l);
    if (cls && out.length && !out[out.length - 1].class && l === l.toUpperCase()) {
      out[out.length - 1].class = cls;
      continue;
    }
    out.push({ name: l });
  }
  return out;
}

function responsibleParty(lines: string[]) {
  if (!lines.length) return undefined;
  let type: string | undefined;
  const rest: string[] = [];
  for (const l of lines) {
    const r = /^Responsibility Role\s*:?\s*(\S+)$/i.exec(l);
    if (r) type = r[1].toUpperCase();
    else rest.push(l);
  }
  const validType = type && ["SPONSOR", "PRINCIPAL_INVESTIGATOR", "SPONSOR_INVESTIGATOR"].includes(type) ? type : undefined;
  if (validType === "SPONSOR") return { type: validType };
  return {
    type: validType,
    investigatorFullName: rest[0],
    investigatorTitle: rest[1],
    investigatorAffiliation: rest[2],
  };
}

/** Name, "Role: PRINCIPAL_INVESTIGATOR", affiliation. */
function investigators(lines: string[]) {
  const out: Record<string, string | undefined>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const role = /^Role:\s*(\S+)$/i.exec(l);
    if (role) {
      if (out.length) out[out.length - 1].role = role[1].toUpperCase();
      continue;
    }
    const cur = out[out.length - 1];
    const nextIsRole = /^Role:/i.test(lines[i + 1] ?? "");
    if (!cur || nextIsRole || cur.affiliation) out.push({ name: l });
    else cur.affiliation = l;
  }
  return out;
}

/** Facility, "City, State, Country", optional "Site Status X". */
function locations(lines: string[]) {
  const out: Record<string, unknown>[] = [];
  let expectAddress = false;
  for (const l of lines) {
    const st = /^Site Status\b\s*:?\s*(.*)$/i.exec(l);
    if (st) {
      const status = recruitmentStatus(st[1]);
      if (status && out.length) out[out.length - 1].status = status;
      expectAddress = false;
      continue;
    }
    if (expectAddress && /,/.test(l)) {
      Object.assign(out[out.length - 1], address(l));
      expectAddress = false;
      continue;
    }
    out.push({ facility: l });
    expectAddress = true;
  }
  return out;
}

/** Citation, "Reference Type BACKGROUND", "PMID: 123 (View on PubMed)". */
function references(lines: string[]) {
  const out: Record<string, string | undefined>[] = [];
  for (const l of lines) {
    const type = /^Reference Type\s*:?\s*(BACKGROUND|RESULT|DERIVED)$/i.exec(l);
    if (type) {
      if (out.length) out[out.length - 1].type = type[1].toUpperCase();
      continue;
    }
    const pmid = /^PMID:?\s*(\d+)/i.exec(l);
    if (pmid) {
      if (out.length) out[out.length - 1].pmid = pmid[1];
      continue;
    }
    out.push({ citation: l });
  }
  return out;
}

/** Title line then its NCT id line. */
function relatedTrials(lines: string[]) {
  const out: { label?: string; url: string }[] = [];
  let title: string | undefined;
  for (const l of lines) {
    if (/^NCT\d{8}$/.test(l)) {
      out.push({ label: title, url: ctgovStudyUrl(l) });
      title = undefined;
    } else title = l;
  }
  return out;
}

/** Ids, each followed by "Identifier Type: …" and "Identifier Source: org_study_id|secondary_id". */
function otherIdentifiers(lines: string[]) {
  const ids: { id: string; type?: string; source?: string }[] = [];
  for (const l of lines) {
    const type = /^Identifier Type:\s*(.*)$/i.exec(l);
    const source = /^Identifier Source:\s*(.*)$/i.exec(l);
    if (type || source) {
      const cur = ids[ids.length - 1];
      if (!cur) continue;
      const v = clean((type ?? source)![1]);
      if (v && v !== "-") type ? (cur.type = v) : (cur.source = v);
      continue;
    }
    if (/^NCT\d{8}$/.test(l)) continue;
    ids.push({ id: l });
  }
  if (!ids.some((i) => i.source)) return unlabelledIds(ids.map((i) => i.id));
  const org = ids.find((i) => /org/i.test(i.source ?? ""));
  const secondary = ids.filter((i) => i !== org);
  return {
    orgStudyIdInfo: org ? { id: org.id, type: org.type } : undefined,
    secondaryIdInfos: secondary.map((i) => ({ id: i.id, type: i.type })),
  };
}
