import { test } from "node:test";
import assert from "node:assert/strict";
import ICAL from "ical.js";
import { buildCalendar, calendarToCsv, calendarToIcs } from "./calendar.js";
import type { ArmRegimen } from "./types.js";

const d1to = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
// NCT05807880 as the parser reads it: induction 4–6 cycles, then maintenance.
const arm: ArmRegimen = {
  label: "Intervention arm",
  phases: [
    {
      name: "induction",
      cycleDays: 21,
      cycles: { min: 4, max: 6 },
      drugs: [
        { drug: "anlotinib", mention: "anlotinib", dose: 10, unit: "mg", route: "po", frequency: "qd", perDay: 1, days: d1to(14), source: "arm" },
        { drug: "penpulimab", mention: "penpulimab", dose: 200, unit: "mg", route: "iv", perDay: 1, days: [1], source: "arm" },
        { drug: "capecitabine", mention: "capecitabine", dose: 650, unit: "mg/m2", route: "po", frequency: "bid", perDay: 2, days: d1to(21), source: "arm" },
      ],
    },
    {
      name: "maintenance",
      cycleDays: 21,
      until: "until PD or intolerance to drug toxicity",
      drugs: [
        { drug: "penpulimab", mention: "penpulimab", dose: 200, unit: "mg", route: "iv", perDay: 1, days: [1], source: "arm" },
        { drug: "capecitabine", mention: "capecitabine", dose: 650, unit: "mg/m2", route: "po", frequency: "bid", perDay: 2, days: d1to(21), source: "arm" },
      ],
    },
  ],
  notes: [],
  texts: [],
};

test("two cycles: one administration per drug per day, doses computed from BSA", () => {
  const cal = buildCalendar("NCT05807880", arm, { start: "2026-01-05", cycles: 2, body: { heightCm: 165, weightKg: 60 } });
  assert.equal(cal.cycles, 2);
  // Per cycle: 14 anlotinib days + 1 penpulimab + 21 capecitabine days.
  assert.equal(cal.administrations.length, 2 * (14 + 1 + 21));
  const c2d1 = cal.administrations.filter((a) => a.cycle === 2 && a.day === 1).map((a) => a.drug).sort();
  assert.deepEqual(c2d1, ["anlotinib", "capecitabine", "penpulimab"]);
  assert.equal(cal.administrations.find((a) => a.cycle === 2 && a.day === 1)!.date, "2026-01-26");
  const cape = cal.administrations.find((a) => a.drug === "capecitabine")!;
  assert.ok(Math.abs(cape.computed!.amount - 1078) < 0.5);
  assert.equal(cape.perDay, 2);
  assert.equal(cal.administrations.at(-1)!.date, "2026-02-15");
});

test("induction uses the low end of a 4–6 range, then maintenance, and says so", () => {
  const cal = buildCalendar("NCT05807880", arm, { start: "2026-01-05", cycles: 6 });
  assert.deepEqual([...new Set(cal.administrations.filter((a) => a.phase === "maintenance").map((a) => a.cycle))], [5, 6]);
  assert.ok(cal.assumptions.some((s) => s.includes("4–6 cycles")));
  assert.ok(cal.assumptions.some((s) => s.includes("height and weight")), "mg/m² without a body is flagged");
});

test("the .ics parses back with an iCalendar library and has the expected events", () => {
  const cal = buildCalendar("NCT05807880", arm, { start: "2026-01-05", cycles: 2, body: { heightCm: 165, weightKg: 60 } });
  const ics = calendarToIcs(cal, { now: new Date("2026-01-01T00:00:00Z") });
  assert.ok(ics.split("\r\n").every((l) => Buffer.byteLength(l) <= 75), "lines folded at 75 octets");
  const comp = new ICAL.Component(ICAL.parse(ics));
  const events = comp.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
  assert.equal(events.length, 72);
  assert.equal(new Set(events.map((e) => e.uid)).size, 72, "UIDs are unique");
  const first = events.filter((e) => e.startDate.toString() === "2026-01-05").map((e) => e.summary).sort();
  assert.deepEqual(first, ["Anlotinib 10 mg po once daily", "Capecitabine 1077.9 mg (650 mg/m2) po twice daily", "Penpulimab 200 mg iv"]);
  assert.ok(events[0].description.includes("cycle 1 day 1"));

  const byDay = new ICAL.Component(ICAL.parse(calendarToIcs(cal, { groupBy: "day" }))).getAllSubcomponents("vevent");
  assert.equal(byDay.length, 42, "one event per treatment day over two 21-day cycles");
});

test("CSV has a header and one row per administration", () => {
  const cal = buildCalendar("NCT05807880", arm, { start: "2026-01-05", cycles: 1, body: { heightCm: 165, weightKg: 60 } });
  const lines = calendarToCsv(cal).trim().split("\n");
  assert.equal(lines[0].split(",")[0], "date");
  assert.equal(lines.length, 1 + 36);
  assert.ok(lines.some((l) => l.startsWith("2026-01-05,1,1,induction,capecitabine,650,mg/m2,1077.9,mg,po,bid,2,")));
});

test("bad calendar requests name the reason", () => {
  assert.throws(() => buildCalendar("X", arm, { start: "2026-02-30", cycles: 2 }), /not a date/);
  assert.throws(() => buildCalendar("X", arm, { start: "2026-01-05", cycles: 0 }), /cycles 0/);
  const noCycle: ArmRegimen = { ...arm, phases: [{ name: "treatment", drugs: arm.phases[0].drugs }] };
  assert.throws(() => buildCalendar("X", noCycle, { start: "2026-01-05", cycles: 1 }), /no cycle length/);
});
