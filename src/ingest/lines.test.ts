import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LineSplitter } from "./lines.js";

/** What the splitter must equal: the whole input decoded, a leading BOM dropped, split on \n, a \r before each \n dropped. */
function reference(bytes: Buffer): string[] {
  let text = bytes.toString("utf8");
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === "") lines.pop(); // a final newline ends the last line
  return lines;
}

function split(bytes: Buffer, cuts: number[]): string[] {
  const splitter = new LineSplitter();
  const out: string[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(cut, bytes.length);
    out.push(...splitter.push(new Uint8Array(bytes.subarray(from, Math.max(from, at)))));
    from = Math.max(from, at);
  }
  out.push(...splitter.push(bytes.subarray(from)));
  out.push(...splitter.end());
  return out;
}

test("lines: CRLF, BOM, multi-byte characters cut between chunks, no final newline", () => {
  const bytes = Buffer.from("\uFEFF{\"a\":\"é\"}\r\n\n{\"b\":\"漢字🙂\"}\nlast", "utf8");
  const expected = ['{"a":"é"}', "", '{"b":"漢字🙂"}', "last"];
  for (let cut = 0; cut <= bytes.length; cut++) assert.deepEqual(split(bytes, [cut]), expected, `cut at ${cut}`);
  assert.deepEqual(split(bytes, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]), expected);
});

test("lines: a line spanning many chunks; empty input; input of newlines only", () => {
  const long = "x".repeat(10_000) + "ü".repeat(5_000);
  const bytes = Buffer.from(`${long}\n${long}`, "utf8");
  const cuts = Array.from({ length: 200 }, (_, i) => i * 137);
  assert.deepEqual(split(bytes, cuts), [long, long]);
  assert.deepEqual(split(Buffer.alloc(0), []), []);
  assert.deepEqual(split(Buffer.from("\n\n"), [1]), ["", ""]);
});

test("lines: the same lines as decoding the whole input and splitting it, however the bytes are cut (property)", () => {
  const piece = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.constantFrom("\n", "\r\n", "\r", "\uFEFF", "é", "🙂", "\u2028"),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat({ max: 400 }), { maxLength: 12 }), fc.boolean(), (pieces, cuts, bom) => {
      const bytes = Buffer.from((bom ? "\uFEFF" : "") + pieces.join(""), "utf8");
      assert.deepEqual(split(bytes, cuts), reference(bytes));
    }),
    { numRuns: 500 },
  );
});

test("lines: invalid UTF-8 reads as U+FFFD, as the whole-input decoder reads it", () => {
  const bytes = Buffer.from([0x61, 0xc3, 0x0a, 0xe6, 0xbc, 0x0a, 0xff, 0x62]);
  for (let cut = 0; cut <= bytes.length; cut++) assert.deepEqual(split(bytes, [cut]), reference(bytes));
});
