import { AlertCircleIcon, CheckCircle2Icon, ClockIcon, InfoIcon } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { outcomeMessage, type ShownStatus, type Tone } from "@/lib/order-presentation";
import { cn } from "@/lib/utils";
import { TONE_CLASSES } from "./status-badge";

const ICONS: Record<Tone, typeof InfoIcon> = { success: CheckCircle2Icon, waiting: ClockIcon, failure: AlertCircleIcon, neutral: InfoIcon, progress: InfoIcon };

/** What happened and what happens next, for outcomes that need words (back-order, declined, blocked, cancelled, shipped). */
export function OrderOutcome({ status, tracking, failureReason }: { status: ShownStatus; tracking?: string; failureReason?: string }) {
  const outcome = outcomeMessage(status, { tracking, failureReason });
  if (!outcome) return null;
  const Icon = ICONS[outcome.tone];
  return (
    <Alert className={cn(TONE_CLASSES[outcome.tone])}>
      <Icon aria-hidden />
      <AlertTitle>{outcome.title}</AlertTitle>
      <AlertDescription className="text-current/90">{outcome.body}</AlertDescription>
    </Alert>
  );
}
