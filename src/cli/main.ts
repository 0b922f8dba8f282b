#!/usr/bin/env node
/**
 * The eligo command line. Each command lives in its own module under ./commands and
 * registers itself on the program; this file only assembles them.
 */
import { Command } from "commander";
import { registerCriteria } from "./commands/criteria.js";
import { registerImport } from "./commands/import.js";
import { registerList } from "./commands/list.js";
import { registerMatch } from "./commands/match.js";
import { registerServe } from "./commands/serve.js";
import { registerShow } from "./commands/show.js";
import { registerSync } from "./commands/sync.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("eligo")
    .description("Clinical-trial registry and patient–trial matching engine")
    .version("0.1.0")
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  registerCriteria(program);
  registerImport(program);
  registerList(program);
  registerMatch(program);
  registerServe(program);
  registerShow(program);
  registerSync(program);
  return program;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/eligo");
if (isMain) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      process.stderr.write(`eligo: ${(e as Error).message}\n`);
      process.exit(1);
    });
}
