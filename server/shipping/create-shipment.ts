import "server-only";
import { eq, sql } from "drizzle-orm";
import { builtOnce } from "@/server/db/built-once";
import type { Database } from "@/server/db/client";
import { orderLines, orders, shipments } from "@/server/db/schema";
import { transitionOrder } from "@/server/orders/order-state-machine";
import type { CarrierService } from "./carrier-service";

/**
 * Hands a confirmed order to the carrier and marks it `shipped` with the tracking number.
 * A cancel can land while the carrier is booking: the order stays cancelled and the booking
 * is voided at the carrier. A retry that finds the order cancelled voids by the booking's
 * key too, in case an earlier attempt booked and died before it could void.
 */
export async function createShipment(db: Database, carrier: CarrierService, orderId: string): Promise<"shipped" | "voided" | "skipped"> {
  // The order's status and its item count in one statement.
  const [order] = await statusAndItems(db, { orderId });
  const shipmentKey = `shipment_${orderId}`;
  if (order?.status === "cancelled") return (await carrier.voidShipment({ shipmentKey })).voided ? "voided" : "skipped";
  if (!order || order.status !== "confirmed") return "skipped";
  const parcel = await carrier.createShipment({ idempotencyKey: shipmentKey, orderId, items: order.items });
  const shipped = await db.transaction(async (tx) => {
    const moved = await transitionOrder(tx, orderId, "shipped", {
      set: { tracking: parcel.trackingNumber },
      detail: { tracking: parcel.trackingNumber, carrier: parcel.carrier },
    });
    if (moved) await recordShipment(tx, { orderId, carrier: parcel.carrier, trackingNumber: parcel.trackingNumber });
    return moved !== null;
  });
  if (shipped) return "shipped";
  await carrier.voidShipment({ shipmentKey });
  return "voided";
}

// The step's statements, built once (decision 046).
const statusAndItems = builtOnce((db) =>
  db
    .select({ status: orders.status, items: sql<number>`(SELECT coalesce(sum(${orderLines.quantity}), 0)::int FROM ${orderLines} WHERE ${orderLines.orderId} = ${orders.id})` })
    .from(orders)
    .where(eq(orders.id, sql.placeholder("orderId"))),
);

const recordShipment = builtOnce((db) =>
  db
    .insert(shipments)
    .values({ orderId: sql.placeholder("orderId"), carrier: sql.placeholder("carrier"), trackingNumber: sql.placeholder("trackingNumber") })
    .onConflictDoNothing(),
);
