/**
 * Escaped HTML building. Every interpolated value is escaped unless it is already
 * `SafeHtml` (produced by this module), so registry text can never become markup.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for use in element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESC[c]);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false || v === true) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

/** Tagged template: `html\`<p>${text}</p>\`` escapes text; nested html`` passes through. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Marks a string produced by trusted code as markup. Never pass user or registry text. */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

export function join(parts: readonly HtmlValue[], sep: HtmlValue = ""): SafeHtml {
  return new SafeHtml(parts.map(render).join(render(sep)));
}

/** Plain text with line breaks and blank-line paragraphs, escaped. */
export function paragraphs(text: string | undefined): SafeHtml {
  if (!text) return new SafeHtml("");
  const paras = text.replace(/\r\n?/g, "\n").split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return join(paras.map((p) => html`<p>${join(p.split("\n").map((l) => escapeHtml(l)).map(raw), raw("<br>"))}</p>`));
}

/** Query string from a record, skipping empty values; arrays repeat the key. */
export function queryString(params: Record<string, string | number | readonly string[] | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) for (const x of v) sp.append(k, x);
    else sp.append(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}
