/**
 * Everything the store writes for a study, computed from the study alone: its JSON, filter
 * columns, child rows (sites geocoded from the gazetteer) and each derived writer's data.
 * Pure and free of the database, so a large import can prepare studies on a worker thread
 * while the main thread only writes (../ingest/pipeline.ts); `StudyStore.upsert` prepares
 * in place. Everything here survives structured cloning.
 */
import type { Study } from "../model/study.js";
import { columnsOf, conditionRowsOf, interventionRowsOf, type StudyColumns } from "./columns.js";
import { derivedWriters } from "./derived.js";
import { geocodeSite } from "./search-geo.js";
// Registers the search index's derived writer wherever studies are prepared (a worker too).
import "./search-index.js";

/** A site row: facility, city, state, country, status, lat, lon, geocoded (1: lat/lon are the city's centre). */
export type LocationRow = [string | null, string | null, string | null, string | null, string | null, number | null, number | null, 0 | 1];

export interface PreparedStudy {
  nctId: string;
  /** The record as stored (and compared, to tell an unchanged re-import). */
  json: string;
  columns: StudyColumns;
  conditions: Array<{ condition: string; source: string }>;
  interventions: Array<{ name: string; type: string | null; source: string }>;
  locations: LocationRow[];
  /** Per derived writer (by name), what it will write. */
  derived: Record<string, unknown>;
}

export function locationRowsOf(study: Study): LocationRow[] {
  return (study.protocolSection.contactsLocationsModule?.locations ?? []).map((l) => {
    let lat = l.geoPoint?.lat ?? null;
    let lon = l.geoPoint?.lon ?? null;
    let geocoded: 0 | 1 = 0;
    // A site without coordinates gets its city's centre from the bundled gazetteer.
    if ((lat === null || lon === null) && l.city) {
      const place = geocodeSite(l.city, l.country);
      if (place) [lat, lon, geocoded] = [place.lat, place.lon, 1];
    }
    return [l.facility ?? null, l.city ?? null, l.state ?? null, l.country ?? null, l.status ?? null, lat, lon, geocoded];
  });
}

export function prepareStudy(study: Study): PreparedStudy {
  const columns = columnsOf(study);
  const derived: Record<string, unknown> = {};
  for (const w of derivedWriters()) derived[w.name] = w.derive(study, columns);
  return {
    nctId: columns.nct_id,
    json: JSON.stringify(study),
    columns,
    conditions: conditionRowsOf(study),
    interventions: interventionRowsOf(study),
    locations: locationRowsOf(study),
    derived,
  };
}
