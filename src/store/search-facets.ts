/**
 * Facet counts of a search (status, phase, study type, sites' countries, top conditions and
 * interventions): one pass over the matches' interned columns in the snapshot, counted as
 * the per-row SQL did (a condition once per study, case-folded, shown as first spelt in
 * doc_id order; countries grouped NOCASE).
 */
import type { Matches } from "./search-matches.js";
import type { Facets, FacetCount, SearchParams } from "./search-query.js";
import { cached, compareBinary, foldNocase, keep, type SearchSnapshot } from "./search-snapshot.js";

const splitList = (s: string, sep: string) => (s ?? "").split(sep).filter(Boolean);

/** The facets of a search, from the cache when the same search (any page or order) was counted before. */
export function cachedFacets(snap: SearchSnapshot, p: SearchParams, m: Matches): Facets {
  const { cursor: _c, pageSize: _s, facets: _f, sort: _o, ...rest } = p;
  const key = `facets:${JSON.stringify(rest)}`;
  let f = cached<Facets>(snap, key);
  if (!f) {
    f = facetsOf(snap, m);
    keep(snap, key, f, 2 * JSON.stringify(f).length + 64);
  }
  // Callers get their own arrays: the cached ones stay as counted.
  const copy = (xs: FacetCount[]) => xs.map((x) => ({ ...x }));
  return {
    status: copy(f.status),
    phase: copy(f.phase),
    studyType: copy(f.studyType),
    country: copy(f.country),
    conditions: copy(f.conditions),
    interventions: copy(f.interventions),
  };
}

const byCountThenValue = (a: FacetCount, b: FacetCount) => b.count - a.count || a.value.localeCompare(b.value);

/** The first n of xs in `cmp` order, sorting only the entries whose count can reach the top n. */
function topByCount(xs: FacetCount[], n: number, cmp: (a: FacetCount, b: FacetCount) => number): FacetCount[] {
  if (xs.length > n) {
    const counts = xs.map((x) => x.count).sort((a, b) => b - a);
    const least = counts[n - 1];
    xs = xs.filter((x) => x.count >= least);
  }
  return xs.sort(cmp).slice(0, n);
}

function facetsOf(snap: SearchSnapshot, m: Matches): Facets {
  const col = snap.cols;
  const { idx } = m;
  const status = new Int32Array(snap.statusValues.length);
  const phases = new Int32Array(snap.phasesValues.length);
  const studyType = new Int32Array(snap.studyTypeValues.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    status[col.status[i]]++;
    phases[col.phases[i]]++;
    studyType[col.studyType[i]]++;
  }
  const counted = (values: Array<string | null>, counts: Int32Array) => {
    const out = new Map<string, number>();
    counts.forEach((n, v) => {
      if (!n) return;
      // As the per-row count did: a value once per study, a phase list split on ",".
      for (const x of values === snap.phasesValues ? splitList(values[v] ?? "", ",") : [values[v]]) if (x) out.set(x, (out.get(x) ?? 0) + n);
    });
    return [...out].map(([value, count]) => ({ value, count })).sort(byCountThenValue);
  };
  // Keyed lists: counts per key, shown with the spelling of the key's first occurrence (ascending doc_id).
  const keyed = (lists: { start: Int32Array; items: Int32Array }, spelling: Int32Array, spellings: string[], keys: number, n: number) => {
    const count = new Int32Array(keys);
    const { start, items } = lists;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      for (let j = start[i], end = start[i + 1]; j < end; j++) count[items[j]]++;
    }
    // The spelling of each key's first occurrence: found by a second pass that stops as soon
    // as every counted key has one.
    const touched: number[] = [];
    for (let key = 0; key < keys; key++) if (count[key] > 0) touched.push(key);
    const shown = new Int32Array(keys).fill(-1);
    let missing = touched.length;
    for (let k = 0; k < idx.length && missing > 0; k++) {
      const i = idx[k];
      for (let j = start[i], end = start[i + 1]; j < end; j++) {
        if (shown[items[j]] < 0) {
          shown[items[j]] = spelling[j];
          missing--;
        }
      }
    }
    return { count, shown, touched, spellings, n };
  };
  const top = (x: ReturnType<typeof keyed>, cmp: (a: FacetCount, b: FacetCount) => number) =>
    topByCount(
      x.touched.map((key) => ({ value: x.spellings[x.shown[key]], count: x.count[key] })),
      x.n,
      cmp,
    );
  const conditions = keyed(snap.conditions, snap.conditionSpelling, snap.conditionSpellings, snap.conditionKeyCount, 10);
  const interventions = keyed(snap.interventions, snap.interventionSpelling, snap.interventionSpellings, snap.interventionKeyCount, 10);
  const countries = keyed(snap.countries, snap.countrySpelling, snap.countrySpellings, snap.countryGroups.length, 20);
  // Sites' countries: studies per country (NOCASE, as the column), none for an empty name;
  // ties in the order SQL's "ORDER BY n DESC, country" gives (NOCASE).
  countries.touched = countries.touched.filter((g) => snap.countryGroups[g] !== "");
  return {
    status: counted(snap.statusValues, status),
    phase: counted(snap.phasesValues, phases),
    studyType: counted(snap.studyTypeValues, studyType),
    country: top(countries, (a, b) => b.count - a.count || compareBinary(foldNocase(a.value), foldNocase(b.value))),
    conditions: top(conditions, byCountThenValue),
    interventions: top(interventions, byCountThenValue),
  };
}
