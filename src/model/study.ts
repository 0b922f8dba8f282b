/**
 * The trial model: ClinicalTrials.gov API v2's study shape (`protocolSection` and its
 * modules), as zod schemas. Every importer produces this shape so that a record
 * round-trips to the JSON users already know from the registry.
 *
 * Objects are "loose": fields this schema does not name pass through untouched, so
 * nothing a source carries is lost. Only the fields eligo reads are typed.
 */
import { z } from "zod";

export const OverallStatus = z.enum([
  "ACTIVE_NOT_RECRUITING",
  "COMPLETED",
  "ENROLLING_BY_INVITATION",
  "NOT_YET_RECRUITING",
  "RECRUITING",
  "SUSPENDED",
  "TERMINATED",
  "WITHDRAWN",
  "AVAILABLE",
  "NO_LONGER_AVAILABLE",
  "TEMPORARILY_NOT_AVAILABLE",
  "APPROVED_FOR_MARKETING",
  "WITHHELD",
  "UNKNOWN",
]);
export type OverallStatus = z.infer<typeof OverallStatus>;

export const Phase = z.enum(["NA", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4"]);
export type Phase = z.infer<typeof Phase>;

export const StudyType = z.enum(["INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"]);
export type StudyType = z.infer<typeof StudyType>;

export const DateType = z.enum(["ACTUAL", "ESTIMATED"]);
export const Sex = z.enum(["ALL", "FEMALE", "MALE"]);
export type Sex = z.infer<typeof Sex>;
export const AgencyClass = z.enum(["NIH", "FED", "OTHER_GOV", "INDIV", "INDUSTRY", "NETWORK", "AMBIG", "OTHER", "UNKNOWN"]);
export const InterventionType = z.enum([
  "BEHAVIORAL",
  "BIOLOGICAL",
  "COMBINATION_PRODUCT",
  "DEVICE",
  "DIAGNOSTIC_TEST",
  "DIETARY_SUPPLEMENT",
  "DRUG",
  "GENETIC",
  "PROCEDURE",
  "RADIATION",
  "OTHER",
]);
export const ArmGroupType = z.enum([
  "EXPERIMENTAL",
  "ACTIVE_COMPARATOR",
  "PLACEBO_COMPARATOR",
  "SHAM_COMPARATOR",
  "NO_INTERVENTION",
  "OTHER",
]);
export const RecruitmentStatus = z.enum([
  "ACTIVE_NOT_RECRUITING",
  "COMPLETED",
  "ENROLLING_BY_INVITATION",
  "NOT_YET_RECRUITING",
  "RECRUITING",
  "SUSPENDED",
  "TERMINATED",
  "WITHDRAWN",
  "AVAILABLE",
]);

const loose = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);
const str = z.string();
const opt = <T extends z.ZodTypeAny>(t: T) => t.optional();

/** "2019-05" or "2019-05-13", with ACTUAL / ESTIMATED where the source says so. */
export const DateStruct = loose({ date: str, type: opt(DateType) });
export type DateStruct = z.infer<typeof DateStruct>;

export const IdentificationModule = loose({
  nctId: z.string().regex(/^NCT\d{8}$/, "an NCT id is NCT followed by 8 digits"),
  orgStudyIdInfo: opt(loose({ id: opt(str), type: opt(str), link: opt(str) })),
  secondaryIdInfos: opt(z.array(loose({ id: str, type: opt(str), domain: opt(str), link: opt(str) }))),
  organization: opt(loose({ fullName: opt(str), class: opt(AgencyClass) })),
  briefTitle: opt(str),
  officialTitle: opt(str),
  acronym: opt(str),
});

export const StatusModule = loose({
  statusVerifiedDate: opt(str),
  overallStatus: opt(OverallStatus),
  lastKnownStatus: opt(OverallStatus),
  whyStopped: opt(str),
  startDateStruct: opt(DateStruct),
  primaryCompletionDateStruct: opt(DateStruct),
  completionDateStruct: opt(DateStruct),
  studyFirstSubmitDate: opt(str),
  studyFirstPostDateStruct: opt(DateStruct),
  lastUpdateSubmitDate: opt(str),
  lastUpdatePostDateStruct: opt(DateStruct),
});

export const Sponsor = loose({ name: str, class: opt(AgencyClass) });
export const SponsorCollaboratorsModule = loose({
  responsibleParty: opt(
    loose({
      type: opt(z.enum(["SPONSOR", "PRINCIPAL_INVESTIGATOR", "SPONSOR_INVESTIGATOR"])),
      investigatorFullName: opt(str),
      investigatorTitle: opt(str),
      investigatorAffiliation: opt(str),
      oldNameTitle: opt(str),
      oldOrganization: opt(str),
    }),
  ),
  leadSponsor: opt(Sponsor),
  collaborators: opt(z.array(Sponsor)),
});

export const OversightModule = loose({
  oversightHasDmc: opt(z.boolean()),
  isFdaRegulatedDrug: opt(z.boolean()),
  isFdaRegulatedDevice: opt(z.boolean()),
});

export const DescriptionModule = loose({ briefSummary: opt(str), detailedDescription: opt(str) });

export const ConditionsModule = loose({ conditions: opt(z.array(str)), keywords: opt(z.array(str)) });

export const DesignModule = loose({
  studyType: opt(StudyType),
  patientRegistry: opt(z.boolean()),
  phases: opt(z.array(Phase)),
  designInfo: opt(
    loose({
      allocation: opt(z.enum(["RANDOMIZED", "NON_RANDOMIZED", "NA"])),
      interventionModel: opt(
        z.enum(["SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"]),
      ),
      interventionModelDescription: opt(str),
      primaryPurpose: opt(str),
      observationalModel: opt(str),
      timePerspective: opt(str),
      maskingInfo: opt(
        loose({
          masking: opt(z.enum(["NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"])),
          maskingDescription: opt(str),
          whoMasked: opt(z.array(str)),
        }),
      ),
    }),
  ),
  enrollmentInfo: opt(loose({ count: opt(z.number()), type: opt(DateType) })),
});

export const ArmGroup = loose({
  label: str,
  type: opt(ArmGroupType),
  description: opt(str),
  interventionNames: opt(z.array(str)),
});
export const Intervention = loose({
  type: opt(InterventionType),
  name: str,
  description: opt(str),
  armGroupLabels: opt(z.array(str)),
  otherNames: opt(z.array(str)),
});
export const ArmsInterventionsModule = loose({
  armGroups: opt(z.array(ArmGroup)),
  interventions: opt(z.array(Intervention)),
});

export const Outcome = loose({ measure: str, description: opt(str), timeFrame: opt(str) });
export const OutcomesModule = loose({
  primaryOutcomes: opt(z.array(Outcome)),
  secondaryOutcomes: opt(z.array(Outcome)),
  otherOutcomes: opt(z.array(Outcome)),
});

export const EligibilityModule = loose({
  eligibilityCriteria: opt(str),
  healthyVolunteers: opt(z.boolean()),
  sex: opt(Sex),
  genderBased: opt(z.boolean()),
  minimumAge: opt(str),
  maximumAge: opt(str),
  stdAges: opt(z.array(z.enum(["CHILD", "ADULT", "OLDER_ADULT"]))),
  studyPopulation: opt(str),
  samplingMethod: opt(str),
});

export const Contact = loose({ name: opt(str), role: opt(str), phone: opt(str), phoneExt: opt(str), email: opt(str) });
export const Official = loose({ name: opt(str), affiliation: opt(str), role: opt(str) });
export const GeoPoint = loose({ lat: z.number(), lon: z.number() });
export const Location = loose({
  facility: opt(str),
  status: opt(RecruitmentStatus),
  city: opt(str),
  state: opt(str),
  zip: opt(str),
  country: opt(str),
  contacts: opt(z.array(Contact)),
  geoPoint: opt(GeoPoint),
});
export const ContactsLocationsModule = loose({
  centralContacts: opt(z.array(Contact)),
  overallOfficials: opt(z.array(Official)),
  locations: opt(z.array(Location)),
});

export const Reference = loose({ pmid: opt(str), type: opt(z.enum(["BACKGROUND", "RESULT", "DERIVED"])), citation: opt(str) });
export const SeeAlsoLink = loose({ label: opt(str), url: str });
export const ReferencesModule = loose({
  references: opt(z.array(Reference)),
  seeAlsoLinks: opt(z.array(SeeAlsoLink)),
});

export const ProtocolSection = loose({
  identificationModule: IdentificationModule,
  statusModule: opt(StatusModule),
  sponsorCollaboratorsModule: opt(SponsorCollaboratorsModule),
  oversightModule: opt(OversightModule),
  descriptionModule: opt(DescriptionModule),
  conditionsModule: opt(ConditionsModule),
  designModule: opt(DesignModule),
  armsInterventionsModule: opt(ArmsInterventionsModule),
  outcomesModule: opt(OutcomesModule),
  eligibilityModule: opt(EligibilityModule),
  contactsLocationsModule: opt(ContactsLocationsModule),
  referencesModule: opt(ReferencesModule),
});

const MeshTerm = loose({ id: opt(str), term: str });
const BrowseModule = loose({
  meshes: opt(z.array(MeshTerm)),
  ancestors: opt(z.array(MeshTerm)),
  browseLeaves: opt(z.array(loose({ id: opt(str), name: str, relevance: opt(str) }))),
});
export const DerivedSection = loose({
  conditionBrowseModule: opt(BrowseModule),
  interventionBrowseModule: opt(BrowseModule),
});

/** A study as ClinicalTrials.gov API v2 returns it. */
export const Study = loose({
  protocolSection: ProtocolSection,
  derivedSection: opt(DerivedSection),
  hasResults: opt(z.boolean()),
});
export type Study = z.infer<typeof Study>;
export type ProtocolSection = z.infer<typeof ProtocolSection>;

/** Where a stored record came from. Kept beside the record, never inside protocolSection. */
export const SourceKind = z.enum([
  "ctgov-v2-json",
  "ctgov-legacy-xml",
  "ctgov-api-sync",
  "registry-page",
]);
export type SourceKind = z.infer<typeof SourceKind>;
export const Provenance = z.object({
  sourceKind: SourceKind,
  /** File path (with `zip!entry` for archive members) or URL. */
  source: z.string(),
  /** For registry pages: which site layout was recognised (e.g. "ctgov-veeva"). */
  layout: z.string().optional(),
  importedAt: z.string(),
});
export type Provenance = z.infer<typeof Provenance>;

/** Validates an untrusted object as a study; the error lists each offending path. */
export function parseStudy(input: unknown): Study {
  return Study.parse(input);
}

export function formatZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}

export const nctIdOf = (s: Study): string => s.protocolSection.identificationModule.nctId;
