#!/usr/bin/env node
/**
 * The eligo command line. Each command lives in its own module under ./commands and
 * registers itself on the program; this file only assembles them.
 *
 * Command modules are loaded on demand: `eligo criteria …` loads the criteria command
 * only, not the HTTP server, the sync client or the matcher, so a short command starts
 * in a fraction of the time. Help and unknown commands load them all.
 */
import { Command } from "commander";

type Register = (program: Command) => void;

/** Command name → its module's register function, in the order `eligo --help` lists them. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  import: async () => (await import("./commands/import.js")).registerImport,
  sync: async () => (await import("./commands/sync.js")).registerSync,
  list: async () => (await import("./commands/list.js")).registerList,
  show: async () => (await import("./commands/show.js")).registerShow,
  criteria: async () => (await import("./commands/criteria.js")).registerCriteria,
  match: async () => (await import("./commands/match.js")).registerMatch,
  regimen: async () => (await import("./commands/regimen.js")).registerRegimen,
  serve: async () => (await import("./commands/serve.js")).registerServe,
};

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command();
  program
    .name("eligo")
    .description("Clinical-trial registry and patient–trial matching engine")
    .version("0.1.0")
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  const wanted = argv[2] && Object.hasOwn(COMMANDS, argv[2]) ? [argv[2]] : Object.keys(COMMANDS);
  for (const register of await Promise.all(wanted.map((name) => COMMANDS[name]()))) register(program);
  return program;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/eligo");
if (isMain) {
  buildProgram()
    .then((program) => program.parseAsync(process.argv))
    .catch((e: unknown) => {
      process.stderr.write(`eligo: ${(e as Error).message}\n`);
      process.exit(1);
    });
}
