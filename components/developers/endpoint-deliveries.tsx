"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { WebhookDeliveryView } from "@/lib/contract";
import { useTRPC } from "@/trpc/client";
import { formatUtc } from "./format";

const STATE_VARIANT = { pending: "outline", delivered: "secondary", failed: "destructive" } as const;

/** The endpoint's latest deliveries (kept current every few seconds), each with `data-delivery-state` and Retry on failed ones. */
export function EndpointDeliveries({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const input = { endpointId, limit: 10 };
  const deliveries = useQuery({ ...trpc.developers.deliveries.queryOptions(input), refetchInterval: 3000 });
  if (!deliveries.data) return <p className="text-sm text-muted-foreground">Loading deliveries…</p>;
  if (deliveries.data.data.length === 0) return <p className="text-sm text-muted-foreground">No deliveries yet: they appear when one of your orders changes.</p>;
  return (
    <ul className="grid divide-y rounded-md border text-sm" aria-label={`Deliveries to ${endpointId}`}>
      {deliveries.data.data.map((delivery) => (
        <DeliveryItem key={delivery.message_id} endpointId={endpointId} delivery={delivery} />
      ))}
    </ul>
  );
}

function DeliveryItem({ endpointId, delivery }: { endpointId: string; delivery: WebhookDeliveryView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const retry = useMutation(
    trpc.developers.retryDelivery.mutationOptions({
      onSuccess: () => {
        toast.success("Sending it again now");
        void queryClient.invalidateQueries({ queryKey: trpc.developers.deliveries.queryKey({ endpointId, limit: 10 }) });
      },
      onError: (e) => toast.error("Could not retry", { description: e.message }),
    }),
  );
  const last = delivery.attempts.at(-1);
  const outcome = last ? (last.status_code !== undefined ? `HTTP ${last.status_code}` : (last.error ?? "no answer")) : "not sent yet";
  return (
    <li data-message-id={delivery.message_id} data-delivery-state={delivery.state} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
      <Badge variant={STATE_VARIANT[delivery.state]}>{delivery.state}</Badge>
      <span className="font-mono text-xs">{delivery.type}</span>
      <span className="text-muted-foreground max-sm:basis-full">
        {delivery.attempts.length} attempt{delivery.attempts.length === 1 ? "" : "s"} · {outcome}
        {last ? ` · ${formatUtc(last.at)}` : ""}
      </span>
      {delivery.state === "failed" && (
        <Button className="ml-auto" variant="outline" size="sm" disabled={retry.isPending} onClick={() => retry.mutate({ endpointId, messageId: delivery.message_id })}>
          Retry
        </Button>
      )}
    </li>
  );
}
