"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export type ChartSeries = { label: string; values: (number | null)[]; color: string };

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
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true, points: { show: !xIsTime } }))],
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

  return (
    <figure className="grid gap-1">
      <figcaption className="text-sm font-medium">{label}</figcaption>
      <div ref={container} role="img" aria-label={`${label}: ${summary}`} className="w-full text-muted-foreground" />
    </figure>
  );
}
