import { cartQueryKey, getQueryClient, makeTRPCClient } from "@/trpc/client";

/*
 * Loaded on the first "Add to cart" click (add-to-cart-button.tsx), so the tRPC and TanStack
 * Query clients are not in the catalog's first load. The new cart goes into the tab's query
 * client, which the header's count follows (trpc/client.tsx), and a page that reads the cart
 * query next starts from it.
 */
const client = makeTRPCClient();

// One add at a time, page-wide: a visitor's first add makes them a guest (its answer sets the
// session cookie), and a second add sent before that answer would make another guest.
let previous: Promise<unknown> = Promise.resolve();

/** Adds one unit of `sku`; resolves with the new cart once the server has answered. */
export function addToCart(sku: string) {
  const adding = previous.then(() => client.cart.add.mutate({ sku, quantity: 1 }));
  previous = adding.catch(() => undefined);
  return adding.then((cart) => {
    getQueryClient().setQueryData(cartQueryKey, cart);
    return cart;
  });
}
