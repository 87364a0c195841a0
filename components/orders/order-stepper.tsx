import { CheckIcon, ClockIcon, XIcon } from "lucide-react";
import { PROGRESS_STEPS, progressOf, type ShownStatus } from "@/lib/order-presentation";
import { cn } from "@/lib/utils";

/** placed → paying → paid → confirmed → shipped, with where the order is now (or stopped). */
export function OrderStepper({ status, paid }: { status: ShownStatus; paid: boolean }) {
  const { reached, state } = progressOf(status, paid);
  return (
    <ol aria-label="Progress" className="-mx-3 grid grid-cols-5 gap-1 sm:mx-0 sm:gap-2">
      {PROGRESS_STEPS.map((step, index) => {
        const done = index < reached || (index === reached && state === "done");
        const current = index === reached && state !== "done";
        const icon = done ? <CheckIcon className="size-3.5" /> : current && state === "stopped" ? <XIcon className="size-3.5" /> : current && state === "waiting" ? <ClockIcon className="size-3.5" /> : null;
        return (
          <li key={step} aria-current={current ? "step" : undefined} className="grid justify-items-center gap-1.5 text-center">
            <span
              aria-hidden
              className={cn(
                "flex size-7 items-center justify-center rounded-full border-2 text-xs font-semibold",
                done && "border-emerald-600 bg-emerald-600 text-white",
                current && state === "active" && "border-sky-600 text-sky-700 motion-safe:animate-pulse",
                current && state === "waiting" && "border-amber-600 bg-amber-50 text-amber-800",
                current && state === "stopped" && "border-red-600 bg-red-50 text-red-700",
                !done && !current && "border-muted-foreground/30 text-muted-foreground",
              )}
            >
              {icon ?? index + 1}
            </span>
            <span className={cn("text-[11px] leading-tight sm:text-sm", done || current ? "font-medium" : "text-muted-foreground")}>
              {step}
              <span className="sr-only">{done ? " (done)" : current ? (state === "stopped" ? " (stopped here)" : state === "waiting" ? " (waiting)" : " (in progress)") : " (to come)"}</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
