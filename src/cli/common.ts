/** What every command shares: the --db option, colour, output helpers. */
import type { Command } from "commander";
import { openStore, type SqliteStudyStore } from "../store/sqlite.js";

export const DEFAULT_DB = "./eligo.db";

export function addDbOption(cmd: Command): Command {
  return cmd.option("--db <path>", "database file (default: $ELIGO_DB, else ./eligo.db)");
}

export function dbPath(opts: { db?: string }): string {
  return opts.db ?? process.env.ELIGO_DB ?? DEFAULT_DB;
}

export function openDb(opts: { db?: string }, readonly = false): SqliteStudyStore {
  return openStore(dbPath(opts), {
    readonly,
    // A schema upgrade can rebuild the search index over every study: say what is happening.
    onMigration: (m, i, n) => process.stderr.write(`upgrading ${dbPath(opts)} (${i + 1}/${n}): ${m.description}\n`),
  });
}

/** Colour only on a TTY and when NO_COLOR is unset (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "");
}

const codes = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof codes;
export function paint(text: string, style: Style, on = useColor()): string {
  if (!on) return text;
  const [a, b] = codes[style];
  return `\u001b[${a}m${text}\u001b[${b}m`;
}

/** An error the user caused: printed as "eligo: message", exit status 1, no stack. */
export class UserError extends Error {}

export function out(line = ""): void {
  process.stdout.write(line + "\n");
}
