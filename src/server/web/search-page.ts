/** The search page: query box, "near" a city, facet filters with counts, results, pagination. */
import { ageSexRange, enumLabel, phaseLabel, phasesLabel, plural, statusBadge, statusLabel } from "./format.js";
import { html, join, queryString, type SafeHtml } from "./html.js";
import { page } from "./layout.js";
import type { FacetValue, SearchHit, SearchQuery, SearchResultView } from "./views.js";

const FACETS: Array<{ name: keyof Pick<SearchQuery, "status" | "phase" | "studyType" | "country">; label: string; fmt: (v: string) => string }> = [
  { name: "status", label: "Recruitment status", fmt: statusLabel },
  { name: "phase", label: "Phase", fmt: phaseLabel },
  { name: "studyType", label: "Study type", fmt: enumLabel },
  { name: "country", label: "Country", fmt: (v) => v },
];

/** The query as URL parameters (for links that keep the current filters). */
export function searchParams(q: SearchQuery, overrides: Partial<SearchQuery> = {}) {
  const m = { ...q, ...overrides };
  return queryString({
    q: m.q,
    status: m.status,
    phase: m.phase,
    type: m.studyType,
    country: m.country,
    sex: m.sex,
    near: m.near,
    radius: m.near && m.radiusKm ? m.radiusKm : undefined,
    sort: m.sort || undefined,
    page: m.page > 1 ? m.page : undefined,
  });
}

function facetFieldset(name: string, label: string, values: FacetValue[], selected: string[], fmt: (v: string) => string): SafeHtml {
  const shown = [...values];
  for (const s of selected) if (!shown.some((v) => v.value === s)) shown.push({ value: s, count: 0 });
  if (shown.length === 0) return html``;
  const param = name === "studyType" ? "type" : name;
  return html`<fieldset class="facet">
<legend>${label}</legend>
${shown.map((v, i) => {
  const id = `f-${param}-${i}`;
  const checked = selected.includes(v.value);
  return html`<div class="facet-option"><input type="checkbox" id="${id}" name="${param}" value="${v.value}"${checked ? html` checked` : ""}><label for="${id}">${fmt(v.value)} <span class="count">${v.count}</span></label></div>`;
})}
</fieldset>`;
}

function siteLine(h: SearchHit): SafeHtml {
  const s = h.nearestSite;
  if (!s) return h.siteCount ? html`${plural(h.siteCount, "site")}` : html`No sites listed`;
  const place = [s.city, s.state, s.country].filter(Boolean).join(", ");
  const dist = s.distanceKm !== undefined ? html` <span class="distance">(${Math.round(s.distanceKm).toLocaleString("en")} km)</span>` : "";
  const more = h.siteCount > 1 ? html` <span class="muted">+ ${plural(h.siteCount - 1, "other site")}</span>` : "";
  return html`${s.facility ? html`${s.facility}, ` : ""}${place}${dist}${more}`;
}

export function renderHit(h: SearchHit): SafeHtml {
  return html`<li class="hit">
<article aria-labelledby="t-${h.nctId}">
<h3 id="t-${h.nctId}"><a href="/study/${encodeURIComponent(h.nctId)}">${h.title || h.nctId}</a></h3>
<p class="hit-meta">${statusBadge(h.status)} <span class="phase">${phasesLabel(h.phases)}</span> <span class="nct">${h.nctId}</span></p>
<dl class="hit-facts">
${h.conditions.length ? html`<div><dt>Conditions</dt><dd>${h.conditions.join("; ")}</dd></div>` : ""}
${h.sponsor ? html`<div><dt>Sponsor</dt><dd>${h.sponsor}</dd></div>` : ""}
<div><dt>${h.nearestSite?.distanceKm !== undefined ? "Nearest site" : "Sites"}</dt><dd>${siteLine(h)}</dd></div>
<div><dt>Ages and sex</dt><dd>${ageSexRange(h.minAge, h.maxAge, h.sex)}</dd></div>
</dl>
</article>
</li>`;
}

function pagination(v: SearchResultView): SafeHtml {
  const pages = Math.max(1, Math.ceil(v.total / v.query.pageSize));
  if (pages <= 1) return html``;
  const cur = Math.min(v.query.page, pages);
  const nums = new Set<number>([1, pages, cur - 2, cur - 1, cur, cur + 1, cur + 2].filter((n) => n >= 1 && n <= pages));
  const sorted = [...nums].sort((a, b) => a - b);
  const items: SafeHtml[] = [];
  if (cur > 1) items.push(html`<li><a rel="prev" href="/${searchParams(v.query, { page: cur - 1 })}">Previous</a></li>`);
  let last = 0;
  for (const n of sorted) {
    if (n - last > 1) items.push(html`<li aria-hidden="true">…</li>`);
    items.push(
      n === cur
        ? html`<li><a aria-current="page" href="/${searchParams(v.query, { page: n })}">${n}</a></li>`
        : html`<li><a href="/${searchParams(v.query, { page: n })}" aria-label="Page ${n}">${n}</a></li>`,
    );
    last = n;
  }
  if (cur < pages) items.push(html`<li><a rel="next" href="/${searchParams(v.query, { page: cur + 1 })}">Next</a></li>`);
  return html`<nav class="pagination" aria-label="Result pages"><ul>${items}</ul></nav>`;
}

export function renderSearchPage(v: SearchResultView): string {
  const q = v.query;
  const first = (q.page - 1) * q.pageSize + 1;
  const lastShown = first + v.hits.length - 1;
  const summary = v.total === 0 && v.nearResolved
    ? html`No trials${q.q ? html` for “${q.q}”` : ""} with a site within ${v.nearResolved}.`
    : v.total === 0
    ? html`No trials match${q.q ? html` “${q.q}”` : ""}.`
    : html`${v.hits.length && v.hits.length < v.total ? html`Showing ${first}–${lastShown} of ` : ""}${plural(v.total, "trial")}${q.q ? html` for “${q.q}”` : ""}${v.nearResolved ? html` with a site within ${v.nearResolved}` : ""}.`;
  const body = html`<h1 class="visually-hidden">Find clinical trials</h1>
<form class="search-form" method="get" action="/" role="search" aria-label="Trials">
<div class="search-row">
<div class="field grow"><label for="q">Search trials</label>
<input type="search" id="q" name="q" value="${q.q}" placeholder="Condition, drug, sponsor or NCT id" autocomplete="off"></div>
<div class="field"><label for="near">Near city</label>
<input type="text" id="near" name="near" value="${q.near}" placeholder="e.g. Guangzhou" autocomplete="address-level2"></div>
<div class="field narrow"><label for="radius">Within (km)</label>
<input type="number" id="radius" name="radius" min="1" step="1" inputmode="numeric" value="${q.radiusKm ?? ""}"></div>
<div class="field button-field"><button type="submit">Search</button></div>
</div>
<div class="search-layout">
<aside class="filters" aria-labelledby="filters-h">
<h2 id="filters-h">Filters</h2>
${FACETS.map((f) => facetFieldset(f.name, f.label, v.facets[f.name] ?? [], q[f.name], f.fmt))}
<fieldset class="facet"><legend>Open to</legend>
<div class="field"><label for="sex" class="visually-hidden">Open to</label><select id="sex" name="sex">
${[["", "Any sex"], ["FEMALE", "Women"], ["MALE", "Men"]].map(([v, l]) => html`<option value="${v}"${q.sex === v ? html` selected` : ""}>${l}</option>`)}
</select></div></fieldset>
<button type="submit" class="secondary">Apply filters</button>
${q.status.length || q.phase.length || q.studyType.length || q.country.length || q.sex ? html` <a class="clear" href="/${searchParams(q, { status: [], phase: [], studyType: [], country: [], sex: "", page: 1 })}">Clear filters</a>` : ""}
</aside>
<section class="results" aria-labelledby="results-h">
<div class="results-head">
<h2 id="results-h" class="results-summary" aria-live="polite">${summary}</h2>
<div class="sort"><label for="sort">Sort by</label> <select id="sort" name="sort">${[
    ["", q.q ? "Best match" : q.near ? "Nearest site" : "Recently updated"],
    ["lastUpdate", "Recently updated"],
    ["startDate", "Start date"],
    ...(q.near ? [["distance", "Nearest site"]] : []),
  ]
    .filter(([v, l], i, all) => i === 0 || all[0][1] !== l)
    .map(([v, l]) => html`<option value="${v}"${q.sort === v ? html` selected` : ""}>${l}</option>`)}</select> <button type="submit" class="secondary">Sort</button></div>
</div>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ""}
${v.total > 0 && v.hits.length === 0 ? html`<p class="notice">Page ${q.page} is past the last page. <a href="/${searchParams(q, { page: 1 })}">Back to the first page</a>.</p>` : ""}
${v.hits.length ? html`<ol class="hits" start="${first}">${join(v.hits.map(renderHit))}</ol>` : ""}
${pagination(v)}
</section>
</div>
</form>`;
  return page({ title: q.q ? `${q.q} – search` : "Find trials", nav: "search", body, bodyClass: "page-search" });
}
