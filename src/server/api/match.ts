/**
 * POST /api/match?asOf=&status=&limit= — a patient (FHIR R4 Bundle or eligo patient JSON)
 * against the stored trials; answers the JSON of `eligo match --json`. The patient is
 * neither stored nor logged.
 */
import type { FastifyInstance } from "fastify";
import { matchPatient, parsePatientInput, PatientInputError, TrialCache } from "../../match/index.js";
import type { AppContext } from "../app.js";
import { ApiError, validate } from "./errors.js";
import { MatchQuery } from "./schemas.js";
import { normalizeQuery } from "./studies.js";

export async function registerMatchRoute(api: FastifyInstance, ctx: AppContext): Promise<void> {
  // Trials read for matching are cached across requests (invalidated by update / parser version).
  const cache = new TrialCache();
  api.post("/match", async (request) => {
    const q = validate(MatchQuery, normalizeQuery(request.query), "query");
    if (request.body === undefined || request.body === null || typeof request.body !== "object") {
      throw new ApiError(400, "invalid body", [{ field: "body", message: "expected a JSON object: an eligo patient or a FHIR R4 Bundle" }]);
    }
    let patient;
    try {
      patient = parsePatientInput(request.body, "request body");
    } catch (e) {
      if (e instanceof PatientInputError) {
        throw new ApiError(
          400,
          "invalid patient",
          e.issues.map((i) => ({ field: i.path ? `body.${i.path.replace(/^\[/, "[")}` : "body", message: i.message })),
        );
      }
      throw e;
    }
    const status = q.status === undefined ? undefined : q.status.includes("ALL") ? ("all" as const) : q.status;
    return matchPatient(ctx.store, patient, { asOf: q.asOf, status, limit: q.limit, cache, storeParses: true });
  });
}
