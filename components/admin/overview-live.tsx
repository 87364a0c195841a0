"use client";

import { useEffect, useMemo, useState } from "react";
import { OVERVIEW_WINDOWS, type Overview, type OverviewWindow, type ShopperExperience } from "@/lib/admin-overview";
import type { OrderStatus } from "@/lib/order-state";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import { ScrollTable } from "./scroll-table";
import { formatMs, statusLabel } from "./format";
import { ShopperExperiencePanel } from "./shopper-experience";
import { TimeSeriesChart } from "./time-series-chart";

const FLOW: OrderStatus[] = ["pending", "payment_processing", "payment_confirmed", "confirmed", "shipped"];
const SIDE: OrderStatus[] = ["in_review", "backordered", "payment_failed", "rejected", "cancelled"];

/** The overview, kept current by the server's push (SSE, at most 2 updates/s). */
export function OverviewLive({ initial, initialShoppers }: { initial: Overview; initialShoppers?: ShopperExperience }) {
  const [overview, setOverview] = useState(initial);
  const [window, setWindow] = useState<OverviewWindow>(initial.window);
  const [live, setLive] = useState<"sse" | "offline">("sse");

  useEffect(() => {
    const source = new EventSource(`/api/admin/overview/stream?window=${window}`);
    source.addEventListener("overview", (event) => {
      setOverview(JSON.parse((event as MessageEvent<string>).data) as Overview);
      setLive("sse");
    });
    source.onerror = () => setLive(source.readyState === EventSource.CLOSED ? "offline" : "sse");
    return () => source.close();
  }, [window]);

  const chart = useMemo(() => {
    const x = overview.series.map((b) => Date.parse(b.at) / 1000);
    return {
      x,
      throughput: [
        { label: "accepted / bucket", values: overview.series.map((b) => b.accepted), color: "#2563eb" },
        { label: "confirmed / bucket", values: overview.series.map((b) => b.confirmed), color: "#16a34a" },
      ],
      latency: [
        { label: "p50", values: overview.series.map((b) => b.confirmMs.p50), color: "#16a34a" },
        { label: "p95", values: overview.series.map((b) => b.confirmMs.p95), color: "#d97706" },
        { label: "p99", values: overview.series.map((b) => b.confirmMs.p99), color: "#dc2626" },
      ],
    };
  }, [overview.series]);

  return (
    <div className="grid gap-6" data-live={live}>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Pipeline overview</h1>
          <p className="text-sm text-muted-foreground">
            Live · shop orders only (lab orders excluded) · updated {new Date(overview.generatedAt).toLocaleTimeString()}
          </p>
        </div>
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Window</span>
          <select
            className="h-9 rounded-md border bg-background px-2"
            value={window}
            onChange={(e) => setWindow(e.target.value as OverviewWindow)}
          >
            {Object.keys(OVERVIEW_WINDOWS).map((w) => (
              <option key={w} value={w}>
                last {w}
              </option>
            ))}
          </select>
        </label>
      </div>

      <section aria-labelledby="flow-heading" className="grid gap-3">
        <h2 id="flow-heading" className="text-lg font-semibold">Orders by status</h2>
        <ol className="grid grid-cols-2 gap-2 sm:grid-cols-5" aria-label="Pipeline flow">
          {FLOW.map((status, i) => (
            <StageTile key={status} status={status} count={overview.statusCounts[status]} arrow={i < FLOW.length - 1} />
          ))}
        </ol>
        <ul className="grid grid-cols-2 gap-2 sm:grid-cols-5" aria-label="Waiting and final states">
          {SIDE.map((status) => (
            <StageTile key={status} status={status} count={overview.statusCounts[status]} muted />
          ))}
        </ul>
      </section>

      <div className="grid gap-4 lg:grid-cols-3">
        <Stat label="Throughput" value={`${overview.throughputPerMinute.accepted.toFixed(1)} orders/min`} hint={`${overview.throughputPerMinute.confirmed.toFixed(1)} confirmed/min`} />
        <Stat
          label="Accept → confirmed"
          value={`p50 ${formatMs(overview.acceptToConfirmedMs.p50)}`}
          hint={`p95 ${formatMs(overview.acceptToConfirmedMs.p95)} · p99 ${formatMs(overview.acceptToConfirmedMs.p99)}`}
        />
        <Stat
          label="Workers"
          value={`${overview.workers.alive} alive`}
          hint={overview.oldestWaitingJob ? `oldest waiting job: ${overview.oldestWaitingJob.queue}, ${formatMs(overview.oldestWaitingJob.ageMs)}` : "no job waiting"}
          alert={overview.workers.alive === 0}
        />
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardContent>
            <TimeSeriesChart label="Throughput" summary={`${overview.throughputPerMinute.accepted.toFixed(1)} orders accepted per minute over the window`} x={chart.x} series={chart.throughput} />
          </CardContent>
        </Card>
        <Card>
          <CardContent>
            <TimeSeriesChart
              label="Accept → confirmed latency (ms)"
              summary={`p50 ${formatMs(overview.acceptToConfirmedMs.p50)}, p99 ${formatMs(overview.acceptToConfirmedMs.p99)}`}
              x={chart.x}
              series={chart.latency}
            />
          </CardContent>
        </Card>
      </div>

      <ShopperExperiencePanel window={window} initial={initialShoppers} />

      {/* Stacked: side by side, six queue columns did not fit half of a 1280 px page. */}
      <div className="grid gap-4">
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Queues</h2>
            </CardTitle>
          </CardHeader>
          <CardContent>
            <ScrollTable label="Queues">
              <TableHeader>
                <TableRow>
                  <TableHead>Queue</TableHead>
                  <TableHead className="text-right">Waiting</TableHead>
                  <TableHead className="text-right">Active</TableHead>
                  <TableHead className="text-right">Retrying</TableHead>
                  <TableHead className="text-right">Scheduled</TableHead>
                  <TableHead className="text-right">Dead</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {overview.queues.map((q) => (
                  <TableRow key={q.queue} data-queue={q.queue} data-depth={q.waiting} data-dead={q.dead}>
                    <TableCell className="font-mono text-xs">{q.queue}</TableCell>
                    <TableCell className="text-right tabular-nums">{q.waiting}</TableCell>
                    <TableCell className="text-right tabular-nums">{q.active}</TableCell>
                    <TableCell className="text-right tabular-nums">{q.retrying}</TableCell>
                    <TableCell className="text-right tabular-nums text-muted-foreground">{q.scheduled}</TableCell>
                    <TableCell className={cn("text-right tabular-nums", q.dead > 0 && "font-semibold text-destructive")}>{q.dead}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </ScrollTable>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Steps: queue wait vs run time</h2>
            </CardTitle>
          </CardHeader>
          <CardContent>
            <ScrollTable label="Steps">
              <TableHeader>
                <TableRow>
                  <TableHead>Step</TableHead>
                  <TableHead className="text-right">Attempts</TableHead>
                  <TableHead className="text-right">Wait p50 / p95</TableHead>
                  <TableHead className="text-right">Run p50 / p95</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {overview.steps.length === 0 && (
                  <TableRow>
                    <TableCell colSpan={4} className="text-muted-foreground">
                      No job ran in this window.
                    </TableCell>
                  </TableRow>
                )}
                {overview.steps.map((s) => (
                  <TableRow key={s.queue}>
                    <TableCell className="font-mono text-xs">{s.queue}</TableCell>
                    <TableCell className="text-right tabular-nums">
                      {s.attempts}
                      {s.failed > 0 && <span className="text-destructive"> ({s.failed} failed)</span>}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {formatMs(s.queueWaitMs.p50)} / {formatMs(s.queueWaitMs.p95)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {formatMs(s.runMs.p50)} / {formatMs(s.runMs.p95)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </ScrollTable>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}

function StageTile({ status, count, arrow, muted }: { status: OrderStatus; count: number; arrow?: boolean; muted?: boolean }) {
  return (
    <li
      data-stage={status}
      data-count={count}
      className={cn("relative rounded-lg border p-3", muted ? "bg-muted/40" : "bg-card", arrow && "sm:after:absolute sm:after:top-1/2 sm:after:-right-2 sm:after:z-10 sm:after:-translate-y-1/2 sm:after:content-['›'] sm:after:text-muted-foreground")}
    >
      <p className="text-xs font-medium capitalize text-muted-foreground">{statusLabel(status)}</p>
      <p className="text-2xl font-semibold tabular-nums">{count.toLocaleString()}</p>
    </li>
  );
}

function Stat({ label, value, hint, alert }: { label: string; value: string; hint: string; alert?: boolean }) {
  return (
    <Card className={cn("gap-1 py-4", alert && "border-destructive")}>
      <CardContent className="grid gap-1 px-4">
        <p className="text-sm text-muted-foreground">{label}</p>
        <p className="text-xl font-semibold tabular-nums">{value}</p>
        <p className="text-xs text-muted-foreground">{hint}</p>
      </CardContent>
    </Card>
  );
}
