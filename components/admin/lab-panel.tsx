"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Progress } from "@/components/ui/progress";
import { TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { inferRouterOutputs } from "@trpc/server";
import type { LabModeResult } from "@/server/db/schema";
import type { AppRouter } from "@/server/trpc/root";
import { useTRPC } from "@/trpc/client";
import { ScrollTable } from "./scroll-table";
import { formatMs, formatTime } from "./format";
import { TimeSeriesChart } from "./time-series-chart";

/** A run as JSON delivers it (dates as strings). */
type Run = inferRouterOutputs<AppRouter>["admin"]["labRuns"][number];

const MODE_LABEL: Record<string, string> = {
  direct: "direct — the request waits on payment → fraud → risk",
  wait: "wait — real intake with Prefer: wait",
  async: "async — real intake, 202, then SSE",
};
const MODE_COLOR: Record<string, string> = { direct: "#dc2626", wait: "#d97706", async: "#16a34a" };

/** Start runs, watch progress (runs are jobs: closing the tab does not stop them), compare results. */
export function LabPanel({ initial }: { initial: Run[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [orders, setOrders] = useState(50);
  const [concurrency, setConcurrency] = useState(20);
  const runs = useQuery({
    ...trpc.admin.labRuns.queryOptions(),
    initialData: initial,
    refetchInterval: (query) => ((query.state.data ?? []).some((r) => r.status === "queued" || r.status === "running") ? 500 : 5000),
  });
  const start = useMutation(
    trpc.admin.startLabRun.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.admin.labRuns.queryKey() }),
      onError: (e) => toast.error("Could not start the run", { description: e.message }),
    }),
  );
  const all = runs.data;
  const active = all.find((r) => r.status === "queued" || r.status === "running");
  const latest = all.find((r) => r.status === "finished");

  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Lab: synchronous vs asynchronous checkout</h1>
        <p className="max-w-prose text-sm text-muted-foreground">
          N checkouts at concurrency C in each mode, under the current downstream settings (set a risk spike on the Services page to see the cascade). Each mode first sends C unmeasured warm-up checkouts, so the figures describe steady load rather than one opening burst. Lab orders are marked and left out of shop figures.
        </p>
      </div>
      <form
        className="flex flex-wrap items-end gap-3 rounded-lg border p-4"
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate({ orders, concurrency });
        }}
      >
        <div className="grid gap-1">
          <Label htmlFor="lab-orders">Orders</Label>
          <Input id="lab-orders" type="number" min={1} max={200} className="w-28" value={orders} onChange={(e) => setOrders(Number(e.target.value))} />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="lab-concurrency">Concurrency</Label>
          <Input id="lab-concurrency" type="number" min={1} max={50} className="w-28" value={concurrency} onChange={(e) => setConcurrency(Number(e.target.value))} />
        </div>
        <Button type="submit" disabled={start.isPending || active !== undefined}>
          Run
        </Button>
        {active && (
          <div className="grid min-w-48 flex-1 gap-1" data-run-status={active.status}>
            <p className="text-sm" id="lab-progress-label">
              {active.status === "queued" ? "Queued…" : `Running: ${active.completed} of ${active.orders * 3} checkouts`}
            </p>
            <Progress value={(active.completed / (active.orders * 3)) * 100} aria-labelledby="lab-progress-label" />
          </div>
        )}
      </form>

      {latest ? <RunResults run={latest} /> : <p className="rounded-lg border border-dashed p-10 text-center text-muted-foreground">No run yet. Press Run.</p>}

      {all.length > 1 && (
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Past runs</h2>
            </CardTitle>
          </CardHeader>
          <CardContent>
            <ScrollTable label="Past runs">
              <TableHeader>
                <TableRow>
                  <TableHead>Started</TableHead>
                  <TableHead>N × C</TableHead>
                  <TableHead>Risk spike</TableHead>
                  {["direct", "wait", "async"].map((m) => (
                    <TableHead key={m} className="text-right">
                      {m} ack p99
                    </TableHead>
                  ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                {all.map((run) => (
                  <TableRow key={run.id} data-run-id={run.id}>
                    <TableCell>{formatTime(run.createdAt)}</TableCell>
                    <TableCell>
                      {run.orders} × {run.concurrency}
                    </TableCell>
                    <TableCell>{spikeOf(run)}</TableCell>
                    {["direct", "wait", "async"].map((m) => (
                      <TableCell key={m} className="text-right tabular-nums">
                        {run.status === "finished" ? formatMs(run.results.find((r) => r.mode === m)?.ack.p99) : run.status}
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </ScrollTable>
          </CardContent>
        </Card>
      )}
    </div>
  );
}

function spikeOf(run: Run): string {
  const risk = run.settings.find((s) => s.service === "risk") as { spikeLatencyMs?: number; spikeUntil?: string | null } | undefined;
  return risk?.spikeLatencyMs && risk.spikeUntil && Date.parse(risk.spikeUntil) > Date.parse(run.createdAt) ? `+${risk.spikeLatencyMs} ms` : "none";
}

function RunResults({ run }: { run: Run }) {
  const chart = useMemo(() => {
    const longest = Math.max(...run.results.map((r) => r.ackSamples.length));
    const x = Array.from({ length: longest }, (_, i) => Math.round(((i + 1) / longest) * 100));
    const series = run.results.map((r: LabModeResult) => {
      const sorted = [...r.ackSamples].sort((a, b) => a - b);
      return { label: r.mode, color: MODE_COLOR[r.mode]!, values: x.map((_, i) => sorted[Math.floor((i / longest) * sorted.length)] ?? null) };
    });
    return { x, series };
  }, [run]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>
            Latest run · {run.orders} orders × concurrency {run.concurrency} · risk spike {spikeOf(run)}
          </h2>
        </CardTitle>
      </CardHeader>
      <CardContent className="grid gap-6">
        <div>
          <ScrollTable label="Results by mode">
            <TableHeader>
              <TableRow>
                <TableHead>Mode</TableHead>
                <TableHead className="text-right">Ack p50 / p95 / p99</TableHead>
                <TableHead className="text-right">Confirmed p50 / p95 / p99</TableHead>
                <TableHead className="text-right">Error rate</TableHead>
                <TableHead className="text-right">Lost</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {run.results.map((r) => (
                <TableRow
                  key={r.mode}
                  data-mode={r.mode}
                  data-ack-p50-ms={r.ack.p50}
                  data-ack-p95-ms={r.ack.p95}
                  data-ack-p99-ms={r.ack.p99}
                  data-confirmed-p50-ms={r.confirmed.p50}
                  data-confirmed-p99-ms={r.confirmed.p99}
                  data-errors={r.errors}
                  data-lost={r.lost}
                >
                  <TableCell className="whitespace-normal">{MODE_LABEL[r.mode]}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    {formatMs(r.ack.p50)} / {formatMs(r.ack.p95)} / <strong>{formatMs(r.ack.p99)}</strong>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {formatMs(r.confirmed.p50)} / {formatMs(r.confirmed.p95)} / {formatMs(r.confirmed.p99)}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{((r.errors / Math.max(1, r.requests)) * 100).toFixed(1)}%</TableCell>
                  <TableCell className="text-right tabular-nums">{r.lost}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </ScrollTable>
        </div>
        <TimeSeriesChart
          label="Time to acknowledge by percentile (ms)"
          summary={run.results.map((r) => `${r.mode} p99 ${formatMs(r.ack.p99)}`).join(", ")}
          x={chart.x}
          series={chart.series}
          xIsTime={false}
          height={220}
        />
      </CardContent>
    </Card>
  );
}
