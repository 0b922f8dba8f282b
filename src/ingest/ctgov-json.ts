/**
 * ClinicalTrials.gov API v2 JSON: a single study, a page `{"studies":[…],"nextPageToken":…}`,
 * a JSON array of studies, or NDJSON (one study or page per line). One reader handles all
 * four: it reads line by line, and if the first line is not a complete JSON value it falls
 * back to reading the whole input as one document.
 */
import type { ImportedStudy, ImportFormat, LineReader } from "./types.js";
import { toImportedStudy } from "./validate.js";

const KIND = "ctgov-v2-json" as const;

/** Incremental reader: feed lines, get studies; `end()` flushes a whole-document input. */
class JsonStudyReader implements LineReader {
  private mode: "start" | "lines" | "document" = "start";
  private readonly docLines: string[] = [];
  private lineNo = 0;

  constructor(private readonly source: string) {}

  *push(line: string): Generator<ImportedStudy> {
    this.lineNo++;
    if (this.mode === "document") {
      this.docLines.push(line);
      return;
    }
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      if (this.mode === "start") {
        // Pretty-printed JSON: its first line is not a complete value.
        this.mode = "document";
        this.docLines.push(line);
        return;
      }
      throw new Error(`line ${this.lineNo}: invalid JSON: ${(e as Error).message}`);
    }
    this.mode = "lines";
    yield* this.emit(value, `line ${this.lineNo}`);
  }

  *end(): Generator<ImportedStudy> {
    if (this.mode === "start") throw new Error("empty input: no JSON found");
    if (this.mode !== "document") return;
    const text = this.docLines.join("\n");
    this.docLines.length = 0;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new Error(`invalid JSON: ${(e as Error).message}`);
    }
    yield* this.emit(value, "");
  }

  private *emit(value: unknown, where: string): Generator<ImportedStudy> {
    const at = (s: string) => (where ? `${where}: ${s}` : s);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) yield toImportedStudy(value[i], this.source, KIND, at(`study ${i + 1}`));
      return;
    }
    if (value !== null && typeof value === "object") {
      const studies = (value as { studies?: unknown }).studies;
      if (Array.isArray(studies)) {
        for (let i = 0; i < studies.length; i++) yield toImportedStudy(studies[i], this.source, KIND, at(`study ${i + 1}`));
        return;
      }
      if ("protocolSection" in value) {
        yield toImportedStudy(value, this.source, KIND, at("study"));
        return;
      }
    }
    throw new Error(
      at('JSON is not a ClinicalTrials.gov v2 study, page ({"studies":[…]}) or array of studies'),
    );
  }
}

export const ctgovJsonFormat: ImportFormat = {
  name: "ctgov-v2-json",
  sourceKind: KIND,
  sniff(head) {
    const t = head.trimStart();
    return t.startsWith("{") || t.startsWith("[");
  },
  *parse(text, source) {
    const reader = new JsonStudyReader(source);
    let start = 0;
    while (start <= text.length) {
      let nl = text.indexOf("\n", start);
      if (nl < 0) nl = text.length;
      let line = text.slice(start, nl);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      yield* reader.push(line);
      start = nl + 1;
    }
    yield* reader.end();
  },
  async *parseLines(lines, source) {
    const reader = new JsonStudyReader(source);
    for await (const line of lines) yield* reader.push(line);
    yield* reader.end();
  },
  lineReader(source) {
    return new JsonStudyReader(source);
  },
};
