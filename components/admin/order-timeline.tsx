"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/lib/utils";
import type { OrderTimeline, TimelineEntry } from "@/server/admin/get-order-timeline";
import { useTRPC } from "@/trpc/client";
import { formatMs, formatTime, statusLabel } from "./format";

const KIND_COLOR: Record<TimelineEntry["kind"], string> = {
  accepted: "bg-blue-600",
  status: "bg-slate-500",
  job: "bg-emerald-600",
  job_queued: "bg-amber-500",
  dead_letter: "bg-red-600",
  webhook: "bg-violet-600",
  email: "bg-sky-600",
  compensation: "bg-orange-600",
  review: "bg-fuchsia-600",
};

/** One order's waterfall: each bar starts when the step was queued; the lighter part is queue wait. */
export function OrderTimelineView({ orderId, initial }: { orderId: string; initial: OrderTimeline }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timeline = useQuery({ ...trpc.admin.order.queryOptions({ orderId }), initialData: initial, refetchInterval: 2000 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.order.queryKey({ orderId }) });
  const cancel = useMutation(
    trpc.admin.cancelOrder.mutationOptions({
      onSuccess: () => {
        toast.success(`Order ${orderId} cancelled; stock released, payment reversed`);
        void refresh();
      },
      onError: (e) => toast.error("Could not cancel", { description: e.message }),
    }),
  );
  const retry = useMutation(
    trpc.admin.retryStep.mutationOptions({
      onSuccess: (r) => {
        toast.success(r.retried > 0 ? `Retrying (${r.retried} job)` : "Nothing left to retry");
        void refresh();
      },
      onError: (e) => toast.error("Could not retry", { description: e.message }),
    }),
  );
  const { order, entries, retryableSteps, cancellable } = timeline.data;
  const start = Date.parse(entries[0]?.at ?? order.created_at);
  const end = Math.max(start + 1, ...entries.map((e) => Date.parse(e.endAt ?? e.at)));
  const span = end - start;
  const pct = (t: number) => `${((t - start) / span) * 100}%`;

  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-start justify-between gap-3" data-order-id={order.order_id} data-status={order.status}>
        <div className="grid gap-1">
          <h1 className="font-mono text-xl font-semibold">{order.order_id}</h1>
          <p className="text-sm text-muted-foreground">
            {order.shopper_email} · {order.total.toFixed(2)} {order.currency} · {order.payment_method} · placed {formatTime(order.created_at)}
            {order.tracking && <> · tracking <span className="font-mono">{order.tracking}</span></>}
          </p>
          <div className="flex gap-2">
            <Badge className="capitalize">{statusLabel(order.status)}</Badge>
            {order.lab && <Badge variant="outline">lab order</Badge>}
          </div>
        </div>
        <div className="flex flex-wrap gap-2">
          {retryableSteps.map((queue) => (
            <Button key={queue} variant="outline" disabled={retry.isPending} onClick={() => retry.mutate({ orderId, queue })}>
              Retry {queue}
            </Button>
          ))}
          {cancellable && (
            <Button variant="destructive" disabled={cancel.isPending} onClick={() => cancel.mutate({ orderId })}>
              Cancel order
            </Button>
          )}
        </div>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>
            <h2>Timeline</h2>
          </CardTitle>
        </CardHeader>
        <CardContent>
          <ol className="grid gap-2" aria-label="Order timeline">
            {entries.map((entry, i) => {
              const at = Date.parse(entry.at);
              const waitEnd = at + (entry.queueWaitMs ?? 0);
              const finish = Date.parse(entry.endAt ?? entry.at);
              return (
                <li key={i} className="grid gap-1 sm:grid-cols-[minmax(0,18rem)_1fr] sm:items-center sm:gap-3" data-kind={entry.kind} data-outcome={entry.outcome}>
                  <div className="min-w-0">
                    <p className={cn("truncate text-sm font-medium", entry.outcome === "failed" || entry.kind === "dead_letter" ? "text-destructive" : "")}>{entry.label}</p>
                    <p className="text-xs text-muted-foreground">
                      +{formatMs(at - start)}
                      {entry.queueWaitMs !== undefined && ` · waited ${formatMs(entry.queueWaitMs)} · ran ${formatMs(entry.runMs)}`}
                    </p>
                  </div>
                  <div className="relative h-4 rounded bg-muted" aria-hidden>
                    {entry.queueWaitMs !== undefined && (
                      <span className={cn("absolute top-0 h-4 rounded-l opacity-35", KIND_COLOR[entry.kind])} style={{ left: pct(at), width: `max(2px, calc(${pct(waitEnd)} - ${pct(at)}))` }} />
                    )}
                    <span
                      className={cn("absolute top-0 h-4 rounded", KIND_COLOR[entry.kind], entry.outcome === "failed" && "bg-red-600")}
                      style={{ left: pct(waitEnd), width: `max(3px, calc(${pct(finish)} - ${pct(waitEnd)}))` }}
                    />
                  </div>
                  {(entry.error || entry.payload !== undefined) && (
                    <details className="text-xs sm:col-span-2">
                      <summary className="cursor-pointer text-muted-foreground">{entry.error ? `Error: ${entry.error.slice(0, 120)}` : "Payload"}</summary>
                      <pre className="mt-1 max-h-64 overflow-auto rounded bg-muted p-2 whitespace-pre-wrap break-all">
                        {entry.error ? `${entry.error}\n\n` : ""}
                        {typeof entry.payload === "string" ? entry.payload : JSON.stringify(entry.payload, null, 2)}
                      </pre>
                    </details>
                  )}
                </li>
              );
            })}
          </ol>
        </CardContent>
      </Card>
    </div>
  );
}
