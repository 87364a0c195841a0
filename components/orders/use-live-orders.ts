"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { isFinalStatus } from "@/lib/order-state";
import type { StatusUpdate } from "@/lib/merge-order";
import { LiveView, type BeaconPage } from "@/lib/shopper-beacons";
import { useTRPC } from "@/trpc/client";
import { useOrderCache } from "./use-order-cache";

/** How the page is kept current (`data-live`, docs/api.md, "Browser hooks for end-to-end suites"). */
export type LiveMode = "sse" | "polling" | "offline";

export const POLL_INTERVAL_MS = 2_000;

function subscribeOnline(onChange: () => void) {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
}

function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine, () => true);
}

/**
 * ONE EventSource per page for all the given (not yet final) orders. Pushed updates go into
 * the cache through the one merge. When the stream fails the mode becomes "polling" — the
 * queries then refetch every POLL_INTERVAL_MS until all shown orders are final — and the
 * browser keeps retrying the stream; once it opens again the mode is back to "sse".
 * The view of `page` is reported by beacon (lib/shopper-beacons.ts): whether it fell back.
 */
export function useLiveOrders(orderIds: string[], page: BeaconPage): LiveMode {
  const cache = useOrderCache();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const online = useOnline();
  const [streamFailed, setStreamFailed] = useState(false);
  // The stream keeps covering orders that become final (the server skips them); only a new
  // open order it does not cover makes a new stream, so a page holds one at a time.
  const wanted = [...new Set(orderIds)].sort();
  const [ids, setIds] = useState(wanted.join(","));
  const covered = ids ? ids.split(",") : [];
  const nextIds = wanted.length === 0 ? "" : wanted.every((id) => covered.includes(id)) ? ids : wanted.join(",");
  if (nextIds !== ids) setIds(nextIds);

  useEffect(() => {
    if (!ids) return;
    const streamed = ids.split(",");
    const finished = new Set<string>();
    const source = new EventSource(`/api/orders/events?ids=${encodeURIComponent(ids)}`);
    source.addEventListener("open", () => setStreamFailed(false));
    source.addEventListener("status_update", (event) => {
      const update = JSON.parse((event as MessageEvent<string>).data) as StatusUpdate;
      cache.applyUpdate({ ...update, id: (event as MessageEvent).lastEventId || undefined });
      if (isFinalStatus(update.status)) {
        finished.add(update.order_id);
        // The stream carries statuses; one read at the end fills in any timeline steps a
        // reconnect skipped (merged like everything else, so it cannot regress anything).
        void queryClient.invalidateQueries({ queryKey: trpc.orders.get.queryKey({ orderId: update.order_id }) });
      }
      // The server ends the stream after the last final status; do not let the browser reconnect.
      if (finished.size === streamed.length) source.close();
    });
    source.addEventListener("error", () => {
      if (finished.size < streamed.length) setStreamFailed(true);
    });
    return () => source.close();
  }, [ids, cache, queryClient, trpc]);

  const view = useRef<LiveView | null>(null);
  useEffect(() => {
    const started = new LiveView(page);
    view.current = started;
    return () => started.end();
  }, [page]);
  useEffect(() => view.current?.update(ids !== "", streamFailed ? "polling" : "sse"));

  if (!online) return "offline";
  return streamFailed ? "polling" : "sse";
}
