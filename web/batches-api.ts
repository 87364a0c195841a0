import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { once } from "node:events";
import { idempotencyKeySchema, MAX_BATCH_BYTES, MAX_BATCH_LINES } from "@/lib/contract";
import { batchResults } from "@/server/batches/batch-results";
import { batchStatusUrl } from "@/server/batches/batch-view";
import { cancelBatch } from "@/server/batches/cancel-batch";
import { createBatch } from "@/server/batches/create-batch";
import { findShoppersBatch, getBatch } from "@/server/batches/get-batch";
import { listBatches } from "@/server/batches/list-batches";
import { badRequest } from "@/server/errors";
import { json } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { clientAddress } from "@/server/http/client-address";
import { readNdjsonLines } from "@/server/http/read-ndjson-body";
import type { ProcessServices } from "@/server/process-services";
import { streamBatchProgress } from "@/server/realtime/batch-progress-stream";
import { takeStreamSlot } from "@/server/realtime/stream-slots";
import { webRequestOf } from "./node-adapter";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("api");

/** POST /api/batches — NDJSON of orders → 202 with the batch's status URL (CONTRACT §9). */
export async function servePostBatch(services: ProcessServices, request: Request): Promise<Response> {
  const shopper = await authenticateRequest(services, request);
  const idempotencyKey = request.headers.get("idempotency-key") ?? undefined;
  if (idempotencyKey !== undefined && !idempotencyKeySchema.safeParse(idempotencyKey).success) {
    throw badRequest("Idempotency-Key must be 1 to 255 characters.");
  }
  const { lines, raw } = await readNdjsonLines(request, { maxBytes: MAX_BATCH_BYTES, maxLines: MAX_BATCH_LINES });
  if (lines.length === 0) throw badRequest("The batch has no lines: send one order per line.");
  const jobs = await services.jobs();
  const result = await createBatch(services.db, jobs.batches, { shopper, lines, raw, idempotencyKey });
  const { batch_id, status, counts } = result.view;
  const location = batchStatusUrl(batch_id);
  const headers: Record<string, string> = { Location: location, ...(result.kind === "replayed" ? { "Idempotent-Replayed": "true" } : {}) };
  return json(202, { batch_id, status, status_url: location, counts }, headers);
}

/** GET /api/batches — the caller's batches, newest first, cursor-paginated. */
export async function serveListBatches(services: ProcessServices, request: Request): Promise<Response> {
  const shopper = await authenticateRequest(services, request);
  const params = new URL(request.url).searchParams;
  const limitText = params.get("limit");
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) throw badRequest("limit must be a whole number from 1 to 100.");
  return json(200, await listBatches(services.db, shopper.id, { cursor: params.get("cursor"), limit }));
}

/** GET /api/batches/{id} — 404 also for someone else's batch. */
export async function serveGetBatch(services: ProcessServices, request: Request, batchId: string): Promise<Response> {
  const shopper = await authenticateRequest(services, request);
  return json(200, await getBatch(services.db, shopper.id, batchId));
}

/** POST /api/batches/{id}/cancel — 200 with the batch, cancelled, its unshipped orders cancelled. */
export async function serveCancelBatch(services: ProcessServices, request: Request, batchId: string): Promise<Response> {
  const shopper = await authenticateRequest(services, request);
  return json(200, await cancelBatch(services.db, (await services.jobs()).steps, shopper.id, batchId));
}

/**
 * GET /api/batches/{id}/results — NDJSON, one line per input line in input order, written a
 * page at a time as the database gives it (and as fast as the client reads: backpressure).
 */
export async function serveBatchResults(services: ProcessServices, req: IncomingMessage, res: ServerResponse, batchId: string): Promise<void> {
  const request = webRequestOf(req);
  const shopper = await authenticateRequest(services, request);
  await findShoppersBatch(services.db, shopper.id, batchId); // 404 before the 200 goes out
  res.writeHead(200, { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store" });
  if (req.method === "HEAD") return void res.end();
  try {
    for await (const page of batchResults(services.db, batchId)) {
      if (res.destroyed) return;
      if (!res.write(page.map((line) => `${JSON.stringify(line)}\n`).join(""))) await once(res, "drain");
    }
    res.end();
  } catch (err) {
    // The 200 is out: only cutting the connection tells the client the file is incomplete.
    log.error({ err, batch_id: batchId }, "batch results failed");
    res.destroy();
  }
}

/** GET /api/batches/{id}/events — SSE `batch_progress`, current state first, at most once a second. */
export async function serveBatchEvents(services: ProcessServices, req: IncomingMessage, res: ServerResponse, batchId: string): Promise<void> {
  const request = webRequestOf(req);
  const shopper = await authenticateRequest(services, request);
  await findShoppersBatch(services.db, shopper.id, batchId); // 404 before any stream is opened
  const release = takeStreamSlot(services.streamSlots, shopper.id, clientAddress(request.headers));
  if (res.closed) release();
  else res.once("close", release);
  const { config, hub, heartbeats } = services;
  await streamBatchProgress(res, services.db, batchId, { heartbeatSeconds: config.SSE_HEARTBEAT_SECONDS, maxIdleSeconds: config.SSE_MAX_IDLE_SECONDS, hub, heartbeats });
}
