/**
 * Whitespace normalisation of the legacy XML `<textblock>`s. The registry hard-wrapped
 * them at ~100 columns with a fixed indent, so each paragraph or list item is re-joined
 * into one line, while the list structure the criteria parser relies on is kept: one
 * item per line, "* " for bulleted items (as API v2 writes them), numbers kept as
 * written, nested items indented by two spaces per level.
 */

/** Bullet markers: "-", "*", "•", "·", "o", and numbered / lettered items ("1.", "a)", "(ii)"). */
// A marker alone on its line starts an item whose text is on the next line(s).
const BULLET = /^(?:([-*•·▪◦o])(?:\s+|$)|((?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[.)])(?:\s+|$)|(\((?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})\))(?:\s+|$))/;

interface Line {
  text: string;
  bullet?: string;
  level: number;
}

export function normaliseTextblock(raw: string): string {
  const src = raw.replace(/\r\n?/g, "\n").replace(/\u00a0/g, " ").split("\n");
  const out: Line[] = [];
  const indents: number[] = []; // stack of bullet indentations, for nesting
  let prevBlank = true;
  for (const rawLine of src) {
    const expanded = rawLine.replace(/\t/g, "    ");
    const trimmed = expanded.trim();
    if (!trimmed) {
      prevBlank = true;
      continue;
    }
    const indent = expanded.length - expanded.trimStart().length;
    const text = trimmed.replace(/[ \t]+/g, " ");
    const m = BULLET.exec(text);
    const prev = out[out.length - 1];
    if (m) {
      while (indents.length && indents[indents.length - 1] > indent + 1) indents.pop();
      if (!indents.length || indent > indents[indents.length - 1] + 1) indents.push(indent);
      const marker = m[1] ? "*" : (m[2] ?? m[3]);
      out.push({ text: text.slice(m[0].length), bullet: marker, level: indents.length - 1 });
    } else if (prev && !prevBlank && !/:$/.test(prev.text)) {
      // A wrapped continuation of the previous line.
      prev.text += prev.text ? " " + text : text;
    } else {
      indents.length = 0;
      out.push({ text, level: 0 });
    }
    prevBlank = false;
  }
  let result = "";
  for (let i = 0; i < out.length; i++) {
    const l = out[i];
    if (i > 0) result += l.bullet && out[i - 1].bullet ? "\n" : "\n\n";
    result += l.bullet ? `${"  ".repeat(l.level)}${l.bullet}${l.text ? " " + l.text : ""}` : l.text;
  }
  return result;
}
