import "server-only";
import { createRequire } from "node:module";
import { pino, type DestinationStream, type Logger } from "pino";
import { activeTraceIds } from "@/server/telemetry/spans";

/**
 * The one logger of every process (decision 034): JSON lines on stdout (one object per line:
 * `level`, `time`, `role`, `msg`, and the active span's `trace_id` and `span_id` when there is
 * one, so every line about an order carries its trace), pretty in `npm run dev` when
 * pino-pretty (a dev dependency) is installed. LOG_LEVEL chooses the level (default info; the
 * per-job and per-order lines are debug).
 *
 * No secrets or card data: the headers and fields that could carry them are redacted wherever
 * they appear, and call sites log ids and messages, never bodies.
 */
const SECRET_KEYS = ["authorization", "cookie", "password", "secret", "token", "apiKey", "api_key", "card_number", "cvc"];
// Top level and one level down (pino's wildcards match one level), and headers wherever they are logged.
const REDACTED_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((key) => `*.${key}`), "headers['set-cookie']", "*.headers.authorization", "*.headers.cookie"];

/** The process's logger, with its options, writing to `stream` (stdout by default; tests pass their own). */
export function createLogger(stream?: DestinationStream): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL || "info",
      base: { role: process.env.PROCESS_ROLE || "launcher", pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => activeTraceIds() ?? {},
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { err: serializeError },
    },
    stream,
  );
}

/**
 * pino's error serializer copies an error's own fields, and pg-pool hangs the whole client
 * (its connection, socket and type tables: several KB per line) on an idle client's error as
 * `err.client`. The error's message, code and stack are what a reader needs.
 */
function serializeError(err: unknown): unknown {
  const serialized = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (serialized && typeof serialized === "object") delete serialized.client;
  return serialized;
}

export const logger: Logger = createLogger(destination());

/** A logger whose lines name the part of the process that wrote them. */
export function loggerFor(component: string): Logger {
  return logger.child({ component });
}

/** stdout as JSON; pino-pretty's transport when LOG_FORMAT=pretty and it is installed (dev only). */
function destination(): DestinationStream | undefined {
  if (process.env.LOG_FORMAT !== "pretty") return undefined;
  try {
    createRequire(import.meta.url).resolve("pino-pretty");
  } catch {
    return undefined; // a production install has no dev dependencies: JSON it is
  }
  return pino.transport({ target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" } });
}
