/** Every admin procedure with a valid input: the access-control specs call each of them. */
export const ADMIN_PROCEDURES: { path: string; kind: "query" | "mutation"; input: unknown }[] = [
  { path: "admin.overview", kind: "query", input: { window: "15m" } },
  { path: "admin.shopperExperience", kind: "query", input: { window: "15m" } },
  { path: "admin.orders", kind: "query", input: {} },
  { path: "admin.order", kind: "query", input: { orderId: "ord_doesnotexist" } },
  { path: "admin.orderTrace", kind: "query", input: { orderId: "ord_doesnotexist" } },
  { path: "admin.cancelOrder", kind: "mutation", input: { orderId: "ord_doesnotexist" } },
  { path: "admin.retryStep", kind: "mutation", input: { orderId: "ord_doesnotexist", queue: "createShipment" } },
  { path: "admin.deadLetters", kind: "query", input: undefined },
  { path: "admin.deadLetterJobs", kind: "query", input: { fingerprint: "0000000000000000", cursor: "0:00000000-0000-0000-0000-000000000000" } },
  { path: "admin.redrive", kind: "mutation", input: { all: true } },
  { path: "admin.inventory", kind: "query", input: undefined },
  { path: "admin.restock", kind: "mutation", input: { sku: "WIDGET-42", quantity: 1 } },
  { path: "admin.mailbox", kind: "query", input: {} },
  { path: "admin.services", kind: "query", input: undefined },
  {
    path: "admin.updateService",
    kind: "mutation",
    input: { service: "email", baseLatencyMs: 2, jitterMs: 3, spikeLatencyMs: 0, spikeSeconds: 0, failureRatePercent: 0, outage: false, capacity: 32 },
  },
  { path: "admin.manualReview", kind: "query", input: undefined },
  { path: "admin.setManualReview", kind: "mutation", input: { enabled: false } },
  { path: "admin.reviews", kind: "query", input: undefined },
  { path: "admin.decideReview", kind: "mutation", input: { orderId: "ord_doesnotexist", decision: "approved" } },
  { path: "admin.labRuns", kind: "query", input: undefined },
  { path: "admin.startLabRun", kind: "mutation", input: { orders: 1, concurrency: 1 } },
];

/** Admin-only HTTP endpoints other than tRPC. */
export const ADMIN_ENDPOINTS = ["/api/admin/overview/stream?window=15m"];
