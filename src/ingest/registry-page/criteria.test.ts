import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { buildCriteriaText, splitInlineEnumeration } from "./criteria.js";

test("deeper indentation nests bullets; returning to the outer indentation un-nests", () => {
  const text = buildCriteriaText([
    {
      kind: "inclusion",
      lines: ["  • Adequate organ function:", "      ◦ ANC ≥ 1.5×109/L", "      ◦ Platelets ≥ 100×109/L", "  • ECOG 0-1"],
    },
  ]);
  assert.equal(
    text,
    "Inclusion Criteria:\n\n* Adequate organ function:\n  * ANC ≥ 1.5×109/L\n  * Platelets ≥ 100×109/L\n* ECOG 0-1",
  );
});

test("lettered and roman sub-items sit under the item before them", () => {
  const text = buildCriteriaText([
    { kind: "exclusion", lines: ["1. Any of:", "a. uncontrolled hypertension", "b. QTc \\> 470 ms", "2. Pregnancy", "i. not applicable"] },
  ]);
  assert.equal(
    text,
    "Exclusion Criteria:\n\n* Any of:\n  * uncontrolled hypertension\n  * QTc \\> 470 ms\n* Pregnancy\n  * not applicable",
  );
});

test("lines that are not list items stay as lines of their own, outside the list", () => {
  const text = buildCriteriaText([
    { kind: "exclusion", lines: ["Patients meeting any of the following are excluded:", "", "* Prior therapy", "* Pregnancy"] },
  ]);
  assert.equal(text, "Exclusion Criteria:\n\nPatients meeting any of the following are excluded:\n\n* Prior therapy\n* Pregnancy");
});

test("numbers that are values, not list markers, are left alone", () => {
  const text = buildCriteriaText([{ kind: "inclusion", lines: ["1.5×109/L neutrophils or more", "* Hb ≥ 90 g/L (1) at screening"] }]);
  assert.equal(text, "Inclusion Criteria:\n\n1.5×109/L neutrophils or more\n\n* Hb ≥ 90 g/L (1) at screening");
});

test("an inline enumeration 1)…2)… becomes nested items; other parentheses do not", () => {
  assert.deepEqual(splitInlineEnumeration("any of:1)Hypertension.2)Arrhythmia;3)Diabetes"), {
    lead: "any of:",
    parts: ["Hypertension.", "Arrhythmia;", "Diabetes"],
  });
  assert.equal(splitInlineEnumeration("CTCAE grade 2) or (grade 3) events"), undefined);
  assert.equal(splitInlineEnumeration("only one:1)Hypertension"), undefined);
  assert.equal(splitInlineEnumeration("1)Hypertension 2)Diabetes"), undefined, "no lead text: left as written");
});

test("no criterion's words are lost or changed (property)", () => {
  const word = fc.stringMatching(/^[A-Za-z≥≤×\\>]{1,8}$/);
  const criterion = fc.array(word, { minLength: 1, maxLength: 8 }).map((ws) => ws.join(" "));
  const marker = fc.constantFrom("  • ", "* ", "- ", "");
  fc.assert(
    fc.property(fc.array(fc.tuple(marker, criterion), { minLength: 1, maxLength: 10 }), (items) => {
      const text = buildCriteriaText([{ kind: "inclusion", lines: items.map(([m, c]) => m + c) }]) ?? "";
      const outWords = text
        .split("\n")
        .slice(1)
        .join(" ")
        .replace(/(^|\s)\*(?=\s)/g, " ")
        .split(/\s+/)
        .filter(Boolean);
      const inWords = items.flatMap(([, c]) => c.split(/\s+/));
      assert.deepEqual(outWords, inWords);
    }),
  );
});
