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

/** The straightforward scan synonymGroupsIn replaced (tokenise everything, then look up): the oracle. */
function synonymGroupsReference(text: string) {
  const t = synonymTable();
  const abbr = new Map<string, (typeof t.groups)[number]>();
  for (const g of t.groups) for (const a of g.abbr) for (const f of [a, a.toUpperCase()]) abbr.set(f, g);
  const phrases = t.groups
    .flatMap((g) => g.terms.map((term) => ({ toks: tokens(term), group: g })))
    .filter((p) => p.toks.length)
    .sort((a, b) => b.toks.length - a.toks.length);
  const byFirst = new Map<string, typeof phrases>();
  for (const p of phrases) byFirst.set(p.toks[0], [...(byFirst.get(p.toks[0]) ?? []), p]);
  const found = new Set<(typeof t.groups)[number]>();
  const toks = tokens(text);
  for (let i = 0; i < toks.length; i++) {
    for (const p of byFirst.get(toks[i]) ?? []) {
      if (p.toks.every((w, j) => toks[i + j] === w)) {
        found.add(p.group);
        i += p.toks.length - 1;
        break;
      }
    }
  }
  // eslint-disable-next-line no-control-regex
  const words = /^[\x00-\x7f]*$/.test(text) ? text.split(/[^A-Za-z0-9]+/) : text.split(/[^\p{L}\p{N}]+/u);
  for (const w of words) {
    const g = w && abbr.get(w);
    if (g) found.add(g);
  }
  return [...found];
}

test("property: synonymGroupsIn finds the same groups, in the same order, as tokenising everything", () => {
  const t = synonymTable();
  const pieces = [
    ...t.groups.flatMap((g) => [...g.abbr, ...g.terms, ...g.terms.map((x) => x.toUpperCase())]),
    "non", "small", "cell", "lung", "cancer", "Non-Small", "ö", "é", "e\u0301", "\u0130", "漢", "𝐀", "\ud835", "\udc00", "≥",
    "-", " ", ", ", "(", ")", "/", "\n", "ALL", "all", "mcrc", "1", "x",
    "\u212A", "\u212B", "Σ", "ς", "\u0345", "ǅ", "ﬁ", "한", "\u200d", "\u00ad", "\u0338", "≠", "N\u0303", "\u1FEE",
  ];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), fc.constantFrom("", " ", "-", ""), (parts, sep) => {
      const text = parts.join(sep);
      assert.deepEqual(synonymGroupsIn(text), synonymGroupsReference(text), JSON.stringify(text));
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: "binary", maxLength: 3 })), { maxLength: 20 }), (parts) => {
      const text = parts.join(" ");
      assert.deepEqual(synonymGroupsIn(text), synonymGroupsReference(text), JSON.stringify(text));
    }),
    { numRuns: 3000 },
  );
  for (const text of ["Small Cell Lung Cancer NSCLC non small cell lung cancer", "Sjögren NSCLC\u0301 SCLCé", "non-small-cell lung carcinoma; mCRC"]) {
    assert.deepEqual(synonymGroupsIn(text), synonymGroupsReference(text));
  }
});
