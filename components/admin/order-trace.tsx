"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/lib/utils";
import type { OrderTrace } from "@/server/admin/get-order-trace";
import { useTRPC } from "@/trpc/client";
import { formatMs } from "./format";

/** Spans of an order in flight keep arriving (each process writes its own once a second). */
const REFRESH_MS = 3000;

const SERVICE_COLOR: Record<string, string> = {
  "conveyor-web": "bg-blue-600",
  "conveyor-worker": "bg-emerald-600",
  "conveyor-simulators": "bg-violet-600",
};

/**
 * The order's trace as a waterfall (decision 034): one row per span, nested under its parent,
 * a bar from its start for its duration on the trace's time axis; a job's queue wait is the
 * lighter part before its bar, a stretch where nothing of the trace ran (a back-order waiting
 * for stock) is dashed amber, a failed span is red with its error, and a span another trace
 * caused (a restock resuming a back-order) names that cause. Rendered with the page, then
 * refreshed while the admin looks at it.
 */
export function OrderTraceView({ orderId, initial }: { orderId: string; initial: OrderTrace }) {
  const trpc = useTRPC();
  const trace = useQuery({ ...trpc.admin.orderTrace.queryOptions({ orderId }), initialData: initial, refetchInterval: REFRESH_MS }).data;
  const pct = (ms: number) => `${(ms / trace.totalMs) * 100}%`;
  return (
    <Card data-trace-id={trace.traceId ?? ""}>
      <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-2">
        <CardTitle>
          <h2>Trace</h2>
        </CardTitle>
        <div className="flex flex-wrap items-center gap-3 text-sm text-muted-foreground">
          {trace.traceId && <span className="font-mono text-xs">{trace.traceId}</span>}
          {trace.externalUrl && (
            <a className="font-medium text-primary underline underline-offset-4" href={trace.externalUrl} target="_blank" rel="noreferrer">
              Open in your tracing tool
            </a>
          )}
        </div>
      </CardHeader>
      <CardContent>
        {trace.spans.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            {!trace.traceId
              ? "This order was placed before tracing."
              : trace.retentionDays === 0
                ? "Spans are not kept here (TRACE_RETENTION_DAYS=0)."
                : `No spans kept for this trace (they are kept ${trace.retentionDays} days).`}
          </p>
        ) : (
          <ol className="grid gap-1" aria-label="Order trace">
            {trace.spans.map((span) => (
              <li key={span.spanId} className="grid gap-1 sm:grid-cols-[minmax(0,22rem)_1fr] sm:items-center sm:gap-3" data-span={span.name} data-error={span.error ? "true" : undefined}>
                <div className="min-w-0" style={{ paddingLeft: `${Math.min(span.depth, 8) * 0.75}rem` }}>
                  <p className={cn("truncate text-sm font-medium", span.error && "text-destructive")} title={span.name}>
                    {span.name}
                    {span.attempt !== undefined && span.attempt > 1 && <span className="text-muted-foreground"> · attempt {span.attempt}</span>}
                  </p>
                  <p className="text-xs break-words text-muted-foreground">
                    <Badge variant="outline" className="mr-1 px-1 py-0 text-[10px]">
                      {span.service.replace(/^conveyor-/, "")}
                    </Badge>
                    +{formatMs(span.startMs)} · {formatMs(span.durationMs)}
                    {span.queueWaitMs !== undefined && ` · queued ${formatMs(span.queueWaitMs)}`}
                    {span.idleBeforeMs !== undefined && ` · after ${formatMs(span.idleBeforeMs)} idle`}
                    {span.causedBy.length > 0 && ` · linked: ${span.causedBy.join(", ")}`}
                    {span.error && ` · ${span.error.slice(0, 80)}`}
                  </p>
                </div>
                <div className="relative h-3 rounded bg-muted" aria-hidden>
                  {span.idleBeforeMs !== undefined && (
                    <span
                      className="absolute top-1 h-1 border-t-2 border-dashed border-amber-500"
                      style={{ left: pct(span.startMs - (span.queueWaitMs ?? 0) - span.idleBeforeMs), width: pct(span.idleBeforeMs) }}
                    />
                  )}
                  {span.queueWaitMs !== undefined && (
                    <span
                      className={cn("absolute top-0 h-3 rounded-l opacity-30", SERVICE_COLOR[span.service] ?? "bg-slate-500")}
                      style={{ left: pct(span.startMs - span.queueWaitMs), width: `max(2px, ${pct(span.queueWaitMs)})` }}
                    />
                  )}
                  <span
                    className={cn("absolute top-0 h-3 rounded", span.error ? "bg-red-600" : (SERVICE_COLOR[span.service] ?? "bg-slate-500"))}
                    style={{ left: pct(span.startMs), width: `max(2px, ${pct(span.durationMs)})` }}
                  />
                </div>
              </li>
            ))}
          </ol>
        )}
        {trace.truncated && <p className="mt-2 text-xs text-muted-foreground">Only the first spans are drawn.</p>}
      </CardContent>
    </Card>
  );
}
