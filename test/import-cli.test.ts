/** End to end: the eligo CLI (through tsx) imports, lists and shows the shared records. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SHARED = fileURLToPath(new URL("../../shared/data/", import.meta.url));

const { ELIGO_DB: _ignored, ...baseEnv } = process.env;

function eligo(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...baseEnv, NODE_NO_WARNINGS: "1", ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "eligo-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("the 12 JSON and 65 XML records import as 77 studies, again as 77; show and list read them", (t) => {
  const db = join(tempDir(t), "eligo.db");
  const inputs = [join(SHARED, "ctgov-v2"), join(SHARED, "ctgov-legacy-xml")];
  const first = eligo(["import", "--db", db, ...inputs]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^77 studies from 77 files: 77 imported, 0 updated, 0 unchanged; 0 failed/);
  assert.equal(first.stderr, "", "no progress bar when stderr is not a terminal");

  const again = eligo(["import", "--db", db, ...inputs]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /^77 studies from 77 files: 0 imported, 0 updated, 77 unchanged; 0 failed/);

  const list = eligo(["list", "--json", "--db", db]);
  assert.equal(list.status, 0, list.stderr);
  const { studies } = JSON.parse(list.stdout) as { studies: Array<{ nctId: string; phases: string[]; overallStatus: string }> };
  assert.equal(studies.length, 77);
  assert.deepEqual(
    studies.find((s) => s.nctId === "NCT05482516"),
    {
      nctId: "NCT05482516",
      briefTitle: "Evaluating Novel Therapies in ctDNA Positive GI Cancers",
      overallStatus: "RECRUITING",
      phases: ["PHASE3"],
      studyType: "INTERVENTIONAL",
      conditions: [
        "Colon Adenocarcinoma", "Rectal Adenocarcinoma", "Gastric Adenocarcinoma", "Pancreatic Adenocarcinoma",
        "Hepatocellular Carcinoma", "Adenocarcinoma of Biliary Tract", "Gallbladder Adenocarcinoma",
      ],
      leadSponsor: "Georgetown University",
      lastUpdate: "2023-02-24",
    },
  );
  const lines = eligo(["list", "--db", db]).stdout.trim().split("\n");
  assert.equal(lines.length, 77);
  assert.match(lines[0], /^NCT00055081 {2}Completed {2}N\/A {2}The Impact of Family CTI on Homeless Children$/);

  const json = eligo(["show", "NCT05381025", "--json", "--db", db]);
  assert.equal(json.status, 0, json.stderr);
  const study = JSON.parse(json.stdout);
  assert.equal(study.protocolSection.sponsorCollaboratorsModule.leadSponsor.name, "Thorne HealthTech, Inc");
  assert.match(study.protocolSection.eligibilityModule.eligibilityCriteria, /^Inclusion Criteria:\n\n\* Age 18 or older\n/);
  assert.match(study.protocolSection.eligibilityModule.eligibilityCriteria, /\* Use of kava within the past 8 weeks/);

  const readable = eligo(["show", "nct05381025", "--db", db], { NO_COLOR: "1" });
  assert.equal(readable.status, 0, readable.stderr);
  for (const expected of [
    /^NCT05381025 {2}Kavalactones on Sleep and Cortisol in Healthy Special Forces Trainees$/m,
    /^Status +Completed$/m,
    /^Phases +N\/A$/m,
    /^Start +2022-05-11$/m,
    /^Sponsor +Thorne HealthTech, Inc$/m,
    /^Conditions +Sleep$/m,
    /^\* Active to Placebo \(Cohort 1\) \(Experimental\)$/m,
    /^Exclusion Criteria:$/m,
    /^\* Performance First — Virginia Beach, Virginia, 23453, United States$/m,
  ]) {
    assert.match(readable.stdout, expected);
  }
  assert.doesNotMatch(readable.stdout, /\u001b\[/, "no colour codes off a terminal");

  const unknown = eligo(["show", "NCT99999999", "--db", db]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no study NCT99999999 in the database/);
  const noDb = eligo(["list", "--db", join(db, "..", "missing.db")]);
  assert.equal(noDb.status, 1);
  assert.match(noDb.stderr, /no database at .*missing\.db; add studies first with `eligo import PATH\.\.\.`/);
  const notAnId = eligo(["show", "banana", "--db", db]);
  assert.equal(notAnId.status, 1);
  assert.match(notAnId.stderr, /"banana" is not an NCT id/);
});

test("a truncated JSON beside good files: the error names it, the good ones are in, exit status 1", (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, "inputs");
  mkdirSync(inputs);
  copyFileSync(join(SHARED, "ctgov-v2", "NCT03418623.json"), join(inputs, "NCT03418623.json"));
  copyFileSync(join(SHARED, "ctgov-legacy-xml", "NCT05381025.xml"), join(inputs, "NCT05381025.xml"));
  const full = readFileSync(join(SHARED, "ctgov-v2", "NCT04207047.json"), "utf8");
  const truncated = join(inputs, "NCT04207047.json");
  writeFileSync(truncated, full.slice(0, Math.floor(full.length / 2)));
  const db = join(dir, "eligo.db");
  // The database is named by $ELIGO_DB here, to check the environment default too.
  const r = eligo(["import", inputs], { ELIGO_DB: db });
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`error: ${truncated.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: invalid JSON`));
  assert.match(r.stdout, /^2 studies from 2 files: 2 imported, 0 updated, 0 unchanged; 1 failed/);
  const list = JSON.parse(eligo(["list", "--json"], { ELIGO_DB: db }).stdout) as { studies: Array<{ nctId: string }> };
  assert.deepEqual(list.studies.map((s) => s.nctId), ["NCT03418623", "NCT05381025"]);
});
