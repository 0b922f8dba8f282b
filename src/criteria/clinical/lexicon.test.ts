import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { tokenize, TOKEN_RE } from "./lexicon.js";

/** Tokens as TOKEN_RE finds them: the definition the character scan must reproduce. */
function byRegex(text: string): Array<{ raw: string; lower: string; start: number; end: number }> {
  const re = new RegExp(TOKEN_RE.source, "g");
  return [...text.matchAll(re)].map((m) => ({ raw: m[0], lower: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length }));
}

const plain = (text: string) => tokenize(text).map(({ raw, lower, start, end }) => ({ raw, lower, start, end }));

// characters at and around every boundary of the token classes, plus punctuation, spaces and astral symbols
const edgeChar = fc.constantFrom(
  ..."/09:@AZ[`az{ -.,’×÷\n\t\u00a0\u00bf\u00c0\u00d7\u00e9\u00ff\u0100\u024f\u0250\u0391\u03b1\u2010\u4e2d😀".split(""),
  "\ud83d",
);

test("tokenize: the character scan finds exactly TOKEN_RE's tokens (edge characters)", () => {
  fc.assert(
    fc.property(fc.array(edgeChar, { maxLength: 40 }), (chars) => {
      const text = chars.join("");
      assert.deepEqual(plain(text), byRegex(text));
    }),
    { numRuns: 2000 },
  );
});

test("tokenize: the character scan finds exactly TOKEN_RE's tokens (any UTF-16 text)", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => {
      assert.deepEqual(plain(text), byRegex(text));
    }),
    { numRuns: 1000 },
  );
});

test("tokenize: a criterion's tokens, lower-cased, with spans", () => {
  assert.deepEqual(plain("Anti-PD-1 (≥2 cycles), Ménétrier"), [
    { raw: "Anti", lower: "anti", start: 0, end: 4 },
    { raw: "PD", lower: "pd", start: 5, end: 7 },
    { raw: "1", lower: "1", start: 8, end: 9 },
    { raw: "2", lower: "2", start: 12, end: 13 },
    { raw: "cycles", lower: "cycles", start: 14, end: 20 },
    { raw: "Ménétrier", lower: "ménétrier", start: 23, end: 32 },
  ]);
});

test("tokenize: lower-casing keeps every UTF-16 unit in place except U+0130 (the reason tokens may be cut from the lower-cased text)", () => {
  const changed: number[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (ch.toLowerCase().length !== ch.length) changed.push(cp);
  }
  assert.deepEqual(changed, [0x130]);
  // and with it in the text, tokens are still right
  assert.deepEqual(plain("İSTANBUL İzmir x"), byRegex("İSTANBUL İzmir x"));
  assert.equal(tokenize("İzmir")[0].lower, "i̇zmir");
});
