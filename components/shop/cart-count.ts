import { useSyncExternalStore } from "react";

/*
 * The header's cart count, outside React Query (decision 016): the header is on every page,
 * and the catalog and product pages ship neither the TanStack Query nor the tRPC client.
 * The tab's query client publishes every new answer of the cart query here (trpc/client.tsx),
 * whichever page wrote it, and the header publishes what a server render brought.
 */
let published: number | undefined;
const listeners = new Set<() => void>();

export function publishCartCount(count: number): void {
  if (count === published) return;
  published = count;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The latest published count, or the one the server rendered until something is published. */
export function useCartCount(rendered: number): number {
  return useSyncExternalStore(
    subscribe,
    () => published ?? rendered,
    () => rendered,
  );
}
