import "server-only";
import type { Overview, OverviewWindow } from "@/lib/admin-overview";
import { loggerFor } from "@/server/logging/logger";

const log = loggerFor("admin");

type Listener = (overview: Overview) => void;

const MIN_INTERVAL_MS = 500;

/**
 * One overview computation per window per process, shared by every admin watching it, at
 * most twice a second: whether 5 or 500 orders arrive per second, each browser receives at
 * most 2 updates/s, and the database answers the overview's queries once per tick, not
 * once per viewer. Nothing runs while nobody watches.
 */
export class OverviewBroadcaster {
  private readonly listeners = new Map<OverviewWindow, Set<Listener>>();
  private readonly running = new Set<OverviewWindow>();

  /** `compute` reads the overview of a window (get-overview.ts over the process's database and queues). */
  constructor(private readonly compute: (window: OverviewWindow) => Promise<Overview>) {}

  subscribe(window: OverviewWindow, listener: Listener): () => void {
    let set = this.listeners.get(window);
    if (!set) this.listeners.set(window, (set = new Set()));
    set.add(listener);
    if (!this.running.has(window)) void this.loop(window);
    return () => set.delete(listener);
  }

  private async loop(window: OverviewWindow): Promise<void> {
    this.running.add(window);
    try {
      while ((this.listeners.get(window)?.size ?? 0) > 0) {
        try {
          const computed = await this.compute(window);
          // Stamped as it goes out, and the pause counted from here: however long a
          // computation takes under load, two deliveries are at least MIN_INTERVAL_MS apart.
          const overview = { ...computed, generatedAt: new Date().toISOString() };
          for (const listener of this.listeners.get(window) ?? []) listener(overview);
        } catch (err) {
          log.error({ err }, "overview failed");
        }
        await new Promise((resolve) => setTimeout(resolve, MIN_INTERVAL_MS));
      }
    } finally {
      this.running.delete(window);
    }
  }
}

const encoder = new TextEncoder();

/**
 * The overview as Server-Sent Events: `event: overview` whenever it changed, heartbeats
 * between. `onClose` runs once when the stream ends, however it ends.
 */
export function overviewStream(broadcaster: OverviewBroadcaster, window: OverviewWindow, signal: AbortSignal, heartbeatSeconds: number, onClose: () => void = () => {}): ReadableStream<Uint8Array> {
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let last = "";
      let closed = false;
      const unsubscribe = broadcaster.subscribe(window, (overview) => {
        // Only what changed is worth a browser's render: compare without the timestamp.
        const fingerprint = JSON.stringify({ ...overview, generatedAt: undefined, oldestWaitingJob: overview.oldestWaitingJob?.queue });
        if (closed || fingerprint === last) return;
        last = fingerprint;
        controller.enqueue(encoder.encode(`event: overview\ndata: ${JSON.stringify(overview)}\n\n`));
      });
      const heartbeat = setInterval(() => controller.enqueue(encoder.encode(": heartbeat\n\n")), heartbeatSeconds * 1000);
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        onClose();
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      };
      // A client that left while it was being authorised has already aborted.
      if (signal.aborted) cleanup();
      else signal.addEventListener("abort", () => cleanup(), { once: true });
    },
    cancel() {
      cleanup();
    },
  });
}
