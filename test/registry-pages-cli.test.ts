/** End to end: `eligo import` reads the five saved registry pages; `eligo show --json` shows their fields. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SEEDS = fileURLToPath(new URL("../../shared/seeds/", import.meta.url));
const { ELIGO_DB: _ignored, ...baseEnv } = process.env;

function eligo(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...baseEnv, NODE_NO_WARNINGS: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function show(db: string, id: string) {
  const r = eligo(["show", id, "--json", "--db", db]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("the five seed pages import via eligo import and show their fields", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eligo-pages-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, "eligo.db");
  const seeds = readdirSync(SEEDS)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => join(SEEDS, f));
  assert.equal(seeds.length, 5);

  const first = eligo(["import", "--db", db, ...seeds]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^5 studies from 5 files: 5 imported, 0 updated, 0 unchanged; 0 failed/);
  const again = eligo(["import", "--db", db, ...seeds]);
  assert.match(again.stdout, /^5 studies from 5 files: 0 imported, 0 updated, 5 unchanged; 0 failed/);

  const veeva = show(db, "NCT04970914").protocolSection;
  assert.equal(veeva.identificationModule.acronym, "ALTER-C003");
  assert.equal(veeva.identificationModule.orgStudyIdInfo.id, "HS-2986B");
  assert.equal(veeva.statusModule.overallStatus, "UNKNOWN");
  assert.deepEqual(veeva.armsInterventionsModule.armGroups[0].interventionNames, ["Drug: Penpulimab", "Drug: Anlotinib"]);
  assert.deepEqual(veeva.designModule.enrollmentInfo, { count: 32, type: "ESTIMATED" });
  assert.match(veeva.eligibilityModule.eligibilityCriteria, /^Inclusion Criteria:\n\n\* Patients participate/);

  const medpath = show(db, "NCT05460481").protocolSection;
  assert.equal(medpath.statusModule.overallStatus, "RECRUITING");
  assert.equal(medpath.sponsorCollaboratorsModule.leadSponsor.name, "Hunan Cancer Hospital");
  assert.equal(medpath.outcomesModule.secondaryOutcomes.length, 4);
  assert.deepEqual(medpath.contactsLocationsModule.locations, [
    { facility: "Hunan Cancer hospital", city: "Changsha", state: "Hunan", country: "China" },
  ]);

  const sclc = show(db, "NCT05001971");
  assert.equal(sclc.protocolSection.statusModule.overallStatus, "COMPLETED");
  assert.equal(sclc.protocolSection.identificationModule.orgStudyIdInfo.id, "ALTER-L041");
  assert.equal(sclc.protocolSection.referencesModule.seeAlsoLinks.length, 5);
  assert.equal(sclc.protocolSection.referencesModule.seeAlsoLinks[0].url, "https://clinicaltrials.gov/study/NCT03735264");
  assert.equal(sclc.protocolSection.eligibilityModule.maximumAge, "75 Years");

  const npc = show(db, "NCT05807880").protocolSection;
  assert.equal(npc.sponsorCollaboratorsModule.leadSponsor.name, "Sun Yat-sen University");
  assert.equal(npc.referencesModule.references.length, 10);
  assert.match(npc.eligibilityModule.eligibilityCriteria, /\n {4}\* Hemoglobin \(HB\) ≥ 90g\/L;\n/);

  const sts = show(db, "NCT03792542").protocolSection;
  assert.equal(sts.statusModule.overallStatus, "NOT_YET_RECRUITING");
  assert.deepEqual(sts.statusModule.startDateStruct, { date: "2019-01", type: "ESTIMATED" });
  assert.deepEqual(sts.armsInterventionsModule.interventions[0].otherNames, ["AL3818"]);
  assert.equal(sts.eligibilityModule.maximumAge, "70 Years");
});

test("a text file that is no registry page fails with its name and reason; the others still import", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eligo-pages-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const notes = join(dir, "notes.txt");
  writeFileSync(notes, "Shopping list\n\nmilk\neggs\n");
  const db = join(dir, "eligo.db");
  const r = eligo(["import", "--db", db, notes, join(SEEDS, "004_f1fe85ef2dbf3c23.txt")]);
  assert.match(r.stdout + r.stderr, /notes\.txt/);
  assert.match(r.stdout + r.stderr, /not a recognised/);
  assert.match(r.stdout, /1 imported/);
});

test("a page saved as HTML, with a head larger than the sniffed bytes, imports like its text", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eligo-pages-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const text = readFileSync(join(SEEDS, "004_f1fe85ef2dbf3c23.txt"), "utf8");
  const escape = (l: string) => l.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/≥/g, "&ge;");
  const style = `.c{color:#123}\n`.repeat(1000);
  const html =
    `<!DOCTYPE html><html><head><title>Anlotinib Hydrochloride - Full Text View - ClinicalTrials.gov</title>` +
    `<style>${style}</style></head><body>\n` +
    text.split("\n").map((l) => `<p>${escape(l)}</p>`).join("\n") +
    "</body></html>";
  const file = join(dir, "NCT03792542.html");
  writeFileSync(file, html);
  const db = join(dir, "eligo.db");
  const r = eligo(["import", "--db", db, file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 imported/);
  const sts = show(db, "NCT03792542").protocolSection;
  assert.equal(sts.identificationModule.orgStudyIdInfo.id, "ALTER-S003");
  assert.match(sts.eligibilityModule.eligibilityCriteria, /\* Known brain metastases\./);
  assert.ok(!JSON.stringify(sts).includes("<p>"));
});
