"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { PackageOpenIcon } from "lucide-react";
import { useEffect } from "react";
import type { OrderPage } from "@/lib/merge-order";
import { isFinalStatus } from "@/lib/order-state";
import { useTRPC } from "@/trpc/client";
import { readAttempt, useCheckout, usePlacingOrders, type CheckoutVariables } from "@/components/checkout/use-checkout";
import { EmptyState } from "@/components/shop/empty-state";
import { optimisticRowShown, statusShown, type BeaconPage } from "@/lib/shopper-beacons";
import { LiveIndicator } from "./live-indicator";
import { itemsSummary, OrderRow, type OrderRowData } from "./order-row";
import { POLL_INTERVAL_MS, useLiveOrders } from "./use-live-orders";
import { mergePageOnRefetch, useOrderCache } from "./use-order-cache";

/** Temporary id of an order being placed (docs/api.md, "Browser hooks for end-to-end suites" allows one until the server answers). */
export function placingId(idempotencyKey: string): string {
  return `placing_${idempotencyKey.slice(0, 8)}`;
}

/** A placeholder row from what the shopper is ordering, with names and prices from their cart. */
function usePlaceholderRows(placing: CheckoutVariables[]): OrderRowData[] {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cart = queryClient.getQueryData(trpc.cart.get.queryKey());
  return placing.map(({ order, idempotencyKey }) => {
    const lines = order.items.map((item) => {
      const line = cart?.lines.find((l) => l.sku === item.sku);
      return { name: line?.name ?? item.sku, quantity: item.quantity, cents: line ? line.unit_price_cents * item.quantity : undefined };
    });
    const known = lines.every((l) => l.cents !== undefined);
    return {
      orderId: placingId(idempotencyKey),
      status: "placing",
      summary: itemsSummary(lines),
      totalCents: known ? lines.reduce((n, l) => n + (l.cents ?? 0), 0) : undefined,
      currency: "USD",
    };
  });
}

/** Sends again an attempt a reload interrupted; its key makes that safe (one order at most). */
function useResumeInterruptedCheckout(placing: CheckoutVariables[]) {
  const checkout = useCheckout();
  const { mutate } = checkout;
  const inFlight = placing.map((p) => p.idempotencyKey).join(",");
  useEffect(() => {
    const attempt = readAttempt();
    if (attempt && !inFlight.includes(attempt.idempotencyKey)) mutate(attempt);
    // Only on arrival: a pending attempt of this tab is already being answered.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}

/**
 * "My orders": the shopper's orders kept current by one stream (or polling when it is down),
 * plus optimistic rows for orders being placed. Rendered by /orders, and by /checkout in the
 * same frame as the click on "Place order".
 */
export function OrdersView({ initialPage, page = "/orders" }: { initialPage: OrderPage; page?: BeaconPage }) {
  const trpc = useTRPC();
  const cache = useOrderCache();
  const placing = usePlacingOrders();
  useResumeInterruptedCheckout(placing);

  useEffect(() => cache.writePage(initialPage), [cache, initialPage]);
  const list = useQuery({ ...trpc.orders.list.queryOptions(), initialData: initialPage, structuralSharing: mergePageOnRefetch });
  const orders = list.data.data;
  const open = orders.filter((o) => !isFinalStatus(o.status)).map((o) => o.order_id);
  const mode = useLiveOrders(open, page);
  useQuery({
    ...trpc.orders.list.queryOptions(),
    structuralSharing: mergePageOnRefetch,
    refetchInterval: mode !== "sse" && open.length > 0 ? POLL_INTERVAL_MS : false,
    enabled: mode !== "sse" && open.length > 0,
  });
  const liveMode = mode === "polling" && list.isRefetchError ? "offline" : mode;

  const placeholders = usePlaceholderRows(placing);
  // After the commit that put them on screen: the checkout's timings (lib/shopper-beacons.ts).
  useEffect(() => {
    for (const attempt of placing) optimisticRowShown(attempt.idempotencyKey);
    for (const order of orders) statusShown(order.order_id, order.status, mode === "sse" ? "sse" : "polling");
  });
  const rows: OrderRowData[] = [
    ...placeholders,
    ...orders.map((o) => ({
      orderId: o.order_id,
      status: o.status,
      createdAt: o.created_at,
      summary: itemsSummary(o.items),
      totalCents: Math.round(o.total * 100),
      currency: o.currency,
      tracking: o.tracking,
    })),
  ];

  return (
    <section aria-labelledby="orders-heading" className="grid gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="grid gap-1">
          <h1 id="orders-heading" className="text-3xl font-semibold tracking-tight">
            My orders
          </h1>
          <p className="text-muted-foreground">Every order, from payment to your door.</p>
        </div>
        <LiveIndicator mode={liveMode} />
      </div>
      {rows.length === 0 ? (
        <EmptyState
          icon={PackageOpenIcon}
          title="No orders yet"
          body="When you place an order it shows up here at once, and you can follow it live."
          actions={[{ href: "/", label: "Browse the shop" }]}
        />
      ) : (
        <ul className="grid gap-3" aria-label="Orders">
          {rows.map((row) => (
            <OrderRow key={row.orderId} order={row} />
          ))}
        </ul>
      )}
    </section>
  );
}
