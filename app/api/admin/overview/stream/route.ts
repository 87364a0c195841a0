import { OVERVIEW_WINDOWS, type OverviewWindow } from "@/lib/admin-overview";
import { overviewStream } from "@/server/admin/overview-broadcaster";
import { authorizeAdmin } from "@/server/admin/authorize-admin";
import { env } from "@/server/env";
import { badRequest } from "@/server/errors";
import { apiRoute } from "@/server/http/api-response";
import { clientAddress } from "@/server/http/client-address";
import { methodsOtherThan } from "@/server/http/method-not-allowed";
import { SSE_HEADERS } from "@/server/realtime/sse-connection";
import { takeStreamSlot } from "@/server/realtime/stream-slots";

export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = methodsOtherThan("GET");

/** GET /api/admin/overview/stream?window=15m — the live overview, pushed (admins only). */
export const GET = apiRoute(async (request: Request) => {
  const admin = await authorizeAdmin(request);
  const window = new URL(request.url).searchParams.get("window") ?? "15m";
  // Own keys only: `in` would also accept the prototype's (`toString`, `constructor`).
  if (!Object.hasOwn(OVERVIEW_WINDOWS, window)) throw badRequest(`window must be one of ${Object.keys(OVERVIEW_WINDOWS).join(", ")}.`);
  const release = takeStreamSlot(admin.id, clientAddress(request.headers));
  return new Response(overviewStream(window as OverviewWindow, request.signal, env().SSE_HEARTBEAT_SECONDS, release), {
    headers: SSE_HEADERS,
  });
});
