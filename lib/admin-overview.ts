/**
 * The admin overview's shape, shared by the server that computes it and the page that
 * draws it (client-safe: no server imports).
 */
import type { OrderStatus } from "./order-state";

export const OVERVIEW_WINDOWS = { "5m": 5, "15m": 15, "1h": 60, "6h": 360, "24h": 1440 } as const;
export type OverviewWindow = keyof typeof OVERVIEW_WINDOWS;

export type Percentiles = { p50: number | null; p95: number | null; p99: number | null };

export type QueueDepth = {
  queue: string;
  /** Jobs due now and not yet taken. */
  waiting: number;
  /** Failed attempts backing off before their next try. */
  retrying: number;
  /** Jobs deliberately due later (a payment lookup minutes after the charge, say): not trouble. */
  scheduled: number;
  active: number;
  dead: number;
  oldestWaitingAt: string | null;
};

export type StepTiming = { queue: string; attempts: number; failed: number; queueWaitMs: Percentiles; runMs: Percentiles };

export type OverviewBucket = { at: string; accepted: number; confirmed: number; confirmMs: Percentiles };

export type Overview = {
  generatedAt: string;
  window: OverviewWindow;
  statusCounts: Record<OrderStatus, number>;
  queues: QueueDepth[];
  throughputPerMinute: { accepted: number; confirmed: number };
  acceptToConfirmedMs: Percentiles;
  series: OverviewBucket[];
  steps: StepTiming[];
  workers: { alive: number; lastSeenAt: string | null };
  oldestWaitingJob: { queue: string; createdAt: string; ageMs: number } | null;
};

/** One page's figure for one metric over the window (decision 035): what shoppers' browsers reported. */
export type ShopperFigure = { page: string; metric: string; count: number; p50: number | null; p75: number | null };

/** Page views that followed open orders live, and how many of them fell back to polling. */
export type ShopperViews = { page: string; views: number; polling: number };

/** The overview's "What shoppers saw" panel (admin.shopperExperience). */
export type ShopperExperience = {
  window: OverviewWindow;
  figures: ShopperFigure[];
  views: ShopperViews[];
  /** Share (0..1) of all views that fell back to polling; null without views. */
  fallbackShare: number | null;
};
