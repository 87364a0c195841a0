import { OVERVIEW_WINDOWS, type OverviewWindow } from "@/lib/admin-overview";
import { overviewStream } from "@/server/admin/overview-broadcaster";
import { authorizeAdmin } from "@/server/admin/authorize-admin";
import { env } from "@/server/env";
import { badRequest } from "@/server/errors";
import { apiRoute } from "@/server/http/api-response";
import { methodsOtherThan } from "@/server/http/method-not-allowed";
import { SSE_HEADERS } from "@/server/realtime/sse-connection";

export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = methodsOtherThan("GET");

/** GET /api/admin/overview/stream?window=15m — the live overview, pushed (admins only). */
export const GET = apiRoute(async (request: Request) => {
  await authorizeAdmin(request);
  const window = new URL(request.url).searchParams.get("window") ?? "15m";
  if (!(window in OVERVIEW_WINDOWS)) throw badRequest(`window must be one of ${Object.keys(OVERVIEW_WINDOWS).join(", ")}.`);
  return new Response(overviewStream(window as OverviewWindow, request.signal, env().SSE_HEARTBEAT_SECONDS), {
    headers: SSE_HEADERS,
  });
});
