/**
 * What shoppers actually saw, measured in their browser and reported with
 * `navigator.sendBeacon` to our own POST /api/beacons (decision 035; no third party). Browser
 * only; kept small because it rides in the checkout's and the order pages' bundles, and
 * web-vitals (for INP) is imported only after the page has loaded.
 *
 * Sent: when an order placed from this tab reaches a final status (its timings are complete),
 * and when the page is hidden or left (everything still queued, the views' page_view, INP).
 */
import { isFinalStatus } from "./order-state";
import { BEACON_PATH, MAX_MEASUREMENTS_PER_BEACON, type BeaconMetric, type BeaconPage, type BeaconTransport, type Measurement } from "./beacon-shape";

export type { BeaconPage };

const queued = new Map<BeaconPage, Measurement[]>();
/** Clicks on "Place order" by idempotency key, then by order id once answered: when, and on which page. */
const clicks = new Map<string, { at: number; page: BeaconPage; shown: Set<string> }>();
const views = new Set<LiveView>();
let currentPage: BeaconPage | undefined;
let listening = false;

function measure(page: BeaconPage, metric: BeaconMetric, valueMs: number, transport?: BeaconTransport): void {
  listen();
  const list = queued.get(page) ?? [];
  list.push({ metric, value_ms: Math.max(0, Math.round(valueMs)), ...(transport ? { transport } : {}) });
  queued.set(page, list);
  // Reported while the page is going away (web-vitals' INP comes then): send at once.
  if (document.visibilityState === "hidden") flush();
}

/** Sends everything queued, one beacon per page and at most MAX_MEASUREMENTS_PER_BEACON each. */
function flush(): void {
  for (const [page, list] of queued) {
    for (let i = 0; i < list.length; i += MAX_MEASUREMENTS_PER_BEACON) {
      const body = JSON.stringify({ page, measurements: list.slice(i, i + MAX_MEASUREMENTS_PER_BEACON) });
      // A string goes as text/plain: no preflight, and the browser delivers it even as the page unloads.
      if (!navigator.sendBeacon?.(BEACON_PATH, body)) void fetch(BEACON_PATH, { method: "POST", body, keepalive: true }).catch(() => {});
    }
  }
  queued.clear();
}

function leaving(): void {
  for (const view of views) view.end();
  flush();
}

function listen(): void {
  if (listening) return;
  listening = true;
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && leaving());
  window.addEventListener("pagehide", leaving);
  // INP from web-vitals, loaded after the page so it is never part of the first load.
  const loadVitals = () =>
    void import("web-vitals").then(({ onINP }) => onINP((metric) => currentPage && measure(currentPage, "inp", metric.value))).catch(() => {});
  if (document.readyState === "complete") loadVitals();
  else window.addEventListener("load", loadVitals, { once: true });
}

const sinceClick = (at: number) => performance.now() - at;

/** The shopper clicked "Place order" for the attempt `idempotencyKey`. */
export function checkoutClicked(idempotencyKey: string, page: BeaconPage): void {
  listen();
  clicks.set(idempotencyKey, { at: performance.now(), page, shown: new Set() });
}

/** The attempt's optimistic "placing" row is on screen. */
export function optimisticRowShown(idempotencyKey: string): void {
  const click = clicks.get(idempotencyKey);
  if (!click || click.shown.has("optimistic_row")) return;
  click.shown.add("optimistic_row");
  measure(click.page, "optimistic_row", sinceClick(click.at));
}

/** The server answered the attempt with `orderId`: from now on its statuses are timed. */
export function checkoutAnswered(idempotencyKey: string, orderId: string): void {
  const click = clicks.get(idempotencyKey);
  if (!click) return;
  clicks.delete(idempotencyKey);
  clicks.set(orderId, click);
  measure(click.page, "server_answer", sinceClick(click.at));
}

/** `status` of `orderId` is on screen (orders this tab did not place are ignored). */
export function statusShown(orderId: string, status: string, transport: BeaconTransport): void {
  const click = clicks.get(orderId);
  if (!click || click.shown.has(status)) return;
  click.shown.add(status);
  measure(click.page, `status.${status}` as BeaconMetric, sinceClick(click.at), transport);
  if (isFinalStatus(status as Parameters<typeof isFinalStatus>[0])) {
    clicks.delete(orderId);
    flush();
  }
}

/**
 * A view of a page that follows orders live: reported once (when it ends, or the page is
 * hidden) if it followed any open order, with "polling" when it fell back at any time.
 */
export class LiveView {
  private readonly startedAt = performance.now();
  private followed = false;
  private fellBack = false;
  private done = false;

  constructor(private readonly page: BeaconPage) {
    listen();
    currentPage = page;
    views.add(this);
  }

  update(following: boolean, transport: BeaconTransport): void {
    this.followed ||= following;
    this.fellBack ||= following && transport === "polling";
  }

  end(): void {
    views.delete(this);
    if (this.done || !this.followed) return;
    this.done = true;
    measure(this.page, "page_view", performance.now() - this.startedAt, this.fellBack ? "polling" : "sse");
  }
}
