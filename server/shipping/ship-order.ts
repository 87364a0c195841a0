import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { orderLines, orders, shipments } from "@/server/db/schema";
import { transitionOrder } from "@/server/orders/order-state-machine";
import type { CarrierService } from "./carrier-service";

/** Hands a confirmed order to the carrier and marks it `shipped` with the tracking number. */
export async function shipOrder(db: Database, carrier: CarrierService, orderId: string): Promise<"shipped" | "skipped"> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order || order.status !== "confirmed") return "skipped";
  const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, orderId));
  const parcel = await carrier.createShipment({
    idempotencyKey: `shipment_${orderId}`,
    orderId,
    items: lines.reduce((n, l) => n + l.quantity, 0),
  });
  return db.transaction(async (tx) => {
    // Cancelled while the carrier was booking: the order stays cancelled and no shipment is recorded.
    const shipped = await transitionOrder(tx, orderId, "shipped", {
      set: { tracking: parcel.trackingNumber },
      detail: { tracking: parcel.trackingNumber, carrier: parcel.carrier },
    });
    if (!shipped) return "skipped";
    await tx.insert(shipments).values({ orderId, carrier: parcel.carrier, trackingNumber: parcel.trackingNumber }).onConflictDoNothing();
    return "shipped";
  });
}
