/**
 * The import runner: walks inputs lazily, recognises each by content, and writes each
 * input (a file or a zip member) in ONE transaction — all its studies or none. A bad
 * input is recorded with its reason and the run goes on. Studies are streamed from input
 * to store one at a time, so memory stays flat in the number of records. Never prints.
 */
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { StudyStore, UpsertOutcome } from "../store/store.js";
import { formats as defaultFormats, notRecognised, SNIFF_CHARS } from "./formats.js";
import { walkInputs, type InputUnit } from "./inputs.js";
import { LineSplitter } from "./lines.js";
import type { ImportedStudy, ImportFormat } from "./types.js";

export interface ImportError {
  /** The file, or `archive.zip!member`, that failed. */
  source: string;
  reason: string;
}

export interface ImportCounts {
  /** Studies new to the store. */
  imported: number;
  /** Studies that replaced an older stored record. */
  updated: number;
  /** Studies identical to, or older than, the stored record. */
  unchanged: number;
  /** Inputs (files or zip members) that could not be read, recognised or validated. */
  failed: number;
  /** Inputs whose studies were all written. */
  inputs: number;
  errors: ImportError[];
}

export interface ImportProgress {
  /** Progress bytes done (see InputUnit.progressSize); comparable to totalInputBytes. */
  bytes: number;
  /** Studies written so far (committed or in the current input's transaction). */
  studies: number;
  inputs: number;
  failed: number;
  /** The input being read. */
  source: string;
}

export interface ImportOptions {
  /** Called after each study and after each input. Keep it cheap; throttle display yourself. */
  onProgress?(progress: ImportProgress): void;
  /**
   * Called after each upsert, inside the input's transaction (so its writes commit or roll
   * back with the study). E.g. parse eligibility criteria at import time.
   */
  afterUpsert?(imported: ImportedStudy, outcome: UpsertOutcome, store: StudyStore): void;
  /** The formats to try, in order (default: every registered format). */
  formats?: readonly ImportFormat[];
  /**
   * Parse and prepare studies on a worker thread while this thread writes (./pipeline.ts):
   * worth it for large imports on a machine with two cores or more. Not with afterUpsert or
   * custom formats (the worker knows only the registered formats and returns prepared rows).
   */
  worker?: boolean;
}

const UTF8_BOM = "\uFEFF";

/** Imports every study under paths (files, directories, zips) into store. */
export async function importPaths(
  store: StudyStore,
  paths: Iterable<string>,
  opts: ImportOptions = {},
): Promise<ImportCounts> {
  if (opts.worker) {
    if (opts.afterUpsert || opts.formats) throw new Error("importPaths: worker cannot be combined with afterUpsert or formats");
    const { importPathsPipelined } = await import("./pipeline.js");
    return importPathsPipelined(store, paths, opts);
  }
  const counts: ImportCounts = { imported: 0, updated: 0, unchanged: 0, failed: 0, inputs: 0, errors: [] };
  const formats = opts.formats ?? defaultFormats;
  let bytesDone = 0;
  let studiesInFlight = 0;
  const progress = (source: string, extraBytes = 0) =>
    opts.onProgress?.({
      bytes: bytesDone + extraBytes,
      studies: counts.imported + counts.updated + counts.unchanged + studiesInFlight,
      inputs: counts.inputs,
      failed: counts.failed,
      source,
    });

  for await (const item of walkInputs(paths)) {
    if (item.kind === "error") {
      counts.failed++;
      counts.errors.push({ source: item.source, reason: item.reason });
      progress(item.source);
      continue;
    }
    const local = { imported: 0, updated: 0, unchanged: 0 };
    let streamBytes = 0;
    const scale = item.streamSize > 0 ? item.progressSize / item.streamSize : 0;
    let stream: Readable | undefined;
    try {
      stream = await item.open();
      const reader = new ChunkReader(stream, (n) => (streamBytes += n));
      const studies = await studiesOf(item, reader, formats);
      await store.transactionAsync(async () => {
        for await (const s of studies) {
          const outcome = store.upsert(s.study, s.provenance);
          local[outcome]++;
          studiesInFlight++;
          opts.afterUpsert?.(s, outcome, store);
          progress(item.source, Math.min(item.progressSize, streamBytes * scale));
        }
      });
      counts.imported += local.imported;
      counts.updated += local.updated;
      counts.unchanged += local.unchanged;
      counts.inputs++;
    } catch (e) {
      counts.failed++;
      counts.errors.push({ source: item.source, reason: (e as Error).message });
    } finally {
      stream?.destroy();
      studiesInFlight = 0;
      bytesDone += item.progressSize;
      progress(item.source);
    }
  }
  return counts;
}

/** Reads the head and picks the format: throws "empty file" or "not a recognised format …". */
export async function sniffFormat(reader: ChunkReader, formats: readonly ImportFormat[] = defaultFormats): Promise<ImportFormat> {
  const head = stripBom(await reader.peekText(SNIFF_CHARS));
  if (head.trim() === "") throw new Error("empty file");
  const format = formats.find((f) => f.sniff(head));
  if (!format) throw new Error(notRecognised(formats));
  return format;
}

/** Reads the head, picks the format, and returns the input's studies as a lazy stream. */
async function studiesOf(
  item: InputUnit,
  reader: ChunkReader,
  formats: readonly ImportFormat[],
): Promise<AsyncIterable<ImportedStudy>> {
  const format = await sniffFormat(reader, formats);
  if (format.parseLines) return format.parseLines(reader.lines(), item.source);
  const text = stripBom(await reader.text());
  return (async function* () {
    yield* format.parse(text, item.source);
  })();
}

const stripBom = (s: string) => (s.startsWith(UTF8_BOM) ? s.slice(1) : s);

/** A byte stream read as a head (for sniffing), then as lines or as one text. */
export class ChunkReader {
  private readonly it: AsyncIterator<Buffer>;
  private readonly buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private done = false;

  constructor(
    stream: Readable,
    private readonly onBytes: (n: number) => void,
  ) {
    this.it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private async next(): Promise<Buffer | undefined> {
    if (this.done) return undefined;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return undefined;
    }
    const buf = typeof r.value === "string" ? Buffer.from(r.value) : r.value;
    this.onBytes(buf.length);
    return buf;
  }

  /** At least `chars` bytes (or all of a shorter input) decoded, without consuming them. */
  async peekText(chars: number): Promise<string> {
    while (this.bufferedBytes < chars) {
      const b = await this.next();
      if (!b) break;
      this.buffered.push(b);
      this.bufferedBytes += b.length;
    }
    const all = Buffer.concat(this.buffered);
    return new StringDecoder("utf8").write(all.subarray(0, Math.min(all.length, chars * 4)));
  }

  async *lines(): AsyncGenerator<string> {
    const splitter = new LineSplitter();
    for await (const b of this.chunks()) yield* splitter.push(b);
    yield* splitter.end();
  }

  /** The raw bytes, from the start (what peekText saw included), chunk by chunk. */
  async *chunks(): AsyncGenerator<Buffer> {
    for (const b of this.buffered.splice(0)) yield b;
    this.bufferedBytes = 0;
    for (let b = await this.next(); b; b = await this.next()) yield b;
  }

  async text(): Promise<string> {
    const parts = this.buffered.splice(0);
    this.bufferedBytes = 0;
    for (let b = await this.next(); b; b = await this.next()) parts.push(b);
    return Buffer.concat(parts).toString("utf8");
  }
}
