/**
 * The web UI's routes: `/` search, `/study/:nctId`, `/match` (GET form, POST results) and
 * `/assets/*`. Registered as an encapsulated fastify plugin, so its body parsers, error
 * page and security headers do not touch the JSON API.
 *
 * Engines come in through `WebServices` (search, related trials, criteria parsing, matching,
 * regimens): `engineServices` wires the project's own modules; tests can pass doubles.
 */
import fs from "node:fs";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Criterion } from "../../criteria/types.js";
import { Patient } from "../../model/patient.js";
import type { Study } from "../../model/study.js";
import { SearchInputError } from "../../search/index.js";
import type { SqliteStudyStore } from "../../store/sqlite.js";
import { html } from "./html.js";
import { page } from "./layout.js";
import { emptyPatientForm, renderMatchFormPage, renderMatchResultsPage, type MatchFormOptions } from "./match-page.js";
import { isEmptyForm, patientFromForm, readPatientForm, summarisePatient, type LabName, type ProcedureName } from "./patient-form.js";
import { renderSearchPage } from "./search-page.js";
import { engineServices, type SearchOutcome, type WebServices } from "./services.js";
import { renderStudyPage } from "./study-page.js";
import type { SearchHit, SearchQuery } from "./views.js";

export type { WebServices } from "./services.js";

const ASSETS: Record<string, string> = { "style.css": "text/css; charset=utf-8", "enhance.js": "text/javascript; charset=utf-8", "logo.svg": "image/svg+xml" };

/** Reads an asset beside this module (tsx) or, from dist/, in the source tree. */
function loadAsset(name: string): Buffer {
  const candidates = [new URL(`./assets/${name}`, import.meta.url), new URL(`../../../src/server/web/assets/${name}`, import.meta.url)];
  for (const u of candidates) if (fs.existsSync(u)) return fs.readFileSync(u);
  throw new Error(`web asset ${name} not found (looked in ${candidates.map((u) => u.pathname).join(", ")})`);
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const NCT = /^NCT\d{8}$/;
const PAGE_SIZE = 20;

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string" && x !== "");
  return typeof v === "string" && v !== "" ? [v] : [];
}

export function readSearchQuery(query: Record<string, unknown>): SearchQuery {
  const one = (k: string) => (typeof query[k] === "string" ? (query[k] as string).slice(0, 500) : "");
  const pageNo = Math.max(1, Math.min(10_000, Math.floor(Number(one("page")) || 1)));
  const radius = Number(one("radius"));
  return {
    q: one("q").trim(),
    status: list(query.status),
    phase: list(query.phase),
    studyType: list(query.type),
    country: list(query.country),
    sex: one("sex"),
    near: one("near").trim(),
    radiusKm: Number.isFinite(radius) && radius > 0 ? radius : null,
    sort: ["lastUpdate", "startDate", "distance"].includes(one("sort")) ? one("sort") : "",
    page: pageNo,
    pageSize: PAGE_SIZE,
  };
}

function hitOf(study: Study, item: SearchOutcome["items"][number]): SearchHit {
  const p = study.protocolSection;
  const locs = p.contactsLocationsModule?.locations ?? [];
  const only = locs.length === 1 ? locs[0] : undefined;
  return {
    nctId: p.identificationModule.nctId,
    title: p.identificationModule.briefTitle ?? p.identificationModule.officialTitle ?? p.identificationModule.nctId,
    status: p.statusModule?.overallStatus ?? null,
    phases: p.designModule?.phases ?? [],
    conditions: p.conditionsModule?.conditions ?? [],
    sponsor: p.sponsorCollaboratorsModule?.leadSponsor?.name ?? null,
    minAge: p.eligibilityModule?.minimumAge,
    maxAge: p.eligibilityModule?.maximumAge,
    sex: p.eligibilityModule?.sex,
    siteCount: locs.length,
    nearestSite: item.nearestSite ?? (only ? { facility: only.facility, city: only.city, state: only.state, country: only.country } : undefined),
  };
}

function errorPage(status: number, title: string, message: string): string {
  return page({ title, body: html`<h1>${title}</h1><p>${message}</p><p><a href="/">Search trials</a> · <a href="/match">Match a patient</a></p>` });
}

let labNames: LabName[] | undefined;
function knownLabs(): LabName[] {
  if (!labNames) {
    const url = new URL("../../../data/knowledge/labs.json", import.meta.url);
    const t = JSON.parse(fs.readFileSync(url, "utf8")) as { variables?: Array<LabName & { kind?: string; unit?: string }> };
    if (!Array.isArray(t.variables)) throw new Error(`${url.pathname}: no "variables" list`);
    // every measured variable a test row can carry (life expectancy has its own field)
    labNames = t.variables.filter((v) => v.kind !== "prognosis");
  }
  return labNames;
}

let procedureNames: ProcedureName[] | undefined;
function knownProcedures(): ProcedureName[] {
  if (!procedureNames) {
    const url = new URL("../../../data/knowledge/procedures.json", import.meta.url);
    const t = JSON.parse(fs.readFileSync(url, "utf8")) as { procedures?: ProcedureName[] };
    if (!Array.isArray(t.procedures)) throw new Error(`${url.pathname}: no "procedures" list`);
    // Drug-like entries stay medications.
    procedureNames = t.procedures.filter((p) => p.id !== "investigational-agent" && p.id !== "endocrine-therapy");
  }
  return procedureNames;
}

/** Condition names in the store, for the diagnosis suggestions (cached per study count). */
const conditionCache = new WeakMap<SqliteStudyStore, { count: number; names: string[] }>();
function knownConditions(store: SqliteStudyStore): string[] {
  const count = store.count();
  const hit = conditionCache.get(store);
  if (hit && hit.count === count) return hit.names;
  const names = new Map<string, string>();
  for (const { study } of store.iterate()) {
    for (const c of study.protocolSection.conditionsModule?.conditions ?? []) {
      const k = c.trim().toLowerCase();
      if (k && !names.has(k)) names.set(k, c.trim());
    }
    if (names.size >= 3000) break;
  }
  const sorted = [...names.values()].sort((a, b) => a.localeCompare(b));
  conditionCache.set(store, { count, names: sorted });
  return sorted;
}

function studyCriteria(store: SqliteStudyStore, study: Study, services: WebServices): { criteria?: Criterion[]; parserVersion?: string } {
  const nct = study.protocolSection.identificationModule.nctId;
  const stored = store.getParsedCriteria(nct);
  if (stored) {
    try {
      const parsed = JSON.parse(stored.json) as unknown;
      const criteria = Array.isArray(parsed) ? parsed : (parsed as { criteria?: unknown }).criteria;
      if (Array.isArray(criteria)) return { criteria: criteria as Criterion[], parserVersion: stored.parserVersion };
    } catch {
      // A damaged stored parse is redone below rather than shown.
    }
  }
  const fresh = services.parseCriteria?.(study);
  return fresh ? { criteria: fresh.criteria, parserVersion: fresh.parserVersion } : {};
}

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(body);
}

/** Reads a POSTed form (multipart or urlencoded) with the platform's own FormData parser. */
async function formDataOf(req: FastifyRequest): Promise<FormData> {
  const ct = String(req.headers["content-type"] ?? "");
  const body = req.body instanceof Buffer ? req.body : Buffer.from(typeof req.body === "string" ? req.body : "");
  return new Response(new Uint8Array(body), { headers: { "content-type": ct } }).formData();
}

export function createWebPlugin(services: WebServices = engineServices) {
  return async function registerWebRoutes(app: FastifyInstance, ctx: { store: SqliteStudyStore }): Promise<void> {
    const assets = new Map(Object.keys(ASSETS).map((n) => [n, loadAsset(n)]));
    await app.register(async (web) => {
      web.addContentTypeParser(["multipart/form-data", "application/x-www-form-urlencoded"], { parseAs: "buffer" }, (_req, body, done) => done(null, body));
      web.addHook("onSend", async (_req, reply, payload) => {
        reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
        reply.header("x-content-type-options", "nosniff");
        reply.header("referrer-policy", "no-referrer");
        return payload;
      });
      web.setNotFoundHandler((req, reply) => send(reply, 404, errorPage(404, "Page not found", `There is no page at ${req.url}.`)));
      web.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
        const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
        return send(reply, status, errorPage(status, status === 500 ? "Something went wrong" : "Request not understood", err.message));
      });

      web.get<{ Params: { name: string } }>("/assets/:name", async (req, reply) => {
        const body = assets.get(req.params.name);
        if (!body) return send(reply, 404, errorPage(404, "Not found", `No asset named ${req.params.name}.`));
        return reply
          .header("cache-control", "public, max-age=31536000, immutable")
          .type(ASSETS[req.params.name])
          .send(body);
      });

      web.get("/", async (req, reply) => {
        const q = readSearchQuery(req.query as Record<string, unknown>);
        let out: SearchOutcome;
        try {
          out = services.search(ctx.store, q);
        } catch (e) {
          // A filter the search cannot read (unknown country, …): say which, keep the form.
          if (!(e instanceof SearchInputError)) throw e;
          return send(reply, 400, renderSearchPage({ query: q, total: 0, hits: [], facets: {}, notice: `Search not understood: ${e.message}.` }));
        }
        const hits: SearchHit[] = [];
        for (const item of out.items) {
          const s = ctx.store.get(item.nctId);
          if (s) hits.push(hitOf(s.study, item));
        }
        return send(reply, 200, renderSearchPage({ query: q, total: out.total, hits, facets: out.facets, nearResolved: out.nearResolved, notice: out.notice }));
      });

      web.get<{ Params: { nctId: string } }>("/study/:nctId", async (req, reply) => {
        const id = req.params.nctId.toUpperCase();
        if (!NCT.test(id)) return send(reply, 400, errorPage(400, "Not a trial id", `“${req.params.nctId}” is not an NCT number (NCT followed by 8 digits).`));
        if (id !== req.params.nctId) return reply.redirect(`/study/${id}`, 301);
        const stored = ctx.store.get(id);
        if (!stored) return send(reply, 404, errorPage(404, "Trial not found", `${id} is not in this database.`));
        const { criteria, parserVersion } = studyCriteria(ctx.store, stored.study, services);
        return send(
          reply,
          200,
          renderStudyPage({
            study: stored.study,
            provenance: stored.provenance,
            criteria,
            parserVersion,
            related: services.related(ctx.store, id),
            regimens: services.regimens?.(stored.study),
          }),
        );
      });

      const formOptions = (errors?: string[]): MatchFormOptions => ({
        conditions: knownConditions(ctx.store),
        labs: knownLabs().map((l) => ({ name: l.label, unit: (l as { unit?: string }).unit })),
        errors,
        unavailable: services.match ? undefined : "Matching is not available on this server yet: the matching engine is not installed.",
      });

      web.get("/match", async (_req, reply) => send(reply, 200, renderMatchFormPage(emptyPatientForm(), formOptions())));

      web.post("/match", async (req, reply) => {
        const fd = await formDataOf(req);
        const form = readPatientForm(fd as unknown as Parameters<typeof readPatientForm>[0]);
        const upload = fd.get("file");
        const uploadText = upload && typeof upload !== "string" && upload.size > 0 ? await upload.text() : "";
        const recordText = uploadText || form.json.trim();
        const more = fd.get("more");
        if (typeof more === "string" && ["lab", "tx", "bm"].includes(more)) {
          // "Add a row" without scripts: the same form back, with room for more.
          return send(reply, 200, renderMatchFormPage(form, { ...formOptions(), moreRows: more }));
        }
        if (!recordText && isEmptyForm(form)) return send(reply, 400, renderMatchFormPage(form, formOptions(["The form is empty: enter at least a diagnosis, or upload a record."])));
        let patient: Patient;
        if (recordText) {
          const source = uploadText ? `Uploaded file${upload && typeof upload !== "string" && upload.name ? ` ${upload.name}` : ""}` : "Pasted record";
          let json: unknown;
          try {
            json = JSON.parse(recordText);
          } catch (e) {
            return send(reply, 400, renderMatchFormPage(form, formOptions([`${source}: not JSON (${(e as Error).message}).`])));
          }
          try {
            if (services.parsePatientInput) patient = services.parsePatientInput(json, source);
            else {
              const r = Patient.safeParse(json);
              if (!r.success) throw new Error(r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "));
              patient = r.data;
            }
          } catch (e) {
            const issues = (e as { issues?: Array<{ path: string; message: string }> }).issues;
            const errors = Array.isArray(issues) && issues.length
              ? issues.map((i) => `${source}: ${i.path || "(root)"}: ${i.message}`)
              : [`${source}: ${(e as Error).message}`];
            return send(reply, 400, renderMatchFormPage(form, formOptions(errors)));
          }
        } else {
          const r = patientFromForm(form, knownLabs(), knownProcedures());
          if (!r.patient) return send(reply, 400, renderMatchFormPage(form, formOptions(r.errors)));
          patient = r.patient;
        }
        if (!services.match) return send(reply, 503, renderMatchFormPage(form, formOptions()));
        const asOf = new Date().toISOString().slice(0, 10);
        const result = services.match(ctx.store, { patient, asOf, statuses: form.trials === "all" ? "all" : ["RECRUITING", "NOT_YET_RECRUITING"] });
        reply.header("cache-control", "no-store");
        return send(reply, 200, renderMatchResultsPage({ ...result, patientSummary: summarisePatient(patient, asOf) }));
      });
    });
  };
}

/** The web UI with the default services: the AppPlugin for `createServer`. */
export const registerWeb = createWebPlugin(engineServices);

