"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export type ChartSeries = { label: string; values: (number | null)[]; color: string };

/**
 * A line needs two neighbouring values; at low volume most buckets are empty and a lone
 * value would draw nothing (the latency chart showed axes and no line while its card said
 * p50 456 ms). Marking every value with a dot whenever one has no neighbour keeps each one
 * visible; dense series stay plain lines.
 */
function hasIsolatedValue(values: ArrayLike<number | null | undefined>, from: number, to: number): boolean {
  for (let i = from; i <= to; i++) {
    if (values[i] == null) continue;
    if (values[i - 1] == null && values[i + 1] == null) return true;
  }
  return false;
}

export function hasAnyValue(series: ChartSeries[]): boolean {
  return series.some((s) => s.values.some((v) => v !== null));
}

/**
 * A uPlot line chart (decision 017: ~23 kB gzipped, canvas, built for time series that
 * update several times a second). It resizes with its container; screen readers get
 * `summary` instead of the canvas.
 */
export function TimeSeriesChart({ label, summary, x, series, height = 180, xIsTime = true }: {
  label: string;
  summary: string;
  x: number[];
  series: ChartSeries[];
  height?: number;
  xIsTime?: boolean;
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => `${s.label}:${s.color}`).join("|");

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = new uPlot(
      {
        width: element.clientWidth || 300,
        height,
        scales: { x: { time: xIsTime } },
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        axes: [{ stroke: "currentColor", grid: { stroke: "rgba(127,127,127,0.15)" } }, { stroke: "currentColor", grid: { stroke: "rgba(127,127,127,0.15)" }, size: 50 }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            spanGaps: true,
            points: { show: xIsTime ? (u: uPlot, i: number, from: number, to: number) => hasIsolatedValue(u.data[i]!, from, to) : true, size: 6, fill: s.color },
          })),
        ],
      },
      [[], ...series.map(() => [])] as unknown as uPlot.AlignedData,
      element,
    );
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Rebuilt only when the set of series changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height, xIsTime]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [x, series]);

  const empty = !hasAnyValue(series);
  return (
    <figure className="grid gap-1">
      <figcaption className="text-sm font-medium">{label}</figcaption>
      <div className="relative">
        <div ref={container} role="img" aria-label={`${label}: ${empty ? "no data in this window" : summary}`} className="w-full text-muted-foreground" />
        {empty && (
          <p data-chart-empty aria-hidden className="absolute inset-0 flex items-center justify-center pb-8 text-sm text-muted-foreground">
            No data in this window
          </p>
        )}
      </div>
    </figure>
  );
}
