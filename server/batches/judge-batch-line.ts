import "server-only";
import type { PlaceOrderInput } from "@/lib/contract";
import { batchReferenceSchema } from "@/lib/contract";
import { AppError, badRequest } from "@/server/errors";
import { validateOrderInput } from "@/server/orders/place-order";

export type LineError = { code: string; message: string; details?: unknown };

/** One line of an upload after the checks that need no database: an order to place, or its error. */
export type JudgedLine = {
  lineNo: number;
  reference?: string;
  /** What is stored as the line's body: the order as validated, or the object sent when it was refused. */
  body: Record<string, unknown> | null;
  input?: PlaceOrderInput;
  error?: LineError;
};

/**
 * Judges a line as POST /api/orders judges a body (the same function: invalid JSON and schema
 * errors are 400 invalid_request, another user_id 403 forbidden), after taking off the
 * line's own `reference`. The catalog check (unknown_sku) follows, with the batch's one read.
 */
export function judgeBatchLine(shopperId: string, line: { lineNo: number; text: string }): JudgedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.text);
  } catch {
    return { lineNo: line.lineNo, body: null, error: lineError(badRequest("The line is not valid JSON.")) };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { lineNo: line.lineNo, body: null, error: lineError(badRequest("The line must be a JSON object: the body of POST /api/orders.")) };
  }
  const { reference, ...order } = parsed as Record<string, unknown>;
  const judged: JudgedLine = { lineNo: line.lineNo, body: order };
  if (reference !== undefined) {
    const ref = batchReferenceSchema.safeParse(reference);
    if (!ref.success) return { ...judged, error: lineError(badRequest("reference must be a string of at most 255 characters.")) };
    judged.reference = ref.data;
  }
  try {
    const input = validateOrderInput(shopperId, order);
    return { ...judged, input, body: input };
  } catch (err) {
    return { ...judged, error: lineError(err) };
  }
}

/** The error body POST /api/orders would answer, kept for the results file. Anything else is not the line's fault: it propagates. */
export function lineError(err: unknown): LineError {
  if (!(err instanceof AppError)) throw err;
  return { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) };
}
