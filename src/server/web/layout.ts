/** The page shell shared by every page: landmarks, skip link, header, footer. */
import { html, type HtmlValue, type SafeHtml } from "./html.js";

export const ASSET_VERSION = "1";

export interface PageOptions {
  title: string;
  /** Which nav entry is current. */
  nav?: "search" | "match" | "study";
  body: HtmlValue;
  /** Extra class on <body>, e.g. "page-study". */
  bodyClass?: string;
}

function navLink(href: string, label: string, current: boolean): SafeHtml {
  return current ? html`<a href="${href}" aria-current="page">${label}</a>` : html`<a href="${href}">${label}</a>`;
}

export function page(opts: PageOptions): string {
  const v = ASSET_VERSION;
  return (
    "<!doctype html>\n" +
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · eligo</title>
<link rel="stylesheet" href="/assets/style.css?v=${v}">
<link rel="icon" href="/assets/logo.svg?v=${v}" type="image/svg+xml">
<script src="/assets/enhance.js?v=${v}" defer></script>
</head>
<body class="${opts.bodyClass ?? ""}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<div class="wrap header-inner">
<a class="brand" href="/"><img src="/assets/logo.svg?v=${v}" alt="" width="32" height="32"><span>eligo</span></a>
<nav aria-label="Main">
${navLink("/", "Find trials", opts.nav === "search")}
${navLink("/match", "Match a patient", opts.nav === "match")}
</nav>
</div>
</header>
<main id="main" tabindex="-1" class="wrap">
${opts.body}
</main>
<footer class="site-footer">
<div class="wrap">
<p>eligo reads trial records from registries and parses their eligibility criteria automatically. Always check the full record and confirm eligibility with the study team.</p>
</div>
</footer>
</body>
</html>
`.value
  );
}
