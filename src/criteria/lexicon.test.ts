import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { findVariables, labVariables, TOKEN, variableTokens } from "./lexicon.js";
import { extractNumeric } from "./numeric.js";

/** The definition the character scan must reproduce: TOKEN's matches, each lower-cased alone. */
function byRegex(text: string) {
  const re = new RegExp(TOKEN.source, "gu");
  return [...text.matchAll(re)].map((m) => ({ s: m.index, e: m.index + m[0].length, t: m[0], l: m[0].toLowerCase() }));
}

// letters and digits of every kind next to what ends them: Greek capital sigma (lower-cased by its
// context), dotted capital I (lower-cases to two units), astral letters, emoji, lone surrogates
const edge = fc.constantFrom(
  ..."aZ09 -.,'’/()Σσςİıéß\n".split(""),
  "ΟΔΟΣ",
  "𝐀",
  "😀",
  "\ud835",
  "\udc00",
  "٣",
  "中",
);

test("variableTokens: the character scan finds exactly TOKEN's matches, lower-cased as each alone would be", () => {
  fc.assert(
    fc.property(fc.array(edge, { maxLength: 30 }), (parts) => {
      const text = parts.join("");
      assert.deepEqual(variableTokens(text), byRegex(text));
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => {
      assert.deepEqual(variableTokens(text), byRegex(text));
    }),
    { numRuns: 1000 },
  );
  // the context-dependent sigma: alone at the end of a word it is final (ς), before ".Α" it is not
  assert.equal(variableTokens("ΟΔΟΣ.Α")[0].l, "οδος".slice(0, 3) + "ς");
});

test("findVariables: table names with spans, longest first, abbreviations as written", () => {
  const text = "Hb ≥ 9 g/dL, platelet count ≥ 100 × 10⁹/L, ALT/AST ≤ 2.5 × ULN; pt ok";
  const found = findVariables(text).map((v) => [v.id, text.slice(v.start, v.end)]);
  assert.deepEqual(found.slice(0, 2), [
    ["hemoglobin", "Hb"],
    ["platelets", "platelet count"],
  ]);
  assert.ok(found.some(([id]) => id === "alt"));
  assert.ok(!found.some(([, t]) => t === "pt"), "PT (prothrombin time) only in capitals");
});

test("the lab table's cross-references name variables it has", () => {
  const ids = new Set(labVariables().map((v) => v.id));
  for (const v of labVariables()) if (v.massMeans) assert.ok(ids.has(v.massMeans), `${v.id}: massMeans ${v.massMeans}`);
  assert.equal(extractNumeric("urinary protein ≥ 1.0 g").constraints[0].variable, "urine-protein-24h");
  assert.equal(extractNumeric("urine protein ≥ ++").constraints[0].variable, "urine-protein-dipstick");
});
