import "server-only";
import { eq, sql } from "drizzle-orm";
import { builtOnce } from "@/server/db/built-once";
import type { Database } from "@/server/db/client";
import { orderLines, orders, shipments } from "@/server/db/schema";
import { transitionOrder, type AlongsideMoved } from "@/server/orders/order-state-machine";
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
  // The move, its event and the shipment row: one statement, so no transaction of its own (decision 046).
  const shipped = await transitionOrder(db, orderId, "shipped", {
    set: { tracking: parcel.trackingNumber },
    detail: { tracking: parcel.trackingNumber, carrier: parcel.carrier },
    alongside: { name: "shipment", write: recordShipment, values: { carrier: parcel.carrier } },
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

/**
 * The shipment row, written only when the order moved to `shipped` (a rerun finds it there: DO
 * NOTHING). Its tracking number is the transition's own `tracking` value.
 */
const recordShipment = (moved: AlongsideMoved) =>
  sql`INSERT INTO ${shipments} (order_id, carrier, tracking_number)
      SELECT ${moved.id}, ${sql.placeholder("carrier")}, ${sql.placeholder("tracking")} FROM ${moved}
      ON CONFLICT DO NOTHING`;
