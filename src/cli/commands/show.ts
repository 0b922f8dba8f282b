/** `eligo show NCT… [--json]`: a readable summary of a stored study, or its v2 JSON. */
import type { Command } from "commander";
import type { Study } from "../../model/study.js";
import { addDbOption, out, paint, UserError } from "../common.js";
import { exitQuietlyOnClosedPipe, humanEnum, openExistingDb, phaseLabel } from "./labels.js";

interface ShowOptions {
  db?: string;
  json?: boolean;
  locations?: string;
}

const dateOf = (d: { date: string; type?: string } | undefined) =>
  d ? `${d.date}${d.type === "ESTIMATED" ? " (estimated)" : ""}` : undefined;

/** The readable summary, as lines (no trailing newline). */
export function renderStudy(study: Study, source: string, maxLocations = 25): string[] {
  const p = study.protocolSection;
  const id = p.identificationModule;
  const st = p.statusModule;
  const d = p.designModule;
  const el = p.eligibilityModule;
  const lines: string[] = [];
  const field = (label: string, value: string | undefined | null) => {
    if (value) lines.push(`${paint(label.padEnd(14), "dim")}${value}`);
  };
  const heading = (h: string) => lines.push("", paint(h, "bold"));

  lines.push(`${paint(id.nctId, "bold")}  ${id.briefTitle ?? "(no title)"}`);
  if (id.officialTitle && id.officialTitle !== id.briefTitle) lines.push(id.officialTitle);
  lines.push("");
  field("Status", st?.overallStatus ? humanEnum(st.overallStatus) + (st.whyStopped ? ` — ${st.whyStopped}` : "") : undefined);
  field("Study type", d?.studyType ? humanEnum(d.studyType) : undefined);
  field("Phases", d?.phases?.map(phaseLabel).join(", "));
  field("Enrollment", d?.enrollmentInfo?.count !== undefined ? `${d.enrollmentInfo.count}${d.enrollmentInfo.type === "ESTIMATED" ? " (estimated)" : ""}` : undefined);
  field("Start", dateOf(st?.startDateStruct));
  field("Primary end", dateOf(st?.primaryCompletionDateStruct));
  field("Completion", dateOf(st?.completionDateStruct));
  field("First posted", dateOf(st?.studyFirstPostDateStruct));
  field("Last update", dateOf(st?.lastUpdatePostDateStruct));
  const sc = p.sponsorCollaboratorsModule;
  field("Sponsor", sc?.leadSponsor?.name);
  field("Collaborators", sc?.collaborators?.map((c) => c.name).join("; "));
  field("Conditions", p.conditionsModule?.conditions?.join("; "));
  field("Keywords", p.conditionsModule?.keywords?.join("; "));
  field("Source", source);

  const arms = p.armsInterventionsModule?.armGroups ?? [];
  const interventions = p.armsInterventionsModule?.interventions ?? [];
  if (arms.length) {
    heading("Arms");
    for (const a of arms) {
      lines.push(`* ${a.label}${a.type ? ` (${humanEnum(a.type)})` : ""}`);
      if (a.description) lines.push(`    ${a.description}`);
      if (a.interventionNames?.length) lines.push(`    ${a.interventionNames.join("; ")}`);
    }
  } else if (interventions.length) {
    heading("Interventions");
    for (const i of interventions) lines.push(`* ${i.type ? humanEnum(i.type) + ": " : ""}${i.name}`);
  }

  if (el) {
    heading("Eligibility");
    const ages = [el.minimumAge ? `from ${el.minimumAge}` : "", el.maximumAge ? `to ${el.maximumAge}` : ""].filter(Boolean).join(" ");
    field("Ages", ages || "any");
    field("Sex", el.sex ? humanEnum(el.sex) : undefined);
    field("Healthy vol.", el.healthyVolunteers === undefined ? undefined : el.healthyVolunteers ? "accepted" : "not accepted");
    if (el.eligibilityCriteria) lines.push("", el.eligibilityCriteria);
  }

  const locs = p.contactsLocationsModule?.locations ?? [];
  if (locs.length) {
    heading(`Locations (${locs.length})`);
    for (const l of locs.slice(0, maxLocations)) {
      const place = [l.city, l.state, l.zip, l.country].filter(Boolean).join(", ");
      lines.push(`* ${[l.facility, place].filter(Boolean).join(" — ")}${l.status ? ` [${humanEnum(l.status)}]` : ""}`);
    }
    if (locs.length > maxLocations) lines.push(`  … and ${locs.length - maxLocations} more (--locations all)`);
  }
  return lines;
}

export function registerShow(program: Command): void {
  addDbOption(
    program
      .command("show")
      .description("show a stored study: a readable summary, or with --json the record in API v2 shape")
      .argument("<nctId>", "NCT id, e.g. NCT05381025")
      .option("--json", "print the stored record as ClinicalTrials.gov API v2 JSON")
      .option("--locations <n>", 'how many locations to list ("all" for every one)', "25"),
  ).action((nctId: string, opts: ShowOptions) => {
    const idText = nctId.trim().toUpperCase();
    if (!/^NCT\d{8}$/.test(idText)) throw new UserError(`"${nctId}" is not an NCT id (NCT followed by 8 digits)`);
    const max = opts.locations === "all" ? Infinity : Number(opts.locations ?? "25");
    if (!(max >= 0)) throw new UserError(`--locations "${opts.locations}" must be a number or "all"`);
    exitQuietlyOnClosedPipe();
    const store = openExistingDb(opts);
    try {
      const rec = store.get(idText);
      if (!rec) throw new UserError(`no study ${idText} in the database`);
      if (opts.json) out(JSON.stringify(rec.study, null, 2));
      else for (const line of renderStudy(rec.study, rec.provenance.source, max)) out(line);
    } finally {
      store.close();
    }
  });
}
