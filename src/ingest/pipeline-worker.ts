/**
 * The import worker thread (see ./pipeline.ts): parses and validates the inputs the main
 * thread streams to it, prepares each study for the store (JSON, columns, child rows, search
 * index data: everything but the SQL) and posts the prepared studies back, in order. Inputs
 * arrive one after another; an input that fails is reported once and the rest of its messages
 * are dropped.
 */
import { parentPort } from "node:worker_threads";
import { prepareStudy } from "../store/prepare.js";
import { formats } from "./formats.js";
import { LineSplitter } from "./lines.js";
import type { ToWorker, FromWorker, PreparedImport } from "./pipeline.js";
import type { ImportedStudy, ImportFormat, LineReader } from "./types.js";

if (!parentPort) throw new Error("pipeline-worker.ts runs as a worker thread (see pipeline.ts)");
const port = parentPort;

let unit:
  | { id: number; format: ImportFormat; source: string; reader?: LineReader; lines: LineSplitter; failed: boolean }
  | undefined;

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
