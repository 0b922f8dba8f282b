/** End to end: `eligo import` parses the criteria of new and changed studies and stores them with the parser version. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PARSER_VERSION, storedCriteria } from "../src/criteria/persist.js";
import { openStore } from "../src/store/sqlite.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SEEDS = fileURLToPath(new URL("../../shared/seeds/", import.meta.url));
const V2 = fileURLToPath(new URL("../../shared/data/ctgov-v2/", import.meta.url));
const { ELIGO_DB: _ignored, ...baseEnv } = process.env;
const eligo = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, encoding: "utf8", env: { ...baseEnv, NODE_NO_WARNINGS: "1" } });

test("import stores parsed criteria; --no-parse leaves them for later; re-import parses nothing new", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eligo-import-parse-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, "e.db");

  const first = eligo(["import", SEEDS, "--db", db]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /eligibility criteria parsed for 5 studies \(parser /);
  let store = openStore(db);
  assert.deepEqual(store.staleCriteria(PARSER_VERSION), []);
  const npc = storedCriteria(store, "NCT05807880");
  assert.ok(npc && npc.criteria.some((c) => c.kind === "inclusion" && c.constraints.some((k) => k.type === "numeric" && k.variable === "hemoglobin")));
  store.close();

  const again = eligo(["import", SEEDS, "--db", db]);
  assert.equal(again.status, 0);
  assert.doesNotMatch(again.stdout, /criteria parsed/);

  const noParse = eligo(["import", V2, "--db", db, "--no-parse"]);
  assert.equal(noParse.status, 0, noParse.stderr);
  store = openStore(db);
  assert.equal(store.staleCriteria(PARSER_VERSION).length, 12);
  store.close();
});
