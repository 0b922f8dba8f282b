/** Turns an untrusted object into an ImportedStudy, or an error naming the record. */
import { formatZodError, Study, type SourceKind } from "../model/study.js";
import type { ImportedStudy } from "./types.js";

/**
 * Validates raw as a v2 study. `where` says which record of the input this is (e.g.
 * "study 3", "line 12") so the error can point at it.
 */
export function toImportedStudy(raw: unknown, source: string, sourceKind: SourceKind, where: string): ImportedStudy {
  const result = Study.safeParse(raw);
  if (!result.success) {
    const id = nctIdHint(raw);
    throw new Error(`${where}${id ? ` (${id})` : ""} is not a valid study: ${formatZodError(result.error)}`);
  }
  return { study: result.data, provenance: { sourceKind, source, importedAt: new Date().toISOString() } };
}

function nctIdHint(raw: unknown): string | undefined {
  const id = (raw as { protocolSection?: { identificationModule?: { nctId?: unknown } } } | null)?.protocolSection
    ?.identificationModule?.nctId;
  return typeof id === "string" ? id : undefined;
}
