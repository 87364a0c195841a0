import "server-only";
import type { Percentiles } from "@/lib/admin-overview";

/**
 * The fixed latency histogram of the admin rollups (decision 018), the same buckets as the
 * SQL function admin_latency_bucket (migration 0006): four log-spaced buckets per doubling,
 * bucket 1 is < 1 ms, bucket k in 2..71 is [2^((k-2)/4), 2^((k-1)/4)) ms, bucket 72 is
 * everything from 2^17.5 ms (~3 min) up. Arrays are 0-based here, 1-based in SQL.
 */
export const HISTOGRAM_BUCKETS = 72;
const PER_DOUBLING = 4;

export type Histogram = number[];

export function emptyHistogram(): Histogram {
  return new Array<number>(HISTOGRAM_BUCKETS).fill(0);
}

/** 0-based bucket of a latency, as admin_latency_bucket(ms) - 1. */
export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(HISTOGRAM_BUCKETS - 1, 1 + Math.floor((PER_DOUBLING * Math.log(ms)) / Math.LN2));
}

function bucketBounds(bucket: number): [number, number] {
  if (bucket === 0) return [0, 1];
  const low = 2 ** ((bucket - 1) / PER_DOUBLING);
  return [low, bucket === HISTOGRAM_BUCKETS - 1 ? low : 2 ** (bucket / PER_DOUBLING)];
}

/** Adds `from` into `into` (same length), returning `into`. */
export function addInto(into: Histogram, from: readonly number[]): Histogram {
  for (let i = 0; i < into.length; i++) into[i]! += from[i] ?? 0;
  return into;
}

/**
 * The q-quantile (0..1) read from the histogram: the bucket holding that rank, interpolated
 * geometrically inside it by the rank's place among the bucket's samples. A bucket spans
 * a factor of 2^(1/4) ≈ 1.19, so the estimate is within 19 % of the exact value, and within
 * about 9 % when the samples spread evenly (in log) inside their bucket.
 */
export function quantile(histogram: readonly number[], q: number): number | null {
  const total = histogram.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let bucket = 0; bucket < histogram.length; bucket++) {
    const n = histogram[bucket]!;
    if (n > 0 && below + n >= rank) {
      const [low, high] = bucketBounds(bucket);
      const within = Math.min(1, Math.max(0, (rank - below) / n));
      return bucket === 0 ? low + (high - low) * within : low * (high / low) ** within;
    }
    below += n;
  }
  return bucketBounds(histogram.length - 1)[0];
}

export function percentilesOf(histogram: readonly number[]): Percentiles {
  const at = (q: number) => {
    const value = quantile(histogram, q);
    return value === null ? null : Math.round(value);
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
