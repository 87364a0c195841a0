import "server-only";
import { eq } from "drizzle-orm";
import { isInFlightStatus, type OrderStatus } from "@/lib/order-state";
import type { Database } from "@/server/db/client";
import { orders } from "@/server/db/schema";
import type { OrderEventHub } from "@/server/realtime/order-event-hub";

/**
 * Waits (at most `seconds`) for the order to leave the in-flight statuses, woken by the
 * shared LISTEN connection, never by polling. Resolves with the settled status, or null
 * when time ran out (the caller then answers 202 instead of timing out).
 */
export async function waitForSettled(
  db: Database,
  hub: OrderEventHub,
  orderId: string,
  seconds: number,
): Promise<OrderStatus | null> {
  let settle!: (status: OrderStatus | null) => void;
  const settled = new Promise<OrderStatus | null>((resolve) => (settle = resolve));
  const readCurrent = async () => {
    const [row] = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId));
    if (row && !isInFlightStatus(row.status)) settle(row.status);
  };
  const unsubscribe = await hub.subscribe(orderId, {
    onEvent: (notice) => {
      if (!isInFlightStatus(notice.status)) settle(notice.status);
    },
    onResync: () => void readCurrent().catch(() => {}),
  });
  const timer = setTimeout(() => settle(null), seconds * 1000);
  try {
    await readCurrent();
    return await settled;
  } finally {
    clearTimeout(timer);
    unsubscribe();
  }
}
