export { regimenOfStudy } from "./study.js";
export { parseDosingText, normaliseDrugName, type KnownDrug, type ParsedDosingText } from "./parse-text.js";
export { bodySurfaceArea, computeDose, type BsaFormula, type Body } from "./bsa.js";
export { buildCalendar, calendarToCsv, calendarToIcs, describeDose, parseIsoDate, type Calendar, type Administration } from "./calendar.js";
export type * from "./types.js";
