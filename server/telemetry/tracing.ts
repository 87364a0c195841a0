import "server-only";
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter as OtlpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { PostgresSpanStore, type SpanStorePool } from "./span-store";

/** The processes of Conveyor, as their spans name them (CONTRACT §10). */
export type ServiceName = "conveyor-web" | "conveyor-worker" | "conveyor-simulators";

export type TracingSetup = {
  /** True when spans are exported (an OTLP endpoint is configured). */
  exporting: boolean;
  /** True when spans are recorded at all (exported, or kept in trace_spans). */
  recording: boolean;
  /** Starts writing the process's spans to trace_spans through `pool` (when they are kept). */
  attachStore(pool: SpanStorePool): void;
  /** Sends what is buffered (on shutdown). */
  shutdown(): Promise<void>;
};

/** The standard variables that turn export on: the traces-specific endpoint wins, as the exporters read it. */
export function otlpEndpointConfigured(environment: Environment = process.env): boolean {
  return Boolean(environment.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || environment.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`: http/protobuf (the specification's default) or http/json; grpc is not offered. */
export function otlpProtocol(environment: Environment = process.env): "http/json" | "http/protobuf" {
  const protocol = (environment.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || environment.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf").trim();
  if (protocol === "http/json" || protocol === "http/protobuf") return protocol;
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: use http/protobuf or http/json.`);
}

/** The standard OTEL_* variables are read from here (process.env in the processes). */
type Environment = Record<string, string | undefined>;

let installed: TracingSetup | undefined;

/**
 * Installs tracing in this process, once, before it serves anything (decision 034).
 *
 * Always: the W3C trace-context propagator and an AsyncLocalStorage context manager, so every
 * order gets a trace id, jobs and webhooks carry it, logs and error answers name it.
 *
 * With an OTLP endpoint set, spans are sampled (a caller's unsampled `traceparent` is
 * respected), batched and exported over OTLP/HTTP in the protocol asked for. With
 * `retentionDays` > 0 (TRACE_RETENTION_DAYS) they are also kept in trace_spans for the admin.
 * With neither, the sampler records nothing: a span is an id pair and nothing else (no
 * attributes kept, no processor, no exporter, no timer): "off costs nothing measurable".
 */
export function installTracing(serviceName: ServiceName, retentionDays: number, environment: Environment = process.env): TracingSetup {
  if (installed) return installed;
  const exporting = otlpEndpointConfigured(environment);
  const store = retentionDays > 0 ? new PostgresSpanStore(serviceName) : undefined;
  const recording = exporting || store !== undefined;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: process.env.npm_package_version ?? "0.1.0" }),
    sampler: recording ? new ParentBasedSampler({ root: new AlwaysOnSampler() }) : new AlwaysOffSampler(),
    spanProcessors: [
      ...(exporting ? [new BatchSpanProcessor({ exporter: otlpExporter(environment), scheduledDelayMillis: scheduledDelay(environment) })] : []),
      ...(store ? [store] : []),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  installed = { exporting, recording, attachStore: (pool) => store?.attach(pool), shutdown: () => provider.shutdown() };
  return installed;
}

export function otlpExporter(environment: Environment): SpanExporter {
  // Both read the endpoint, headers and timeout from the standard variables themselves.
  return otlpProtocol(environment) === "http/json" ? new OtlpJsonExporter() : new OtlpProtobufExporter();
}

/** OTEL_BSP_SCHEDULE_DELAY (ms, default 5000): how long finished spans wait to go out together. */
function scheduledDelay(environment: Environment): number {
  const delay = Number(environment.OTEL_BSP_SCHEDULE_DELAY);
  return Number.isFinite(delay) && delay > 0 ? delay : 5000;
}
