/**
 * GET /openapi.json: OpenAPI 3.1, generated from the zod schemas in ./schemas.ts that also
 * validate the requests (z.toJSONSchema, JSON Schema 2020-12 as OpenAPI 3.1 uses).
 */
import { z } from "zod";
import { Study } from "../../model/study.js";
import { StudyRegimenSchema } from "../../regimen/schema.js";
import {
  ErrorResponse,
  HealthResponse,
  ImportResponse,
  LIST_PARAMS,
  MatchQuery,
  NctIdParams,
  RelatedQuery,
  RelatedResponse,
  StudiesQuery,
  StudiesResponse,
} from "./schemas.js";

type JsonSchema = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: "input" | "output" = "output"): JsonSchema {
  const j = z.toJSONSchema(s, { io, unrepresentable: "any" }) as JsonSchema;
  delete j.$schema;
  return j;
}

function parameters(obj: z.ZodObject, where: "query" | "path"): JsonSchema[] {
  return Object.entries(obj.shape).map(([name, field]) => {
    const f = field as z.ZodType;
    const schema = schemaOf(f, "input");
    const description = schema.description;
    delete schema.description;
    const p: JsonSchema = { name, in: where, required: where === "path" || !f.safeParse(undefined).success, schema };
    if (description) p.description = description;
    if ((LIST_PARAMS as readonly string[]).includes(name)) Object.assign(p, { style: "form", explode: true });
    return p;
  });
}

const json = (schema: JsonSchema, description: string) => ({ description, content: { "application/json": { schema } } });
const ERR = { $ref: "#/components/schemas/Error" };
const bad = json(ERR, "Bad parameters or body: each bad field named in details");

export function openApiDocument(opts: { importEnabled: boolean; matchEnabled: boolean }): JsonSchema {
  const paths: Record<string, JsonSchema> = {
    "/api/studies": {
      get: {
        operationId: "searchStudies",
        summary: "Search studies: words, filters, facets, near a place; cursor pagination",
        parameters: parameters(StudiesQuery, "query"),
        responses: { 200: json({ $ref: "#/components/schemas/StudiesResponse" }, "One page of results"), 400: bad },
      },
    },
    "/api/studies.csv": {
      get: {
        operationId: "searchStudiesCsv",
        summary: "The same search as CSV (every match; cursor, pageSize and facets are ignored)",
        parameters: parameters(StudiesQuery, "query"),
        responses: { 200: { description: "CSV, one line per study", content: { "text/csv": { schema: { type: "string" } } } }, 400: bad },
      },
    },
    "/api/studies/{nctId}": {
      get: {
        operationId: "getStudy",
        summary: "A study as ClinicalTrials.gov API v2 JSON",
        parameters: parameters(NctIdParams, "path"),
        responses: {
          200: json({ $ref: "#/components/schemas/Study" }, "The v2 record"),
          400: bad,
          404: json(ERR, "No such study in this registry"),
        },
      },
    },
    "/api/studies/{nctId}/related": {
      get: {
        operationId: "relatedStudies",
        summary: "The most similar studies, each with why",
        parameters: [...parameters(NctIdParams, "path"), ...parameters(RelatedQuery, "query")],
        responses: { 200: json(schemaOf(RelatedResponse), "Related studies, best first"), 400: bad, 404: json(ERR, "No such study") },
      },
    },
    "/api/studies/{nctId}/regimen": {
      get: {
        operationId: "studyRegimen",
        summary: "The study's arms as structured regimens: phases, drugs with dose, unit, route, frequency and cycle days; notes; unparsed text",
        parameters: parameters(NctIdParams, "path"),
        responses: { 200: json(schemaOf(StudyRegimenSchema), "The regimens"), 400: bad, 404: json(ERR, "No such study") },
      },
    },
    "/healthz": {
      get: { operationId: "health", summary: "Liveness and store size", responses: { 200: json(schemaOf(HealthResponse), "OK") } },
    },
    "/openapi.json": {
      get: { operationId: "openapi", summary: "This document", responses: { 200: { description: "OpenAPI 3.1 document" } } },
    },
  };
  if (opts.matchEnabled) {
    paths["/api/match"] = {
      post: {
        operationId: "matchPatient",
        summary: "Match a patient (FHIR R4 Bundle or eligo patient JSON) against every trial; the JSON of `eligo match --json`",
        parameters: parameters(MatchQuery, "query"),
        requestBody: {
          required: true,
          content: { "application/json": { schema: { type: "object" } }, "application/fhir+json": { schema: { type: "object" } } },
        },
        responses: { 200: { description: "Per-trial verdicts, ranked", content: { "application/json": { schema: { type: "object" } } } }, 400: bad, 413: json(ERR, "Body too large") },
      },
    };
  }
  if (opts.importEnabled) {
    paths["/api/import"] = {
      post: {
        operationId: "importStudies",
        summary: "Import ClinicalTrials.gov v2 JSON (a study, an array, or {studies: [...]}); admin token required",
        security: [{ adminToken: [] }],
        requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
        responses: { 200: json(schemaOf(ImportResponse), "Counts"), 400: bad, 401: json(ERR, "Missing or wrong token"), 413: json(ERR, "Body too large") },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "eligo API", version: "0.1.0", description: "Clinical-trial registry: search, related trials, matching." },
    paths,
    components: {
      schemas: { StudiesResponse: schemaOf(StudiesResponse), Error: schemaOf(ErrorResponse), Study: schemaOf(Study) },
      ...(opts.importEnabled ? { securitySchemes: { adminToken: { type: "http", scheme: "bearer" } } } : {}),
    },
  };
}
