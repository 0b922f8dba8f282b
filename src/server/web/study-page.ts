/**
 * A trial's page: everything the registry pages show, in the order a reader needs it,
 * with the eligibility criteria highlighted by their parsed constraints.
 */
import type { Criterion } from "../../criteria/types.js";
import { CONSTRAINT_TYPE_LABELS, describeConstraint } from "./constraints.js";
import { ageSexRange, dateLabel, enumLabel, phasesLabel, plural, statusBadge, statusLabel } from "./format.js";
import { highlightCriterion } from "./highlight.js";
import { html, join, paragraphs, type HtmlValue, type SafeHtml } from "./html.js";
import { page } from "./layout.js";
import type { RegimenGrid, RelatedTrial, StudyView } from "./views.js";

/** Only http(s) links from registry data become hrefs; anything else stays text. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function fact(label: string, value: HtmlValue): SafeHtml {
  if (value === undefined || value === null || value === "") return html``;
  return html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
}

function section(id: string, title: string, content: HtmlValue): SafeHtml {
  return html`<section id="${id}" class="study-section" aria-labelledby="${id}-h"><h2 id="${id}-h">${title}</h2>${content}</section>`;
}

/** Up to this many sites are listed in one table; more are grouped by country. */
const LOCATIONS_UNGROUPED = 20;

const SOURCE_LABELS: Record<string, string> = {
  "ctgov-v2-json": "ClinicalTrials.gov API v2 record",
  "ctgov-legacy-xml": "ClinicalTrials.gov legacy XML record",
  "ctgov-api-sync": "ClinicalTrials.gov live sync",
  "registry-page": "Saved registry page",
};

const KIND_TITLE: Record<string, string> = { inclusion: "Inclusion criteria", exclusion: "Exclusion criteria", unknown: "Other criteria" };

function renderCriterion(c: Criterion, i: number): SafeHtml {
  const prefix = `c${i}-`;
  const items = c.constraints.map(
    (k, j) => html`<li id="${prefix}k${j}" class="constraint c-${k.type}"><span class="ctype">${CONSTRAINT_TYPE_LABELS[k.type]}</span> ${describeConstraint(k)}</li>`,
  );
  return html`<li class="criterion depth-${Math.min(c.depth, 3)}">
<div class="crit-text">${highlightCriterion(c, prefix)}</div>
${items.length ? html`<ul class="crit-constraints" aria-label="Parsed constraints">${items}</ul>` : html`<p class="crit-none">No computable constraint; read by a person.</p>`}
</li>`;
}

export function renderCriteria(criteria: Criterion[]): SafeHtml {
  const groups: Array<{ kind: string; items: Array<{ c: Criterion; i: number }> }> = [];
  criteria.forEach((c, i) => {
    if (c.source === "module") return;
    const last = groups[groups.length - 1];
    if (last && last.kind === c.kind) last.items.push({ c, i });
    else groups.push({ kind: c.kind, items: [{ c, i }] });
  });
  const legend = html`<p class="legend" aria-label="Highlight colours">${(["numeric", "prognosis", "diagnosis", "therapy", "biomarker", "demographic", "judgement"] as const).map(
    (t) => html`<mark class="c c-${t}">${CONSTRAINT_TYPE_LABELS[t]}</mark> `,
  )}</p>`;
  return html`${legend}${groups.map(
    (g) => html`<h3 class="crit-kind crit-${g.kind}">${KIND_TITLE[g.kind] ?? "Criteria"}</h3><ol class="criteria">${g.items.map(({ c, i }) => renderCriterion(c, i))}</ol>`,
  )}`;
}

export function renderRegimenGrid(g: RegimenGrid): SafeHtml {
  const days = Array.from({ length: g.cycleLengthDays }, (_, d) => d + 1);
  const inferred = g.rows.some((r) => r.inferred);
  return html`<figure class="regimen">
<figcaption><strong>${g.arm}</strong>: ${plural(g.cycleLengthDays, "day")} per cycle${g.cycles ? html`, ${g.cycles}` : ""}${g.until ? html`, ${g.until}` : ""}</figcaption>
<div class="table-scroll"><table class="cycle-grid">
<thead><tr><th scope="col">Drug</th>${days.map((d) => html`<th scope="col"><span class="visually-hidden">Day </span>${d}</th>`)}</tr></thead>
<tbody>${g.rows.map(
    (r) => html`<tr><th scope="row">${r.drug}${r.inferred ? "*" : ""}${r.dose ? html`<br><span class="muted small">${r.dose}</span>` : ""}</th>${days.map((d) =>
      r.days.includes(d) ? html`<td class="given"><span aria-hidden="true">●</span><span class="visually-hidden">given</span></td>` : html`<td></td>`,
    )}</tr>`,
  )}</tbody>
</table></div>
${inferred ? html`<p class="muted small">* Days implied by the dosing frequency, not written in the record.</p>` : ""}
${g.notes?.length ? html`<ul class="muted small">${g.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ""}
</figure>`;
}

function renderRelated(rel: RelatedTrial[]): SafeHtml {
  if (!rel.length) return html`<p class="muted">No related trials found in this database.</p>`;
  return html`<ul class="related">${rel.map(
    (r) => html`<li><a href="/study/${encodeURIComponent(r.nctId)}">${r.title ?? r.nctId}</a> <span class="nct">${r.nctId}</span>${r.status ? html` ${statusBadge(r.status)}` : ""}
<span class="reasons">${r.reasons.join("; ")}</span></li>`,
  )}</ul>`;
}

export function renderStudyPage(v: StudyView): string {
  const p = v.study.protocolSection;
  const id = p.identificationModule;
  const st = p.statusModule;
  const de = p.designModule;
  const el = p.eligibilityModule;
  const sc = p.sponsorCollaboratorsModule;
  const cl = p.contactsLocationsModule;
  const ai = p.armsInterventionsModule;
  const oc = p.outcomesModule;
  const refs = p.referencesModule;
  const nct = id.nctId;
  const title = id.briefTitle ?? id.officialTitle ?? nct;

  const toc: Array<[string, string]> = [];
  const sections: SafeHtml[] = [];
  const add = (sid: string, t: string, content: HtmlValue) => {
    toc.push([sid, t]);
    sections.push(section(sid, t, content));
  };

  if (p.descriptionModule?.briefSummary) add("summary", "Brief summary", paragraphs(p.descriptionModule.briefSummary));
  if (p.descriptionModule?.detailedDescription) add("description", "Detailed description", paragraphs(p.descriptionModule.detailedDescription));

  const conds = p.conditionsModule?.conditions ?? [];
  const kws = p.conditionsModule?.keywords ?? [];
  if (conds.length || kws.length)
    add("conditions", "Conditions and keywords", html`<dl class="facts">
${conds.length ? html`<div><dt>Conditions</dt><dd><ul class="tags">${conds.map((c) => html`<li>${c}</li>`)}</ul></dd></div>` : ""}
${kws.length ? html`<div><dt>Keywords</dt><dd><ul class="tags">${kws.map((c) => html`<li>${c}</li>`)}</ul></dd></div>` : ""}
</dl>`);

  const di = de?.designInfo;
  if (de)
    add("design", "Design", html`<dl class="facts">
${fact("Study type", enumLabel(de.studyType))}
${fact("Phase", de.phases?.length ? phasesLabel(de.phases) : "")}
${fact("Allocation", enumLabel(di?.allocation))}
${fact("Intervention model", enumLabel(di?.interventionModel))}
${fact("Model description", di?.interventionModelDescription)}
${fact("Primary purpose", enumLabel(di?.primaryPurpose))}
${fact("Observational model", enumLabel(di?.observationalModel))}
${fact("Time perspective", enumLabel(di?.timePerspective))}
${fact("Masking", di?.maskingInfo?.masking ? enumLabel(di.maskingInfo.masking) + (di.maskingInfo.whoMasked?.length ? ` (${di.maskingInfo.whoMasked.map(enumLabel).join(", ")})` : "") : "")}
${fact("Masking description", di?.maskingInfo?.maskingDescription)}
${fact("Enrollment", de.enrollmentInfo?.count !== undefined ? `${de.enrollmentInfo.count} participants${de.enrollmentInfo.type === "ESTIMATED" ? " (estimated)" : ""}` : "")}
${fact("Patient registry", de.patientRegistry === undefined ? "" : de.patientRegistry ? "Yes" : "No")}
</dl>`);

  const arms = ai?.armGroups ?? [];
  const ivs = ai?.interventions ?? [];
  if (arms.length || ivs.length || v.regimens?.length)
    add("arms", "Arms and interventions", html`
${arms.length ? html`<h3>Arms</h3><div class="arms">${arms.map(
      (a) => html`<article class="arm"><h4>${a.label}${a.type ? html` <span class="arm-type">${enumLabel(a.type)}</span>` : ""}</h4>
${paragraphs(a.description)}
${a.interventionNames?.length ? html`<p class="muted">Interventions: ${a.interventionNames.join("; ")}</p>` : ""}</article>`,
    )}</div>` : ""}
${ivs.length ? html`<h3>Interventions</h3><div class="arms">${ivs.map(
      (iv) => html`<article class="intervention"><h4>${iv.name}${iv.type ? html` <span class="arm-type">${enumLabel(iv.type)}</span>` : ""}</h4>
${paragraphs(iv.description)}
${iv.otherNames?.length ? html`<p class="muted">Other names: ${iv.otherNames.join("; ")}</p>` : ""}
${iv.armGroupLabels?.length ? html`<p class="muted">Arms: ${iv.armGroupLabels.join("; ")}</p>` : ""}</article>`,
    )}</div>` : ""}
${v.regimens?.length ? html`<h3>Regimen schedule</h3><p class="muted small">Read from the dosing text by eligo; check against the protocol.</p>${v.regimens.map(renderRegimenGrid)}` : ""}`);

  if (el)
    add("eligibility", "Eligibility", html`<dl class="facts">
${fact("Ages", ageSexRange(el.minimumAge, el.maximumAge, el.sex).split(" · ")[0])}
${fact("Sex", el.sex === "FEMALE" ? "Female" : el.sex === "MALE" ? "Male" : el.sex === "ALL" ? "All" : "")}
${fact("Age groups", el.stdAges?.map(enumLabel).join(", "))}
${fact("Healthy volunteers", el.healthyVolunteers === undefined ? "" : el.healthyVolunteers ? "Accepted" : "Not accepted")}
${fact("Study population", el.studyPopulation)}
${fact("Sampling method", enumLabel(el.samplingMethod))}
</dl>
${v.criteria?.length
      ? html`${renderCriteria(v.criteria)}${v.parserVersion ? html`<p class="muted small">Parsed by eligo criteria parser ${v.parserVersion}. Highlights are machine-read; the registry text is authoritative.</p>` : ""}`
      : el.eligibilityCriteria
        ? html`<p class="notice">These criteria have not been parsed yet; the registry text follows.</p><div class="criteria-text">${paragraphs(el.eligibilityCriteria)}</div>`
        : html`<p class="muted">The record gives no eligibility criteria.</p>`}`);

  const outcomeList = (label: string, list: Array<{ measure: string; description?: string; timeFrame?: string }> | undefined) =>
    list?.length
      ? html`<h3>${label}</h3><ol class="outcomes">${list.map(
          (o) => html`<li><strong>${o.measure}</strong>${o.timeFrame ? html` <span class="muted">— time frame: ${o.timeFrame}</span>` : ""}${paragraphs(o.description)}</li>`,
        )}</ol>`
      : "";
  if (oc?.primaryOutcomes?.length || oc?.secondaryOutcomes?.length || oc?.otherOutcomes?.length)
    add("outcomes", "Outcomes", html`${outcomeList("Primary outcomes", oc?.primaryOutcomes)}${outcomeList("Secondary outcomes", oc?.secondaryOutcomes)}${outcomeList("Other outcomes", oc?.otherOutcomes)}`);

  const rp = sc?.responsibleParty;
  if (sc)
    add("sponsors", "Sponsors and responsible party", html`<dl class="facts">
${fact("Lead sponsor", sc.leadSponsor ? html`${sc.leadSponsor.name}${sc.leadSponsor.class ? html` <span class="muted">(${enumLabel(sc.leadSponsor.class)})</span>` : ""}` : "")}
${fact("Collaborators", sc.collaborators?.length ? html`<ul class="plain">${sc.collaborators.map((c) => html`<li>${c.name}</li>`)}</ul>` : "")}
${fact("Responsible party", rp ? [enumLabel(rp.type), rp.investigatorFullName, rp.investigatorTitle, rp.investigatorAffiliation].filter(Boolean).join(", ") : "")}
${fact("Organization", id.organization?.fullName && id.organization.fullName !== sc.leadSponsor?.name ? id.organization.fullName : "")}
</dl>`);

  const officials = cl?.overallOfficials ?? [];
  const central = cl?.centralContacts ?? [];
  const contactLine = (c: { name?: string; role?: string; phone?: string; phoneExt?: string; email?: string }) =>
    html`${c.name ?? ""}${c.role ? html` <span class="muted">(${enumLabel(c.role)})</span>` : ""}${c.phone ? html` · <a href="tel:${c.phone.replace(/[^\d+]/g, "")}">${c.phone}</a>${c.phoneExt ? ` ext. ${c.phoneExt}` : ""}` : ""}${c.email ? html` · <a href="mailto:${c.email}">${c.email}</a>` : ""}`;
  if (officials.length || central.length)
    add("contacts", "Investigators and contacts", html`
${officials.length ? html`<h3>Study officials</h3><ul class="plain">${officials.map((o) => html`<li>${o.name ?? ""}${o.role ? html` <span class="muted">(${enumLabel(o.role)})</span>` : ""}${o.affiliation ? html`, ${o.affiliation}` : ""}</li>`)}</ul>` : ""}
${central.length ? html`<h3>Central contacts</h3><ul class="plain">${central.map((c) => html`<li>${contactLine(c)}</li>`)}</ul>` : ""}`);

  const locs = cl?.locations ?? [];
  if (locs.length) {
    const hasStatus = locs.some((l) => l.status);
    const hasContact = locs.some((l) => l.contacts?.length);
    const table = (rows: typeof locs) => html`<div class="table-scroll"><table class="locations">
<thead><tr><th scope="col">Site</th><th scope="col">City</th><th scope="col">Country</th>${hasStatus ? html`<th scope="col">Status</th>` : ""}${hasContact ? html`<th scope="col">Contact</th>` : ""}</tr></thead>
<tbody>${rows.map(
      (l) => html`<tr><td>${l.facility ?? ""}</td><td>${[l.city, l.state, l.zip].filter(Boolean).join(", ")}</td><td>${l.country ?? ""}</td>${hasStatus ? html`<td>${l.status ? statusLabel(l.status) : ""}</td>` : ""}${hasContact ? html`<td>${join((l.contacts ?? []).map(contactLine), html`<br>`)}</td>` : ""}</tr>`,
    )}</tbody></table></div>`;
    if (locs.length <= LOCATIONS_UNGROUPED) add("locations", `Locations (${locs.length})`, table(locs));
    else {
      // Many sites: one collapsible table per country, the largest first.
      const byCountry = new Map<string, typeof locs>();
      for (const l of locs) byCountry.set(l.country ?? "Country not given", [...(byCountry.get(l.country ?? "Country not given") ?? []), l]);
      const groups = [...byCountry.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
      add("locations", `Locations (${locs.length})`, html`<p class="muted">${plural(locs.length, "site")} in ${plural(groups.length, "country", "countries")}.</p>${groups.map(
        ([country, rows]) => html`<details class="country-sites"><summary>${country} (${plural(rows.length, "site")})</summary>${table(rows)}</details>`,
      )}`);
    }
  }

  const references = refs?.references ?? [];
  const links = refs?.seeAlsoLinks ?? [];
  if (references.length || links.length)
    add("references", "References", html`
${references.length ? html`<ol class="references">${references.map((r) => html`<li>${r.citation ?? ""}${r.pmid ? html` <a href="https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(r.pmid)}/" rel="noopener noreferrer">PubMed ${r.pmid}</a>` : ""}${r.type ? html` <span class="muted">(${enumLabel(r.type)})</span>` : ""}</li>`)}</ol>` : ""}
${links.length ? html`<h3>Links</h3><ul class="plain">${links.map((l) => {
      const href = safeUrl(l.url);
      return html`<li>${href ? html`<a href="${href}" rel="noopener noreferrer">${l.label ?? l.url}</a>` : html`${l.label ?? ""} ${l.url}`}</li>`;
    })}</ul>` : ""}`);

  const org = id.orgStudyIdInfo;
  const secondary = id.secondaryIdInfos ?? [];
  add("identifiers", "Identifiers", html`<dl class="facts">
${fact("NCT number", nct)}
${fact("Organization study id", org?.id)}
${secondary.map((s) => fact(s.type ? `Other id (${enumLabel(s.type)}${s.domain ? `, ${s.domain}` : ""})` : "Other id", s.id))}
${fact("Acronym", id.acronym)}
</dl>`);

  add("related", "Related trials", renderRelated(v.related));

  const pv = v.provenance;
  add("source", "Source and last update", html`<dl class="facts">
${fact("Last update posted", dateLabel(st?.lastUpdatePostDateStruct) || st?.lastUpdateSubmitDate)}
${fact("Status verified", st?.statusVerifiedDate)}
${fact("First posted", dateLabel(st?.studyFirstPostDateStruct) || st?.studyFirstSubmitDate)}
${fact("Imported from", pv ? html`${SOURCE_LABELS[pv.sourceKind] ?? pv.sourceKind}${pv.layout ? ` (layout ${pv.layout})` : ""}<br><span class="muted small source-path">${pv.source}</span>` : "")}
${fact("Imported at", pv?.importedAt ? pv.importedAt.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC") : "")}
</dl>
<p><a href="/api/studies/${encodeURIComponent(nct)}" type="application/json">This record as JSON</a> · <a href="https://clinicaltrials.gov/study/${encodeURIComponent(nct)}" rel="noopener noreferrer">${nct} on ClinicalTrials.gov</a></p>`);

  const enrollment = de?.enrollmentInfo?.count;
  const body = html`<article class="study" aria-labelledby="study-title">
<header class="study-header">
<p class="nct">${nct}${id.acronym ? html` · ${id.acronym}` : ""}</p>
<h1 id="study-title">${title}</h1>
${id.officialTitle && id.officialTitle !== title ? html`<p class="official-title">${id.officialTitle}</p>` : ""}
<p class="hit-meta">${statusBadge(st?.overallStatus)} <span class="phase">${phasesLabel(de?.phases)}</span>${st?.whyStopped ? html` <span class="why-stopped">Why stopped: ${st.whyStopped}</span>` : ""}</p>
<dl class="key-facts">
${fact("Enrollment", enrollment !== undefined ? `${enrollment}${de?.enrollmentInfo?.type === "ESTIMATED" ? " (estimated)" : ""}` : "")}
${fact("Study type", enumLabel(de?.studyType))}
${fact("Start", dateLabel(st?.startDateStruct))}
${fact("Primary completion", dateLabel(st?.primaryCompletionDateStruct))}
${fact("Completion", dateLabel(st?.completionDateStruct))}
${fact("Sponsor", sc?.leadSponsor?.name)}
</dl>
</header>
<nav class="toc" aria-label="On this page"><h2 class="visually-hidden">On this page</h2><ul>${toc.map(([sid, t]) => html`<li><a href="#${sid}">${t}</a></li>`)}</ul></nav>
<div class="study-body">${sections}</div>
</article>`;
  return page({ title: `${title} (${nct})`, nav: "study", body, bodyClass: "page-study" });
}
