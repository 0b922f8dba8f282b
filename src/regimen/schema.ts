/** zod schema of the regimen JSON (`eligo regimen --json`, GET /api/studies/{id}/regimen): documents and checks the shape. */
import { z } from "zod";

const Span = z.tuple([z.number().int(), z.number().int()]);

export const DrugAdministrationSchema = z.object({
  drug: z.string().describe("normalised drug name"),
  mention: z.string(),
  mentionSpan: Span.optional(),
  dose: z.number().optional(),
  unit: z.string().optional().describe("mg, mg/m2, mg/kg, g, ug, [iU] or AUC"),
  doseSpan: Span.optional(),
  route: z.string().optional().describe("po, iv, sc, im, …"),
  routeText: z.string().optional(),
  frequency: z.string().optional().describe("qd, bid, tid, qid, qod, qw, q2w, q3w, q4w, q6w"),
  perDay: z.number().int().optional(),
  days: z.array(z.number().int().min(1)).optional().describe("days of the cycle, 1-based"),
  daysInferred: z.boolean().optional(),
  source: z.enum(["arm", "intervention"]),
  inheritedFrom: z.string().optional(),
  roundTo: z.number().optional(),
});

export const RegimenPhaseSchema = z.object({
  name: z.string(),
  cycleDays: z.number().int().optional(),
  cycles: z.object({ min: z.number().int(), max: z.number().int() }).optional(),
  until: z.string().optional(),
  drugs: z.array(DrugAdministrationSchema),
});

export const RegimenNoteSchema = z.object({
  kind: z.enum(["cap", "dose-reduction", "timing", "no-dosing", "assumption"]),
  text: z.string(),
  span: Span.optional(),
  drug: z.string().optional(),
  duration: z.object({ amount: z.number(), unit: z.enum(["day", "week", "month", "year"]) }).optional(),
});

export const StudyRegimenSchema = z.object({
  nctId: z.string(),
  arms: z.array(
    z.object({
      label: z.string(),
      type: z.string().optional(),
      phases: z.array(RegimenPhaseSchema),
      notes: z.array(RegimenNoteSchema),
      texts: z.array(z.object({ source: z.string(), text: z.string(), unparsed: z.array(z.object({ text: z.string(), span: Span })) })),
    }),
  ),
});
