"use client";

import { useQuery } from "@tanstack/react-query";
import { LockIcon, ShoppingBagIcon } from "lucide-react";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { RadioGroup, RadioGroupItem } from "@/components/ui/radio-group";
import { Skeleton } from "@/components/ui/skeleton";
import type { OrderPage } from "@/lib/merge-order";
import { formatMoney } from "@/lib/money";
import { TEST_PAYMENT_METHODS } from "@/lib/payment-methods";
import { useTRPC } from "@/trpc/client";
import { OrdersView } from "@/components/orders/orders-view";
import { EmptyState } from "@/components/shop/empty-state";
import { checkoutClicked } from "@/lib/shopper-beacons";
import { attemptFor, useCheckout } from "./use-checkout";

/**
 * Checkout. "Place order" starts the mutation and, in the same frame, shows "My orders"
 * (the URL becomes /orders) with the order as a "placing" row; the answer then swaps in the
 * real order. The attempt's idempotency key outlives a reload (see use-checkout.ts).
 */
export function CheckoutView({ initialOrders }: { initialOrders: OrderPage }) {
  const [placed, setPlaced] = useState(false);
  if (placed) return <OrdersView initialPage={initialOrders} page="/checkout" />;
  return (
    <div className="grid gap-6">
      <h1 className="text-3xl font-semibold tracking-tight">Checkout</h1>
      <CheckoutForm onPlaced={() => setPlaced(true)} />
    </div>
  );
}

function CheckoutForm({ onPlaced }: { onPlaced: () => void }) {
  const trpc = useTRPC();
  const { data: cart, isPending } = useQuery(trpc.cart.get.queryOptions());
  const checkout = useCheckout();
  const [method, setMethod] = useState<string>(TEST_PAYMENT_METHODS[0].id);
  const submitted = useRef(false);

  if (isPending || !cart) return <Skeleton className="h-80 w-full" />;
  if (cart.lines.length === 0) {
    return (
      <EmptyState
        icon={ShoppingBagIcon}
        title="Nothing to check out"
        body="Your cart is empty. Orders you placed are in My orders."
        actions={[
          { href: "/", label: "Browse the shop" },
          { href: "/orders", label: "My orders" },
        ]}
      />
    );
  }

  function placeOrder() {
    // A second click (or a double click) before the view changes sends nothing more.
    if (submitted.current || !cart) return;
    submitted.current = true;
    const order = { items: cart.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })), payment_method: method };
    const attempt = attemptFor(order);
    checkoutClicked(attempt.idempotencyKey, "/checkout");
    checkout.mutate(attempt);
    onPlaced();
    window.history.pushState(null, "", "/orders");
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[3fr_2fr] lg:items-start">
      <Card>
        <CardHeader>
          <CardTitle>
            <h2 id="payment-method-heading">Payment method</h2>
          </CardTitle>
        </CardHeader>
        <CardContent>
          <RadioGroup aria-labelledby="payment-method-heading" value={method} onValueChange={setMethod} className="gap-2">
            {TEST_PAYMENT_METHODS.map((m) => (
              <Label
                key={m.id}
                htmlFor={m.id}
                className="flex cursor-pointer items-center gap-3 rounded-md border p-3 font-normal has-[[data-state=checked]]:border-primary has-[[data-state=checked]]:bg-accent/60"
              >
                <RadioGroupItem id={m.id} value={m.id} aria-describedby={`${m.id}-hint`} />
                <span className="grid gap-0.5">
                  <span className="font-medium">{m.label}</span>
                  <span id={`${m.id}-hint`} className="text-xs text-muted-foreground">
                    Test card · {m.hint}
                  </span>
                </span>
              </Label>
            ))}
          </RadioGroup>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>
            <h2>Your order</h2>
          </CardTitle>
        </CardHeader>
        <CardContent className="grid gap-3 text-sm">
          <ul className="grid gap-2">
            {cart.lines.map((line) => (
              <li key={line.sku} className="flex justify-between gap-3">
                <span>
                  {line.quantity} × {line.name}
                </span>
                <span className="tabular">{formatMoney(line.line_total_cents)}</span>
              </li>
            ))}
          </ul>
          <div className="flex justify-between border-t pt-3 text-base font-semibold">
            <span>Total</span>
            <span className="tabular" data-total-cents={cart.total_cents}>
              {formatMoney(cart.total_cents, cart.currency)}
            </span>
          </div>
        </CardContent>
        <CardFooter className="grid gap-2">
          <Button size="lg" className="w-full" onClick={placeOrder}>
            <LockIcon aria-hidden />
            Place order
          </Button>
          <p className="text-center text-xs text-muted-foreground">You can follow the order live and cancel it until it ships.</p>
        </CardFooter>
      </Card>
    </div>
  );
}
