import "server-only";
import { MAX_BEACON_BYTES } from "@/lib/beacon-shape";
import { beaconSchema } from "@/server/beacons/beacon-schema";
import { recordBeacon } from "@/server/beacons/record-beacon";
import { AppError, badRequest, forbidden } from "@/server/errors";
import { clientAddress } from "@/server/http/client-address";
import { isSameOrigin } from "@/server/http/cross-site";
import { readRawBody } from "@/server/http/read-json-body";
import type { ProcessServices } from "@/server/process-services";

/**
 * POST /api/beacons — the shop's pages report what shoppers saw (decision 035). A door anyone
 * can knock on, so, before anything is read: our own pages only (Origin), then the address's
 * budget (429); then the body, 4 KiB at most (413), sent by `navigator.sendBeacon` as
 * text/plain (or JSON), validated (400 naming what is wrong); 204 once stored.
 */
export async function serveBeacon(services: ProcessServices, request: Request): Promise<Response> {
  if (!isSameOrigin(request.headers)) throw forbidden("Cross-site request refused.");
  await services.limits.admitBeacon(clientAddress(request.headers));
  const type = (request.headers.get("content-type") ?? "").trim();
  if (!/^(text\/plain|application\/json)\b/i.test(type)) {
    throw new AppError(415, "unsupported_media_type", "Send the beacon as text/plain or application/json.");
  }
  const raw = await readRawBody(request, MAX_BEACON_BYTES);
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString("utf8"));
  } catch {
    throw badRequest("The beacon is not valid JSON.");
  }
  const parsed = beaconSchema.safeParse(payload);
  if (!parsed.success) throw badRequest("The beacon is not valid.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  await recordBeacon(services.db, parsed.data);
  return new Response(null, { status: 204 });
}
