/** End to end: `eligo regimen` on an imported seed page — JSON, readable text, calendars, errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ICAL from "ical.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SEED = fileURLToPath(new URL("../../shared/seeds/003_8f970ab34bf76094.txt", import.meta.url));
const { ELIGO_DB: _ignored, ...baseEnv } = process.env;

function eligo(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...baseEnv, NODE_NO_WARNINGS: "1", NO_COLOR: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("eligo regimen: JSON, text and a two-cycle calendar for NCT05807880", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eligo-regimen-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, "eligo.db");
  assert.equal(eligo(["import", SEED, "--db", db]).status, 0);

  const json = eligo(["regimen", "NCT05807880", "--json", "--db", db]);
  assert.equal(json.status, 0, json.stderr);
  const reg = JSON.parse(json.stdout);
  assert.equal(reg.nctId, "NCT05807880");
  assert.deepEqual(reg.arms[0].phases.map((p: { name: string }) => p.name), ["induction", "maintenance"]);
  assert.deepEqual(reg.arms[0].phases[0].drugs.map((d: { drug: string }) => d.drug), ["anlotinib", "penpulimab", "capecitabine"]);

  const text = eligo(["regimen", "NCT05807880", "--db", db]);
  assert.match(text.stdout, /capecitabine 650 mg\/m² po twice daily days 1–21/);
  assert.match(text.stdout, /maintenance: 21-day cycles until PD or intolerance to drug toxicity/);

  const ics = eligo(["regimen", "NCT05807880", "--db", db, "--start", "2026-03-02", "--cycles", "2", "--height-cm", "165", "--weight-kg", "60", "--ics"]);
  assert.equal(ics.status, 0, ics.stderr);
  const events = new ICAL.Component(ICAL.parse(ics.stdout)).getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
  assert.equal(events.length, 2 * (14 + 1 + 21));
  assert.ok(events.some((e) => e.summary === "Capecitabine 1077.9 mg (650 mg/m2) po twice daily" && e.startDate.toString() === "2026-03-02"));

  const csv = eligo(["regimen", "NCT05807880", "--db", db, "--start", "2026-03-02", "--cycles", "1", "--csv"]);
  assert.equal(csv.stdout.trim().split("\n").length, 1 + 36);
});

test("eligo regimen: bad input is refused with the reason", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eligo-regimen-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, "eligo.db");
  assert.equal(eligo(["import", SEED, "--db", db]).status, 0);
  const cases: Array<[string[], RegExp]> = [
    [["regimen", "NCT00000000", "--db", db], /no study NCT00000000/],
    [["regimen", "NCT05807880", "--db", db, "--start", "2026-13-01", "--ics"], /not a date/],
    [["regimen", "NCT05807880", "--db", db, "--ics"], /need --start/],
    [["regimen", "NCT05807880", "--db", db, "--weight-kg", "heavy", "--start", "2026-01-01"], /--weight-kg "heavy"/],
    [["regimen", "NCT05807880", "--db", db, "--bsa", "boyd"], /mosteller or dubois/],
  ];
  for (const [args, re] of cases) {
    const r = eligo(args);
    assert.equal(r.status, 1, args.join(" "));
    assert.match(r.stderr, re);
  }
});
