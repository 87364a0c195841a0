"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { ArrowLeftIcon } from "lucide-react";
import Link from "next/link";
import { useEffect } from "react";
import { toast } from "@/components/shop/toast";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableFooter, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { OrderSnapshot } from "@/lib/merge-order";
import { formatMoney } from "@/lib/money";
import { hasPaid } from "@/lib/order-presentation";
import { canTransition, isFinalStatus } from "@/lib/order-state";
import { paymentMethodLabel } from "@/lib/payment-methods";
import { statusShown } from "@/lib/shopper-beacons";
import { useTRPC } from "@/trpc/client";
import { LiveIndicator } from "./live-indicator";
import { OrderOutcome } from "./order-outcome";
import { OrderStepper } from "./order-stepper";
import { OrderTimeline } from "./order-timeline";
import { StatusBadge } from "./status-badge";
import { POLL_INTERVAL_MS, useLiveOrders } from "./use-live-orders";
import { mergeOrderOnRefetch, useOrderCache } from "./use-order-cache";

const cents = (major: number) => Math.round(major * 100);

/** One order, kept current like the list: its stream (or polling), merged by the state machine. */
export function OrderDetail({ initialOrder }: { initialOrder: OrderSnapshot }) {
  const trpc = useTRPC();
  const cache = useOrderCache();
  const orderId = initialOrder.order_id;
  const options = { ...trpc.orders.get.queryOptions({ orderId }), structuralSharing: mergeOrderOnRefetch };

  useEffect(() => cache.writeOrder(initialOrder), [cache, initialOrder]);
  const { data: order, isRefetchError } = useQuery({ ...options, initialData: initialOrder });
  const final = isFinalStatus(order.status);
  const mode = useLiveOrders(final ? [] : [orderId], "/orders/[id]");
  useEffect(() => statusShown(orderId, order.status, mode === "sse" ? "sse" : "polling"), [orderId, order.status, mode]);
  useQuery({ ...options, enabled: mode !== "sse" && !final, refetchInterval: mode !== "sse" && !final ? POLL_INTERVAL_MS : false });

  const cancel = useMutation(
    trpc.orders.cancel.mutationOptions({
      onSuccess(cancelled) {
        cache.writeOrder(cancelled);
        toast.success("Order cancelled", { description: "The items went back into stock; any payment is voided or refunded." });
      },
      onError(error) {
        toast.error("This order can no longer be cancelled", { description: error.message });
      },
    }),
  );
  const cancellable = canTransition(order.status, "cancelled");
  const paid = hasPaid(order.events);

  return (
    <article data-order-id={order.order_id} data-status={order.status} aria-labelledby="order-heading" className="grid gap-6">
      <div className="grid gap-3">
        <Link href="/orders" className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
          <ArrowLeftIcon aria-hidden className="size-4" /> My orders
        </Link>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="grid gap-1">
            <h1 id="order-heading" className="text-2xl font-semibold tracking-tight sm:text-3xl">
              Order <span className="block font-mono text-lg break-all sm:inline sm:text-2xl">{order.order_id}</span>
            </h1>
            <p className="text-sm text-muted-foreground">
              Placed <time dateTime={order.created_at} suppressHydrationWarning>{new Date(order.created_at).toLocaleString()}</time>
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <StatusBadge status={order.status} className="text-sm" />
            <LiveIndicator mode={mode === "polling" && isRefetchError ? "offline" : mode} />
          </div>
        </div>
      </div>

      <Card>
        <CardContent className="grid gap-5">
          <OrderStepper status={order.status} paid={paid} />
          {order.tracking && (
            <p className="text-sm">
              Tracking number: <span className="font-mono font-medium">{order.tracking}</span>
            </p>
          )}
          <OrderOutcome status={order.status} tracking={order.tracking} failureReason={order.failure_reason} />
          {cancellable && (
            <div className="flex flex-wrap items-center justify-between gap-3 border-t pt-4">
              <p className="text-sm text-muted-foreground">Changed your mind? You can cancel until it ships; stock goes back and you are not charged.</p>
              <Button variant="outline" onClick={() => cancel.mutate({ orderId })} disabled={cancel.isPending}>
                Cancel order
              </Button>
            </div>
          )}
        </CardContent>
      </Card>

      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Items</h2>
            </CardTitle>
          </CardHeader>
          <CardContent>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Product</TableHead>
                  <TableHead className="text-right">Qty</TableHead>
                  <TableHead className="text-right">Price</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {order.items.map((item) => (
                  <TableRow key={item.sku}>
                    <TableCell className="whitespace-normal">{item.name}</TableCell>
                    <TableCell className="tabular text-right">{item.quantity}</TableCell>
                    <TableCell className="tabular text-right">{formatMoney(cents(item.unit_price) * item.quantity, order.currency)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
              <TableFooter>
                <TableRow>
                  <TableCell colSpan={2}>Total</TableCell>
                  <TableCell className="tabular text-right">{formatMoney(cents(order.total), order.currency)}</TableCell>
                </TableRow>
              </TableFooter>
            </Table>
            <p className="mt-3 text-sm text-muted-foreground">Paid with {paymentMethodLabel(order.payment_method)}</p>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Timeline</h2>
            </CardTitle>
          </CardHeader>
          <CardContent>
            <OrderTimeline events={order.events} />
          </CardContent>
        </Card>
      </div>
    </article>
  );
}
