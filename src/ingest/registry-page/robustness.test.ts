/**
 * Property tests: the seed pages mutated the way saved pages differ in the wild —
 * sections dropped or reordered, CRLF line endings, extra blank lines, the page saved as
 * HTML with entities — must never make the importer throw anything but the clear
 * "not a recognised registry page" error, and no field may receive another section's
 * text.
 *
 * Each seed is cut into sections at the headings listed below (read off the pages by
 * hand); a section is its heading line with the lines up to the next heading.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { parseRegistryPage, RegistryPageError } from "./index.js";
import { htmlToText } from "./text.js";
import { buildCriteriaText } from "./criteria.js";

const seedDir = new URL("../../../../shared/seeds/", import.meta.url);
const fixtureDir = new URL("fixtures/", import.meta.url);

interface Seed {
  file: string;
  /** The seed pages by default; the layout-variant fixtures when "fixtures". */
  dir?: "fixtures";
  headings: string[];
  /** Where each checked field's text may come from: the sections with these headings. */
  sources: Partial<Record<Field, string[]>>;
  /** Page furniture that must never appear in any field. */
  chrome: string[];
}
type Field = "briefSummary" | "detailedDescription" | "criteria" | "conditions" | "outcomes" | "arms" | "references";

const MIRROR_HEADINGS = [
  "Study Results",
  "Basic Information",
  "Brief Summary",
  "Related Clinical Trials",
  "Detailed Description",
  "Conditions",
  "Study Design",
  "Study Groups",
  "Interventions",
  "Other Intervention Names",
  "Eligibility Criteria",
  "Sponsors",
  "Responsible Party",
  "Principal Investigators",
  "Locations",
  "Countries",
  "References",
  "Other Identifiers",
  "More Related Trials",
];
const MIRROR_SOURCES: Seed["sources"] = {
  briefSummary: ["Brief Summary"],
  detailedDescription: ["Detailed Description"],
  criteria: ["Eligibility Criteria"],
  conditions: ["Conditions"],
  arms: ["Study Groups"],
  references: ["References"],
};
const MIRROR_CHROME = ["Get a concise snapshot", "Review the sponsor-provided", "Dive into", "Check the participation", "Learn about", "Explore", "Check back later"];

const SEEDS: Seed[] = [
  {
    file: "000_093a1d4c9d984e59.txt",
    headings: [
      "Status and phase",
      "Conditions",
      "Treatments",
      "Study type",
      "Funder types",
      "Identifiers",
      "Details and patient eligibility",
      "About",
      "Enrollment",
      "Sex",
      "Ages",
      "Volunteers",
      "Inclusion criteria",
      "Exclusion criteria",
      "Trial design",
      "Primary purpose",
      "Allocation",
      "Interventional model",
      "Masking",
      "32 participants in 1 patient group",
      "Trial contacts and locations",
      "Central trial contact",
      "Clinical trials",
    ],
    sources: {
      briefSummary: ["About"],
      criteria: ["Inclusion criteria", "Exclusion criteria"],
      conditions: ["Conditions"],
      arms: ["32 participants in 1 patient group"],
    },
    chrome: ["Menu", "Loading...", "Veeva", " logo", "Data sourced", "Copyright"],
  },
  {
    file: "001_8da2837fc106f71e.txt",
    headings: [
      "Conditions",
      "Interventions",
      "Registration Number",
      "Lead Sponsor",
      "Brief Summary",
      "Detailed Description",
      "Recruitment & Eligibility",
      "Status",
      "Sex",
      "Target Recruitment",
      "Inclusion Criteria",
      "Exclusion Criteria",
      "Study & Design",
      "Study Type",
      "Study Design",
      "Arm && Interventions",
      "Primary Outcome Measures",
      "Secondary Outcome Measures",
      "Trial Locations",
      "Locations (1)",
    ],
    sources: {
      briefSummary: ["Brief Summary"],
      detailedDescription: ["Detailed Description"],
      criteria: ["Inclusion Criteria", "Exclusion Criteria"],
      conditions: ["Conditions"],
      outcomes: ["Primary Outcome Measures", "Secondary Outcome Measures"],
      arms: ["Arm && Interventions"],
    },
    chrome: ["MedPath", "🇨🇳", "NameTimeMethod", "GroupInterventionDescription", "Copyright"],
  },
  { file: "002_2a19d0d006134290.txt", headings: MIRROR_HEADINGS, sources: MIRROR_SOURCES, chrome: MIRROR_CHROME },
  { file: "003_8f970ab34bf76094.txt", headings: MIRROR_HEADINGS, sources: MIRROR_SOURCES, chrome: [...MIRROR_CHROME, "View on PubMed", "Results pending"] },
  {
    file: "004_f1fe85ef2dbf3c23.txt",
    headings: [
      "Brief Summary:",
      "Condition or disease Intervention/treatment Phase",
      "Detailed Description:",
      "Layout table for study information",
      "Resource links provided by the National Library of Medicine",
      "Arm Intervention/treatment",
      "Primary Outcome Measures :",
      "Secondary Outcome Measures :",
      "Information from the National Library of Medicine",
      "Layout table for eligibility information",
      "Inclusion Criteria:",
      "Exclusion Criteria:",
      "Layout table for location contacts",
      "Layout table for location information",
      "Sponsors and Collaborators",
      "Layout table for investigator information",
      "Layout table for additonal information",
      "Layout table for additional information",
      "Additional relevant MeSH terms:",
    ],
    sources: {
      briefSummary: ["Brief Summary:"],
      detailedDescription: ["Detailed Description:"],
      criteria: ["Inclusion Criteria:", "Exclusion Criteria:"],
      conditions: ["Condition or disease Intervention/treatment Phase"],
      outcomes: ["Primary Outcome Measures :", "Secondary Outcome Measures :"],
      arms: ["Arm Intervention/treatment"],
    },
    chrome: ["Working...", "Layout table", "History of Changes", "Key Record Dates", "disclaimer", "National Library of Medicine", "Please refer"],
  },
];

// The layout-variant fixtures (see variants.test.ts) get the same treatment.
const [veevaSeed, medpathSeed, , , classicSeed] = SEEDS;
const GROUPS_240 = "240 participants in 2 patient groups, including a placebo group";
SEEDS.push(
  {
    ...veevaSeed,
    file: "veeva-two-arms.txt",
    dir: "fixtures",
    headings: veevaSeed.headings.map((h) => (h === "32 participants in 1 patient group" ? GROUPS_240 : h)),
    sources: { ...veevaSeed.sources, arms: [GROUPS_240] },
  },
  {
    ...medpathSeed,
    file: "medpath-two-arms.txt",
    dir: "fixtures",
    headings: medpathSeed.headings.map((h) => (h === "Locations (1)" ? "Locations (2)" : h)),
    chrome: ["MedPath", "🇬🇧", "🇩🇪", "NameTimeMethod", "GroupInterventionDescription", "Copyright"],
  },
  {
    ...classicSeed,
    file: "classic-randomised.txt",
    dir: "fixtures",
    headings: [...classicSeed.headings, "Publications:", "Keywords provided by Example University Hospital:", "Investigators", "Criteria"],
    sources: { ...classicSeed.sources, references: ["Publications:"] },
    chrome: [...classicSeed.chrome, "See Contacts and Locations"],
  },
);

interface Chunk {
  heading: string;
  lines: string[];
}

function chunksOf(page: string, headings: string[]): Chunk[] {
  const chunks: Chunk[] = [{ heading: "", lines: [] }];
  for (const line of page.split("\n")) {
    if (headings.includes(line.trim())) chunks.push({ heading: line.trim(), lines: [line] });
    else chunks[chunks.length - 1].lines.push(line);
  }
  return chunks;
}

const norm = (s: string) => s.replace(/\s+/g, " ").trim();

const ENTITIES: [RegExp, string][] = [
  [/&/g, "&amp;"],
  [/</g, "&lt;"],
  [/>/g, "&gt;"],
  [/"/g, "&quot;"],
  [/≥/g, "&ge;"],
  [/≤/g, "&le;"],
  [/×/g, "&times;"],
  [/•/g, "&#8226;"],
  [/'/g, "&#x27;"],
  [/ {2}/g, "&nbsp; "],
];
function asHtml(text: string): string {
  const body = text
    .split("\n")
    .map((l) => `<p>${ENTITIES.reduce((s, [re, e]) => s.replace(re, e), l)}</p>`)
    .join("\n");
  return `<!DOCTYPE html>\n<html><head><title>Saved page</title><style>p { margin: 0 }</style></head><body>\n${body}\n</body></html>`;
}

function mutated(chunks: Chunk[]) {
  const indices = chunks.map((_, i) => i);
  return fc
    .record({
      keepPreamble: fc.boolean(),
      kept: fc.subarray(indices.slice(1)),
      reorder: fc.boolean(),
      order: fc.shuffledSubarray(indices.slice(1), { minLength: indices.length - 1, maxLength: indices.length - 1 }),
      blankAfter: fc.array(fc.nat({ max: 400 }), { maxLength: 25 }),
      crlf: fc.boolean(),
      html: fc.boolean(),
    })
    .map((m) => {
      const order = m.reorder ? m.order : indices.slice(1);
      const keep = new Set(m.kept.length ? m.kept : indices.slice(1));
      const parts = [...(m.keepPreamble ? [chunks[0]] : []), ...order.filter((i) => keep.has(i)).map((i) => chunks[i])];
      let lines = parts.flatMap((c) => c.lines);
      if (m.blankAfter.length) {
        const at = new Set(m.blankAfter);
        lines = lines.flatMap((l, i) => (at.has(i) ? [l, "", ""] : [l]));
      }
      let text = lines.join("\n");
      if (m.html) text = asHtml(text);
      if (m.crlf) text = text.replace(/\n/g, "\r\n");
      return { text, kept: parts.map((p) => p.heading), mutation: m };
    });
}

/** Every string in a value, with the path it sits at. */
function strings(value: unknown, path = ""): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

function checkStudy(seed: Seed, chunks: Chunk[], study: Record<string, any>) {
  const p = study.protocolSection;
  const all = strings(study);
  const criteriaHeadings = new Set(["Inclusion Criteria:", "Exclusion Criteria:"]);
  for (const [path, s] of all) {
    for (const c of seed.chrome) assert.ok(!s.includes(c), `chrome ${JSON.stringify(c)} in ${path}`);
    for (const line of s.split("\n")) {
      const t = line.trim();
      if (path.endsWith("eligibilityCriteria") && criteriaHeadings.has(t)) continue;
      assert.ok(!seed.headings.includes(t), `heading ${JSON.stringify(t)} leaked into ${path}`);
    }
  }
  const sourceText = (field: Field) =>
    norm(
      chunks
        .filter((c) => seed.sources[field]?.includes(c.heading))
        .flatMap((c) => c.lines.slice(1))
        .join("\n"),
    );
  const within = (field: Field, text: string | undefined, what: string) => {
    if (text === undefined) return;
    const src = sourceText(field);
    for (const line of text.split("\n")) {
      const t = norm(line.replace(/^\s*\* /, ""));
      if (!t || (field === "criteria" && criteriaHeadings.has(t))) continue;
      assert.ok(src.includes(t), `${what}: ${JSON.stringify(t.slice(0, 80))} is not from the ${seed.sources[field]} section`);
    }
  };
  within("briefSummary", p.descriptionModule?.briefSummary, "briefSummary");
  within("detailedDescription", p.descriptionModule?.detailedDescription, "detailedDescription");
  const criteria: string | undefined = p.eligibilityModule?.eligibilityCriteria;
  within("criteria", criteria, "eligibilityCriteria");
  if (criteria) assert.ok(!/Outcome/.test(criteria), "criteria contain outcome text");
  for (const c of p.conditionsModule?.conditions ?? []) within("conditions", c, "conditions");
  for (const o of [...(p.outcomesModule?.primaryOutcomes ?? []), ...(p.outcomesModule?.secondaryOutcomes ?? [])]) {
    within("outcomes", o.measure, "outcome measure");
    within("outcomes", o.timeFrame, "outcome time frame");
    within("outcomes", o.description, "outcome description");
  }
  for (const a of p.armsInterventionsModule?.armGroups ?? []) {
    within("arms", a.label, "arm label");
    within("arms", a.description, "arm description");
  }
  for (const r of p.referencesModule?.references ?? []) within("references", r.citation, "citation");
}

for (const seed of SEEDS) {
  test(`${seed.file}: mutated pages import or are refused clearly, and fields keep to their sections`, () => {
    const page = readFileSync(new URL(seed.file, seed.dir ? fixtureDir : seedDir), "utf8");
    const chunks = chunksOf(page, seed.headings);
    assert.ok(chunks.length >= 10, "the seed is cut into sections");
    let parsed = 0;
    fc.assert(
      fc.property(mutated(chunks), ({ text }) => {
        let result;
        try {
          result = parseRegistryPage(text, seed.file);
        } catch (e) {
          assert.ok(e instanceof RegistryPageError, `unexpected error: ${(e as Error).stack}`);
          assert.match(e.message, /^not a recognised registry page\b.*: [\w-]+\.txt$/);
          assert.ok(e.message.endsWith(`: ${seed.file}`));
          return;
        }
        parsed++;
        checkStudy(seed, chunks, result.study as Record<string, any>);
      }),
      { numRuns: 150 },
    );
    // Pages that lost their NCT id or the sections naming their site are refused; the
    // property must still have been checked on many imported pages.
    assert.ok(parsed >= 30, `enough mutated pages still import (${parsed} of 150)`);
  });

  test(`${seed.file}: CRLF, extra blank lines and HTML wrapping give the same record as the page`, () => {
    const page = readFileSync(new URL(seed.file, seed.dir ? fixtureDir : seedDir), "utf8");
    const base = parseRegistryPage(page, seed.file).study;
    const crlf = parseRegistryPage(page.replace(/\n/g, "\r\n"), seed.file).study;
    assert.deepEqual(crlf, base);
    const html = parseRegistryPage(asHtml(page), seed.file).study;
    // HTML paragraphs separate every line, so multi-line texts become paragraphs; the words are the same.
    const flat = (s: unknown) => JSON.parse(JSON.stringify(s).replace(/(\\n)+/g, "\\n"));
    assert.deepEqual(flat(html), flat(base));
  });
}

test("htmlToText renders paragraphs, line breaks, list items and entities", () => {
  assert.equal(
    htmlToText("<html><body><p>A &amp; B</p><ul><li>x &ge; 1&#215;10<sup>9</sup>/L</li></ul>C<br>D&nbsp;E &#x3C;5</body></html>"),
    "\nA & B\n\n\n  • x ≥ 1×109/L\n\nC\nD E <5",
  );
});

test("criteria rebuilding keeps each criterion's words and nests by numbering", () => {
  fc.assert(
    fc.property(
      fc.array(fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,;≥≤%]{0,40}[a-z]$/), { minLength: 1, maxLength: 8 }),
      fc.array(fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,;≥≤%]{0,40}[a-z]$/), { maxLength: 8 }),
      (inc, exc) => {
        const text = buildCriteriaText([
          { kind: "inclusion", lines: inc.map((c) => `  • ${c}`) },
          { kind: "exclusion", lines: exc.map((c, i) => `${i + 1}. ${c}`) },
        ])!;
        const expected = [
          "Inclusion Criteria:",
          "",
          ...inc.map((c) => `* ${c.replace(/\s+/g, " ").trim()}`),
          ...(exc.length ? ["", "Exclusion Criteria:", "", ...exc.map((c) => `* ${c.replace(/\s+/g, " ").trim()}`)] : ["", "Exclusion Criteria:"]),
        ].join("\n");
        assert.equal(text, expected);
      },
    ),
  );
  assert.equal(
    buildCriteriaText([{ kind: null, lines: ["1. a", "1. b", "2. c", "2. d", "* e"] }]),
    "* a\n  * b\n  * c\n* d\n* e",
  );
});
