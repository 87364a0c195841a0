import { Badge } from "@/components/ui/badge";
import { STATUS_LABEL, STATUS_TONE, type ShownStatus, type Tone } from "@/lib/order-presentation";
import { cn } from "@/lib/utils";

export const TONE_CLASSES: Record<Tone, string> = {
  progress: "border-sky-600/30 bg-sky-50 text-sky-900",
  success: "border-emerald-600/30 bg-emerald-50 text-emerald-900",
  waiting: "border-amber-600/30 bg-amber-50 text-amber-950",
  failure: "border-red-600/30 bg-red-50 text-red-900",
  neutral: "border-slate-500/30 bg-slate-100 text-slate-800",
};

export function StatusBadge({ status, className }: { status: ShownStatus; className?: string }) {
  return (
    <Badge variant="outline" className={cn(TONE_CLASSES[STATUS_TONE[status]], className)}>
      {STATUS_LABEL[status]}
    </Badge>
  );
}
