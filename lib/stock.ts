/** What a shopper is told about availability. Client-safe. */
export const LOW_STOCK_THRESHOLD = 5;

export type StockLevel = { kind: "in_stock" | "low" | "backorder"; label: string };

export function stockLevel(units: number): StockLevel {
  if (units <= 0) return { kind: "backorder", label: "Back-order — ships when restocked" };
  if (units <= LOW_STOCK_THRESHOLD) return { kind: "low", label: `Only ${units} left` };
  return { kind: "in_stock", label: "In stock" };
}
