import "server-only";
/**
 * The one validated view of configuration. Every variable is documented in .env.example.
 * Outside production each has a development default, so `npm run dev` and the tests work on
 * a fresh machine; in production (NODE_ENV=production) the secrets have none: a secret that
 * is missing, too short or equal to a default committed here stops the process with one
 * line naming the variable (docs/security.md).
 * The launcher, workers and simulators import it too: they run with
 * `--conditions=react-server`, under which `server-only` is empty.
 */
import { z } from "zod";
import { TRPC_CLIENT_BATCH_SIZE } from "@/lib/limits";

/** Development defaults of the secrets. Public (they are in the repository): refused in production. */
export const DEV_WEBHOOK_SECRET = "whsec_Y29udmV5b3ItZGV2ZWxvcG1lbnQtd2ViaG9vay1zZWNyZXQ=";
export const DEV_AUTH_SECRET = "conveyor-development-auth-secret-change-me-in-production-0123456789";
export const DEV_ADMIN_EMAIL = "admin@conveyor.local";
export const DEV_ADMIN_PASSWORD = "conveyor-admin";

/** Production's minimum lengths (docs/security.md). */
export const MIN_SECRET_LENGTH = 32;
export const MIN_ADMIN_PASSWORD_LENGTH = 12;

const GENERATE_SECRET = "openssl rand -base64 32";
const GENERATE_WEBHOOK_SECRET = 'echo "whsec_$(openssl rand -base64 32)"';

/** `whsec_` then canonical base64 (padding only at the end), so the key cannot be empty. */
const webhookSecret = z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be whsec_<base64>");

const flag = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "5s,5m,2h" → [5, 300, 7200] (seconds). */
function parseDelays(text: string): number[] {
  return text.split(",").map((part) => {
    const trimmed = part.trim();
    return Number(trimmed.slice(0, -1)) * UNIT_SECONDS[trimmed.slice(-1)]!;
  });
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  APP_URL: z.string().url().optional(),
  PAYMENT_WEBHOOK_SECRET: webhookSecret.optional(),
  // The secret being retired during a rotation: a signature under either one is accepted.
  PAYMENT_WEBHOOK_SECRET_PREVIOUS: webhookSecret.optional(),
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
  // Connections of a worker process for its jobs' statements, and as many again for pg-boss's.
  // Jobs wait for one in the pool rather than queue as runnable backends beside intake's
  // (decisions 053, 054): 4 suits a database of two cores; a bigger one wants more.
  WORKER_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(4),
  // A charge with no verdict this long after it was requested is looked up at the provider.
  PAYMENT_RECONCILE_AFTER_SECONDS: z.coerce.number().min(1).default(300),
  JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(1000).default(30),
  JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).default(1),
  JOB_RETRY_DELAY_MAX_SECONDS: z.coerce.number().int().min(1).default(600),
  JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).default(10),
  JOB_SUPERVISE_SECONDS: z.coerce.number().int().min(1).default(10),
  // How often each queue's poller looks for jobs that came due without a NOTIFY — a retry
  // whose backoff ended — while NOTIFY works (pg-boss's notifyPollingIntervalSeconds). A
  // retry runs up to this long after its backoff; test stacks use pg-boss's floor, 0.5 s.
  JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(5),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  // Reverse proxies in front of the web server whose X-Forwarded-For entries are believed.
  // 0: the client is the socket's peer and any X-Forwarded-For it sends is ignored.
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  // Sign-in and sign-up limits (docs/security.md): attempts per client address and per
  // account (email) in a 15-minute window; new guest shoppers per address in 10 minutes.
  SIGN_IN_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  SIGN_IN_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  SIGN_UPS_PER_ADDRESS: z.coerce.number().int().min(1).default(10),
  GUEST_SESSIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(60),
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
  // Outbound webhooks (CONTRACT §8, docs/decisions/032-outbound-webhooks.md). Unset, private
  // targets (and http) are allowed outside production only.
  WEBHOOK_ALLOW_PRIVATE_TARGETS: flag.optional(),
  // The delays between attempts of one delivery (s, m, h, d units), each drawn ±20 %; after the last, the message is failed.
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\s*\d+(\.\d+)?[smhd]\s*(,\s*\d+(\.\d+)?[smhd]\s*)*$/, "must be delays such as 5s,5m,30m,2h")
    .default("5s,5m,30m,2h,5h,10h,10h")
    .transform(parseDelays),
  // Deliveries in flight at once per worker process, and per endpoint across every worker.
  WEBHOOK_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(20).default(2),
  WEBHOOK_DELIVERY_RETENTION_DAYS: z.coerce.number().min(1).default(30),
  // Batches (CONTRACT §9): lines placed per second across the shop, so a batch never starves checkout (decision 033).
  BATCH_LINES_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(200),
  // Tracing (decision 034): spans kept in trace_spans this many days for the admin's order
  // page (0: none kept, and without OTEL_EXPORTER_OTLP_ENDPOINT nothing is recorded at all);
  // TRACE_VIEW_URL, e.g. https://jaeger.example/trace/{trace_id}, links an order's trace out.
  TRACE_RETENTION_DAYS: z.coerce.number().min(0).default(3),
  TRACE_VIEW_URL: z.string().url().includes("{trace_id}").optional(),
  // What shoppers saw (decision 035): beacons accepted per client address per minute, and
  // how many days their measurements are kept for the admin overview (pruned hourly).
  BEACON_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  RUM_RETENTION_DAYS: z.coerce.number().min(1).default(14),
  WAREHOUSE_EMAIL: z.string().email().default("warehouse@conveyor.test"),
  SEED: flag.default(true),
  // Manual review's value at start (docs/decisions/029-manual-review.md); unset keeps the
  // database's (an admin's last switch; off in a new database).
  MANUAL_REVIEW: flag.optional(),
  // Secrets' lengths and committed defaults are checked below, with their own messages.
  BETTER_AUTH_SECRET: z.string().optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  // Shows /api/health's details to `Authorization: Bearer <token>` (admins see them signed in).
  HEALTH_TOKEN: z.string().optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  DATA_DIR: z.string().default(".data"),
  // End-to-end suites only (docs/testing.md): when set, /api/test/* answers to
  // `Authorization: Bearer <this>`; unset, those paths do not exist (404 like any unknown path).
  TEST_CONTROLS_TOKEN: z.string().min(16, "must be at least 16 characters").max(256).optional(),
});

type Parsed = z.infer<typeof envSchema>;

export type Env = Omit<Parsed, "PAYMENT_WEBHOOK_SECRET" | "BETTER_AUTH_SECRET" | "WEBHOOK_ALLOW_PRIVATE_TARGETS"> & {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: boolean;
  DATABASE_URL: string;
  APP_URL: string;
  PAYMENT_PROVIDER_URL: string;
  INVOICING_URL: string;
  EMAIL_SERVICE_URL: string;
  CARRIER_URL: string;
  FRAUD_URL: string;
  RISK_URL: string;
  PAYMENT_WEBHOOK_SECRET: string;
  BETTER_AUTH_SECRET: string;
};

/**
 * Configuration that must not run. Branded by `code` (not by class): the web process may load
 * this module twice. The message is one line naming every variable at fault, never a value.
 */
export class ConfigurationError extends Error {
  readonly code = "CONFIGURATION_INVALID";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigurationError";
  }
}

export function isConfigurationError(err: unknown): err is ConfigurationError {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "CONFIGURATION_INVALID";
}

type SecretRule = { minLength: number; committed: readonly string[]; generate: string; required: boolean; requiredWhy?: string };

/** What is wrong with one secret; undefined when nothing is. Names the variable, never the value. */
function secretProblem(variable: string, value: string | undefined, rule: SecretRule): string | undefined {
  const hint = `set one of ${rule.minLength}+ characters (${rule.generate})`;
  if (value === undefined) return rule.required ? `${variable} is not set: production needs it${rule.requiredWhy ?? ""}; ${hint}` : undefined;
  if (rule.committed.includes(value)) return `${variable} is the development default committed in the repository; ${hint}`;
  if (value.length < rule.minLength) return `${variable} is too short (${value.length} characters); ${hint}`;
  return undefined;
}

/**
 * The secrets' rules (docs/security.md). Production: none may be missing, short or a default
 * committed here; the admin's password is required with ADMIN_EMAIL (no admin is seeded
 * without it). Elsewhere the development defaults stand in for what is unset, and only
 * lengths that would weaken something real are checked.
 */
function secretProblems(e: Parsed, production: boolean): string[] {
  const webhook = { minLength: MIN_SECRET_LENGTH, committed: [DEV_WEBHOOK_SECRET], generate: GENERATE_WEBHOOK_SECRET };
  const rules: [string, string | undefined, SecretRule][] = [
    ["BETTER_AUTH_SECRET", e.BETTER_AUTH_SECRET, { minLength: MIN_SECRET_LENGTH, committed: production ? [DEV_AUTH_SECRET] : [], generate: GENERATE_SECRET, required: production }],
    [
      "ADMIN_PASSWORD",
      e.ADMIN_PASSWORD,
      {
        minLength: production ? MIN_ADMIN_PASSWORD_LENGTH : 8,
        committed: production ? [DEV_ADMIN_PASSWORD] : [],
        generate: GENERATE_SECRET,
        required: production && e.ADMIN_EMAIL !== undefined,
        requiredWhy: " with ADMIN_EMAIL",
      },
    ],
    ["HEALTH_TOKEN", e.HEALTH_TOKEN, { minLength: MIN_SECRET_LENGTH, committed: [], generate: GENERATE_SECRET, required: false }],
  ];
  if (production) {
    rules.unshift(
      ["PAYMENT_WEBHOOK_SECRET", e.PAYMENT_WEBHOOK_SECRET, { ...webhook, required: true }],
      ["PAYMENT_WEBHOOK_SECRET_PREVIOUS", e.PAYMENT_WEBHOOK_SECRET_PREVIOUS, { ...webhook, required: false }],
    );
  }
  return rules.map(([variable, value, rule]) => secretProblem(variable, value, rule)).filter((p): p is string => p !== undefined);
}

/** Validates `source` (process.env) into the configuration; throws ConfigurationError. Exported for its tests. */
export function loadEnv(source: Record<string, string | undefined>): Env {
  // Empty strings in a shell or .env mean "not set", not "set to nothing".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigurationError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const problems = secretProblems(e, production);
  if (problems.length > 0) throw new ConfigurationError(problems);
  const simulators = `http://127.0.0.1:${e.SIMULATOR_PORT}`;
  return {
    ...e,
    PAYMENT_WEBHOOK_SECRET: e.PAYMENT_WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET,
    BETTER_AUTH_SECRET: e.BETTER_AUTH_SECRET ?? DEV_AUTH_SECRET,
    // Production seeds an admin only when told which address (there is no default one).
    ADMIN_EMAIL: e.ADMIN_EMAIL ?? (production ? undefined : DEV_ADMIN_EMAIL),
    ADMIN_PASSWORD: e.ADMIN_PASSWORD ?? (production ? undefined : DEV_ADMIN_PASSWORD),
    WEBHOOK_ALLOW_PRIVATE_TARGETS: e.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? !production,
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

/**
 * For a process's entry point, before it starts anything: the configuration, or — when it
 * must not run — its one line on stderr and exit code 1.
 */
export function envOrExit(role: string): Env {
  try {
    return env();
  } catch (err) {
    if (!isConfigurationError(err)) throw err;
    console.error(`[${role}] ${err.message}`);
    process.exit(1);
  }
}

/** For processes that cannot run without a database (web, workers, simulators). */
export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set. Start the app with `npm run dev` or `npm start`, which provide one.");
  return url;
}
