/**
 * Search, trials near a place and related trials, over a stored set of studies.
 * The SQL lives in src/store/search-*.ts; this is the interface the server, the CLI and the
 * web UI use.
 */
import type { SqliteStudyStore } from "../store/sqlite.js";
import { searchAll as searchAllRows, searchStudies as searchRows, type SearchHit, type SearchParams, type SearchResult } from "../store/search-query.js";
import { relatedStudies as relatedRows, type RelatedStudy } from "../store/search-related.js";
import { searchSnapshotInfo } from "../store/search-snapshot.js";

export type { Facets, FacetCount, SearchHit, SearchLocation, SearchParams, SearchResult, SortKey } from "../store/search-query.js";
export { DEFAULT_PAGE_SIZE, DEFAULT_RADIUS_KM, DEFAULT_SEARCH_CACHE_BYTES, MAX_PAGE_SIZE, SearchInputError, setSearchCacheBytes } from "../store/search-query.js";
export type { RelatedStudy } from "../store/search-related.js";
export { resolveNear, geocodeCity, distanceKm, type NearPoint, type Place } from "../store/search-geo.js";

/** One page of matching studies with the total, the next-page cursor and (with facets: true) facet counts. */
export function searchStudies(store: SqliteStudyStore, params: SearchParams): SearchResult {
  return searchRows(store.db, params);
}

/** Every matching study in the search's order (for exports); streamed in pages of 500. */
export function searchAll(store: SqliteStudyStore, params: SearchParams): IterableIterator<SearchHit> {
  return searchAllRows(store.db, params);
}

/** The studies most like nctId, best first, each with its reasons; undefined if nctId is not stored. */
export function relatedStudies(store: SqliteStudyStore, nctId: string, limit = 10): RelatedStudy[] | undefined {
  return relatedRows(store.db, nctId, limit);
}

/** The memory search holds for this store's connection (its snapshot, of which cached results); undefined before the first search. */
export function searchMemory(store: SqliteStudyStore): { studies: number; bytes: number; cacheBytes: number } | undefined {
  return searchSnapshotInfo(store.db);
}
