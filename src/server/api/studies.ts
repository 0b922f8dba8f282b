/**
 * GET /api/studies (search), GET /api/studies.csv (the same search as CSV),
 * GET /api/studies/{nctId} (the v2 record), GET /api/studies/{nctId}/related.
 */
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { relatedStudies, resolveNear, searchAll, searchStudies, type SearchHit, type SearchParams } from "../../search/index.js";
import type { AppContext } from "../app.js";
import { ApiError, validate } from "./errors.js";
import { LIST_PARAMS, NctIdParams, RelatedQuery, StudiesQuery, UPPER_PARAMS } from "./schemas.js";

/** Splits comma lists, trims, upper-cases enum values, so the schema sees canonical input. */
export function normalizeQuery(raw: unknown): Record<string, unknown> {
  const q: Record<string, unknown> = { ...((raw ?? {}) as Record<string, unknown>) };
  for (const k of LIST_PARAMS) {
    const v = q[k];
    if (v === undefined) continue;
    const items = (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === "string" ? x.split(",") : [x]));
    q[k] = items.map((x) => (typeof x === "string" ? x.trim() : x)).filter((x) => x !== "");
  }
  for (const k of UPPER_PARAMS) {
    const v = q[k];
    if (typeof v === "string") q[k] = v.trim().toUpperCase();
    else if (Array.isArray(v)) q[k] = v.map((x) => (typeof x === "string" ? x.toUpperCase() : x));
  }
  return q;
}

/** Validated query → search parameters (resolving `near`), throwing 400s that name the field. */
export function searchParamsOf(raw: unknown): { params: SearchParams; near?: ReturnType<typeof resolveNear> } {
  const input = normalizeQuery(raw);
  const q = validate(StudiesQuery, input, "query");
  let near: ReturnType<typeof resolveNear> | undefined;
  if (q.near !== undefined) {
    try {
      near = resolveNear(q.near);
    } catch (e) {
      throw new ApiError(400, "invalid query", [{ field: "near", message: (e as Error).message, value: q.near }]);
    }
  }
  if (q.radius !== undefined && !near) throw new ApiError(400, "invalid query", [{ field: "radius", message: "needs near", value: q.radius }]);
  const params: SearchParams = {
    q: q.q,
    status: q.status,
    phase: q.phase,
    studyType: q.studyType,
    condition: q.condition,
    intervention: q.intervention,
    sponsor: q.sponsor,
    country: q.country,
    city: q.city,
    age: q.age,
    sex: q.sex,
    healthyVolunteers: q.healthyVolunteers === undefined ? undefined : q.healthyVolunteers === "true",
    startFrom: q.startFrom,
    startTo: q.startTo,
    updatedFrom: q.updatedFrom,
    updatedTo: q.updatedTo,
    near: near ? { lat: near.lat, lon: near.lon } : undefined,
    radiusKm: q.radius,
    sort: q.sort,
    cursor: q.cursor,
    pageSize: q.pageSize,
    facets: q.facets !== "false",
  };
  for (const k of Object.keys(params) as Array<keyof SearchParams>) if (params[k] === undefined) delete params[k];
  return { params, near };
}

const CSV_COLUMNS: Array<[string, (h: SearchHit) => unknown]> = [
  ["nct_id", (h) => h.nctId],
  ["brief_title", (h) => h.briefTitle],
  ["overall_status", (h) => h.overallStatus],
  ["phases", (h) => h.phases.join("|")],
  ["study_type", (h) => h.studyType],
  ["conditions", (h) => h.conditions.join("|")],
  ["interventions", (h) => h.interventions.join("|")],
  ["lead_sponsor", (h) => h.leadSponsor],
  ["start_date", (h) => h.startDate],
  ["last_update", (h) => h.lastUpdate],
  ["site_count", (h) => h.locationCount],
  ["countries", (h) => [...new Set(h.locations.map((l) => l.country).filter(Boolean))].join("|")],
  ["distance_km", (h) => h.distanceKm],
  ["url", (h) => `https://clinicaltrials.gov/study/${h.nctId}`],
];

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formula-leading cells defused. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  // Spreadsheet formula injection: a leading = + - @ is made text.
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function registerStudyRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  api.get("/studies", async (request) => {
    const { params, near } = searchParamsOf(request.query);
    const result = searchStudies(ctx.store, params);
    return near
      ? { ...result, near: { lat: near.lat, lon: near.lon, ...(near.place ? { place: { name: near.place.name, countryCode: near.place.countryCode } } : {}), radiusKm: params.radiusKm ?? 50 } }
      : result;
  });

  api.get("/studies.csv", async (request, reply) => {
    const { params } = searchParamsOf(request.query);
    delete params.cursor;
    const rows = searchAll(ctx.store, params);
    // Pull the first row now, so a bad query is a 400 before any CSV is sent.
    const first = rows.next();
    function* lines(): Generator<string> {
      yield CSV_COLUMNS.map(([name]) => name).join(",") + "\r\n";
      for (let r = first; !r.done; r = rows.next()) yield CSV_COLUMNS.map(([, get]) => csvField(get(r.value))).join(",") + "\r\n";
    }
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="studies.csv"')
      .send(Readable.from(lines()));
  });

  api.get("/studies/:nctId", async (request) => {
    const { nctId } = validate(NctIdParams, normalizeId(request.params), "path");
    const stored = ctx.store.get(nctId);
    if (!stored) throw new ApiError(404, `no study ${nctId} in this registry`, [{ field: "nctId", message: "not found", value: nctId }]);
    return stored.study;
  });

  api.get("/studies/:nctId/related", async (request) => {
    const { nctId } = validate(NctIdParams, normalizeId(request.params), "path");
    const { limit } = validate(RelatedQuery, request.query ?? {}, "query");
    const related = relatedStudies(ctx.store, nctId, limit ?? 10);
    if (!related) throw new ApiError(404, `no study ${nctId} in this registry`, [{ field: "nctId", message: "not found", value: nctId }]);
    return { studies: related };
  });
}

/** "nct05460481" is accepted as NCT05460481. */
export function normalizeId(params: unknown): unknown {
  const p = params as { nctId?: unknown };
  return typeof p?.nctId === "string" ? { ...p, nctId: p.nctId.trim().toUpperCase() } : params;
}
