import { Badge } from "@/components/ui/badge";
import { stockLevel } from "@/lib/stock";
import { cn } from "@/lib/utils";

const TONE = {
  in_stock: "border-emerald-600/30 bg-emerald-50 text-emerald-800",
  low: "border-amber-600/30 bg-amber-50 text-amber-900",
  backorder: "border-slate-500/30 bg-slate-100 text-slate-800",
} as const;

export function StockBadge({ units, className }: { units: number; className?: string }) {
  const level = stockLevel(units);
  return (
    <Badge variant="outline" className={cn(TONE[level.kind], "whitespace-normal", className)}>
      {level.label}
    </Badge>
  );
}
