/**
 * The input formats eligo recognises, tried in order on the first bytes of each input
 * (content decides, never the file name). Another importer plugs in by adding one entry.
 */
import { ctgovJsonFormat } from "./ctgov-json.js";
import { legacyXmlFormat } from "./legacy-xml.js";
import { registryPageFormat } from "./registry-page/index.js";
import type { ImportFormat } from "./types.js";

export const formats: ImportFormat[] = [ctgovJsonFormat, legacyXmlFormat, registryPageFormat];

/** How many characters of an input the sniffers see. */
export const SNIFF_CHARS = 8192;

/** Why an input no format accepts is rejected. */
export function notRecognised(list: readonly ImportFormat[] = formats): string {
  return `not a recognised format (expected one of: ${list.map((f) => f.name).join(", ")})`;
}

/** The first format whose sniffer accepts head, or an error naming the input. */
export function detectFormat(head: string, source: string, list: readonly ImportFormat[] = formats): ImportFormat {
  const found = list.find((f) => f.sniff(head));
  if (!found) throw new Error(`${source}: ${notRecognised(list)}`);
  return found;
}
