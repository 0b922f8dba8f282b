/**
 * POST /api/import — write studies over HTTP. Registered only when the server has an admin
 * token, and answered only for `Authorization: Bearer <token>`. The body is ClinicalTrials.gov
 * v2 JSON (one study, an array of studies, or a page {"studies": [...]}), read by the same
 * importer as `eligo import`; every study is validated before any is written, and all are
 * written in one transaction.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { ctgovJsonFormat } from "../../ingest/ctgov-json.js";
import type { ImportedStudy } from "../../ingest/types.js";
import type { AppContext } from "../app.js";
import { ApiError } from "./errors.js";

export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return false;
  const a = Buffer.from(m[1]);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function registerImportRoute(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const token = ctx.adminToken;
  if (!token) return;
  api.post("/import", async (request, reply) => {
    if (!tokenMatches(request.headers.authorization, token)) {
      reply.header("www-authenticate", 'Bearer realm="eligo"');
      throw new ApiError(401, "importing needs Authorization: Bearer <admin token>", [{ field: "authorization", message: "missing or wrong token" }]);
    }
    if (request.body === undefined || request.body === null) {
      throw new ApiError(400, "invalid body", [{ field: "body", message: "expected ClinicalTrials.gov v2 JSON: a study, an array of studies or {\"studies\": [...]}" }]);
    }
    const source = `http:POST /api/import ${new Date().toISOString()}`;
    let studies: ImportedStudy[];
    try {
      studies = [...ctgovJsonFormat.parse(JSON.stringify(request.body), source)];
    } catch (e) {
      throw new ApiError(400, "invalid body", [{ field: "body", message: (e as Error).message }]);
    }
    if (!studies.length) throw new ApiError(400, "invalid body", [{ field: "body", message: "no studies in the body" }]);
    const counts = { imported: 0, updated: 0, unchanged: 0, nctIds: [] as string[] };
    ctx.store.transaction(() => {
      for (const s of studies) {
        counts[ctx.store.upsert(s.study, s.provenance)]++;
        counts.nctIds.push(s.study.protocolSection.identificationModule.nctId);
      }
    });
    return counts;
  });
}
