/** `eligo list [--json]`: one line per stored study, in NCT id order. */
import type { Command } from "commander";
import { addDbOption, out, paint, UserError } from "../common.js";
import { exitQuietlyOnClosedPipe, humanEnum, openExistingDb, phaseLabel } from "./labels.js";

interface ListOptions {
  db?: string;
  json?: boolean;
  limit?: string;
}

const PAGE = 1000;

export function registerList(program: Command): void {
  addDbOption(
    program
      .command("list")
      .description("list the stored studies, one line each")
      .option("--json", 'print {"studies":[{"nctId","briefTitle","overallStatus","phases",…}]}')
      .option("--limit <n>", "at most n studies"),
  ).action((opts: ListOptions) => {
    const limit = opts.limit === undefined ? Infinity : Number(opts.limit);
    if (!(limit >= 0)) throw new UserError(`--limit "${opts.limit}" is not a number ≥ 0`);
    exitQuietlyOnClosedPipe();
    const store = openExistingDb(opts);
    try {
      // Paged so that a registry-sized database streams out instead of filling memory.
      let written = 0;
      if (opts.json) process.stdout.write('{"studies":[');
      for (let offset = 0; written < limit; offset += PAGE) {
        const page = store.list({ limit: Math.min(PAGE, limit - written), offset });
        if (!page.length) break;
        for (const s of page) {
          if (opts.json) {
            process.stdout.write((written ? ",\n" : "\n") + JSON.stringify(s));
          } else {
            const phases = s.phases.map(phaseLabel).join("/") || "-";
            out(
              `${paint(s.nctId, "bold")}  ${paint(humanEnum(s.overallStatus ?? "") || "-", "cyan")}  ${phases}  ${s.briefTitle ?? ""}`,
            );
          }
          written++;
        }
      }
      if (opts.json) process.stdout.write(written ? "\n]}\n" : "]}\n");
      else if (!written) process.stderr.write("no studies in the database (add some with `eligo import PATH`)\n");
    } finally {
      store.close();
    }
  });
}
