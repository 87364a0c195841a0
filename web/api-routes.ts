import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Env } from "@/server/env";
import type { Method } from "@/server/http/method-not-allowed";
import type { ProcessServices } from "@/server/process-services";
import { serveAdminOverviewStream } from "./admin-overview-stream";
import { serveAuth } from "./auth-api";
import { serveBeacon } from "./beacons-api";
import { serveBatchEvents, serveBatchResults, serveCancelBatch, serveGetBatch, serveListBatches, servePostBatch } from "./batches-api";
import { serveHealth, serveOpenApi } from "./health-api";
import { serveDirectCheckout } from "./lab-api";
import { serveOrderEvents, serveShopperOrdersEvents } from "./order-events";
import { serveCancelOrder, serveGetOrder, serveListOrders } from "./orders-api";
import { servePaymentWebhook } from "./payment-webhook";
import { servePostOrder } from "./post-order";
import { serveTestControls } from "./test-controls-api";
import { serveTrpc } from "./trpc-api";
import {
  serveCreateWebhookEndpoint,
  serveDeleteWebhookEndpoint,
  serveGetWebhookEndpoint,
  serveListWebhookDeliveries,
  serveListWebhookEndpoints,
  serveRetryWebhookDelivery,
  serveRotateWebhookSecret,
  serveUpdateWebhookEndpoint,
} from "./webhook-endpoints-api";

/** A fetch-style handler: the request as a fetch `Request`, `param` the path's one parameter (decoded). */
export type FetchHandler = (services: ProcessServices, request: Request, param: string) => Promise<Response>;
/** A handler on Node's own objects, for the hot and long-lived routes (decision 022). */
export type NodeHandler = (services: ProcessServices, req: IncomingMessage, res: ServerResponse, param: string) => Promise<void>;

export type ApiRoute = {
  pattern: RegExp;
  methods: Partial<Record<Method, { fetch: FetchHandler } | { node: NodeHandler }>>;
  /** A route that exists only under some configuration (the test controls). */
  enabled?: (config: Env) => boolean;
};

const EVERY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const every = (fetch: FetchHandler) => Object.fromEntries(EVERY_METHOD.map((m) => [m, { fetch }])) as ApiRoute["methods"];

/**
 * Every API path of the web process and who answers each method (docs/api.md). The event
 * streams, the payment webhook and intake work on Node's objects; the rest are fetch-style.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  { pattern: /^\/api\/orders$/, methods: { GET: { fetch: serveListOrders }, POST: { node: servePostOrder } } },
  { pattern: /^\/api\/orders\/events$/, methods: { GET: { node: serveShopperOrdersEvents } } },
  { pattern: /^\/api\/orders\/([^/]+)$/, methods: { GET: { fetch: serveGetOrder } } },
  { pattern: /^\/api\/orders\/([^/]+)\/events$/, methods: { GET: { node: serveOrderEvents } } },
  { pattern: /^\/api\/orders\/([^/]+)\/cancel$/, methods: { POST: { fetch: serveCancelOrder } } },
  { pattern: /^\/api\/webhook-endpoints$/, methods: { GET: { fetch: serveListWebhookEndpoints }, POST: { fetch: serveCreateWebhookEndpoint } } },
  {
    pattern: /^\/api\/webhook-endpoints\/([^/]+)$/,
    methods: { GET: { fetch: serveGetWebhookEndpoint }, PATCH: { fetch: serveUpdateWebhookEndpoint }, DELETE: { fetch: serveDeleteWebhookEndpoint } },
  },
  { pattern: /^\/api\/webhook-endpoints\/([^/]+)\/rotate-secret$/, methods: { POST: { fetch: serveRotateWebhookSecret } } },
  { pattern: /^\/api\/webhook-endpoints\/([^/]+)\/deliveries$/, methods: { GET: { fetch: serveListWebhookDeliveries } } },
  // Two parameters, captured as one ("{id}/deliveries/{message_id}") and split by the handler.
  { pattern: /^\/api\/webhook-endpoints\/([^/]+\/deliveries\/[^/]+)\/retry$/, methods: { POST: { fetch: serveRetryWebhookDelivery } } },
  { pattern: /^\/api\/batches$/, methods: { GET: { fetch: serveListBatches }, POST: { fetch: servePostBatch } } },
  { pattern: /^\/api\/batches\/([^/]+)$/, methods: { GET: { fetch: serveGetBatch } } },
  { pattern: /^\/api\/batches\/([^/]+)\/events$/, methods: { GET: { node: serveBatchEvents } } },
  { pattern: /^\/api\/batches\/([^/]+)\/results$/, methods: { GET: { node: serveBatchResults } } },
  { pattern: /^\/api\/batches\/([^/]+)\/cancel$/, methods: { POST: { fetch: serveCancelBatch } } },
  { pattern: /^\/webhooks\/payments$/, methods: { POST: { node: servePaymentWebhook } } },
  { pattern: /^\/api\/trpc\/([^/]+)$/, methods: { GET: { fetch: serveTrpc }, POST: { fetch: serveTrpc } } },
  { pattern: /^\/api\/auth\/(.+)$/, methods: every(serveAuth) },
  { pattern: /^\/api\/health$/, methods: { GET: { fetch: serveHealth } } },
  { pattern: /^\/api\/openapi\.json$/, methods: { GET: { fetch: serveOpenApi } } },
  { pattern: /^\/api\/admin\/overview\/stream$/, methods: { GET: { fetch: serveAdminOverviewStream } } },
  { pattern: /^\/api\/beacons$/, methods: { POST: { fetch: serveBeacon } } },
  { pattern: /^\/api\/lab\/direct-checkout$/, methods: { POST: { fetch: serveDirectCheckout } } },
  // Without TEST_CONTROLS_TOKEN the controls do not exist: their paths reach Next's catch-all 404.
  { pattern: /^\/api\/test\/(.+)$/, methods: every(serveTestControls), enabled: (config) => Boolean(config.TEST_CONTROLS_TOKEN) },
];
