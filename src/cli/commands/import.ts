/** `eligo import PATH...`: files, directories and zip archives of ClinicalTrials.gov records. */
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import cliProgress from "cli-progress";
import { PARSER_VERSION, reparseStaleParallel } from "../../criteria/persist.js";
import { totalInputBytes } from "../../ingest/inputs.js";
import { importPaths, type ImportCounts, type ImportProgress } from "../../ingest/run.js";
import { addDbOption, dbPath, openDb, paint, useColor } from "../common.js";

interface ImportOptions {
  db?: string;
  progress?: boolean;
  parse?: boolean;
  worker?: boolean;
}

/**
 * From this many input bytes on, studies are parsed and prepared on a worker thread while the
 * main thread writes (when the machine has a second core): below it, starting the worker
 * (about 0.2 s: it loads the validators, the search tables and the gazetteer) costs more than
 * it saves.
 */
export const WORKER_MIN_BYTES = 8 << 20;

/** "77 studies: 77 imported, 0 updated, 0 unchanged; 0 failed" */
export function summaryLine(c: ImportCounts, color = useColor()): string {
  const studies = c.imported + c.updated + c.unchanged;
  const failed = `${c.failed} failed`;
  return (
    `${studies} ${studies === 1 ? "study" : "studies"} from ${c.inputs} ${c.inputs === 1 ? "file" : "files"}: ` +
    `${c.imported} imported, ${c.updated} updated, ${c.unchanged} unchanged; ` +
    (c.failed ? paint(failed, "red", color) : failed)
  );
}

export function registerImport(program: Command): void {
  addDbOption(
    program
      .command("import")
      .description("import ClinicalTrials.gov records: API v2 JSON (study, page, array, NDJSON), legacy XML, directories, zip archives")
      .argument("<paths...>", "files, directories or .zip archives (recognised by content)")
      .option("--no-progress", "never show a progress bar (it is shown only on a terminal anyway)")
      .option("--no-parse", "do not parse eligibility criteria now (they are parsed when first needed)")
      .option("--no-worker", "prepare studies on the main thread even for a large import (no worker thread)"),
  ).action(async (paths: string[], opts: ImportOptions) => {
    const store = openDb(opts);
    const showBar = opts.progress !== false && Boolean(process.stderr.isTTY);
    const inputBytes = opts.worker !== false || showBar ? await totalInputBytes(paths) : 0;
    const worker = opts.worker !== false && inputBytes >= WORKER_MIN_BYTES && availableParallelism() >= 2;
    let bar: cliProgress.SingleBar | undefined;
    let lastDraw = 0;
    let onProgress: ((p: ImportProgress) => void) | undefined;
    if (showBar) {
      const total = inputBytes;
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: "importing [{bar}] {percentage}% | {studies} studies | {failed} failed | ETA {eta_formatted}",
          hideCursor: true,
          clearOnComplete: true,
          barsize: 30,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0, { studies: 0, failed: 0 });
      onProgress = (p) => {
        const now = Date.now();
        if (now - lastDraw < 100) return;
        lastDraw = now;
        bar!.update(Math.min(p.bytes, total), { studies: p.studies, failed: p.failed });
      };
    }
    let counts: ImportCounts;
    let parsed = 0;
    try {
      counts = await importPaths(store, paths, { onProgress, worker });
      bar?.stop();
      // Criteria of new and changed studies (and all, after a parser upgrade) are parsed
      // once here and stored with the parser's version, so matching reads them ready.
      if (opts.parse !== false) {
        let parseBar: cliProgress.SingleBar | undefined;
        // On the parse pool's worker threads when there are enough studies to pay for them.
        const summary = await reparseStaleParallel(store, (done, total) => {
          if (!showBar) return;
          if (!parseBar) {
            parseBar = new cliProgress.SingleBar(
              { stream: process.stderr, format: "parsing criteria [{bar}] {value}/{total}", hideCursor: true, clearOnComplete: true, barsize: 30 },
              cliProgress.Presets.shades_classic,
            );
            parseBar.start(total, 0);
          }
          parseBar.update(done);
        });
        parsed = summary.parsed;
        parseBar?.stop();
      }
    } finally {
      bar?.stop();
      store.close();
    }
    for (const e of counts.errors) {
      process.stderr.write(`${paint("error", "red", useColor(process.stderr))}: ${e.source}: ${e.reason}\n`);
    }
    process.stdout.write(`${summaryLine(counts)} (database ${dbPath(opts)})\n`);
    if (parsed) process.stdout.write(`eligibility criteria parsed for ${parsed} ${parsed === 1 ? "study" : "studies"} (parser ${PARSER_VERSION})\n`);
    if (counts.failed > 0) process.exitCode = 1;
  });
}
