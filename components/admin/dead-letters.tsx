"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { DeadLetter, DeadLetterGroup } from "@/server/pipeline/pipeline-jobs";
import { useTRPC } from "@/trpc/client";
import { formatTime } from "./format";

const PAGE = 50;
const count = (n: number) => n.toLocaleString("en-US");

/** Dead letters grouped by error fingerprint; redrive one, a group or everything. */
export function DeadLetters({ initial }: { initial: DeadLetterGroup[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Bumped after a redrive so every group drops the pages it loaded: they list moved jobs.
  const [generation, setGeneration] = useState(0);
  const groups = useQuery({ ...trpc.admin.deadLetters.queryOptions(), initialData: initial, refetchInterval: 3000 });
  const redrive = useMutation(
    trpc.admin.redrive.mutationOptions({
      onSuccess: (result) => {
        toast.success(result.redriven > 0 ? `${count(result.redriven)} job(s) sent back to their queue` : "Nothing left to redrive");
        setGeneration((g) => g + 1);
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
            {count(total)} job(s) exhausted their retries, in {groups.data.length} group(s). Redriving is safe to repeat: steps are idempotent.
          </p>
        </div>
        <Button disabled={redrive.isPending || total === 0} onClick={() => redrive.mutate({ all: true })}>
          Redrive all
        </Button>
      </div>
      {groups.data.length === 0 && <p className="rounded-lg border border-dashed p-10 text-center text-muted-foreground">No dead letters. Every job finished or is still retrying.</p>}
      {groups.data.map((group) => (
        <DeadLetterGroupCard
          key={`${group.fingerprint}:${generation}`}
          group={group}
          redriving={redrive.isPending}
          onRedrive={() => redrive.mutate({ fingerprint: group.fingerprint })}
        />
      ))}
    </div>
  );
}

/** One group: its newest jobs as the listing sent them, then older pages loaded on demand. */
function DeadLetterGroupCard({ group, redriving, onRedrive }: { group: DeadLetterGroup; redriving: boolean; onRedrive: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [older, setOlder] = useState<{ jobs: DeadLetter[]; nextCursor: string | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const cursor = older ? older.nextCursor : group.nextCursor;
  // The newest jobs refresh every poll; a job that also sits in a loaded page is shown once.
  const newest = new Set(group.jobs.map((job) => job.id));
  const jobs = [...group.jobs, ...(older?.jobs.filter((job) => !newest.has(job.id)) ?? [])];
  const loadMore = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await queryClient.fetchQuery(trpc.admin.deadLetterJobs.queryOptions({ fingerprint: group.fingerprint, cursor, limit: PAGE }));
      setOlder((prev) => ({ jobs: [...(prev?.jobs ?? []), ...page.jobs], nextCursor: page.nextCursor }));
    } catch (e) {
      toast.error("Could not load more", { description: e instanceof Error ? e.message : String(e) });
    } finally {
      setLoading(false);
    }
  };
  return (
    <Card data-fingerprint={group.fingerprint} data-count={group.count}>
      <CardHeader className="flex flex-wrap items-start justify-between gap-3">
        <CardTitle className="grid min-w-0 gap-1">
          <h2 className="font-mono text-sm">{group.queue}</h2>
          <p className="text-sm font-normal text-destructive break-all">{group.error}</p>
          <p className="text-xs font-normal text-muted-foreground">
            first {formatTime(group.firstFailedAt)} · last {formatTime(group.lastFailedAt)}
          </p>
        </CardTitle>
        <div className="flex items-center gap-2">
          <Badge variant="secondary">{count(group.count)} job(s)</Badge>
          <Button variant="outline" disabled={redriving} onClick={onRedrive}>
            Redrive
          </Button>
        </div>
      </CardHeader>
      <CardContent className="grid gap-2">
        <ul className="grid gap-1 text-sm">
          {jobs.map((job) => (
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
        </ul>
        <div className="flex flex-wrap items-center gap-3 text-xs text-muted-foreground">
          <span data-shown={Math.min(jobs.length, group.count)}>
            Showing {count(Math.min(jobs.length, group.count))} of {count(group.count)}
          </span>
          {cursor && (
            <Button variant="ghost" size="sm" disabled={loading} onClick={() => void loadMore()}>
              {loading ? "Loading…" : `Load ${PAGE} more`}
            </Button>
          )}
        </div>
      </CardContent>
    </Card>
  );
}
