import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { WordTable } from "./word-table.js";

test("WordTable.find: the index of the word equal to the range, as a Map of the words would give", () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 40 }), fc.string({ maxLength: 30 }), fc.nat(), fc.nat(), (words, text, a, b) => {
      const table = new WordTable(words);
      const byWord = new Map(words.map((w, i) => [w, i]));
      const from = text.length ? a % (text.length + 1) : 0;
      const to = from + (text.length - from ? b % (text.length - from + 1) : 0);
      assert.equal(table.find(text, from, to), byWord.get(text.slice(from, to)) ?? -1);
      for (const [w, i] of byWord) assert.equal(table.find(`x${w}y`, 1, 1 + w.length), i);
    }),
    { numRuns: 2000 },
  );
  assert.equal(new WordTable([]).find("abc", 0, 3), -1);
});
