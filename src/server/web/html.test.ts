import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { escapeHtml, html, join, paragraphs, queryString, raw } from "./html.js";

test("escapeHtml escapes the five markup characters", () => {
  assert.equal(escapeHtml(`<script>alert("x")</script> & 'y'`), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
});

test("html`` escapes interpolated strings, numbers and arrays but keeps nested html", () => {
  const evil = "<img src=x onerror=alert(1)>";
  const out = html`<p title="${evil}">${evil}${[evil, html`<b>ok</b>`]}${42}${null}${false}</p>`.value;
  assert.equal(out.includes("<img"), false);
  assert.match(out, /<b>ok<\/b>/);
  assert.match(out, /42<\/p>$/);
});

test("property: escaped text never contains a raw < > \" or ' and unescapes to the input", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (s) => {
      const e = html`${s}`.value;
      assert.equal(/[<>"']/.test(e), false);
      const back = e.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
      assert.equal(back, s);
    }),
  );
});

test("paragraphs splits on blank lines, keeps single line breaks and escapes", () => {
  assert.equal(paragraphs("a <b>\nc\n\n d").value, "<p>a &lt;b&gt;<br>c</p><p>d</p>");
  assert.equal(paragraphs(undefined).value, "");
});

test("join and raw", () => {
  assert.equal(join(["<", raw("<hr>")], raw("|")).value, "&lt;|<hr>");
});

test("queryString skips empty values and repeats arrays", () => {
  assert.equal(queryString({ q: "a b", status: ["RECRUITING", "COMPLETED"], near: "", page: 2, x: undefined }), "?q=a+b&status=RECRUITING&status=COMPLETED&page=2");
  assert.equal(queryString({}), "");
});
