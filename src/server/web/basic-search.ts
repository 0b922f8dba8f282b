/**
 * The web UI's own search over the store, used until (or unless) the search module is
 * wired in: every word must occur in the record's title, conditions, keywords,
 * interventions, sponsor, id or summary; facets count the matches as multi-select
 * facets do (each facet ignores its own selection). "Near" keeps trials with a site
 * whose city or country contains the place name; distances need the search module.
 */
import type { Study } from "../../model/study.js";
import type { StudyStore } from "../../store/store.js";
import type { FacetValue, SearchQuery } from "./views.js";

export interface SearchOutcome {
  total: number;
  /** This page's trials, best first, with the site nearest the "near" place if any. */
  items: Array<{ nctId: string; nearestSiteIndex?: number; distanceKm?: number }>;
  facets: Record<string, FacetValue[]>;
  nearResolved?: string;
  notice?: string;
}

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
const words = (s: string) => fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

function haystack(s: Study): { title: string; all: string } {
  const p = s.protocolSection;
  const id = p.identificationModule;
  const title = fold([id.briefTitle, id.officialTitle, id.acronym].filter(Boolean).join(" "));
  const rest = [
    id.nctId,
    id.orgStudyIdInfo?.id,
    ...(p.conditionsModule?.conditions ?? []),
    ...(p.conditionsModule?.keywords ?? []),
    ...(p.armsInterventionsModule?.interventions ?? []).flatMap((i) => [i.name, ...(i.otherNames ?? [])]),
    p.sponsorCollaboratorsModule?.leadSponsor?.name,
    ...(p.sponsorCollaboratorsModule?.collaborators ?? []).map((c) => c.name),
    p.descriptionModule?.briefSummary,
    ...(s.derivedSection?.conditionBrowseModule?.meshes ?? []).map((m) => m.term),
    ...(s.derivedSection?.interventionBrowseModule?.meshes ?? []).map((m) => m.term),
  ];
  return { title, all: `${title} ${fold(rest.filter(Boolean).join(" "))}` };
}

interface Row {
  nctId: string;
  status: string;
  phases: string[];
  studyType: string;
  sex: string;
  score: number;
  siteIndex?: number;
}

function facetCounts(rows: Row[], pick: (r: Row) => string[]): FacetValue[] {
  const m = new Map<string, number>();
  for (const r of rows) for (const v of new Set(pick(r))) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

export function basicSearch(store: StudyStore, q: SearchQuery): SearchOutcome {
  const terms = words(q.q);
  const place = fold(q.near.split(",")[0] ?? "").trim();
  const rows: Row[] = [];
  for (const { study } of store.iterate()) {
    const h = haystack(study);
    const hay = ` ${h.all} `;
    if (!terms.every((t) => hay.includes(t))) continue;
    let siteIndex: number | undefined;
    const locs = study.protocolSection.contactsLocationsModule?.locations ?? [];
    if (place) {
      siteIndex = locs.findIndex((l) => fold(`${l.city ?? ""} ${l.state ?? ""} ${l.country ?? ""}`).includes(place));
      if (siteIndex < 0) continue;
    }
    const p = study.protocolSection;
    rows.push({
      nctId: p.identificationModule.nctId,
      status: p.statusModule?.overallStatus ?? "UNKNOWN",
      phases: p.designModule?.phases?.length ? p.designModule.phases : ["NA"],
      studyType: p.designModule?.studyType ?? "UNKNOWN",
      sex: p.eligibilityModule?.sex ?? "ALL",
      score: terms.filter((t) => h.title.includes(t)).length,
      siteIndex,
    });
  }
  const keep = (r: Row, skip: string) =>
    (skip === "status" || !q.status.length || q.status.includes(r.status)) &&
    (skip === "phase" || !q.phase.length || r.phases.some((p) => q.phase.includes(p))) &&
    (skip === "studyType" || !q.studyType.length || q.studyType.includes(r.studyType)) &&
    (skip === "sex" || !q.sex || r.sex === q.sex || (r.sex === "ALL" && q.sex !== "ALL"));
  const facets = {
    status: facetCounts(rows.filter((r) => keep(r, "status")), (r) => [r.status]),
    phase: facetCounts(rows.filter((r) => keep(r, "phase")), (r) => r.phases),
    studyType: facetCounts(rows.filter((r) => keep(r, "studyType")), (r) => [r.studyType]),
    sex: facetCounts(rows.filter((r) => keep(r, "sex")), (r) => [r.sex]),
  };
  const hits = rows.filter((r) => keep(r, "")).sort((a, b) => b.score - a.score || a.nctId.localeCompare(b.nctId));
  const start = (q.page - 1) * q.pageSize;
  return {
    total: hits.length,
    items: hits.slice(start, start + q.pageSize).map((r) => ({ nctId: r.nctId, nearestSiteIndex: r.siteIndex })),
    facets,
    nearResolved: place ? q.near.trim() : undefined,
    notice: place && q.radiusKm ? "Distances are not available here; showing trials with a site in that place." : undefined,
  };
}
