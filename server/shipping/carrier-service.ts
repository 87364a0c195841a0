import { callService } from "@/server/downstream/call-service";
import { env } from "@/server/env";

/** The carrier accepts a parcel and hands back a tracking number; idempotent per key. */
export interface CarrierService {
  createShipment(request: { idempotencyKey: string; orderId: string; items: number }): Promise<{ carrier: string; trackingNumber: string }>;
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
  };
}
