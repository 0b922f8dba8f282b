/**
 * Import of saved registry pages: a trial's page copied or saved (as text or HTML) from
 * ClinicalTrials.Veeva, MedPath, a ClinicalTrials.gov mirror or classic
 * ClinicalTrials.gov. The layout is recognised from the page's own headings and
 * furniture; every field the page shows is mapped onto the API v2 model, and nothing
 * the page does not show is filled in.
 */
import { formatZodError, Study, type Provenance } from "../../model/study.js";
import type { ImportFormat, ImportedStudy } from "../types.js";
import { classic } from "./layouts/classic.js";
import type { Layout, LayoutId } from "./layouts/layout.js";
import { medpath } from "./layouts/medpath.js";
import { mirror } from "./layouts/mirror.js";
import { veeva } from "./layouts/veeva.js";
import { looksLikeHtml, pageLines } from "./text.js";

export type { LayoutId } from "./layouts/layout.js";
export { buildCriteriaText } from "./criteria.js";

export const LAYOUTS: readonly Layout[] = [veeva, medpath, mirror, classic];

/** How many of a layout's markers a page must show to be recognised as that layout. */
const MIN_MARKERS = 2;

function scoreOf(layout: Layout, text: string): number {
  return layout.markers.filter((re) => re.test(text)).length;
}

function detect(lines: string[]): Layout | null {
  const text = lines.map((l) => l.trim()).join("\n");
  let best: Layout | null = null;
  let bestScore = 0;
  for (const layout of LAYOUTS) {
    const s = scoreOf(layout, text);
    if (s > bestScore) {
      best = layout;
      bestScore = s;
    }
  }
  return bestScore >= MIN_MARKERS ? best : null;
}

/** The layout of a saved page (HTML is rendered to text first), or null when it is none of them. */
export function detectRegistryLayout(text: string): LayoutId | null {
  return detect(pageLines(text))?.id ?? null;
}

export class RegistryPageError extends Error {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`${reason}: ${source}`);
    this.name = "RegistryPageError";
  }
}

/**
 * Parses a saved registry page into a v2 study and its provenance. Throws
 * RegistryPageError "not a recognised registry page: <source>" when the text is none of
 * the known layouts or does not name its trial's NCT id.
 */
export function parseRegistryPage(text: string, source: string): { study: Study; provenance: Provenance } {
  const lines = pageLines(text);
  const layout = detect(lines);
  if (!layout) throw new RegistryPageError(source, "not a recognised registry page");
  const raw = layout.parse(lines) as { protocolSection?: { identificationModule?: { nctId?: string } } } | undefined;
  if (!raw?.protocolSection?.identificationModule?.nctId) {
    throw new RegistryPageError(source, `not a recognised registry page (${layout.id} layout, but no NCT id found)`);
  }
  const result = Study.safeParse(raw);
  if (!result.success) {
    throw new RegistryPageError(source, `registry page (${layout.id}) gave an invalid study: ${formatZodError(result.error)}`);
  }
  return {
    study: result.data,
    provenance: { sourceKind: "registry-page", source, layout: layout.id, importedAt: new Date().toISOString() },
  };
}

/** The import format entry for `eligo import`: one study per saved page. */
export const registryPageFormat: ImportFormat = {
  name: "registry-page",
  sourceKind: "registry-page",
  // A saved HTML page can carry more than the sniffed head in <head> alone (styles,
  // scripts), so an HTML page naming one of the sites is claimed here too; parse then
  // recognises the layout or says clearly that it is not a registry page.
  sniff: (head) =>
    detectRegistryLayout(head) !== null ||
    (looksLikeHtml(head) && /clinicaltrials\.gov|clinicaltrials\.veeva|medpath/i.test(head)),
  parse(text: string, source: string): Iterable<ImportedStudy> {
    return [parseRegistryPage(text, source)];
  },
};
