/**
 * The import worker thread (see ./pipeline.ts): parses and validates the inputs the main
 * thread streams to it, prepares each study for the store (JSON, columns, child rows, search
 * index data: everything but the SQL) and posts the prepared studies back, in order. Inputs
 * arrive one after another; an input that fails is reported once and the rest of its messages
 * are dropped.
 */
import { StringDecoder } from "node:string_decoder";
import { parentPort } from "node:worker_threads";
import { prepareStudy } from "../store/prepare.js";
import { formats } from "./formats.js";
import type { ToWorker, FromWorker, PreparedImport } from "./pipeline.js";
import type { ImportedStudy, ImportFormat, LineReader } from "./types.js";

if (!parentPort) throw new Error("pipeline-worker.ts runs as a worker thread (see pipeline.ts)");
const port = parentPort;

let unit:
  | { id: number; format: ImportFormat; source: string; reader?: LineReader; lines: LineSplitter; failed: boolean }
  | undefined;

/** Bytes → lines as ChunkReader.lines (./run.ts) reads them: UTF-8, BOM dropped, \n or \r\n. */
class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private rest = "";
  private first = true;
  push(data: Uint8Array): string[] {
    return this.take(this.decoder.write(data as Buffer));
  }
  end(): string[] {
    const out = this.take(this.decoder.end());
    if (this.rest) out.push(this.rest.endsWith("\r") ? this.rest.slice(0, -1) : this.rest);
    this.rest = "";
    return out;
  }
  private take(chunk: string): string[] {
    let text = this.rest + chunk;
    if (this.first && text) {
      if (text.startsWith("\uFEFF")) text = text.slice(1);
      this.first = false;
    }
    const out: string[] = [];
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      const line = text.slice(start, nl);
      out.push(line.endsWith("\r") ? line.slice(0, -1) : line);
      start = nl + 1;
    }
    this.rest = text.slice(start);
    return out;
  }
}

const post = (m: FromWorker) => port.postMessage(m);

function prepared(studies: Iterable<ImportedStudy>): PreparedImport[] {
  const out: PreparedImport[] = [];
  for (const s of studies) out.push({ prepared: prepareStudy(s.study), provenance: s.provenance });
  return out;
}

function handle(m: ToWorker): void {
  if (m.t === "begin") {
    const format = formats.find((f) => f.name === m.format);
    if (!format) throw new Error(`import worker: unknown format ${m.format}`);
    unit = { id: m.unit, format, source: m.source, reader: format.lineReader?.(m.source), lines: new LineSplitter(), failed: false };
    return;
  }
  if (!unit || unit.id !== m.unit) {
    if (m.t === "abort") return;
    throw new Error(`import worker: message for input ${m.unit} outside it`);
  }
  const u = unit;
  if (m.t === "abort") {
    unit = undefined;
    return;
  }
  if (u.failed) {
    if (m.t === "end") unit = undefined;
    return;
  }
  try {
    switch (m.t) {
      case "bytes": {
        if (!u.reader) throw new Error(`import worker: ${u.format.name} does not read lines`);
        const out: PreparedImport[] = [];
        for (const line of u.lines.push(m.data)) out.push(...prepared(u.reader.push(line)));
        post({ t: "studies", unit: u.id, items: out, bytes: m.bytes, chars: m.chars });
        return;
      }
      case "text":
        post({ t: "studies", unit: u.id, items: prepared(u.format.parse(m.text, u.source)), bytes: m.bytes, chars: m.chars });
        return;
      case "end":
        if (u.reader) {
          const out: PreparedImport[] = [];
          for (const line of u.lines.end()) out.push(...prepared(u.reader.push(line)));
          out.push(...prepared(u.reader.end()));
          post({ t: "studies", unit: u.id, items: out, bytes: m.bytes, chars: 0 });
        }
        post({ t: "done", unit: u.id });
        unit = undefined;
        return;
    }
  } catch (e) {
    u.failed = true;
    post({ t: "error", unit: u.id, reason: (e as Error).message });
    if (m.t === "end") unit = undefined;
  }
}

port.on("message", (m: ToWorker) => handle(m));
