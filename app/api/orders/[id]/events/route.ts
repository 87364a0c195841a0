import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { apiRoute } from "@/server/http/api-response";
import { authenticateRequest } from "@/server/http/authenticate-request";
import { findShoppersOrder } from "@/server/orders/get-order";
import { orderEventStream } from "@/server/realtime/order-event-stream";
import { methodsOtherThan } from "@/server/http/method-not-allowed";
import { sseResponse } from "@/server/http/sse-response";

export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = methodsOtherThan("GET");

type Context = { params: Promise<{ id: string }> };

/** GET /api/orders/{id}/events — Server-Sent Events of the order's status (CONTRACT.md §2). */
export const GET = apiRoute(async (request: Request, { params }: Context) => {
  const shopper = await authenticateRequest(request);
  const { id } = await params;
  const db = getDb();
  await findShoppersOrder(db, shopper.id, id); // 404 before any stream is opened
  const stream = orderEventStream(db, id, {
    lastEventId: request.headers.get("last-event-id"),
    heartbeatSeconds: env().SSE_HEARTBEAT_SECONDS,
    signal: request.signal,
  });
  return sseResponse(stream);
});
