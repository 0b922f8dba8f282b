/** The filter columns and child rows kept beside each study's JSON. */
import { ageToDays } from "../model/age.js";
import type { Study } from "../model/study.js";

export interface StudyColumns {
  nct_id: string;
  brief_title: string | null;
  official_title: string | null;
  overall_status: string | null;
  phases: string;
  study_type: string | null;
  start_date: string | null;
  completion_date: string | null;
  first_posted: string | null;
  last_update: string | null;
  min_age_days: number | null;
  max_age_days: number | null;
  sex: string | null;
  healthy_volunteers: number | null;
  lead_sponsor: string | null;
  conditions: string;
  interventions: string;
  countries: string;
}

const uniq = (xs: Iterable<string>) => [...new Set([...xs].map((x) => x.trim()).filter(Boolean))];

export function columnsOf(study: Study): StudyColumns {
  const p = study.protocolSection;
  const id = p.identificationModule;
  const st = p.statusModule;
  const el = p.eligibilityModule;
  const phases = p.designModule?.phases ?? [];
  const countries = uniq((p.contactsLocationsModule?.locations ?? []).map((l) => l.country ?? ""));
  return {
    nct_id: id.nctId,
    brief_title: id.briefTitle ?? null,
    official_title: id.officialTitle ?? null,
    overall_status: st?.overallStatus ?? null,
    phases: phases.length ? `,${phases.join(",")},` : "",
    study_type: p.designModule?.studyType ?? null,
    start_date: st?.startDateStruct?.date ?? null,
    completion_date: st?.completionDateStruct?.date ?? null,
    first_posted: st?.studyFirstPostDateStruct?.date ?? null,
    last_update: st?.lastUpdatePostDateStruct?.date ?? null,
    min_age_days: ageToDays(el?.minimumAge) ?? null,
    max_age_days: ageToDays(el?.maximumAge) ?? null,
    sex: el?.sex ?? null,
    healthy_volunteers: el?.healthyVolunteers === undefined ? null : el.healthyVolunteers ? 1 : 0,
    lead_sponsor: p.sponsorCollaboratorsModule?.leadSponsor?.name ?? null,
    conditions: uniq(p.conditionsModule?.conditions ?? []).join("; "),
    interventions: uniq((p.armsInterventionsModule?.interventions ?? []).map((i) => i.name)).join("; "),
    countries: countries.join("; "),
  };
}

export function conditionRowsOf(study: Study): Array<{ condition: string; source: string }> {
  const rows: Array<{ condition: string; source: string }> = [];
  const p = study.protocolSection;
  for (const c of uniq(p.conditionsModule?.conditions ?? [])) rows.push({ condition: c, source: "condition" });
  for (const c of uniq(p.conditionsModule?.keywords ?? [])) rows.push({ condition: c, source: "keyword" });
  const cb = study.derivedSection?.conditionBrowseModule;
  for (const c of uniq((cb?.meshes ?? []).map((m) => m.term))) rows.push({ condition: c, source: "mesh" });
  for (const c of uniq((cb?.ancestors ?? []).map((m) => m.term))) rows.push({ condition: c, source: "mesh-ancestor" });
  return rows;
}

export function interventionRowsOf(study: Study): Array<{ name: string; type: string | null; source: string }> {
  const rows: Array<{ name: string; type: string | null; source: string }> = [];
  const seen = new Set<string>();
  const add = (name: string, type: string | null, source: string) => {
    const k = name.trim().toLowerCase();
    if (!k || seen.has(k)) return;
    seen.add(k);
    rows.push({ name: name.trim(), type, source });
  };
  for (const i of study.protocolSection.armsInterventionsModule?.interventions ?? []) {
    add(i.name, i.type ?? null, "name");
    for (const o of i.otherNames ?? []) add(o, i.type ?? null, "other-name");
  }
  for (const m of study.derivedSection?.interventionBrowseModule?.meshes ?? []) add(m.term, null, "mesh");
  return rows;
}
