import { context, trace } from "@opentelemetry/api";
import { AlwaysOnSampler, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { traceSpans } from "@/server/db/schema";
import { useServiceDatabase } from "@/tests/support/service-database";
import { pruneTraceSpans } from "./prune-trace-spans";
import { PostgresSpanStore } from "./span-store";
import { contextOf, currentRequestId, inSpan, jobLinks, jobTraceFields, joinTraceFields, traceIdOf, traceparentOf } from "./spans";
import { installTracing, otlpExporter, otlpProtocol } from "./tracing";

// Installed as a process without an OTLP endpoint and without the store: tracing "off".
const setup = installTracing("conveyor-worker", 0, {});
const svc = useServiceDatabase();

const CLIENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

describe("tracing off (no OTLP endpoint, no store)", () => {
  it("records nothing, yet every span has ids, continues a caller's trace and names requests", async () => {
    expect(setup).toMatchObject({ exporting: false, recording: false });
    await inSpan("request", { parent: contextOf(CLIENT) }, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(traceIdOf(traceparentOf())).toBe("0af7651916cd43dd8448eb211c80319c");
      expect(currentRequestId()).toMatch(/^0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}$/);
    });
    // A root span starts a trace of its own.
    await inSpan("root", {}, async () => expect(traceIdOf(traceparentOf())).toMatch(/^[0-9a-f]{32}$/));
  });
});

describe("jobTraceFields: where a job hangs in its order's trace", () => {
  it("under the active span when it is in the order's trace", async () => {
    await inSpan("step", { parent: contextOf(CLIENT) }, async () => {
      expect(jobTraceFields(CLIENT)).toEqual({ traceparent: traceparentOf() });
    });
  });

  it("under the order's own context, linked to the active span, when that span is another trace's (a restock)", async () => {
    await inSpan("restock", {}, async () => {
      expect(jobTraceFields(CLIENT)).toEqual({ traceparent: CLIENT, tracelink: traceparentOf() });
    });
  });

  it("under the active span for a job of no order, and nothing outside any span", async () => {
    await inSpan("maintenance", {}, async () => expect(jobTraceFields(null)).toEqual({ traceparent: traceparentOf() }));
    context.with(trace.deleteSpan(context.active()), () => expect(jobTraceFields(null)).toEqual({}));
    context.with(trace.deleteSpan(context.active()), () => expect(jobTraceFields(CLIENT)).toEqual({ traceparent: CLIENT }));
  });
});

describe("a join's links (decision 035)", () => {
  const PAYMENT = "00-0af7651916cd43dd8448eb211c80319c-00000000000000a1-01";
  const STOCK = "00-0af7651916cd43dd8448eb211c80319c-00000000000000b2-01";

  it("carries the span each branch finished in, leaving out branches nothing recorded", () => {
    expect(joinTraceFields({ payment: PAYMENT, stock: STOCK })).toEqual({ tracejoin: { payment: PAYMENT, stock: STOCK } });
    expect(joinTraceFields({ payment: PAYMENT, stock: null })).toEqual({ tracejoin: { payment: PAYMENT } });
    expect(joinTraceFields({ payment: null, stock: null })).toEqual({});
    expect(joinTraceFields(undefined)).toEqual({});
  });

  it("links the job's span to each branch, named, and to a cause in another trace once even when it is also a branch", () => {
    const links = jobLinks(STOCK, { payment: PAYMENT, stock: STOCK, bogus: 42 });
    expect(links.map((l) => [l.context.spanId, l.attributes?.["conveyor.join.branch"]])).toEqual([
      ["00000000000000b2", "stock"],
      ["00000000000000a1", "payment"],
    ]);
    expect(jobLinks(CLIENT, undefined).map((l) => l.context.spanId)).toEqual(["b7ad6b7169203331"]);
    expect(jobLinks(undefined, { payment: "not a traceparent" })).toEqual([]);
  });
});

describe("OTEL_EXPORTER_OTLP_PROTOCOL", () => {
  it("honours http/json and http/protobuf (the default), the traces-specific variable first, and refuses the rest", () => {
    expect(otlpProtocol({})).toBe("http/protobuf");
    expect(otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })).toBe("http/json");
    expect(otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf" })).toBe("http/protobuf");
    expect(() => otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(/not supported/);
  });
});

describe("the span store", () => {
  it("writes finished spans in batches to trace_spans, with parent, links, error and attributes; maintenance prunes them", async () => {
    const store = new PostgresSpanStore("conveyor-worker");
    // A provider of its own, recording, so the global "off" one above is left alone.
    const tracer = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [store] }).getTracer("test");
    // Ended before the pool is attached: kept in the buffer, written once it is.
    const parent = tracer.startSpan("parent", {}, contextOf(CLIENT));
    const parentContext = trace.setSpan(context.active(), parent);
    const child = tracer.startSpan("child", { attributes: { "conveyor.order_id": "ord_x" }, links: [{ context: trace.getSpanContext(contextOf(CLIENT))! }] }, parentContext);
    child.setStatus({ code: 2, message: "carrier: HTTP 503" });
    child.end();
    parent.end();
    store.attach(svc().pool);
    await store.forceFlush();

    const traceId = parent.spanContext().traceId;
    const rows = await svc().db.select().from(traceSpans).where(eq(traceSpans.traceId, traceId));
    expect(rows).toHaveLength(2);
    const stored = rows.find((row) => row.name === "child")!;
    expect(stored).toMatchObject({
      service: "conveyor-worker",
      parentSpanId: parent.spanContext().spanId,
      status: 2,
      error: "carrier: HTTP 503",
      attributes: { "conveyor.order_id": "ord_x" },
      links: [{ trace_id: "0af7651916cd43dd8448eb211c80319c", span_id: "b7ad6b7169203331" }],
    });
    expect(rows.find((row) => row.name === "parent")!.parentSpanId).toBe("b7ad6b7169203331");
    expect(stored.endedAt.getTime()).toBeGreaterThanOrEqual(stored.startedAt.getTime());

    expect(await pruneTraceSpans(svc().db, 1)).toBe(0); // a day's retention keeps what just started
    expect(await pruneTraceSpans(svc().db, 0)).toBeGreaterThanOrEqual(2);
    await store.shutdown();
  });

  it("keeps them in an unlogged table with no uniqueness check (decision 042)", async () => {
    const { rows } = await svc().pool.query<{ persistence: string; indexes: string[] }>(
      `SELECT c.relpersistence AS persistence, array(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = c.oid ORDER BY 1) AS indexes
       FROM pg_class c WHERE c.relname = 'trace_spans'`,
    );
    expect(rows).toHaveLength(1);
    const table = rows[0]!;
    expect(table.persistence).toBe("u");
    expect(table.indexes).toEqual([
      expect.stringMatching(/trace_spans_started_idx ON public\.trace_spans USING brin \(started_at\)/),
      expect.stringMatching(/trace_spans_trace_idx ON public\.trace_spans USING btree \(trace_id\)/),
    ]);
  });
});

describe("the OTLP/HTTP exporters", () => {
  it("post to <endpoint>/v1/traces as protobuf by default and as JSON when asked", async () => {
    const received: { path: string; type: string; bytes: number; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        received.push({ path: req.url ?? "", type: String(req.headers["content-type"]), bytes: body.length, body: body.toString("utf8") });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const previous = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    // The exporters read the endpoint from the standard variable themselves.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    try {
      for (const protocol of ["http/protobuf", "http/json"]) {
        const exporter = otlpExporter({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
        const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
        provider.getTracer("test").startSpan(`exported as ${protocol}`).end();
        await provider.forceFlush();
        await provider.shutdown();
      }
    } finally {
      if (previous === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = previous;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(received.map(({ path, type }) => [path, type])).toEqual([
      ["/v1/traces", "application/x-protobuf"],
      ["/v1/traces", "application/json"],
    ]);
    expect(received[0]!.bytes).toBeGreaterThan(0);
    expect(received[1]!.body).toContain("exported as http/json");
  });
});
