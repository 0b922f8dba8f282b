/**
 * The web UI in real Chromium (Debian's, via playwright-core): the done-when list of the
 * web UI issue. Screenshots of every page go to screenshots/ (not committed).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { HOSTILE_NCT, launch, openPage, screenshot, skipReason, startServer, type TestServer } from "./helpers.js";

const SEEDS = ["NCT04970914", "NCT05460481", "NCT05001971", "NCT05807880", "NCT03792542"];

/** Presses Tab until the element matching selector has focus; fails after max presses. */
async function tabTo(page: Page, selector: string, max = 80): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return i;
  }
  assert.fail(`${selector} not reached with ${max} Tab presses`);
}

/** The focused element draws a visible outline (keyboard users can see where they are). */
async function focusVisible(page: Page): Promise<boolean> {
  // A string so the DOM globals need no DOM typings in this Node-typed project.
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el) return false;
    const s = getComputedStyle(el);
    return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  })()`) as Promise<boolean>;
}

/**
 * WCAG contrast of every element holding text directly, against the first opaque
 * background behind it; returns the ones below 4.5:1.
 */
const LOW_CONTRAST = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3); } return [255, 255, 255]; };
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!el.checkVisibility || !el.checkVisibility()) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest(".visually-hidden")) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) bad.push(el.tagName.toLowerCase() + "." + el.className + " " + ratio.toFixed(2) + ": " + el.textContent.trim().slice(0, 40));
  }
  return [...new Set(bad)].slice(0, 10);
})()`;

describe("web UI in Chromium", { skip: skipReason }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the import put the five seed trials in the store", () => {
    const missing = SEEDS.filter((id) => !server.store.has(id));
    assert.deepEqual(missing, [], `seeds not imported: ${missing.join(", ")}; import errors: ${server.imported.errors.map((e) => `${e.source}: ${e.reason}`).join(" | ")}`);
  });

  test("searching anlotinib shows the five seed trials", async () => {
    const { page, external, errors } = await openPage(browser, server.url);
    await page.goto(server.url + "/");
    await page.getByLabel("Search trials").fill("anlotinib");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL(/q=anlotinib/);
    const ids = await page.locator(".hit .nct").allTextContents();
    for (const id of SEEDS) assert.ok(ids.includes(id), `${id} missing from ${ids.join(", ")}`);
    assert.match(await page.locator(".results-summary").innerText(), /5 trials for “anlotinib”/);
    assert.ok((await page.locator(".hit .badge").count()) >= 5, "each hit has a status badge");
    await screenshot(page, "search-anlotinib");
    assert.deepEqual(await page.evaluate(LOW_CONTRAST), [], "text contrast at least 4.5:1");
    const narrow = await openPage(browser, server.url, { width: 390, height: 844 });
    await narrow.page.goto(server.url + "/?q=anlotinib");
    await screenshot(narrow.page, "search-anlotinib-mobile");
    const overflow = (await narrow.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")) as number;
    assert.ok(overflow <= 1, `page scrolls sideways on a phone by ${overflow}px`);
    assert.deepEqual(external, []);
    assert.deepEqual(errors, []);
  });

  test("NCT05807880's page: highlighted eligibility, sponsor, Guangzhou site, org id", async () => {
    const { page, external, errors } = await openPage(browser, server.url);
    const res = await page.goto(server.url + "/study/NCT05807880");
    assert.equal(res?.status(), 200);
    assert.match(res?.headers()["content-security-policy"] ?? "", /default-src 'self'/);
    assert.match(await page.locator("h1").innerText(), /Anlotinib, Penpulimab and Capecitabine/);
    const marks = page.locator("#eligibility .crit-text mark.c");
    assert.ok((await marks.count()) >= 3, `expected highlighted constraints, found ${await marks.count()}`);
    assert.ok((await page.locator("#eligibility li.constraint").count()) >= 3, "constraints listed beside the criteria");
    assert.match(await page.locator("#sponsors").innerText(), /Sun Yat-sen University/);
    assert.match(await page.locator("#locations").innerText(), /Guangzhou/);
    assert.match(await page.locator("#identifiers").innerText(), /ALTER-HN005/);
    assert.equal(await page.locator('a[href="/api/studies/NCT05807880"]').count(), 1);
    const json = await page.request.get(server.url + "/api/studies/NCT05807880");
    assert.equal(json.status(), 200, "the JSON link answers");
    assert.equal(((await json.json()) as { protocolSection: { identificationModule: { nctId: string } } }).protocolSection.identificationModule.nctId, "NCT05807880");
    await screenshot(page, "study-NCT05807880");
    assert.deepEqual(await page.evaluate(LOW_CONTRAST), [], "text contrast at least 4.5:1");
    assert.deepEqual(external, []);
    assert.deepEqual(errors, []);
  });

  test("the match form, filled for an example patient, returns ranked results with criterion marks", async () => {
    const { page, external, errors } = await openPage(browser, server.url);
    await page.goto(server.url + "/match");
    await screenshot(page, "match-form");
    assert.deepEqual(await page.evaluate(LOW_CONTRAST), [], "text contrast at least 4.5:1");
    await page.getByLabel("or age (years)").fill("52");
    await page.getByLabel("Sex").selectOption("male");
    await page.getByLabel("Diagnosis").fill("Nasopharyngeal Carcinoma");
    await page.getByLabel("Stage").fill("IVB");
    await page.getByLabel("liver").check();
    await page.getByLabel("ECOG performance status").selectOption("1");
    const labs: Array<[string, string, string, string, string]> = [
      ["Haemoglobin", "128", "g/L", "130", "175"],
      ["Platelet count", "210", "10*9/L", "125", "350"],
      ["Absolute neutrophil count", "3.4", "10*9/L", "1.8", "6.3"],
      ["Alanine aminotransferase", "32", "U/L", "9", "50"],
    ];
    for (const [i, [name, value, unit, low, high]] of labs.entries()) {
      await page.getByLabel(`Test ${i + 1}`, { exact: true }).fill(name);
      await page.getByLabel(`Value ${i + 1}`, { exact: true }).fill(value);
      await page.getByLabel(`Unit ${i + 1}`, { exact: true }).fill(unit);
      await page.getByLabel(`Reference low ${i + 1}`, { exact: true }).fill(low);
      await page.getByLabel(`Reference high ${i + 1}`, { exact: true }).fill(high);
    }
    await page.getByLabel("Treatment 1", { exact: true }).fill("cisplatin");
    await page.getByLabel("Treatment 1 start").fill("2024-01-10");
    await page.getByLabel("Treatment 1 end").fill("2024-04-20");
    await page.getByLabel("Marker 1", { exact: true }).fill("PD-L1");
    await page.getByLabel("Result 1", { exact: true }).fill("positive");
    await page.getByLabel("Trials to consider").selectOption("all");
    await page.getByRole("button", { name: "Find matching trials" }).click();
    await page.waitForSelector("h1:has-text('Matching trials'), .errors, .notice");
    const notice = await page.locator("main .notice").allInnerTexts();
    assert.equal(await page.locator("h1").innerText(), "Matching trials", `no results page: ${notice.join(" ")}`);
    const trials = page.locator(".match-trial");
    assert.ok((await trials.count()) >= 5, `expected every trial ranked, got ${await trials.count()}`);
    assert.ok((await page.locator(".match-trial .verdict").count()) === (await trials.count()), "a verdict badge per trial");
    assert.ok((await page.locator(".result .mark").count()) > 0, "criteria marked pass / fail / unknown");
    assert.ok((await page.locator(".result-unknown, .result-fail, .result-pass").count()) > 0);
    const nct = await page.locator(".match-trial .nct").allTextContents();
    assert.ok(nct.includes("NCT05807880"), "the NPC trial is evaluated");
    await screenshot(page, "match-results");
    assert.deepEqual(await page.evaluate(LOW_CONTRAST), [], "text contrast at least 4.5:1");
    await page.emulateMedia({ media: "print" });
    await screenshot(page, "match-results-print");
    assert.equal(await page.locator(".site-header nav").isVisible(), false, "print view hides navigation");
    assert.deepEqual(external, []);
    assert.deepEqual(errors, []);
  });

  test("an uploaded FHIR Bundle is matched: the SCLC vignette that fits NCT05001971 is not ruled out", async () => {
    const { page, external, errors } = await openPage(browser, server.url);
    await page.goto(server.url + "/match");
    await page.getByLabel("Upload a FHIR R4 Bundle or eligo patient JSON").setInputFiles(new URL("../../examples/fhir/sclc-fits.fhir.json", import.meta.url).pathname);
    // Polled with page.evaluate: waitForFunction runs a string predicate through eval() in the
    // page, which the page's CSP (no 'unsafe-eval') blocks in newer Chromium builds.
    for (let tries = 0; !(await page.evaluate("document.getElementById('json').value.includes('Bundle')")); tries++) {
      if (tries === 200) throw new Error("the uploaded FHIR Bundle never reached the patient text area");
      await new Promise((r) => setTimeout(r, 25));
    }
    await page.getByLabel("Trials to consider").selectOption("all");
    await page.getByRole("button", { name: "Find matching trials" }).click();
    await page.waitForSelector("h1");
    assert.equal(await page.locator("h1").innerText(), "Matching trials", (await page.locator(".errors").allInnerTexts()).join(" "));
    assert.match(await page.locator(".patient-summary").innerText(), /small cell lung/i);
    const sclc = page.locator(".match-trial", { has: page.locator(".nct", { hasText: "NCT05001971" }) });
    assert.equal(await sclc.count(), 1);
    assert.match(await sclc.locator(".verdict").innerText(), /^(Eligible|Possibly eligible)$/);
    await screenshot(page, "match-results-fhir-upload");
    assert.deepEqual(external, []);
    assert.deepEqual(errors, []);
  });

  test("the match form is usable with the keyboard alone", async () => {
    const { page, errors } = await openPage(browser, server.url);
    await page.goto(server.url + "/match");
    const first = await tabTo(page, ".skip-link", 3);
    assert.equal(first, 1, "the skip link comes first");
    assert.ok(await focusVisible(page), "focus is visible on the skip link");
    await tabTo(page, "#birthDate");
    assert.ok(await focusVisible(page), "focus is visible on inputs");
    await tabTo(page, "#age", 5);
    await page.keyboard.type("61");
    await tabTo(page, "#sex", 3);
    await page.keyboard.press("ArrowDown"); // Female
    await tabTo(page, "#diagnosis", 3);
    await page.keyboard.type("Nasopharyngeal Carcinoma");
    await tabTo(page, "#stage", 3);
    await page.keyboard.type("IVA");
    await tabTo(page, "#ecog", 3);
    await page.keyboard.press("ArrowDown"); // 0
    await tabTo(page, "#met-2", 6); // liver, after the measurable-disease and pregnancy choices
    await page.keyboard.press("Space");
    assert.equal(await page.locator("#met-2").isChecked(), true);
    await tabTo(page, 'input[name="lab0.name"]');
    await page.keyboard.type("Haemoglobin");
    await page.keyboard.press("Tab");
    await page.keyboard.type("131");
    await page.keyboard.press("Tab");
    await page.keyboard.type("g/L");
    await tabTo(page, ".actions button[type=submit]");
    assert.ok(await focusVisible(page), "focus is visible on the submit button");
    await page.keyboard.press("Enter");
    await page.waitForLoadState("load");
    await page.waitForSelector("h1");
    const h1 = await page.locator("h1").innerText();
    assert.ok(h1 === "Matching trials" || h1 === "Match a patient to trials", h1);
    if (h1 === "Matching trials") assert.match(await page.locator(".patient-summary").innerText(), /61-year-old female · Nasopharyngeal Carcinoma, stage IVA; metastases: liver · ECOG 0/);
    else assert.fail(`submitting by keyboard did not reach results: ${(await page.locator("main .notice, .errors").allInnerTexts()).join(" ")}`);
    assert.deepEqual(errors, []);
  });

  test("a registry text containing <script> renders as text", async () => {
    const { page, errors } = await openPage(browser, server.url);
    await page.goto(server.url + `/study/${HOSTILE_NCT}`);
    assert.equal(await page.evaluate("window.__pwned"), undefined);
    assert.match(await page.locator("h1").innerText(), /Hostile <script>window.__pwned = 1<\/script> record/);
    assert.match(await page.locator("#summary").innerText(), /<script>window.__pwned = 3<\/script> summary/);
    assert.match(await page.locator("#eligibility").innerText(), /<script>window.__pwned = 4<\/script>/);
    assert.match(await page.locator("#identifiers").innerText(), /<img src=x onerror=window.__pwned=2>/);
    assert.equal(await page.locator("main script, main img").count(), 0);
    await page.goto(server.url + "/?q=hostile");
    assert.equal(await page.evaluate("window.__pwned"), undefined);
    assert.match(await page.locator(".hit h3").first().innerText(), /<script>/);
    await screenshot(page, "hostile-search");
    assert.deepEqual(errors, []);
  });

  test("'Add a lab row' adds a row in place with scripts, and through the server without", async () => {
    const withJs = await openPage(browser, server.url);
    await withJs.page.goto(server.url + "/match");
    await withJs.page.getByLabel("Test 1", { exact: true }).fill("Haemoglobin");
    await withJs.page.getByRole("button", { name: "Add a lab row" }).click();
    assert.equal(await withJs.page.locator('input[name="lab4.name"]').count(), 1);
    assert.equal(await withJs.page.evaluate("document.activeElement?.getAttribute('name')"), "lab4.name", "focus moves to the new row");
    assert.equal(await withJs.page.getByLabel("Test 1", { exact: true }).inputValue(), "Haemoglobin");
    assert.deepEqual(withJs.errors, []);

    const { page } = await openPage(browser, server.url, { javaScript: false });
    await page.goto(server.url + "/match");
    await page.getByLabel("Test 1", { exact: true }).fill("Haemoglobin");
    await page.getByRole("button", { name: "Add a lab row" }).click();
    await page.waitForSelector('input[name="lab4.name"]');
    assert.equal(await page.getByLabel("Test 1", { exact: true }).inputValue(), "Haemoglobin");
  });

  test("pages work without JavaScript", async () => {
    const { page } = await openPage(browser, server.url, { javaScript: false });
    await page.goto(server.url + "/?q=anlotinib&phase=PHASE2");
    assert.ok((await page.locator(".hit").count()) >= 1);
    await page.goto(server.url + "/match");
    await page.getByLabel("Diagnosis").fill("Nasopharyngeal Carcinoma");
    await page.getByRole("button", { name: "Find matching trials" }).click();
    await page.waitForSelector("h1");
    assert.notEqual(await page.locator("h1").innerText(), "Page not found");
  });
});
