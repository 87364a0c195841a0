"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DownloadIcon, FileUpIcon, LayersIcon } from "lucide-react";
import { useRef, useState, type FormEvent } from "react";
import { percentFinal } from "@/lib/batch-progress";
import type { BatchView } from "@/lib/contract";
import { toast } from "@/components/shop/toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Progress } from "@/components/ui/progress";
import { useTRPC } from "@/trpc/client";
import { useBatchProgress } from "./use-batch-progress";

type BatchPage = { data: BatchView[]; next_cursor: string | null };

const STATUS_LABEL: Record<BatchView["status"], string> = { in_progress: "In progress", completed: "Completed", cancelled: "Cancelled" };

/** /account/batches: the upload form and the caller's batches, each with its live progress bar. */
export function BatchesView({ initialPage }: { initialPage: BatchPage }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: page } = useQuery({ ...trpc.batches.list.queryOptions(), initialData: initialPage });
  const inProgress = page.data.filter((b) => b.status === "in_progress").map((b) => b.batch_id);
  const live = useBatchProgress(inProgress);
  const batches = page.data.map((b) => live[b.batch_id] ?? b);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.batches.list.queryKey() });
  const cancel = useMutation(trpc.batches.cancel.mutationOptions({ onSuccess: refresh, onError: (err) => toast.error(err.message) }));

  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Batches</h1>
        <p className="text-muted-foreground">Many orders in one file: one order per line (NDJSON), each the body of POST /api/orders with an optional reference.</p>
      </div>
      <UploadForm onUploaded={refresh} />
      {batches.length === 0 ? (
        <div className="grid justify-items-center gap-2 rounded-lg border border-dashed p-10 text-center">
          <LayersIcon aria-hidden className="size-10 text-muted-foreground" />
          <h2 className="text-lg font-medium">No batches yet</h2>
          <p className="max-w-prose text-muted-foreground">Upload a file of orders above; its progress shows here.</p>
        </div>
      ) : (
        <ul className="grid gap-3" aria-label="Your batches">
          {batches.map((batch) => (
            <BatchItem key={batch.batch_id} batch={batch} onCancel={() => cancel.mutate({ batchId: batch.batch_id })} cancelling={cancel.isPending && cancel.variables?.batchId === batch.batch_id} />
          ))}
        </ul>
      )}
    </div>
  );
}

/** POST /api/batches with the file as it is: the route reads NDJSON with its caps (10,000 lines, 5 MiB). */
function UploadForm({ onUploaded }: { onUploaded: () => unknown }) {
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return toast.error("Choose a file of orders first.");
    setUploading(true);
    try {
      const response = await fetch("/api/batches", { method: "POST", headers: { "Content-Type": "application/x-ndjson" }, body: file });
      const body = (await response.json()) as { batch_id?: string; counts?: BatchView["counts"]; error?: { message: string } };
      if (!response.ok) throw new Error(body.error?.message ?? `Upload failed (${response.status}).`);
      toast.success(`Batch accepted: ${body.counts?.total ?? 0} lines, ${body.counts?.rejected ?? 0} rejected.`);
      if (input.current) input.current.value = "";
      await onUploaded();
    } catch (err) {
      toast.error(err instanceof Error ? err.message : String(err));
    } finally {
      setUploading(false);
    }
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Upload</CardTitle>
        <CardDescription>At most 10,000 lines and 5 MiB. Invalid lines are rejected alone; the rest become orders.</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="flex flex-col gap-3 sm:flex-row sm:items-end">
          <div className="grid flex-1 gap-1.5">
            <Label htmlFor="orders-file">Orders file</Label>
            <Input id="orders-file" ref={input} type="file" accept=".ndjson,.jsonl,application/x-ndjson" />
          </div>
          <Button type="submit" disabled={uploading}>
            <FileUpIcon aria-hidden />
            Upload
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

function BatchItem({ batch, onCancel, cancelling }: { batch: BatchView; onCancel: () => void; cancelling: boolean }) {
  const percent = percentFinal(batch);
  const { counts } = batch;
  return (
    <li data-batch-id={batch.batch_id} data-batch-status={batch.status} className="grid gap-3 rounded-lg border p-4">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-mono text-sm break-all">{batch.batch_id}</span>
        <Badge variant={batch.status === "completed" ? "default" : batch.status === "cancelled" ? "secondary" : "outline"}>{STATUS_LABEL[batch.status]}</Badge>
        <span className="ml-auto text-sm text-muted-foreground">{new Date(batch.created_at).toLocaleString()}</span>
      </div>
      <div className="grid gap-1">
        <Progress value={percent} aria-label="Batch progress" />
        <p className="text-sm text-muted-foreground">
          {percent}% final · {counts.total} lines: {counts.open} open, {counts.shipped} shipped, {counts.failed} failed, {counts.cancelled} cancelled, {counts.rejected} rejected
        </p>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button asChild variant="outline" size="sm">
          <a href={batch.results_url} download={`${batch.batch_id}-results.ndjson`}>
            <DownloadIcon aria-hidden />
            Download results
          </a>
        </Button>
        {batch.status === "in_progress" && (
          <Button variant="outline" size="sm" onClick={onCancel} disabled={cancelling}>
            Cancel batch
          </Button>
        )}
      </div>
    </li>
  );
}
