/**
 * A study's regimens: for each arm, its dosing read from the arm's description and
 * completed from the descriptions of the interventions the arm uses.
 */
import type { Study } from "../model/study.js";
import { inferDays, normaliseDrugName, parseDosingText, type KnownDrug } from "./parse-text.js";
import type { ArmRegimen, DrugAdministration, RegimenPhase, StudyRegimen } from "./types.js";

const DRUGLIKE_TYPES = new Set(["DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT", "DIETARY_SUPPLEMENT", "GENETIC", "RADIATION", "OTHER"]);

/** An intervention name that is a sentence ("The combination treatment of …") names no single drug. */
function isDrugName(name: string): boolean {
  return name.split(/\s+/).length <= 4 && !/\b(?:combination|treatment|therapy|plus|and|with)\b/i.test(name);
}

function knownDrugsOf(study: Study): KnownDrug[] {
  const out: KnownDrug[] = [];
  for (const i of study.protocolSection.armsInterventionsModule?.interventions ?? []) {
    if (i.type && !DRUGLIKE_TYPES.has(i.type)) continue;
    if (!isDrugName(i.name)) continue;
    const name = normaliseDrugName(i.name);
    const forms = [i.name, name, ...(i.otherNames ?? []).filter(isDrugName)];
    const existing = out.find((d) => d.name === name);
    if (existing) existing.forms.push(...forms);
    else out.push({ name, forms });
  }
  return out;
}

/** "Drug: Anlotinib" → "Anlotinib". */
const stripType = (n: string) => n.replace(/^[A-Za-z ]+:\s*/, "");

const FIELDS: Array<keyof DrugAdministration> = ["dose", "unit", "doseSpan", "route", "routeText", "frequency", "perDay", "days", "roundTo"];

function fillDrug(target: DrugAdministration, from: DrugAdministration): void {
  const took = FIELDS.filter((f) => target[f] === undefined && from[f] !== undefined);
  for (const f of took) (target as unknown as Record<string, unknown>)[f] = from[f];
  // Spans point into the text the value was read from, so say which when it is not the arm's.
  if (took.includes("dose")) target.source = "intervention";
}

function fillPhase(target: RegimenPhase, from: RegimenPhase, isLast: boolean): void {
  target.cycleDays ??= from.cycleDays;
  target.cycles ??= from.cycles;
  if (isLast && !target.cycles) target.until ??= from.until;
}

export function regimenOfStudy(study: Study): StudyRegimen {
  const p = study.protocolSection;
  const nctId = p.identificationModule.nctId;
  const known = knownDrugsOf(study);
  const interventions = p.armsInterventionsModule?.interventions ?? [];
  let armGroups = p.armsInterventionsModule?.armGroups ?? [];
  // A record with interventions but no arms is one implicit arm using them all.
  if (!armGroups.length && interventions.length) {
    armGroups = [{ label: "All participants", interventionNames: interventions.map((i) => `${i.type ?? "Drug"}: ${i.name}`) }];
  }
  const arms: ArmRegimen[] = [];
  for (const arm of armGroups) {
    const armText = arm.description ?? "";
    const parsed = parseDosingText(armText, known);
    const phases: RegimenPhase[] = parsed.phases.map((ph) => ({ ...ph, drugs: ph.drugs.map((d): DrugAdministration => ({ ...d, source: "arm" })) }));
    const notes = [...parsed.notes];
    const texts: ArmRegimen["texts"] = [];
    if (armText) texts.push({ source: "arm", text: armText, unparsed: parsed.unparsed });
    const used = (arm.interventionNames ?? []).map(stripType);
    const armInterventions = interventions.filter(
      (i) => used.some((u) => u.toLowerCase() === i.name.toLowerCase()) || (i.armGroupLabels ?? []).includes(arm.label),
    );
    for (const iv of armInterventions) {
      if (iv.type && !DRUGLIKE_TYPES.has(iv.type)) continue;
      const ivText = iv.description ?? "";
      const ip = parseDosingText(ivText, known);
      if (ivText) texts.push({ source: `intervention: ${iv.name}`, text: ivText, unparsed: ip.unparsed });
      notes.push(...ip.notes.filter((n) => !notes.some((x) => x.text === n.text)).map((n) => ({ ...n, span: undefined, text: n.text })));
      if (!phases.length) phases.push({ name: "treatment", drugs: [] });
      // The intervention's own drug, even when its text doses nothing.
      const ipDrugs = ip.phases.flatMap((ph) => ph.drugs);
      const ownName = isDrugName(iv.name) ? normaliseDrugName(iv.name) : undefined;
      if (ownName && !ipDrugs.some((d) => d.drug === ownName)) ipDrugs.push({ drug: ownName, mention: iv.name, source: "intervention" });
      const ipPhase = ip.phases[0];
      phases.forEach((ph, i) => ipPhase && fillPhase(ph, ipPhase, i === phases.length - 1));
      for (const d of ipDrugs) {
        const inArm = phases.flatMap((ph) => ph.drugs.filter((x) => x.drug === d.drug));
        if (inArm.length) for (const x of inArm) fillDrug(x, d);
        else phases[0].drugs.push({ ...d, source: "intervention" });
      }
    }
    for (const ph of phases) {
      inferDays(ph);
      for (const d of ph.drugs) if (d.days && d.perDay === undefined) d.perDay = 1;
    }
    const drugs = phases.flatMap((ph) => ph.drugs);
    if (drugs.length && drugs.every((d) => d.dose === undefined)) {
      notes.push({ kind: "no-dosing", text: `The record gives no dose for ${[...new Set(drugs.map((d) => d.drug))].join(", ")}.` });
    } else {
      for (const d of drugs.filter((x) => x.dose === undefined)) {
        if (!notes.some((n) => n.kind === "no-dosing" && n.drug === d.drug)) notes.push({ kind: "no-dosing", text: `The record gives no dose for ${d.drug}.`, drug: d.drug });
      }
    }
    arms.push({ label: arm.label, type: arm.type, phases: phases.filter((ph) => ph.drugs.length || ph.until || ph.cycleDays), notes, texts });
  }
  return { nctId, arms };
}
