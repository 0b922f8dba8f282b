/** Human labels for the registry's enum values in CLI output, and output plumbing. */

import { existsSync } from "node:fs";
import { dbPath, openDb, UserError } from "../common.js";
import type { SqliteStudyStore } from "../../store/sqlite.js";

/** Opens the database read-only, with a helpful message when there is none yet. */
export function openExistingDb(opts: { db?: string }): SqliteStudyStore {
  const path = dbPath(opts);
  if (!existsSync(path)) throw new UserError(`no database at ${path}; add studies first with \`eligo import PATH...\``);
  return openDb(opts, true);
}

/** Ends quietly when stdout's reader goes away (`eligo list | head`), as Unix tools do. */
export function exitQuietlyOnClosedPipe(): void {
  process.stdout.once("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

/** "ACTIVE_NOT_RECRUITING" → "Active, not recruiting"; "NOT_YET_RECRUITING" → "Not yet recruiting". */
export function humanEnum(v: string): string {
  if (!v) return v;
  if (v === "ACTIVE_NOT_RECRUITING") return "Active, not recruiting";
  const s = v.toLowerCase().replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "PHASE2" → "Phase 2"; "EARLY_PHASE1" → "Early phase 1"; "NA" → "N/A". */
export function phaseLabel(p: string): string {
  if (p === "NA") return "N/A";
  const m = /^(EARLY_)?PHASE(\d)$/.exec(p);
  return m ? `${m[1] ? "Early phase" : "Phase"} ${m[2]}` : p;
}
