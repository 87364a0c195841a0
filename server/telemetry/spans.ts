import "server-only";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from "@opentelemetry/api";

export { SpanKind };

const TRACER = "conveyor";

/** The W3C `traceparent` of `ctx` (the active context by default); undefined when there is no valid span in it. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** A context whose remote parent is `traceparent`; `base` (the root) when there is none or it is malformed. */
export function contextOf(traceparent: string | null | undefined, base: Context = ROOT_CONTEXT): Context {
  if (!traceparent) return base;
  return propagation.extract(base, { traceparent });
}

/** The trace id a traceparent names (32 hex digits), or undefined. */
export function traceIdOf(traceparent: string | null | undefined): string | undefined {
  const traceId = traceparent?.split("-")[1];
  return traceId && /^[0-9a-f]{32}$/.test(traceId) ? traceId : undefined;
}

/** A link to the span `traceparent` names (a fan-in, a trace that caused this one). */
export function linkTo(traceparent: string | null | undefined, attributes?: Attributes): Link[] {
  const spanContext = traceparent ? trace.getSpanContext(contextOf(traceparent)) : undefined;
  return spanContext ? [{ context: spanContext, ...(attributes ? { attributes } : {}) }] : [];
}

/**
 * The links of a job's span: to `tracelink` (the span that caused it from another trace) and
 * to each branch of a join (`tracejoin`, by branch name, with the name as `conveyor.join.branch`).
 * A span named twice is linked once, carrying the branch.
 */
export function jobLinks(tracelink: string | undefined, tracejoin: Record<string, unknown> | undefined): Link[] {
  const links = new Map<string, Link>();
  for (const link of linkTo(tracelink)) links.set(link.context.spanId, link);
  for (const [branch, traceparent] of Object.entries(tracejoin ?? {})) {
    if (typeof traceparent !== "string") continue;
    for (const link of linkTo(traceparent, { "conveyor.join.branch": branch })) links.set(link.context.spanId, link);
  }
  return [...links.values()];
}

export type SpanOptions = { kind?: SpanKind; attributes?: Attributes; links?: Link[]; parent?: Context; startTime?: Date };

/**
 * Runs `work` in a new active span, a child of `parent` (the active context by default):
 * ends it when `work` settles, with an error status and the exception when it throws.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const { parent, ...spanOptions } = options;
  return trace.getTracer(TRACER).startActiveSpan(name, spanOptions, parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (err) {
      markFailed(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A span that is started now and ended by the caller (a request whose end is an event). */
export function startSpan(name: string, options: SpanOptions): { span: Span; context: Context } {
  const { parent, ...spanOptions } = options;
  const base = parent ?? context.active();
  const span = trace.getTracer(TRACER).startSpan(name, spanOptions, base);
  return { span, context: trace.setSpan(base, span) };
}

/** A span of no duration in `traceparent`'s trace (an SSE push): one line in the waterfall. */
export function recordEvent(name: string, traceparent: string | null | undefined, attributes: Attributes): void {
  if (!traceparent) return;
  trace.getTracer(TRACER).startSpan(name, { kind: SpanKind.PRODUCER, attributes }, contextOf(traceparent)).end();
}

export function markFailed(span: Span, err: unknown): void {
  if (err instanceof Error) span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/**
 * The request id error answers carry: the active span's trace id and span id, so the id a
 * client quotes finds the trace (and the one request in it). Undefined outside a span.
 */
export function currentRequestId(): string | undefined {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return `${spanContext.traceId}-${spanContext.spanId}`;
}

/** The active trace and span ids, for log lines; undefined outside a span. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * Where a job enqueued now for an order hangs in that order's trace (decision 034): under the
 * active span when that span is already in the order's trace (a step enqueuing the next), else
 * under the order's own intake context, linked to the active span (an admin's restock resuming
 * a back-order, a group commit holding several orders' intakes).
 */
/** The branches of a join a job carries (`tracejoin`), without the ones nothing recorded. */
export function joinTraceFields(branches: Record<string, string | null> | undefined): { tracejoin?: Record<string, string> } {
  const known = Object.entries(branches ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string");
  return known.length > 0 ? { tracejoin: Object.fromEntries(known) } : {};
}

export function jobTraceFields(orderTraceparent: string | null | undefined): { traceparent?: string; tracelink?: string } {
  const active = traceparentOf();
  if (!orderTraceparent) return active ? { traceparent: active } : {};
  if (active && traceIdOf(active) === traceIdOf(orderTraceparent)) return { traceparent: active };
  return active ? { traceparent: orderTraceparent, tracelink: active } : { traceparent: orderTraceparent };
}
