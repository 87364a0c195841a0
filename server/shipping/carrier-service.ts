import "server-only";
import { callService, DownstreamError } from "@/server/downstream/call-service";
import { env } from "@/server/env";

/** The carrier accepts a parcel and hands back a tracking number; idempotent per key. */
export interface CarrierService {
  createShipment(request: { idempotencyKey: string; orderId: string; items: number }): Promise<{ carrier: string; trackingNumber: string }>;
  /**
   * Cancels the booking made with `shipmentKey` (the createShipment idempotency key), so a
   * booking whose answer never reached us can be voided too. `voided: false`: no such booking.
   */
  voidShipment(request: { shipmentKey: string }): Promise<{ voided: boolean }>;
}

export function httpCarrierService(baseUrl = env().CARRIER_URL): CarrierService {
  return {
    async createShipment(request) {
      const shipment = await callService<{ carrier: string; tracking_number: string }>(
        "carrier",
        `${baseUrl}/shipments`,
        { order_id: request.orderId, items: request.items },
        request.idempotencyKey,
      );
      return { carrier: shipment.carrier, trackingNumber: shipment.tracking_number };
    },
    async voidShipment(request) {
      try {
        await callService("carrier", `${baseUrl}/shipments/by-key/${encodeURIComponent(request.shipmentKey)}/void`, {}, `void_${request.shipmentKey}`);
        return { voided: true };
      } catch (err) {
        if (err instanceof DownstreamError && err.status === 404) return { voided: false };
        throw err;
      }
    },
  };
}
