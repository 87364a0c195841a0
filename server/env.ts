/**
 * The one validated view of configuration. Every variable is documented in .env.example;
 * each has a development default so `npm run dev` works on a fresh machine.
 * Deliberately free of `server-only` so the launcher, workers and simulators (plain Node
 * processes) can import it too.
 */
import { z } from "zod";
import { TRPC_CLIENT_BATCH_SIZE } from "@/lib/limits";

export const DEV_WEBHOOK_SECRET = "whsec_Y29udmV5b3ItZGV2ZWxvcG1lbnQtd2ViaG9vay1zZWNyZXQ=";
/** Signs session cookies. Development only: set BETTER_AUTH_SECRET in production. */
export const DEV_AUTH_SECRET = "conveyor-development-auth-secret-change-me-in-production-0123456789";

const flag = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  APP_URL: z.string().url().optional(),
  PAYMENT_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, "must be whsec_<base64>")
    .default(DEV_WEBHOOK_SECRET),
  SIMULATOR_PORT: z.coerce.number().int().min(1).max(65535).default(4100),
  PAYMENT_PROVIDER_URL: z.string().url().optional(),
  INVOICING_URL: z.string().url().optional(),
  EMAIL_SERVICE_URL: z.string().url().optional(),
  CARRIER_URL: z.string().url().optional(),
  FRAUD_URL: z.string().url().optional(),
  RISK_URL: z.string().url().optional(),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  WORKER_PROCESSES: z.coerce.number().int().min(0).max(16).default(1),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(8),
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  // A charge with no verdict this long after it was requested is looked up at the provider.
  PAYMENT_RECONCILE_AFTER_SECONDS: z.coerce.number().min(1).default(300),
  JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(1000).default(30),
  JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).default(1),
  JOB_RETRY_DELAY_MAX_SECONDS: z.coerce.number().int().min(1).default(600),
  JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).default(10),
  JOB_SUPERVISE_SECONDS: z.coerce.number().int().min(1).default(10),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  // Reverse proxies in front of the web server whose X-Forwarded-For entries are believed.
  // 0: the client is the socket's peer and any X-Forwarded-For it sends is ignored.
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  SSE_HEARTBEAT_SECONDS: z.coerce.number().min(0.1).max(15).default(15),
  // Open event streams at once, per shopper, per client address and per web process (429 past them).
  SSE_MAX_STREAMS_PER_SHOPPER: z.coerce.number().int().min(1).default(20),
  SSE_MAX_STREAMS_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  SSE_MAX_STREAMS: z.coerce.number().int().min(1).default(5000),
  // An order stream with no status update for this long ends (the client reconnects).
  SSE_MAX_IDLE_SECONDS: z.coerce.number().min(0.1).default(600),
  // Calls in one tRPC batch; the browser's client sends at most TRPC_CLIENT_BATCH_SIZE, so never less.
  TRPC_MAX_BATCH_SIZE: z.coerce.number().int().min(TRPC_CLIENT_BATCH_SIZE).default(20),
  // /webhooks/payments per client address per minute: every request, and those whose signature fails.
  WEBHOOK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60_000),
  WEBHOOK_FAILED_SIGNATURES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().min(1).default(30),
  WAREHOUSE_EMAIL: z.string().email().default("warehouse@conveyor.test"),
  SEED: flag.default(true),
  BETTER_AUTH_SECRET: z.string().min(32).default(DEV_AUTH_SECRET),
  ADMIN_EMAIL: z.string().email().default("admin@conveyor.local"),
  ADMIN_PASSWORD: z.string().min(8).default("conveyor-admin"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  DATA_DIR: z.string().default(".data"),
});

export type Env = z.infer<typeof envSchema> & {
  DATABASE_URL: string;
  APP_URL: string;
  PAYMENT_PROVIDER_URL: string;
  INVOICING_URL: string;
  EMAIL_SERVICE_URL: string;
  CARRIER_URL: string;
  FRAUD_URL: string;
  RISK_URL: string;
};

function loadEnv(source: NodeJS.ProcessEnv): Env {
  // Empty strings in a shell or .env mean "not set", not "set to nothing".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  const e = parsed.data;
  const simulators = `http://127.0.0.1:${e.SIMULATOR_PORT}`;
  return {
    ...e,
    DATABASE_URL: e.DATABASE_URL ?? "",
    APP_URL: e.APP_URL ?? `http://127.0.0.1:${e.PORT}`,
    PAYMENT_PROVIDER_URL: e.PAYMENT_PROVIDER_URL ?? `${simulators}/payments`,
    INVOICING_URL: e.INVOICING_URL ?? `${simulators}/invoicing`,
    EMAIL_SERVICE_URL: e.EMAIL_SERVICE_URL ?? `${simulators}/email`,
    CARRIER_URL: e.CARRIER_URL ?? `${simulators}/carrier`,
    FRAUD_URL: e.FRAUD_URL ?? `${simulators}/fraud`,
    RISK_URL: e.RISK_URL ?? `${simulators}/risk`,
  };
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= loadEnv(process.env);
  return cached;
}

/** For processes that cannot run without a database (web, workers, simulators). */
export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set. Start the app with `npm run dev` or `npm start`, which provide one.");
  return url;
}
