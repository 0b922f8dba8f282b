/** What every importer produces, and the shape of a pluggable input format. */
import type { Provenance, SourceKind, Study } from "../model/study.js";

/** One validated study with where it came from. */
export interface ImportedStudy {
  study: Study;
  provenance: Provenance;
}

/**
 * An input format recognised by content. `sniff` sees the first few kilobytes of the
 * decoded text (BOM removed); `parse` sees the whole text and yields validated studies,
 * throwing an Error whose message says which record and why when the input is bad.
 *
 * A format may also read a stream of lines (`parseLines`) so that a large input is never
 * held in memory whole; the runner prefers it when present.
 */
export interface ImportFormat {
  name: string;
  sourceKind: SourceKind;
  sniff(head: string): boolean;
  parse(text: string, source: string): Iterable<ImportedStudy>;
  parseLines?(lines: AsyncIterable<string>, source: string): AsyncIterable<ImportedStudy>;
  /**
   * The same as parseLines, fed synchronously: push each line, then end(). Lets an import
   * worker thread parse lines as they arrive in batches (./pipeline.ts).
   */
  lineReader?(source: string): LineReader;
}

export interface LineReader {
  push(line: string): Iterable<ImportedStudy>;
  end(): Iterable<ImportedStudy>;
}
