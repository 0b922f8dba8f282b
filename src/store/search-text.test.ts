import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import fc from "fast-check";
import { familiesOf, parseTextQuery, synonymGroupsIn, synonymTable, tokens } from "./search-text.js";

test("tokens match FTS5 unicode61: lower case, diacritics and punctuation removed", () => {
  assert.deepEqual(tokens("Non-Small-Cell Lung Cancer (NSCLC), Sjögren"), ["non", "small", "cell", "lung", "cancer", "nsclc", "sjogren"]);
  assert.deepEqual(tokens("  ---  "), []);
});

test("the synonym table is versioned data with groups, families and word synonyms", () => {
  const t = synonymTable();
  assert.ok(t.version);
  for (const abbr of ["NSCLC", "SCLC", "mCRC", "CRC", "NPC", "STS", "HCC"]) {
    assert.ok(t.groups.some((g) => g.abbr.includes(abbr)), `${abbr} missing`);
  }
});

test("the longest written-out form wins: non-small cell is not small cell", () => {
  const abbr = (text: string) => synonymGroupsIn(text).flatMap((g) => g.abbr).sort();
  assert.deepEqual(abbr("Advanced Non-Small Cell Lung Cancer"), ["NSCLC"]);
  assert.deepEqual(abbr("Small Cell Lung Cancer after platinum"), ["SCLC"]);
  assert.deepEqual(abbr("NSCLC and SCLC cohorts"), ["NSCLC", "SCLC"]);
  // Abbreviations are matched as written: "all" is not acute lymphoblastic leukaemia.
  assert.deepEqual(abbr("all patients"), []);
  assert.deepEqual(abbr("Relapsed ALL in children"), ["ALL"]);
  assert.deepEqual(abbr("mCRC after two lines"), ["mCRC"]);
});

test("condition families come from synonym groups and family phrases", () => {
  assert.deepEqual(familiesOf(["Small Cell Lung Cancer"]), ["Lung Neoplasms"]);
  assert.deepEqual(familiesOf(["NSCLC"]), ["Lung Neoplasms"]);
  assert.deepEqual(familiesOf(["Soft Tissue Sarcoma"]), ["Soft Tissue Neoplasms"]);
  assert.deepEqual(familiesOf(["Atopic Dermatitis"]), []);
});

test("parseTextQuery: all words, quoted phrases, exclusions, prefix on the last bare word", () => {
  assert.equal(parseTextQuery("lung canc").match, '"lung" AND "canc" *');
  assert.equal(parseTextQuery("lung canc ").match, '"lung" AND "canc"');
  assert.equal(parseTextQuery('"small cell" lung').match, '"small cell" AND "lung" *');
  assert.equal(parseTextQuery("anlotinib -placebo").match, '("anlotinib" *) NOT ("placebo")');
  assert.equal(parseTextQuery("PD-1").match, '"pd 1" *');
  assert.equal(parseTextQuery("tumor x", { prefixLast: false }).match, '"tumor" AND "x"');
  assert.equal(parseTextQuery("tumor x", { prefixLast: false, expandWords: true }).match, '("tumor" OR "tumour" OR "neoplasm" OR "neoplasms") AND "x"');
  assert.equal(parseTextQuery("lung", { column: "cond", prefixLast: false }).match, '{cond} : ("lung")');
  assert.equal(parseTextQuery("  -- ").match, undefined);
  assert.equal(parseTextQuery("-only").match, undefined);
});

test("property: any text gives either no query or an FTS5 expression SQLite accepts", () => {
  const db = new Database(":memory:");
  db.exec("CREATE VIRTUAL TABLE t USING fts5(cond, body, tokenize = 'unicode61 remove_diacritics 2')");
  db.prepare("INSERT INTO t VALUES (?, ?)").run("lung cancer", "anlotinib 12 mg");
  const run = db.prepare("SELECT count(*) FROM t WHERE t MATCH ?").pluck();
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(..."ab \"'-*():^{}+NOTAND OR,.ö漢"), maxLength: 40 }), fc.boolean(), (text, col) => {
      const { match } = parseTextQuery(text, col ? { column: "cond" } : {});
      if (match !== undefined) run.get(match); // throws on a syntax error
    }),
    { numRuns: 500 },
  );
  db.close();
});
