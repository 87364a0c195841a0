import { cn } from "@/lib/utils";
import type { LiveMode } from "./use-live-orders";

const COPY: Record<LiveMode, { label: string; dot: string }> = {
  sse: { label: "Live", dot: "bg-emerald-500" },
  polling: { label: "Checking for updates every few seconds", dot: "bg-amber-500" },
  offline: { label: "Offline — showing the last known status", dot: "bg-slate-400" },
};

/** Says how the page is kept current; `data-live` carries the machine value (docs/api.md, "Browser hooks for end-to-end suites"). */
export function LiveIndicator({ mode, className }: { mode: LiveMode; className?: string }) {
  const copy = COPY[mode];
  return (
    <p data-live={mode} role="status" className={cn("inline-flex items-center gap-2 text-sm text-muted-foreground", className)}>
      <span aria-hidden className={cn("size-2 rounded-full", copy.dot, mode === "sse" && "motion-safe:animate-pulse")} />
      {copy.label}
    </p>
  );
}
