import "server-only";
import type { JobWithMetadata } from "pg-boss";
import { contextOf, inSpan, jobLinks, SpanKind } from "@/server/telemetry/spans";

/** What a job's data may carry of its trace (jobs/step-queue.ts writes it, decision 034). */
type TracedJobData = { traceparent?: unknown; tracelink?: unknown; tracejoin?: unknown; orderId?: unknown };

/**
 * Runs a job's handler in a CONSUMER span whose parent is the context the job was enqueued
 * in (pg-boss has no instrumentation: the context rides in the job's data), linked to the
 * span that caused it when that one is in another trace (a restock resuming a back-order), and
 * for a step that fans in (the invoice after the paid-and-stocked join) to the span each branch
 * finished in (decision 035).
 * The queue wait is an attribute, and the gap between the parent's end and this span's start.
 */
export function inJobSpan<T>(queue: string, job: JobWithMetadata, run: () => Promise<T>): Promise<T> {
  const data = (job.data ?? {}) as TracedJobData;
  const traceparent = typeof data.traceparent === "string" ? data.traceparent : undefined;
  const tracelink = typeof data.tracelink === "string" ? data.tracelink : undefined;
  const tracejoin = typeof data.tracejoin === "object" && data.tracejoin !== null ? (data.tracejoin as Record<string, unknown>) : undefined;
  const waitedMs = job.startedOn && job.createdOn ? Math.max(0, new Date(job.startedOn).getTime() - new Date(job.createdOn).getTime()) : undefined;
  const attributes = {
    "messaging.system": "pg-boss",
    "messaging.operation.type": "process",
    "messaging.destination.name": queue,
    "messaging.message.id": job.id,
    "conveyor.job.attempt": job.retryCount + 1,
    ...(waitedMs === undefined ? {} : { "conveyor.job.queue_wait_ms": waitedMs }),
    ...(job.createdOn ? { "conveyor.job.enqueued_at": new Date(job.createdOn).toISOString() } : {}),
    ...(typeof data.orderId === "string" ? { "conveyor.order_id": data.orderId } : {}),
  };
  // Without a traceparent (a job enqueued before tracing, the hourly maintenance) the span starts a trace of its own.
  return inSpan(`${queue} process`, { kind: SpanKind.CONSUMER, parent: contextOf(traceparent), links: jobLinks(tracelink, tracejoin), attributes }, () => run());
}
