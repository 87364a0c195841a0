import type { ReactNode } from "react";
import { cn } from "@/lib/utils";

/**
 * A table that scrolls sideways when it is wider than its card (phones). The scroll region
 * is named and focusable, so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export function ScrollTable({ label, className, children, busy }: { label: string; className?: string; children: ReactNode; busy?: boolean }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="relative w-full overflow-x-auto rounded-md outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50">
      <table data-slot="table" aria-busy={busy} className={cn("w-full caption-bottom text-sm", className)}>
        {children}
      </table>
    </div>
  );
}
