/**
 * A local stand-in for ClinicalTrials.gov's `GET /api/v2/studies`, serving a fixed set of
 * study records page by page, so the sync can be exercised without the internet. It
 * behaves like the API where the sync depends on it: opaque `nextPageToken`s, `pageSize`
 * (default 10, at most 1000), `countTotal` answered on the first page, the rule that every
 * page repeats the first page's query and filters (400 otherwise), and simple versions of
 * `query.cond` / `query.term` / `query.intr`, `filter.overallStatus` and
 * `filter.advanced=AREA[LastUpdatePostDate]RANGE[from,to]`.
 *
 * Faults can be injected: an HTTP status (429 with Retry-After, 500, …), a dropped
 * connection, or a response that never comes, for the next requests or for one page.
 * Every request received is recorded for tests to inspect.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";

export interface Fault {
  /** Answer with this status (and body) instead of the page. */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** "reset": close the socket without answering; "hang": never answer. */
  kind?: "reset" | "hang";
  /** Only for the request of this page of the run (1-based). Default: any request. */
  page?: number;
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
}

export interface ReplayServer {
  /** Base URL to give the sync (e.g. http://127.0.0.1:34567). */
  url: string;
  /** Each request's URL, in the order received (faulted ones included). */
  requests: URL[];
  /** Queue a fault; faults are tried in the order injected. */
  inject(fault: Fault): void;
  /** Drops the faults not yet used. */
  clearFaults(): void;
  close(): Promise<void>;
}

export interface ReplayOptions {
  /** Records in API v2 shape (`{protocolSection: …}`), served in NCT id order. Invalid ones are served as they are. */
  studies: unknown[];
  host?: string;
}

const PAGING_PARAMS = new Set(["pageToken", "pageSize", "countTotal"]);

type Rec = Record<string, unknown>;
const get = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((x, k) => (x && typeof x === "object" ? (x as Rec)[k] : undefined), o);
const text = (v: unknown) => (v === undefined ? "" : JSON.stringify(v)).toLowerCase();

function nctOf(s: unknown): string {
  const id = get(s, "protocolSection", "identificationModule", "nctId");
  return typeof id === "string" ? id : "";
}

/** The query and filter parameters, which must stay the same on every page of a run. */
function runSignature(u: URL): string {
  const kept = [...u.searchParams].filter(([k]) => !PAGING_PARAMS.has(k)).sort(([a], [b]) => a.localeCompare(b));
  return createHash("sha256").update(JSON.stringify(kept)).digest("hex").slice(0, 12);
}

/** A served record: its JSON, written once, and what the filters look at. */
interface Entry {
  id: string;
  json: string;
  status: string;
  lastUpdate: string;
  condText: string;
  intrText: string;
}

function entryOf(s: unknown): Entry {
  return {
    id: nctOf(s),
    json: JSON.stringify(s),
    status: String(get(s, "protocolSection", "statusModule", "overallStatus") ?? ""),
    lastUpdate: String(get(s, "protocolSection", "statusModule", "lastUpdatePostDateStruct", "date") ?? ""),
    condText: text(get(s, "protocolSection", "conditionsModule")) + text(get(s, "protocolSection", "identificationModule")),
    intrText: text(get(s, "protocolSection", "armsInterventionsModule")),
  };
}

function matches(e: Entry, u: URL): boolean {
  const p = u.searchParams;
  const cond = p.get("query.cond");
  if (cond && !terms(cond).every((t) => e.condText.includes(t))) return false;
  const intr = p.get("query.intr");
  if (intr && !terms(intr).every((t) => e.intrText.includes(t))) return false;
  const term = p.get("query.term");
  if (term) {
    const all = e.json.toLowerCase();
    if (!terms(term).every((t) => all.includes(t))) return false;
  }
  const status = p.get("filter.overallStatus");
  if (status && !status.split(/[,|]/).map((x) => x.trim().toUpperCase()).includes(e.status)) return false;
  const adv = p.get("filter.advanced");
  if (adv) {
    const m = /^AREA\[LastUpdatePostDate\]RANGE\[([^,\]]+),([^\]]+)\]$/.exec(adv);
    if (!m) return false;
    const [from, to] = [m[1] as string, m[2] as string];
    if (!e.lastUpdate || (from !== "MIN" && e.lastUpdate < from) || (to !== "MAX" && e.lastUpdate > to)) return false;
  }
  return true;
}

const terms = (q: string) =>
  q
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t && t !== "and");

/** Starts the server on an ephemeral port of 127.0.0.1. */
export async function startReplayServer(opts: ReplayOptions): Promise<ReplayServer> {
  const all = opts.studies.map(entryOf).sort((a, b) => a.id.localeCompare(b.id));
  const requests: URL[] = [];
  let faults: Array<Fault & { left: number }> = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? "/", "http://replay.invalid");
    requests.push(u);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body);
    };
    if (req.method !== "GET" || u.pathname !== "/api/v2/studies") {
      return send(404, JSON.stringify({ message: `no route ${req.method} ${u.pathname}` }));
    }
    const p = u.searchParams;
    if (p.has("format") && p.get("format") !== "json") return send(400, "format: only json is replayed");
    const pageSizeRaw = p.get("pageSize");
    const pageSize = pageSizeRaw === null ? 10 : Number(pageSizeRaw);
    if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > 1000) {
      return send(400, `pageSize: must be a whole number from 0 to 1000, got "${pageSizeRaw}"`);
    }
    const sig = runSignature(u);
    let offset = 0;
    const token = p.get("pageToken");
    if (token) {
      const m = /^([0-9a-f]{12})\.(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
      if (!m) return send(400, `pageToken: "${token}" is not a page token`);
      if (m[1] !== sig) return send(400, "pageToken: parameters differ from those of the first page");
      offset = Number(m[2]);
    }
    const pageNo = Math.floor(offset / Math.max(pageSize, 1)) + 1;

    const fault = faults.find((f) => f.left > 0 && (f.page === undefined || f.page === pageNo));
    if (fault) {
      fault.left--;
      if (fault.kind === "reset") return void req.socket.destroy();
      if (fault.kind === "hang") return;
      return send(fault.status ?? 500, fault.body ?? JSON.stringify({ message: "injected fault" }), fault.headers);
    }

    const hits = all.filter((e) => matches(e, u));
    const page = hits.slice(offset, offset + pageSize);
    const nextOffset = offset + page.length;
    // Assembled from each record's JSON, written once at start: fast for big pages.
    let body = `{"studies":[${page.map((e) => e.json).join(",")}]`;
    if (p.get("countTotal") === "true" && !token) body += `,"totalCount":${hits.length}`;
    if (nextOffset < hits.length && pageSize > 0) {
      body += `,"nextPageToken":${JSON.stringify(Buffer.from(`${sig}.${nextOffset}`).toString("base64url"))}`;
    }
    send(200, `${body}}`);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    requests,
    inject(f) {
      faults.push({ ...f, left: f.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
