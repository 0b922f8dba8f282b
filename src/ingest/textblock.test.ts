import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { normaliseTextblock } from "./textblock.js";

test("re-joins hard-wrapped items and keeps one item per line", () => {
  const raw = [
    "",
    "        Inclusion Criteria:\r",
    "\r",
    "          -  Use of over the counter or prescription sleep aids including dietary supplements\r",
    "             within the past 8 weeks\r",
    "\r",
    "          -  Female\r",
    "      ",
  ].join("\n");
  assert.equal(
    normaliseTextblock(raw),
    "Inclusion Criteria:\n\n* Use of over the counter or prescription sleep aids including dietary supplements within the past 8 weeks\n* Female",
  );
});

test("numbers are kept, deeper bullets nest, paragraphs stay apart", () => {
  const raw = `
        Inclusion Criteria:

          9. ECOG 0-2

         10. Adequate function, defined by:

               -  ANC ≥1.5 x 109/L

               -  Serum bilirubin ≤ 1.5 x ULN with the following exception: Patients with known
                  Gilbert disease

          11. Stable regimen

        Specific criteria for each group;

        Parkinson's Disease

        - PD diagnosed by a specialist and meets
        the diagnosis of PD`;
  assert.equal(
    normaliseTextblock(raw),
    [
      "Inclusion Criteria:",
      "",
      "9. ECOG 0-2",
      "10. Adequate function, defined by:",
      "  * ANC ≥1.5 x 109/L",
      "  * Serum bilirubin ≤ 1.5 x ULN with the following exception: Patients with known Gilbert disease",
      "11. Stable regimen",
      "",
      "Specific criteria for each group;",
      "",
      "Parkinson's Disease",
      "",
      "* PD diagnosed by a specialist and meets the diagnosis of PD",
    ].join("\n"),
  );
});

test("a plain paragraph becomes one line; blank lines separate paragraphs", () => {
  assert.equal(normaliseTextblock("  One two\n  three.\n\n  Four\tfive  "), "One two three.\n\nFour five");
  assert.equal(normaliseTextblock(" \n\t\n"), "");
});

// A lone "o" starting a line is a bullet ("o item", as word processors write them), not a word.
const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9,;()]{0,8}$/).filter((w) => w !== "o");
const line = fc.tuple(fc.nat({ max: 12 }), fc.constantFrom("", "-  ", "* ", "1. "), fc.array(word, { minLength: 1, maxLength: 8 }));
const text = fc.array(fc.oneof(line, fc.constant(null)), { maxLength: 30 }).map((ls) =>
  ls.map((l) => (l === null ? "" : " ".repeat(l[0]) + l[1] + l[2].join(" "))).join(fc.sample(fc.constantFrom("\n", "\r\n"), 1)[0]),
);

test("property: no word is lost or reordered, no line has stray whitespace, and it is idempotent", () => {
  fc.assert(
    fc.property(text, (t) => {
      const n = normaliseTextblock(t);
      const words = (s: string) => s.split(/\s+/).filter((w) => w && !/^(?:[-*]|\d+\.)$/.test(w));
      assert.deepEqual(words(n), words(t));
      for (const l of n.split("\n")) assert.ok(!/\s$/.test(l) && !/\r/.test(l) && !/\S {2,}/.test(l), JSON.stringify(l));
      assert.equal(normaliseTextblock(n), n);
    }),
    { numRuns: 300 },
  );
});
