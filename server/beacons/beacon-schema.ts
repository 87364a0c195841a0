import "server-only";
import { z } from "zod";
import { BEACON_PAGES, MAX_MEASUREMENT_MS, MAX_MEASUREMENTS_PER_BEACON, type Beacon } from "@/lib/beacon-shape";
import { ORDER_STATUSES } from "@/lib/order-state";

const METRICS = ["optimistic_row", "server_answer", "inp", "page_view", ...ORDER_STATUSES.map((s) => `status.${s}` as const)] as const;

/**
 * A beacon as POST /api/beacons accepts it (lib/beacon-shape.ts): known pages and metrics
 * only, whole non-negative milliseconds up to a day, at most MAX_MEASUREMENTS_PER_BEACON, and
 * nothing else — unknown keys are refused, so no field can carry anything about the shopper.
 */
export const beaconSchema = z
  .object({
    page: z.enum(BEACON_PAGES),
    measurements: z
      .array(
        z
          .object({
            metric: z.enum(METRICS),
            value_ms: z.number().min(0).max(MAX_MEASUREMENT_MS).transform(Math.round),
            transport: z.enum(["sse", "polling"]).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_MEASUREMENTS_PER_BEACON),
  })
  .strict() satisfies z.ZodType<Beacon, unknown>;
