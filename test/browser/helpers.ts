/**
 * Browser-test support: a server over a temporary store built from ../shared (the v2 and
 * legacy records, the CSV-free data folders and the five seed pages), and Debian's
 * chromium driven by playwright-core. Every request the page makes to another host is
 * blocked and recorded, so tests can assert that nothing leaves the machine.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import type { FastifyInstance } from "fastify";
import { importPaths, type ImportCounts } from "../../src/ingest/run.js";
import { parseStudy } from "../../src/model/study.js";
import { createServer } from "../../src/server/index.js";
import { openStore, type SqliteStudyStore } from "../../src/store/sqlite.js";

export const CHROMIUM = "/usr/bin/chromium";
/** Why the browser tests skip, or false when chromium is there. */
export const skipReason: string | false = fs.existsSync(CHROMIUM)
  ? false
  : `chromium not found at ${CHROMIUM}: install it with apt-get install -y chromium (CI does)`;

const root = new URL("../../", import.meta.url);
export const SHARED = new URL("../shared/", root);
export const SCREENSHOTS = new URL("screenshots/", root);

/** A record whose texts carry markup, to prove registry text is shown as text. */
export const HOSTILE_NCT = "NCT09999990";
export function hostileStudy() {
  return parseStudy({
    protocolSection: {
      identificationModule: { nctId: HOSTILE_NCT, briefTitle: `Hostile <script>window.__pwned = 1</script> record`, orgStudyIdInfo: { id: "<img src=x onerror=window.__pwned=2>" } },
      statusModule: { overallStatus: "RECRUITING", lastUpdatePostDateStruct: { date: "2026-01-01" } },
      conditionsModule: { conditions: ["<b>bold</b> condition"] },
      descriptionModule: { briefSummary: `<script>window.__pwned = 3</script> summary` },
      eligibilityModule: { eligibilityCriteria: "Inclusion Criteria:\n\n* <script>window.__pwned = 4</script> aged 18 years or older" },
    },
  });
}

export interface TestServer {
  url: string;
  store: SqliteStudyStore;
  app: FastifyInstance;
  imported: ImportCounts;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eligo-web-"));
  const store = openStore(path.join(dir, "eligo.db"));
  const imported = await importPaths(store, [new URL("data/ctgov-v2", SHARED).pathname, new URL("data/ctgov-legacy-xml", SHARED).pathname, new URL("seeds", SHARED).pathname]);
  store.upsert(hostileStudy(), { sourceKind: "registry-page", source: "test/browser/helpers.ts", importedAt: new Date().toISOString() });
  const app = await createServer({ store });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    app,
    imported,
    async close() {
      await app.close();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

export interface WatchedPage {
  page: Page;
  /** Requests to any host but the test server (blocked). */
  external: string[];
  /** Console errors and page errors (a CSP violation shows up here). */
  errors: string[];
}

export async function openPage(browser: Browser, base: string, opts: { width?: number; height?: number; javaScript?: boolean } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 }, javaScriptEnabled: opts.javaScript ?? true });
  const page = await context.newPage();
  const external: string[] = [];
  const errors: string[] = [];
  await page.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(base) || u.startsWith("data:")) return route.continue();
    external.push(u);
    return route.abort();
  });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, external, errors };
}

/** Full-page screenshot into screenshots/ (git-ignored), named by the test. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = new URL(`${name}.png`, SCREENSHOTS).pathname;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
