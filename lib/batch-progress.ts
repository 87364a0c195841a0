import type { BatchView } from "./contract";

/** Lines rejected or final, in whole percent (the "Batch progress" bar of /account/batches). */
export function percentFinal(view: Pick<BatchView, "counts">): number {
  const { total, open } = view.counts;
  return total === 0 ? 100 : Math.floor(((total - open) * 100) / total);
}
