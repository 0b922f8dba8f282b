/** `eligo regimen NCT…`: arm dosing as schedules; with a body and a start date, a calendar. */
import type { Command } from "commander";
import {
  buildCalendar, calendarToCsv, calendarToIcs, describeDose, parseIsoDate, regimenOfStudy, type BsaFormula,
} from "../../regimen/index.js";
import { describeArm } from "../../regimen/format.js";
import { addDbOption, openDb, out, paint, UserError } from "../common.js";

interface RegimenOptions {
  db?: string;
  json?: boolean;
  arm?: string;
  heightCm?: string;
  weightKg?: string;
  bsa?: string;
  start?: string;
  cycles?: string;
  ics?: boolean;
  csv?: boolean;
  groupBy?: string;
}

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${name} "${v}" is not a positive number`);
  return n;
}

export function registerRegimen(program: Command): void {
  addDbOption(
    program
      .command("regimen")
      .description("show the treatment regimens of stored studies; with --start and --ics/--csv, a calendar")
      .argument("<nctIds...>", "NCT ids of stored studies")
      .option("--json", "print JSON")
      .option("--arm <label>", "only the arm with this label (needed for a calendar when a study has several)")
      .option("--height-cm <cm>", "patient height, for mg/m² doses")
      .option("--weight-kg <kg>", "patient weight, for mg/m² and mg/kg doses")
      .option("--bsa <formula>", "body-surface-area formula: mosteller (default) or dubois")
      .option("--start <date>", "first day of cycle 1 (YYYY-MM-DD)")
      .option("--cycles <n>", "number of cycles in the calendar", "2")
      .option("--ics", "print the calendar as iCalendar (one event per drug per administration day)")
      .option("--csv", "print the calendar as CSV (one row per drug per administration day)")
      .option("--group-by <what>", "iCalendar events per 'drug' (default) or per 'day' with all drugs"),
  ).action((ids: string[], opts: RegimenOptions) => {
    const formula = (opts.bsa ?? "mosteller").toLowerCase();
    if (formula !== "mosteller" && formula !== "dubois") throw new UserError(`--bsa "${opts.bsa}" must be mosteller or dubois`);
    const groupBy = opts.groupBy ?? "drug";
    if (groupBy !== "drug" && groupBy !== "day") throw new UserError(`--group-by "${groupBy}" must be drug or day`);
    if ((opts.ics || opts.csv) && !opts.start) throw new UserError("--ics and --csv need --start DATE");
    const body = { heightCm: positive("--height-cm", opts.heightCm), weightKg: positive("--weight-kg", opts.weightKg), formula: formula as BsaFormula };
    const store = openDb(opts, true);
    try {
      const results = ids.map((id) => {
        const rec = store.get(id.toUpperCase());
        if (!rec) throw new UserError(`no study ${id} in the database`);
        const reg = regimenOfStudy(rec.study);
        if (opts.arm) {
          reg.arms = reg.arms.filter((a) => a.label.toLowerCase() === opts.arm!.toLowerCase());
          if (!reg.arms.length) throw new UserError(`${id} has no arm "${opts.arm}"`);
        }
        return { reg, title: rec.study.protocolSection.identificationModule.briefTitle };
      });
      if (opts.start) {
        const start = (() => {
          try { return parseIsoDate(opts.start!); } catch (e) { throw new UserError((e as Error).message); }
        })();
        const cycles = Number(opts.cycles ?? "2");
        for (const { reg } of results) {
          if (reg.arms.length !== 1) {
            throw new UserError(`${reg.nctId} has ${reg.arms.length} arms; choose one with --arm (${reg.arms.map((a) => JSON.stringify(a.label)).join(", ")})`);
          }
          let cal;
          try {
            cal = buildCalendar(reg.nctId, reg.arms[0], { start, cycles, body });
          } catch (e) {
            throw new UserError((e as Error).message);
          }
          if (opts.ics) process.stdout.write(calendarToIcs(cal, { groupBy: groupBy as "drug" | "day" }));
          else if (opts.csv) process.stdout.write(calendarToCsv(cal));
          else if (opts.json) out(JSON.stringify(cal, null, 2));
          else {
            out(paint(`${reg.nctId} — ${cal.arm}: ${cal.cycles} cycles from ${cal.start}`, "bold"));
            for (const a of cal.administrations) out(`  ${a.date}  C${a.cycle}D${a.day}  ${describeDose(a)}`);
            for (const s of cal.assumptions) out(paint(`  assumption: ${s}`, "dim"));
          }
        }
        return;
      }
      if (opts.json) {
        out(JSON.stringify(results.length === 1 ? results[0].reg : { regimens: results.map((r) => r.reg) }, null, 2));
        return;
      }
      for (const { reg, title } of results) {
        out(paint(`${reg.nctId}${title ? ` — ${title}` : ""}`, "bold"));
        if (!reg.arms.length) out("  no arms recorded");
        for (const arm of reg.arms) for (const l of describeArm(arm)) out(`  ${l}`);
      }
    } finally {
      store.close();
    }
  });
}
