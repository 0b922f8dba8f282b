/**
 * Related trials for the study page when the search module's own ranking is not wired
 * in: other trials sharing a condition, an intervention or the lead sponsor, each with
 * the reasons it was picked.
 */
import type { Study } from "../../model/study.js";
import type { StudyStore } from "../../store/store.js";
import type { RelatedTrial } from "./views.js";

const norm = (s: string) => s.trim().toLowerCase();
const GENERIC = new Set(["placebo", "standard of care", "best supportive care", "chemotherapy", "radiotherapy", "surgery"]);

function features(s: Study) {
  const p = s.protocolSection;
  const conditions = new Map((p.conditionsModule?.conditions ?? []).map((c) => [norm(c), c] as const));
  const drugs = new Map(
    (p.armsInterventionsModule?.interventions ?? [])
      .flatMap((i) => [i.name, ...(i.otherNames ?? [])])
      .filter((n) => !GENERIC.has(norm(n)))
      .map((n) => [norm(n), n] as const),
  );
  return { conditions, drugs, sponsor: p.sponsorCollaboratorsModule?.leadSponsor?.name };
}

export function basicRelated(store: StudyStore, nctId: string, limit = 8): RelatedTrial[] {
  const me = store.get(nctId);
  if (!me) return [];
  const f = features(me.study);
  const found: Array<RelatedTrial & { score: number }> = [];
  for (const { study } of store.iterate()) {
    const id = study.protocolSection.identificationModule.nctId;
    if (id === nctId) continue;
    const g = features(study);
    const reasons: string[] = [];
    let score = 0;
    const sharedConditions = [...g.conditions.keys()].filter((k) => f.conditions.has(k));
    if (sharedConditions.length) {
      reasons.push(`same condition: ${sharedConditions.map((k) => f.conditions.get(k)).join(", ")}`);
      score += 2 * sharedConditions.length;
    }
    const sharedDrugs = [...g.drugs.keys()].filter((k) => f.drugs.has(k) || [...f.drugs.keys()].some((d) => d.includes(k) || k.includes(d)));
    if (sharedDrugs.length) {
      reasons.push(`same intervention: ${sharedDrugs.map((k) => g.drugs.get(k)).join(", ")}`);
      score += 3 * sharedDrugs.length;
    }
    if (f.sponsor && g.sponsor && norm(f.sponsor) === norm(g.sponsor)) {
      reasons.push(`same sponsor: ${g.sponsor}`);
      score += 1;
    }
    if (score > 0)
      found.push({ nctId: id, title: study.protocolSection.identificationModule.briefTitle, status: study.protocolSection.statusModule?.overallStatus ?? null, reasons, score });
  }
  return found
    .sort((a, b) => b.score - a.score || a.nctId.localeCompare(b.nctId))
    .slice(0, limit)
    .map(({ score: _score, ...r }) => r);
}
