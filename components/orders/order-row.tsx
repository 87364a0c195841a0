import { ChevronRightIcon } from "lucide-react";
import Link from "next/link";
import { formatMoney } from "@/lib/money";
import type { ShownStatus } from "@/lib/order-presentation";
import { StatusBadge } from "./status-badge";

export type OrderRowData = {
  orderId: string;
  status: ShownStatus;
  createdAt?: string;
  summary: string;
  totalCents?: number;
  currency: string;
  tracking?: string;
};

export function itemsSummary(items: { name: string; quantity: number }[]): string {
  return items.map((i) => `${i.quantity} × ${i.name}`).join(", ");
}

/** One order in "My orders" (docs/api.md, "Browser hooks for end-to-end suites": data-order-id, data-status). "placing" rows have no page yet. */
export function OrderRow({ order }: { order: OrderRowData }) {
  const placing = order.status === "placing";
  const body = (
    <div className="flex items-center gap-3 p-4">
      <div className="grid min-w-0 flex-1 gap-1">
        <div className="flex flex-wrap items-center gap-2">
          <StatusBadge status={order.status} />
          <span className="font-mono text-xs text-muted-foreground">{placing ? "New order" : order.orderId}</span>
        </div>
        <p className="truncate text-sm">{order.summary}</p>
        <p className="text-xs text-muted-foreground">
          {placing ? "Placing your order…" : order.createdAt ? <time dateTime={order.createdAt} suppressHydrationWarning>{new Date(order.createdAt).toLocaleString()}</time> : null}
          {order.tracking ? ` · Tracking ${order.tracking}` : null}
        </p>
      </div>
      {order.totalCents !== undefined && <p className="tabular shrink-0 font-medium">{formatMoney(order.totalCents, order.currency)}</p>}
      {!placing && <ChevronRightIcon aria-hidden className="size-4 shrink-0 text-muted-foreground" />}
    </div>
  );
  return (
    <li data-order-id={order.orderId} data-status={order.status} aria-busy={placing || undefined} className="rounded-lg border bg-card transition-colors hover:bg-accent/40">
      {placing ? (
        body
      ) : (
        <Link href={`/orders/${order.orderId}`} className="block rounded-lg outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50">
          {body}
        </Link>
      )}
    </li>
  );
}
