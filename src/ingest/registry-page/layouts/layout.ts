/** What each registry-site layout provides to the registry-page importer. */

export type LayoutId = "ctgov-veeva" | "medpath" | "ctgov-mirror" | "ctgov-classic";

export interface Layout {
  id: LayoutId;
  /**
   * Patterns (multiline) that only this site's pages show: its brand line, its own
   * headings. A page is recognised when at least two match, so a page that lost some
   * sections is still recognised.
   */
  markers: RegExp[];
  /** The raw v2 record (validated by the caller), from the page's lines. */
  parse(lines: string[]): unknown;
}
