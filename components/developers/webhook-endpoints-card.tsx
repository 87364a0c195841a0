"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { WebhookEndpointView } from "@/lib/contract";
import { MAX_WEBHOOK_URL_LENGTH } from "@/lib/webhook-types";
import { useTRPC } from "@/trpc/client";
import { EndpointDeliveries } from "./endpoint-deliveries";
import { SecretOnce } from "./secret-once";

/** The account's webhook endpoints: add one (its signing secret shown once), and each one's deliveries. */
export function WebhookEndpointsCard({ initial }: { initial: WebhookEndpointView[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const endpoints = useQuery({ ...trpc.developers.endpoints.queryOptions(), initialData: { data: initial }, refetchInterval: 5000 });
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.developers.endpoints.queryKey() });
  const add = useMutation(
    trpc.developers.createEndpoint.mutationOptions({
      onSuccess: (endpoint, _input) => {
        setCreated({ id: endpoint.id, secret: endpoint.secret });
        setError(null);
        void refresh();
      },
      onError: (e) => setError(e.message),
    }),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const url = String(new FormData(form).get("url") ?? "").trim();
    add.mutate({ url }, { onSuccess: () => form.reset() });
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Webhook endpoints</CardTitle>
        <CardDescription>
          Conveyor POSTs every status change of your orders (and completed batches) to these URLs, signed the Standard Webhooks way with the endpoint&apos;s secret.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form onSubmit={submit} className="grid gap-2">
          <Label htmlFor="endpoint-url">Endpoint URL</Label>
          <div className="flex flex-wrap gap-2">
            <Input
              id="endpoint-url"
              name="url"
              type="url"
              required
              maxLength={MAX_WEBHOOK_URL_LENGTH}
              placeholder="https://example.com/conveyor/webhooks"
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "endpoint-url-error" : undefined}
              className="min-w-0 flex-1 basis-64"
            />
            <Button type="submit" disabled={add.isPending}>
              Add endpoint
            </Button>
          </div>
          {error && (
            <p id="endpoint-url-error" role="alert" className="text-sm text-destructive">
              {error}
            </p>
          )}
        </form>
        {created && <SecretOnce label={`Signing secret of ${created.id}`} value={created.secret} dataAttribute="data-endpoint-secret" />}
        {endpoints.data.data.length === 0 ? (
          <p className="text-sm text-muted-foreground">No endpoints yet.</p>
        ) : (
          <ul className="grid gap-3" aria-label="Webhook endpoints">
            {endpoints.data.data.map((endpoint) => (
              <EndpointItem key={endpoint.id} endpoint={endpoint} onChanged={refresh} />
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function EndpointItem({ endpoint, onChanged }: { endpoint: WebhookEndpointView; onChanged: () => Promise<void> }) {
  const trpc = useTRPC();
  const [secret, setSecret] = useState<string | null>(null);
  const onError = (what: string) => (e: { message: string }) => toast.error(`Could not ${what}`, { description: e.message });
  const update = useMutation(trpc.developers.updateEndpoint.mutationOptions({ onSuccess: () => void onChanged(), onError: onError("change the endpoint") }));
  const remove = useMutation(trpc.developers.deleteEndpoint.mutationOptions({ onSuccess: () => void onChanged(), onError: onError("delete the endpoint") }));
  const rotate = useMutation(trpc.developers.rotateSecret.mutationOptions({ onSuccess: (rotated) => setSecret(rotated.secret), onError: onError("rotate the secret") }));
  const enabled = endpoint.status === "enabled";
  return (
    <li data-endpoint-id={endpoint.id} data-endpoint-status={endpoint.status} className="grid gap-3 rounded-md border p-3">
      <div className="flex flex-wrap items-center gap-2">
        <code className="min-w-0 flex-1 basis-64 font-mono text-xs break-all">{endpoint.url}</code>
        <Badge variant={enabled ? "secondary" : "destructive"}>{endpoint.status}</Badge>
      </div>
      {endpoint.disabled_reason && <p className="text-sm text-destructive">{endpoint.disabled_reason}</p>}
      <div className="flex flex-wrap gap-2">
        <Button variant="outline" size="sm" disabled={update.isPending} onClick={() => update.mutate({ endpointId: endpoint.id, patch: { status: enabled ? "disabled" : "enabled" } })}>
          {enabled ? "Disable" : "Enable"}
        </Button>
        <Button variant="outline" size="sm" disabled={rotate.isPending} onClick={() => rotate.mutate({ endpointId: endpoint.id })}>
          Rotate secret
        </Button>
        <Button variant="outline" size="sm" disabled={remove.isPending} onClick={() => remove.mutate({ endpointId: endpoint.id })}>
          Delete
        </Button>
      </div>
      {secret && <SecretOnce label="New signing secret (the old one keeps signing for 24 h)" value={secret} dataAttribute="data-endpoint-secret" />}
      <EndpointDeliveries endpointId={endpoint.id} />
    </li>
  );
}
