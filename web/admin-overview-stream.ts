import "server-only";
import { OVERVIEW_WINDOWS, type OverviewWindow } from "@/lib/admin-overview";
import { authorizeAdmin } from "@/server/admin/authorize-admin";
import { overviewStream } from "@/server/admin/overview-broadcaster";
import { badRequest } from "@/server/errors";
import { clientAddress } from "@/server/http/client-address";
import type { ProcessServices } from "@/server/process-services";
import { SSE_HEADERS } from "@/server/realtime/sse-connection";
import { takeStreamSlot } from "@/server/realtime/stream-slots";

/** GET /api/admin/overview/stream?window=15m — the live overview, pushed (admins only). */
export async function serveAdminOverviewStream(services: ProcessServices, request: Request): Promise<Response> {
  const admin = await authorizeAdmin(services, request);
  const window = new URL(request.url).searchParams.get("window") ?? "15m";
  // Own keys only: `in` would also accept the prototype's (`toString`, `constructor`).
  if (!Object.hasOwn(OVERVIEW_WINDOWS, window)) throw badRequest(`window must be one of ${Object.keys(OVERVIEW_WINDOWS).join(", ")}.`);
  const release = takeStreamSlot(services.streamSlots, admin.id, clientAddress(request.headers));
  const body = overviewStream(services.overview, window as OverviewWindow, request.signal, services.config.SSE_HEARTBEAT_SECONDS, release);
  return new Response(body, { headers: SSE_HEADERS });
}
