"use client";

import { useEffect, useState } from "react";
import type { BatchView } from "@/lib/contract";

/** Streams followed at once, well under the per-shopper stream cap (SSE_MAX_STREAMS_PER_SHOPPER). */
export const MAX_FOLLOWED_BATCHES = 5;

/**
 * The newest state of each batch in progress, from GET /api/batches/{id}/events (the current
 * state first, then at most once a second while it changes; the server ends the stream once the
 * batch is no longer in progress, and then so does this). The EventSource reconnects by itself
 * after a network failure and gets the current state first again.
 */
export function useBatchProgress(batchIds: string[]): Record<string, BatchView> {
  const [latest, setLatest] = useState<Record<string, BatchView>>({});
  const followed = batchIds.slice(0, MAX_FOLLOWED_BATCHES).join(",");
  useEffect(() => {
    if (!followed) return;
    const sources = followed.split(",").map((batchId) => {
      const source = new EventSource(`/api/batches/${batchId}/events`);
      source.addEventListener("batch_progress", (event) => {
        const view = JSON.parse((event as MessageEvent<string>).data) as BatchView;
        setLatest((current) => ({ ...current, [view.batch_id]: view }));
        if (view.status !== "in_progress") source.close();
      });
      return source;
    });
    return () => sources.forEach((source) => source.close());
  }, [followed]);
  return latest;
}
