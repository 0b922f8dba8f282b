/** GET /api/studies/{nctId}/regimen: the study's arms as structured regimens (same JSON as `eligo regimen --json`). */
import type { FastifyInstance } from "fastify";
import { regimenOfStudy } from "../../regimen/index.js";
import type { AppContext } from "../app.js";
import { ApiError, validate } from "./errors.js";
import { NctIdParams } from "./schemas.js";
import { normalizeId } from "./studies.js";

export async function registerRegimenRoute(api: FastifyInstance, ctx: AppContext): Promise<void> {
  api.get("/studies/:nctId/regimen", async (request) => {
    const { nctId } = validate(NctIdParams, normalizeId(request.params), "path");
    const stored = ctx.store.get(nctId);
    if (!stored) throw new ApiError(404, `no study ${nctId} in this registry`, [{ field: "nctId", message: "not found", value: nctId }]);
    return regimenOfStudy(stored.study);
  });
}
