"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { AppRouter } from "@/server/trpc/root";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "@/trpc/client";
import { formatUtc } from "./format";
import { SecretOnce } from "./secret-once";

type ApiKeyRow = inferRouterOutputs<AppRouter>["developers"]["apiKeys"][number];

/** The account's API keys: create one (shown once, `data-api-key`), revoke any. */
export function ApiKeysCard({ initial }: { initial: ApiKeyRow[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery({ ...trpc.developers.apiKeys.queryOptions(), initialData: initial });
  const [created, setCreated] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.developers.apiKeys.queryKey() });
  const create = useMutation(
    trpc.developers.createApiKey.mutationOptions({
      onSuccess: (key) => {
        setCreated(key.key);
        void refresh();
      },
      onError: (e) => toast.error("Could not create a key", { description: e.message }),
    }),
  );
  const revoke = useMutation(
    trpc.developers.revokeApiKey.mutationOptions({
      onSuccess: () => {
        toast.success("Key revoked: it no longer works");
        void refresh();
      },
      onError: (e) => toast.error("Could not revoke the key", { description: e.message }),
    }),
  );
  return (
    <Card>
      <CardHeader>
        <CardTitle>API keys</CardTitle>
        <CardDescription>
          Send one as <code className="font-mono text-xs">Authorization: Bearer &lt;key&gt;</code>. Keys are stored hashed: a key is shown only when it is created.
        </CardDescription>
        <CardAction>
          <Button onClick={() => create.mutate()} disabled={create.isPending}>
            Create API key
          </Button>
        </CardAction>
      </CardHeader>
      <CardContent className="grid gap-3">
        {created && <SecretOnce label="Your new API key" value={created} dataAttribute="data-api-key" />}
        {keys.data.length === 0 ? (
          <p className="text-sm text-muted-foreground">No API keys yet.</p>
        ) : (
          <ul className="grid divide-y rounded-md border" aria-label="API keys">
            {keys.data.map((key) => (
              <li key={key.id} data-api-key-id={key.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
                <code className="font-mono text-xs">{key.prefix}…</code>
                <span className="text-muted-foreground max-sm:basis-full max-sm:order-last">
                  created {formatUtc(key.createdAt)}
                  {key.lastUsedAt ? ` · last used ${formatUtc(key.lastUsedAt)}` : " · never used"}
                </span>
                <span className="ml-auto">
                  {key.revokedAt ? (
                    <Badge variant="secondary">revoked</Badge>
                  ) : (
                    <Button variant="outline" size="sm" onClick={() => revoke.mutate({ keyId: key.id })} disabled={revoke.isPending} title={`Revoke ${key.prefix}…`}>
                      Revoke
                    </Button>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
