/**
 * The API's request and response schemas (zod). The same objects validate requests and
 * generate `GET /openapi.json` (./openapi.ts), so the document cannot drift from the code.
 */
import { z } from "zod";
import { OverallStatus, Phase, StudyType } from "../../model/study.js";
import { MAX_PAGE_SIZE } from "../../search/index.js";

const DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const date = (what: string) =>
  z.string().regex(DATE, "expected a date: YYYY, YYYY-MM or YYYY-MM-DD").optional().describe(what);
const bool = (what: string) => z.enum(["true", "false"]).optional().describe(what);
const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).max(50).optional().describe(`${what} Repeat the parameter or separate values with commas; any of them matches.`);

export const NCT_ID = /^NCT\d{8}$/;

/** Query of GET /api/studies (and GET /api/studies.csv). */
export const StudiesQuery = z.strictObject({
  q: z
    .string()
    .max(500)
    .optional()
    .describe('Words the trial must mention, all of them; "quoted phrases"; -word excludes; the last word matches as a prefix. Abbreviations (NSCLC, SCLC, mCRC, HCC, …) and their written-out forms find each other.'),
  status: list(OverallStatus, "Overall recruitment status."),
  phase: list(Phase, "Phase."),
  studyType: list(StudyType, "Study type."),
  condition: z.string().min(1).max(300).optional().describe("Words the conditions must contain (conditions, keywords, MeSH terms and ancestors, synonyms)."),
  intervention: z.string().min(1).max(300).optional().describe("Words the interventions must contain (names, other names, MeSH terms)."),
  sponsor: z.string().min(1).max(300).optional().describe("Part of the lead sponsor's name."),
  country: list(z.string().min(1).max(100), "Country of a site: name, registry spelling or ISO code."),
  city: list(z.string().min(1).max(100), "City of a site."),
  age: z.coerce.number().min(0).max(150).optional().describe("A patient's age in years: trials whose age limits admit it."),
  sex: z.enum(["FEMALE", "MALE", "ALL"]).optional().describe("A patient's sex: trials open to it. ALL: trials open to every sex."),
  healthyVolunteers: bool("true: trials accepting healthy volunteers; false: trials that do not."),
  startFrom: date("Start date on or after."),
  startTo: date("Start date on or before."),
  updatedFrom: date("Last update posted on or after."),
  updatedTo: date("Last update posted on or before."),
  near: z.string().min(1).max(200).optional().describe("'lat,lon' or 'city' or 'city, country' (offline gazetteer): trials with a site within radius."),
  radius: z.coerce.number().gt(0).max(20040).optional().describe("Radius in km around near (default 50)."),
  sort: z
    .enum(["relevance", "lastUpdate", "startDate", "distance"])
    .optional()
    .describe("Default: relevance with words, distance with near alone, else lastUpdate."),
  cursor: z.string().min(1).max(500).optional().describe("The `next` value of the previous page."),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe(`Results per page, 1–${MAX_PAGE_SIZE} (default 20).`),
  facets: bool("false: leave out the facet counts (default true)."),
});
export type StudiesQuery = z.infer<typeof StudiesQuery>;

/** Query parameters that take several values. */
export const LIST_PARAMS = ["status", "phase", "studyType", "country", "city"] as const;
/** Query parameters whose values are upper-case enum names (accepted in any case). */
export const UPPER_PARAMS = ["status", "phase", "studyType", "sex"] as const;

export const NctIdParams = z.strictObject({
  nctId: z.string().regex(NCT_ID, "expected an NCT id: NCT followed by 8 digits").describe("NCT id, e.g. NCT05460481"),
});

export const RelatedQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(50).optional().describe("How many related trials (1–50, default 10)."),
});

export const MatchQuery = z.strictObject({
  asOf: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "expected a date YYYY-MM-DD")
    .refine((d) => {
      const t = Date.parse(`${d}T00:00:00Z`);
      return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
    }, "not a calendar date")
    .optional()
    .describe("Evaluate as of this date (default today)."),
  status: list(z.union([OverallStatus, z.literal("ALL")]), "Only trials with these statuses; ALL for every status (default: RECRUITING, NOT_YET_RECRUITING)."),
  limit: z.coerce.number().int().min(1).max(1000).optional().describe("Keep the best N trials."),
});

// ---- responses (documentation; the handlers build these shapes) ----

const FacetCount = z.object({ value: z.string(), count: z.number().int() });
export const SearchLocation = z.object({
  facility: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  country: z.string().nullable(),
  status: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  geocoded: z.boolean().describe("lat/lon from the gazetteer (the city's centre), not the record"),
  distanceKm: z.number().optional(),
});
export const SearchHit = z.object({
  nctId: z.string(),
  briefTitle: z.string().nullable(),
  overallStatus: z.string().nullable(),
  phases: z.array(z.string()),
  studyType: z.string().nullable(),
  conditions: z.array(z.string()),
  interventions: z.array(z.string()),
  leadSponsor: z.string().nullable(),
  startDate: z.string().nullable(),
  lastUpdate: z.string().nullable(),
  minimumAgeDays: z.number().nullable(),
  maximumAgeDays: z.number().nullable(),
  sex: z.string().nullable(),
  score: z.number().optional().describe("BM25 relevance, higher is better (searches with words)"),
  distanceKm: z.number().optional().describe("km from near to the closest site"),
  locationCount: z.number().int(),
  locations: z.array(SearchLocation).describe("up to 10 sites, closest first with near"),
});
export const StudiesResponse = z.object({
  total: z.number().int(),
  studies: z.array(SearchHit),
  facets: z
    .object({
      status: z.array(FacetCount),
      phase: z.array(FacetCount),
      studyType: z.array(FacetCount),
      country: z.array(FacetCount),
      conditions: z.array(FacetCount),
      interventions: z.array(FacetCount),
    })
    .optional(),
  next: z.string().nullable().describe("cursor of the next page; null on the last"),
  sort: z.string(),
  near: z
    .object({ lat: z.number(), lon: z.number(), place: z.object({ name: z.string(), countryCode: z.string() }).optional(), radiusKm: z.number() })
    .optional(),
});
export const RelatedResponse = z.object({
  studies: z.array(
    z.object({
      nctId: z.string(),
      briefTitle: z.string().nullable(),
      overallStatus: z.string().nullable(),
      phases: z.array(z.string()),
      score: z.number(),
      why: z.string().describe('e.g. "same drug: anlotinib; same condition family: lung neoplasms"'),
      reasons: z.array(z.string()),
    }),
  ),
});
export const ErrorResponse = z.object({
  error: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string(), value: z.unknown().optional() })),
});
export const ImportResponse = z.object({
  imported: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  nctIds: z.array(z.string()),
});
export const HealthResponse = z.object({ ok: z.boolean(), studies: z.number().int(), schemaVersion: z.number().int() });
