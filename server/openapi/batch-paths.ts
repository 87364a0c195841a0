import "server-only";
import { z } from "zod";
import type { ZodOpenApiPathsObject, ZodOpenApiResponsesObject } from "zod-openapi";
import { batchAcceptedSchema, batchLineInputSchema, batchListSchema, batchResultLineSchema, batchViewSchema, errorBodySchema, MAX_BATCH_LINES } from "@/lib/contract";

/**
 * The batch routes of CONTRACT §9 for the OpenAPI document (document.ts): NDJSON in, NDJSON
 * out, SSE progress. Kept apart from the order routes; their error answers say what a batch
 * means by them (413 is 10,000 lines or 5 MiB here, not 64 KiB).
 */

const BATCH_ERRORS: Record<number, string> = {
  400: "An empty file, a bad cursor or limit. (A bad line is not a 400: it is rejected alone, in the results.)",
  401: "No or bad credentials.",
  403: "A guest session: batches are for accounts and API keys.",
  404: "No such batch, or it belongs to someone else.",
  409: "An Idempotency-Key still in progress, or cancelling a completed batch.",
  413: `More than ${MAX_BATCH_LINES} lines or 5 MiB.`,
  415: "Body not application/x-ndjson.",
  422: "An Idempotency-Key reused with another file.",
  429: "Rate limited, 10 of the caller's batches already in progress, or too many open streams; `Retry-After` says when to retry.",
  503: "The database is unavailable; nothing was written.",
};

function errors(...statuses: number[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: BATCH_ERRORS[status]!,
        content: { "application/json": { schema: errorBodySchema } },
        ...(status === 429 || status === 503 ? { headers: z.object({ "Retry-After": z.string() }) } : {}),
      },
    ]),
  );
}

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const batchIdPath = z.object({ id: z.string().meta({ description: "The batch id (`bat_…`).", example: "bat_3k9d0q2m7x" }) });
const location = z.string().meta({ description: "The batch's status URL.", example: "/api/batches/bat_3k9d0q2m7x" });

export const BATCH_TAG = { name: "Batches", description: "Many orders in one NDJSON upload: one batch id, progress, results, cancel." };

export const batchPaths: ZodOpenApiPathsObject = {
  "/api/batches": {
    post: {
      tags: ["Batches"],
      operationId: "createBatch",
      summary: "Upload many orders as NDJSON",
      description:
        "One order per line: the body of POST /api/orders plus an optional `reference`. At most 10,000 lines and 5 MiB. Every line is validated as POST /api/orders validates a body; an invalid line is rejected alone, with the error code POST /api/orders would give it (see the results). The batch, its lines and its jobs are stored in one transaction; the orders are placed in the background, in input order, at a bounded rate, each valid line exactly once.",
      requestParams: {
        header: z.object({ "Idempotency-Key": z.string().min(1).max(255).optional().meta({ description: "The same key and file replay the batch." }) }),
      },
      requestBody: {
        required: true,
        content: { "application/x-ndjson": { schema: batchLineInputSchema } },
      },
      responses: {
        "202": { description: "Accepted; lines are placed in the background.", ...json(batchAcceptedSchema), headers: z.object({ Location: location }) },
        ...errors(400, 401, 403, 409, 413, 415, 422, 429, 503),
      },
    },
    get: {
      tags: ["Batches"],
      operationId: "listBatches",
      summary: "List the caller's batches, newest first",
      requestParams: {
        query: z.object({
          cursor: z.string().optional().meta({ description: "`next_cursor` of the previous page." }),
          limit: z.number().int().min(1).max(100).optional().meta({ description: "Page size, default 20." }),
        }),
      },
      responses: { "200": { description: "One page.", ...json(batchListSchema) }, ...errors(400, 401, 429, 503) },
    },
  },
  "/api/batches/{id}": {
    get: {
      tags: ["Batches"],
      operationId: "getBatch",
      summary: "A batch's status and counts",
      description: "`failed` counts payment_failed and rejected orders; `open` the lines whose order is not final yet. `completed` once every line is rejected or its order final.",
      requestParams: { path: batchIdPath },
      responses: { "200": { description: "The batch.", ...json(batchViewSchema) }, ...errors(401, 404, 429, 503) },
    },
  },
  "/api/batches/{id}/events": {
    get: {
      tags: ["Batches"],
      operationId: "streamBatchProgress",
      summary: "Follow a batch's progress",
      requestParams: { path: batchIdPath },
      responses: {
        "200": {
          description:
            "Server-Sent Events: `event: batch_progress` whose `data` is the batch (as GET /api/batches/{id}), the current state first, then at most once a second while it changes; closes once the batch is no longer `in_progress`.",
          content: { "text/event-stream": { schema: z.string() } },
        },
        ...errors(401, 404, 429),
      },
    },
  },
  "/api/batches/{id}/results": {
    get: {
      tags: ["Batches"],
      operationId: "getBatchResults",
      summary: "Each line's outcome, in input order",
      description: "NDJSON, one line per input line: its order and the order's status now, or the error that rejected it; a line not placed yet has neither.",
      requestParams: { path: batchIdPath },
      responses: {
        "200": { description: "The results file.", content: { "application/x-ndjson": { schema: batchResultLineSchema } } },
        ...errors(401, 404, 429),
      },
    },
  },
  "/api/batches/{id}/cancel": {
    post: {
      tags: ["Batches"],
      operationId: "cancelBatch",
      summary: "Cancel a batch",
      description: "Stops placing further lines and cancels every order of the batch that has not shipped (as POST /api/orders/{id}/cancel does). Cancelling a cancelled batch answers it again; a completed one is a 409.",
      requestParams: { path: batchIdPath },
      responses: { "200": { description: "The batch, now `cancelled`.", ...json(batchViewSchema) }, ...errors(401, 404, 409, 429, 503) },
    },
  },
};
