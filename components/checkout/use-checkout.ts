"use client";

import { useMutation, useMutationState, useQueryClient } from "@tanstack/react-query";
import { toast } from "@/components/shop/toast";
import type { PlaceOrderInput } from "@/lib/contract";
import { useTRPC } from "@/trpc/client";
import { useOrderCache } from "@/components/orders/use-order-cache";
import { checkoutAnswered } from "@/lib/shopper-beacons";

export type CheckoutVariables = { order: Omit<PlaceOrderInput, "user_id">; idempotencyKey: string };

const ATTEMPT_STORAGE_KEY = "conveyor.checkout-attempt";

/**
 * The attempt in flight, kept in sessionStorage before the request leaves: after a reload
 * mid-request the same key is sent again, so the server replays the first order (if it got
 * there) instead of making a second one.
 */
export function readAttempt(): CheckoutVariables | null {
  try {
    return JSON.parse(sessionStorage.getItem(ATTEMPT_STORAGE_KEY) ?? "null") as CheckoutVariables | null;
  } catch {
    return null;
  }
}

function saveAttempt(attempt: CheckoutVariables): void {
  sessionStorage.setItem(ATTEMPT_STORAGE_KEY, JSON.stringify(attempt));
}

function clearAttempt(idempotencyKey: string): void {
  if (readAttempt()?.idempotencyKey === idempotencyKey) sessionStorage.removeItem(ATTEMPT_STORAGE_KEY);
}

/** The same order as the stored attempt keeps its key; anything else is a new attempt. */
export function attemptFor(order: CheckoutVariables["order"]): CheckoutVariables {
  const stored = readAttempt();
  if (stored && JSON.stringify(stored.order) === JSON.stringify(order)) return stored;
  const attempt = { order, idempotencyKey: crypto.randomUUID() };
  saveAttempt(attempt);
  return attempt;
}

/**
 * Place order: a tRPC mutation shown optimistically. While it is pending, "My orders"
 * renders it from the mutation's variables (usePlacingOrders) with status "placing"; its
 * answer is written into the cache through the one merge, so the real row takes the
 * placeholder's place in the same render; a failure removes the placeholder and says why.
 * A 409 means the same key is still being answered: retry until it settles.
 */
export function useCheckout() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cache = useOrderCache();
  return useMutation(
    trpc.cart.checkout.mutationOptions({
      retry: (failures, error) => (error.data?.code === "CONFLICT" ? failures < 30 : !error.data && failures < 3),
      retryDelay: 500,
      onSuccess(order, variables) {
        checkoutAnswered(variables.idempotencyKey, order.order_id);
        cache.writeOrder(order);
        clearAttempt(variables.idempotencyKey);
        // The order emptied the cart: fetch it again now. By now "My orders" has replaced this
        // page and nothing on screen may read the cart, so invalidating would refetch nothing
        // (a query hydrated while pending and never observed counts as disabled); the header's
        // count follows the query (trpc/client.tsx), so it is fetched whoever reads it.
        void queryClient.fetchQuery({ ...trpc.cart.get.queryOptions(), staleTime: 0 }).catch(() => undefined);
      },
      onError(error, variables) {
        if (!error.data) {
          toast.error("We lost the connection while placing your order", {
            description: "We will finish it when you come back to My orders — it will never be placed twice.",
          });
          return;
        }
        clearAttempt(variables.idempotencyKey);
        toast.error("Your order was not placed", { description: `${error.message} Nothing was charged and your cart is unchanged.` });
      },
    }),
  );
}

/** Orders being placed right now (this tab), for the optimistic rows. */
export function usePlacingOrders(): CheckoutVariables[] {
  const trpc = useTRPC();
  return useMutationState({
    filters: { mutationKey: trpc.cart.checkout.mutationKey(), status: "pending" },
    select: (mutation) => mutation.state.variables as CheckoutVariables,
  });
}
