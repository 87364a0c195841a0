"use client";

import { useQuery } from "@tanstack/react-query";
import type { OverviewWindow, ShopperExperience } from "@/lib/admin-overview";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useTRPC } from "@/trpc/client";
import { formatMs, statusLabel } from "./format";
import { ScrollTable } from "./scroll-table";

/** Beacons are reported when a page is left or an order ends: a few seconds' staleness is plenty. */
const REFRESH_MS = 5_000;

function metricLabel(metric: string): string {
  if (metric === "optimistic_row") return "Click → order shown (optimistic)";
  if (metric === "server_answer") return "Click → server's answer";
  if (metric === "inp") return "Interaction to next paint";
  return `Click → “${statusLabel(metric.replace(/^status\./, ""))}” shown`;
}

const percent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0)} %`;

/**
 * "What shoppers saw" (decision 035): what the shop's pages measured in shoppers' browsers —
 * the eventual-consistency cost as felt — p50/p75 per page and metric over the overview's
 * window, and how often a page followed its orders by polling because the stream failed.
 */
export function ShopperExperiencePanel({ window, initial }: { window: OverviewWindow; initial?: ShopperExperience }) {
  const trpc = useTRPC();
  const { data } = useQuery({
    ...trpc.admin.shopperExperience.queryOptions({ window }),
    initialData: initial?.window === window ? initial : undefined,
    refetchInterval: REFRESH_MS,
  });
  const totalViews = data?.views.reduce((sum, v) => sum + v.views, 0) ?? 0;
  const empty = data !== undefined && data.figures.length === 0 && totalViews === 0;

  return (
    <section aria-labelledby="shoppers-heading" data-shopper-views={totalViews} data-fallback-share={data?.fallbackShare ?? undefined}>
      <Card>
        <CardHeader>
          <CardTitle>
            <h2 id="shoppers-heading">What shoppers saw</h2>
          </CardTitle>
          <CardDescription>Measured in shoppers&apos; browsers and reported by beacon: from the click on “Place order” to each status on screen.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {data === undefined ? (
            <p className="text-sm text-muted-foreground">Loading…</p>
          ) : empty ? (
            <p className="text-sm text-muted-foreground">No data in this window.</p>
          ) : (
            <>
              <p className="text-sm" data-testid="fallback-share">
                {data.fallbackShare === null ? (
                  <span className="text-muted-foreground">No live page view in this window.</span>
                ) : (
                  <>
                    <span className="text-lg font-semibold tabular-nums">{percent(data.fallbackShare)}</span> of {totalViews.toLocaleString()} live page
                    {totalViews === 1 ? " view" : " views"} fell back to polling
                    <span className="text-muted-foreground">
                      {" "}
                      ({data.views.map((v) => `${v.page}: ${v.polling} of ${v.views}`).join(" · ")})
                    </span>
                  </>
                )}
              </p>
              <ScrollTable label="What shoppers saw">
                <TableHeader>
                  <TableRow>
                    {/* On a phone the page goes under the measure, so p50 and p75 stay on screen. */}
                    <TableHead className="hidden sm:table-cell">Page</TableHead>
                    <TableHead>Measure</TableHead>
                    <TableHead className="text-right">Samples</TableHead>
                    <TableHead className="text-right">p50</TableHead>
                    <TableHead className="text-right">p75</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {data.figures.map((f) => (
                    <TableRow key={`${f.page} ${f.metric}`} data-page={f.page} data-metric={f.metric} data-count={f.count}>
                      <TableCell className="hidden font-mono text-xs sm:table-cell">{f.page}</TableCell>
                      <TableCell className="whitespace-normal">
                        {metricLabel(f.metric)}
                        <span className="block font-mono text-xs text-muted-foreground sm:hidden">{f.page}</span>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{f.count}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatMs(f.p50)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatMs(f.p75)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </ScrollTable>
            </>
          )}
        </CardContent>
      </Card>
    </section>
  );
}
