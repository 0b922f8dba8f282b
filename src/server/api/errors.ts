/**
 * Errors as the API reports them: `{"error", "details": [{"field", "message", "value"?}]}`.
 * Bad input is a 4xx naming each bad field; anything else is a 500 that says only
 * "internal error" (the cause goes to the log, never a stack trace to the client).
 */
import type { FastifyError, FastifyInstance } from "fastify";
import type { z } from "zod";
import { SearchInputError } from "../../search/index.js";

export interface ErrorDetail {
  field: string;
  message: string;
  value?: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** One detail per problem; unknown keys get one each, named. */
export function zodDetails(err: z.ZodError, input: unknown, prefix = ""): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const name = (path: PropertyKey[]) => prefix + (path.length ? path.map(String).join(".") : "(root)");
  for (const issue of err.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) out.push({ field: name([...issue.path, k]), message: "unknown parameter" });
      continue;
    }
    // Report a bad list item under its parameter's name ("phase", not "phase.0").
    const path = issue.path.filter((p, i) => !(typeof p === "number" && i === issue.path.length - 1 && prefix === ""));
    const value = valueAt(input, issue.path);
    const d: ErrorDetail = { field: name(path), message: issue.message };
    if (value !== undefined && (typeof value !== "object" || value === null)) d.value = value;
    out.push(d);
  }
  return out;
}

/** Validates input against schema; throws a 400 ApiError naming each bad field. */
export function validate<T extends z.ZodType>(schema: T, input: unknown, what: string, prefix = ""): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ApiError(400, `invalid ${what}`, zodDetails(r.error, input, prefix));
  return r.data;
}

/** The error handler for every API context. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError | SearchInputError | Error, request, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).send({ error: err.message, details: err.details });
    }
    if (err instanceof SearchInputError) {
      return reply.code(400).send({ error: "invalid query", details: [{ field: err.field, message: err.message.slice(err.field.length + 2) }] });
    }
    const status = (err as FastifyError).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      // fastify's own: body too large (413), bad JSON (400), unsupported media type (415), …
      return reply.code(status).send({ error: err.message, details: [{ field: "body", message: err.message }] });
    }
    request.log.error({ err }, "request failed");
    return reply.code(500).send({ error: "internal error", details: [] });
  });
}
