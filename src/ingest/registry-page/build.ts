/** Small helpers the layouts share to assemble a v2 record without empty parts. */
import { acronymOfTitle, agencyClass } from "./values.js";
import { clean } from "./text.js";

type Json = unknown;

/**
 * Removes undefined values, empty strings, empty arrays and objects left empty, so that
 * a section the page does not show stays absent from the record.
 */
export function prune<T>(value: T): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return (value.trim() ? value : undefined) as T | undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => prune(v as Json)).filter((v) => v !== undefined);
    return (items.length ? items : undefined) as T | undefined;
  }
  if (typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value as Record<string, Json>)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return (Object.keys(out).length ? out : undefined) as T | undefined;
  }
  return value;
}

/** The identification fields every layout fills the same way. */
export function titles(briefTitle: string | undefined, officialTitle?: string): Record<string, string | undefined> {
  const acronym = (briefTitle && acronymOfTitle(briefTitle)) || (officialTitle && acronymOfTitle(officialTitle)) || undefined;
  return { briefTitle, officialTitle, acronym };
}

/**
 * Splits identifiers shown without their roles: the registry lists the org study id
 * first, then secondary ids (NCT ids are removed by the caller).
 */
export function unlabelledIds(ids: string[]): { orgStudyIdInfo?: { id: string }; secondaryIdInfos?: { id: string }[] } {
  const [first, ...rest] = ids.map(clean).filter(Boolean);
  return {
    orgStudyIdInfo: first ? { id: first } : undefined,
    secondaryIdInfos: rest.length ? rest.map((id) => ({ id })) : undefined,
  };
}

export interface PageSponsor {
  name: string;
  class?: string;
  role?: "lead" | "collaborator";
}

/**
 * Sponsors as v2 fields. Those with a known role become leadSponsor / collaborators;
 * those the page lists without a role are kept, in page order, in `listedSponsors`
 * (an extension field: the page does not say which one leads).
 */
export function sponsorFields(sponsors: PageSponsor[]): Record<string, unknown> {
  const asSponsor = (s: PageSponsor) => ({ name: s.name, class: s.class ? agencyClass(s.class) : undefined });
  const lead = sponsors.find((s) => s.role === "lead");
  const collaborators = sponsors.filter((s) => s.role === "collaborator");
  const unknown = sponsors.filter((s) => !s.role);
  return {
    leadSponsor: lead ? asSponsor(lead) : undefined,
    collaborators: collaborators.map(asSponsor),
    listedSponsors: unknown.map(asSponsor),
  };
}

/**
 * "Changsha, Hunan, China" → city, state, country; two parts are city and country; a
 * trailing postal code ("Los Angeles, California, United States, 90095") becomes zip.
 */
export function address(line: string): { city?: string; state?: string; zip?: string; country?: string } {
  const parts = clean(line)
    .split(/\s*,\s*/)
    .filter(Boolean);
  let zip: string | undefined;
  if (parts.length >= 3 && /\d/.test(parts[parts.length - 1]) && /^[A-Z0-9][A-Z0-9 -]{2,9}$/i.test(parts[parts.length - 1])) {
    zip = parts.pop();
  }
  // "City, State 12345, Country": a postal code written after the state.
  if (parts.length >= 3 && !zip) {
    const m = /^(.*\D)\s+(\d{4,6}(?:-\d{4})?)$/.exec(parts[parts.length - 2]);
    if (m) {
      parts[parts.length - 2] = m[1];
      zip = m[2];
    }
  }
  if (parts.length >= 3)
    return { city: parts.slice(0, parts.length - 2).join(", "), state: parts[parts.length - 2], zip, country: parts[parts.length - 1] };
  if (parts.length === 2) return { city: parts[0], zip, country: parts[1] };
  if (parts.length === 1) return { country: parts[0] };
  return {};
}

/** Splits "Zhaoming Ye, professor 0086 13606501549 zye@x.org" into name, phone and email. */
export function contactOf(text: string, role?: string): Record<string, string | undefined> {
  let rest = clean(text);
  const email = /\S+@\S+\.\w+/.exec(rest)?.[0];
  if (email) rest = clean(rest.replace(email, " "));
  let phoneExt: string | undefined;
  const ext = /\s+(?:ext\.?|extension|x)\s*(\d+)\s*$/i.exec(rest);
  if (ext) {
    phoneExt = ext[1];
    rest = rest.slice(0, ext.index);
  }
  const phone = /(?:^|\s)(\+?\(?\d[\d\s().\-/]{5,}\d)\s*$/.exec(rest);
  let name = rest;
  if (phone) name = rest.slice(0, phone.index).trim();
  name = name.replace(/[,;]\s*$/, "").trim();
  return { name: name || undefined, role, phone: phone?.[1].trim(), phoneExt: phone ? phoneExt : undefined, email };
}
