"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { DeadLetterGroup } from "@/server/admin/list-dead-letters";
import { useTRPC } from "@/trpc/client";
import { formatTime } from "./format";

/** Dead letters grouped by error fingerprint; redrive one, a group or everything. */
export function DeadLetters({ initial }: { initial: DeadLetterGroup[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const groups = useQuery({ ...trpc.admin.deadLetters.queryOptions(), initialData: initial, refetchInterval: 3000 });
  const redrive = useMutation(
    trpc.admin.redrive.mutationOptions({
      onSuccess: (result) => {
        toast.success(result.redriven > 0 ? `${result.redriven} job(s) sent back to their queue` : "Nothing left to redrive");
        void queryClient.invalidateQueries({ queryKey: trpc.admin.deadLetters.queryKey() });
      },
      onError: (e) => toast.error("Redrive failed", { description: e.message }),
    }),
  );
  const total = groups.data.reduce((n, g) => n + g.count, 0);
  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Dead letters</h1>
          <p className="text-sm text-muted-foreground" data-dead-total={total}>
            {total} job(s) exhausted their retries, in {groups.data.length} group(s). Redriving is safe to repeat: steps are idempotent.
          </p>
        </div>
        <Button disabled={redrive.isPending || total === 0} onClick={() => redrive.mutate({ all: true })}>
          Redrive all
        </Button>
      </div>
      {groups.data.length === 0 && <p className="rounded-lg border border-dashed p-10 text-center text-muted-foreground">No dead letters. Every job finished or is still retrying.</p>}
      {groups.data.map((group) => (
        <Card key={group.fingerprint} data-fingerprint={group.fingerprint} data-count={group.count}>
          <CardHeader className="flex flex-wrap items-start justify-between gap-3">
            <CardTitle className="grid gap-1">
              <h2 className="font-mono text-sm">{group.queue}</h2>
              <p className="text-sm font-normal text-destructive break-all">{group.error}</p>
            </CardTitle>
            <div className="flex items-center gap-2">
              <Badge variant="secondary">{group.count} job(s)</Badge>
              <Button variant="outline" disabled={redrive.isPending} onClick={() => redrive.mutate({ fingerprint: group.fingerprint })}>
                Redrive
              </Button>
            </div>
          </CardHeader>
          <CardContent>
            <ul className="grid gap-1 text-sm">
              {group.jobs.slice(0, 20).map((job) => (
                <li key={job.id} className="flex flex-wrap items-center gap-x-3 gap-y-1">
                  {job.orderId ? (
                    <Link href={`/admin/orders/${job.orderId}`} className="font-mono text-xs underline-offset-4 hover:underline">
                      {job.orderId}
                    </Link>
                  ) : (
                    <span className="font-mono text-xs">{job.id}</span>
                  )}
                  <span className="text-xs text-muted-foreground">
                    dead since {formatTime(job.failedAt)} · {job.retries ?? "?"} retries
                  </span>
                  <details className="w-full text-xs">
                    <summary className="cursor-pointer text-muted-foreground">Payload and error</summary>
                    <pre className="mt-1 overflow-auto rounded bg-muted p-2 whitespace-pre-wrap break-all">{JSON.stringify({ data: job.data, error: job.error }, null, 2)}</pre>
                  </details>
                </li>
              ))}
              {group.jobs.length > 20 && <li className="text-xs text-muted-foreground">…and {group.jobs.length - 20} more</li>}
            </ul>
          </CardContent>
        </Card>
      ))}
    </div>
  );
}
