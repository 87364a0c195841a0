/**
 * What the shop's pages report by beacon and the limits the ingest holds them to (decision
 * 035), shared by the browser's reporter (lib/shopper-beacons.ts) and POST /api/beacons.
 * Client-safe: no server imports, no zod (the server validates with its own schema).
 */
import type { OrderStatus } from "./order-state";

export const BEACON_PATH = "/api/beacons";

/** The pages whose live statuses are measured: route templates, never URLs with ids. */
export const BEACON_PAGES = ["/checkout", "/orders", "/orders/[id]"] as const;
export type BeaconPage = (typeof BEACON_PAGES)[number];

/** How live statuses reached the page (use-live-orders.ts): the stream, or polling after it failed. */
export type BeaconTransport = "sse" | "polling";

/**
 * - `optimistic_row`: click on "Place order" → the "placing" row painted.
 * - `server_answer`: click → the checkout's answer arrived.
 * - `status.<status>`: click → that status first shown for the order placed (with the transport it came by).
 * - `inp`: the page's Interaction to Next Paint (web-vitals).
 * - `page_view`: one per view that followed open orders live; its transport is "polling" when
 *   the view fell back at any time, its value how long the view had lasted when reported.
 */
export type BeaconMetric = "optimistic_row" | "server_answer" | "inp" | "page_view" | `status.${OrderStatus}`;

export type Measurement = { metric: BeaconMetric; value_ms: number; transport?: BeaconTransport };
export type Beacon = { page: BeaconPage; measurements: Measurement[] };

/** A beacon's body at most (413 past it): a full one is about 2 KiB. */
export const MAX_BEACON_BYTES = 4096;
/** Measurements in one beacon at most (400 past it). */
export const MAX_MEASUREMENTS_PER_BEACON = 32;
/** Longest figure accepted: a day (an order followed that long is still one view). */
export const MAX_MEASUREMENT_MS = 86_400_000;
