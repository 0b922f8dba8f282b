/**
 * One unit of parsing work as the parse pool (./pool.ts) runs it, on a worker thread or on the
 * calling thread: read and parse an eligibility file, or parse a stored study's eligibility.
 * Results are JSON text, so a worker hands back strings (cheap to pass between threads) and
 * the receiver writes them as they are.
 */
import fs from "node:fs";
import type { Study } from "../model/study.js";
import { parseCriteria, parseEligibility, type ParseOptions } from "./parse.js";
import type { Criterion } from "./types.js";

export type PoolTask =
  /** A text file (or a v2 study JSON file): the line `{"file", "criteria"}` of `eligo criteria --jsonl`. */
  | { kind: "file"; file: string }
  /** A study's eligibility module: the ParsedCriteria JSON that persist.ts stores. */
  | { kind: "study"; nctId: string; study: Study };

export interface PoolResult {
  /** The output JSON; undefined when the file could not be read or the parse threw. */
  json?: string;
  /** Why a file could not be read ("no such file", …). */
  unreadable?: string;
  /** The message of an error the parse threw (the input is named by its task). */
  error?: string;
  /** Criteria on which the clinical extractor threw (they keep their numeric constraints), in order. */
  clinicalErrors: Array<{ message: string; text: string }>;
}

/** What a pool task may be told; functions cannot cross threads, so clinical errors come back in the result. */
export interface PoolTaskOptions {
  numericOnly?: boolean;
  /** Let a clinical extractor error fail the task (tests). */
  strict?: boolean;
}

/** A v2 study record in a .json file, else undefined (the file is then read as eligibility text). */
export function studyFromJson(text: string): Study | undefined {
  try {
    const j = JSON.parse(text) as { protocolSection?: unknown };
    return j && typeof j === "object" && j.protocolSection ? (j as Study) : undefined;
  } catch {
    return undefined;
  }
}

/** Reused by readEligibilityFile: most eligibility files are a few KB. */
let readBuffer = Buffer.allocUnsafe(1 << 16);

/**
 * A file's text, as fs.readFileSync(file, "utf8") reads it, with fewer system calls and no
 * buffer per file (no fstat for the size: read until the end into one reused buffer).
 * `eligo criteria` reads thousands of small files per run.
 */
export function readEligibilityFile(file: string): string {
  const fd = fs.openSync(file, "r");
  try {
    let size = 0;
    for (;;) {
      if (size === readBuffer.length) {
        const bigger = Buffer.allocUnsafe(readBuffer.length * 2);
        readBuffer.copy(bigger, 0, 0, size);
        readBuffer = bigger;
      }
      const n = fs.readSync(fd, readBuffer, size, readBuffer.length - size, null);
      if (n === 0) break;
      size += n;
    }
    return readBuffer.toString("utf8", 0, size);
  } finally {
    fs.closeSync(fd);
  }
}

/** Why a file could not be read, for a message: "no such file", else the system's message. */
export function unreadableReason(e: unknown): string {
  return (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
}

/** Criteria of an eligibility file as `eligo criteria` reads it: a v2 study JSON file's eligibility, else the text. */
export function criteriaOfFileText(file: string, text: string, opts: ParseOptions): Criterion[] {
  const study = file.endsWith(".json") ? studyFromJson(text) : undefined;
  return study ? parseEligibility(study, opts).criteria : parseCriteria(text, opts);
}

export function runPoolTask(task: PoolTask, opts: PoolTaskOptions): PoolResult {
  const result: PoolResult = { clinicalErrors: [] };
  const parseOpts: ParseOptions = {
    numericOnly: Boolean(opts.numericOnly),
    strict: Boolean(opts.strict),
    onClinicalError: (e, text) => result.clinicalErrors.push({ message: e.message, text }),
  };
  try {
    if (task.kind === "file") {
      let text: string;
      try {
        text = readEligibilityFile(task.file);
      } catch (e) {
        result.unreadable = unreadableReason(e);
        return result;
      }
      result.json = JSON.stringify({ file: task.file, criteria: criteriaOfFileText(task.file, text, parseOpts) });
    } else {
      result.json = JSON.stringify(parseEligibility(task.study, parseOpts));
    }
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
  }
  return result;
}
