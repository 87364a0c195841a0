/**
 * BENCH_ONLY=tracing (decision 034): the same measurements on three stacks started one after
 * another in one run — tracing off (no OTLP endpoint, TRACE_RETENTION_DAYS=0: ids only),
 * spans exported over OTLP/HTTP protobuf to a sink on loopback, and spans kept in Postgres
 * (the default) — so their CPU per order and intake p99 compare on the same machine state.
 */
import { createServer } from "node:http";
import { measureIntake } from "./intake";
import { round } from "./load";
import { discardQueuedJobs, measurePipelineThroughput } from "./pipeline";
import { cpuSnapshot, cpuUsedBetween, postgresBackends, withDescendants } from "./process-cpu";
import { BENCH_APPLICATION_NAME, startBenchStack, type BenchStack } from "./stack";

export type TracingMode = "off" | "export" | "store";

export type TracingModeResult = { mode: TracingMode; intake_p99_ms: number; intake_orders_per_s: number; cpu_per_order_ms: number; cpu_per_order_by_group_ms: Record<string, number> };

/** An OTLP/HTTP endpoint that takes every export and keeps nothing but a count of bytes. */
async function startOtlpSink(): Promise<{ url: string; bytes: () => number; close: () => Promise<void> }> {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on("data", (chunk: Buffer) => (bytes += chunk.length));
    req.on("end", () => res.writeHead(200, { "Content-Type": "application/x-protobuf" }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, bytes: () => bytes, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function stackCpu(stack: BenchStack) {
  return cpuSnapshot([...withDescendants(stack.processRoots()), ...(await postgresBackends(stack.pool, BENCH_APPLICATION_NAME))]);
}

export async function measureTracingModes(
  /** `onFirstStack` runs once the first stack is up (the bench prints the machine line there). */
  options: { clients: number; warmupSeconds: number; seconds: number; burst: number; onFirstStack?: (stack: BenchStack) => Promise<void> },
  log: (line: string) => void,
): Promise<{ modes: TracingModeResult[]; exported_bytes_per_order: number }> {
  const sink = await startOtlpSink();
  const environments: Record<TracingMode, Record<string, string>> = {
    off: { TRACE_RETENTION_DAYS: "0", OTEL_EXPORTER_OTLP_ENDPOINT: "" },
    export: { TRACE_RETENTION_DAYS: "0", OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" },
    store: { TRACE_RETENTION_DAYS: "3", OTEL_EXPORTER_OTLP_ENDPOINT: "" },
  };
  const modes: TracingModeResult[] = [];
  let exportedBytesPerOrder = 0;
  try {
    for (const mode of ["off", "export", "store"] as const) {
      log(`tracing ${mode}: starting a stack…`);
      const stack = await startBenchStack(options.clients, environments[mode]);
      try {
        if (mode === "off") await options.onFirstStack?.(stack);
        const intake = await measureIntake(stack.baseUrl, stack.apiKeys, options.warmupSeconds, options.seconds);
        // Intake's orders stay pending: their jobs are dropped, so the burst is all the workers do.
        await discardQueuedJobs(stack.pool);
        await stack.startWorkers();
        const bytesBefore = sink.bytes();
        const cpuBefore = await stackCpu(stack);
        const throughput = await measurePipelineThroughput(stack, options.burst);
        const cpu = cpuUsedBetween(cpuBefore, await stackCpu(stack));
        const byGroup = Object.fromEntries(Object.entries(cpu.by_group_s).map(([group, s]) => [group, round((s * 1000) / throughput.orders, 2)]));
        const result = { mode, intake_p99_ms: round(intake.p99_ms), intake_orders_per_s: round(intake.orders_per_s), cpu_per_order_ms: round((cpu.total_s * 1000) / throughput.orders, 2), cpu_per_order_by_group_ms: byGroup };
        if (mode === "export") exportedBytesPerOrder = round((sink.bytes() - bytesBefore) / throughput.orders);
        log(`  intake p99 ${result.intake_p99_ms} ms (${result.intake_orders_per_s} orders/s); CPU per order ${result.cpu_per_order_ms} ms: ${Object.entries(byGroup).map(([g, v]) => `${g} ${v}`).join(", ")}`);
        modes.push(result);
      } finally {
        await stack.stop();
      }
    }
  } finally {
    await sink.close();
  }
  const off = modes.find((m) => m.mode === "off")!;
  for (const m of modes) if (m !== off) log(`  ${m.mode}: CPU per order ${round((m.cpu_per_order_ms / off.cpu_per_order_ms - 1) * 100, 1)} % over off; intake p99 ${m.intake_p99_ms} vs ${off.intake_p99_ms} ms`);
  return { modes, exported_bytes_per_order: exportedBytesPerOrder };
}
