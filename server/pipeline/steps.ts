import "server-only";
import { awaitsReview, isNotifiable, mustReturnMoney, readyToFulfil, type NotificationTemplate } from "@/lib/order-state";
import type { Order } from "@/server/db/schema";

/**
 * THE PIPELINE AS DATA — which step follows which, and under what condition.
 *
 * A row is a step, and its key is the step's one name: a row with a `job` is queued, on the
 * pg-boss queue of that name (jobs/queues.ts derives the queues from this table), and `next`:
 * for each outcome the step (or an entry point such as the payment webhook) reports, the
 * steps to enqueue — inside the same transaction as the change that produced the outcome,
 * with deterministic job ids (decision 003). `when` is the condition a next step needs to
 * be enqueued at all (the join; the money rule). Services do one step and report outcomes
 * through the `StepQueue` port (step-queue.ts); `jobs/` reads this table to create the
 * queues, enqueue the next steps and run the handlers. The admin job timeline reads it too:
 * keep it plain data (the functions only build payloads and decide conditions).
 *
 *   placeOrder ─placed─▶ chargePayment ─requested─▶ reconcilePayment (delayed) ─┐
 *              └───────▶ reserveStock ─reserved─┐      settlePayment (webhook) ◀─┘
 *                          └─backordered─▶ notices, resumeBackorders            │
 *   createInvoice ◀── paid and stocked (the join) ─────────────────────────────┘
 *   createInvoice (invoice + confirmation email, one job) ─confirmed─▶ createShipment
 *   any end that does not ship, while money may be held ─▶ reversePayment (the money rule)
 *
 *   manual review: settlePayment ─held─▶ expireReview (delayed 72 h; no job waits for a person)
 *                  decideReview (an admin) ─approved─▶ createInvoice (the join again)
 *                  decideReview / expireReview ─rejected─▶ notice, reversePayment
 */

// The state rules live in lib/order-state.ts; the type is re-exported for the job payloads typed from this table.
export type { NotificationTemplate };

/** What an outcome knows when it is reported; each step takes what it needs from it. */
export type StepContext = {
  order?: Order;
  sku?: string;
  /** reconcilePayment: how many lookups came before this one. */
  attempt?: number;
  /** restockProduct: one id per restock, so every restock gets its own resumption pass. */
  restockId?: string;
};

type JobSpec = { data: Record<string, unknown>; key: string; startAfterSeconds?: number };

type StepRow = {
  summary: string;
  /** outcome → steps to enqueue next */
  next: Readonly<Record<string, readonly string[]>>;
  /** Enqueue only when this holds (evaluated on the context of the outcome). */
  when?: (ctx: StepContext) => boolean;
  /**
   * A step that fans in (the join): the span each branch finished in, by branch name. Its job
   * carries them and its span links to them, beside its parent (decision 035).
   */
  fanIn?: (ctx: StepContext) => Record<string, string | null>;
  /** The job for this step; `from`/`outcome` name the trigger, for the dedupe key. */
  job?: (ctx: StepContext, trigger: string, settings: StepSettings) => JobSpec;
  /**
   * Queued steps whose jobs for the order, still waiting to start, every outcome of this one
   * makes pointless: withdrawn in the statement that records the outcome (decision 058).
   */
  withdraws?: readonly string[];
  /** Every dedupe key this step's jobs for the context may have, so a waiting one can be withdrawn. */
  keys?: (ctx: StepContext) => string[];
};

/** Environment-driven numbers the table needs (filled by the adapter from env). */
export type StepSettings = { reconcileAfterSeconds: number };

const orderJob = (ctx: StepContext, key = orderOf(ctx).id): JobSpec => ({ data: { orderId: orderOf(ctx).id }, key });

function orderOf(ctx: StepContext): Order {
  if (!ctx.order) throw new Error("This step needs the order in its context.");
  return ctx.order;
}

const notice = (to: "shopper" | "warehouse") => (ctx: StepContext): JobSpec => {
  const order = orderOf(ctx);
  const template = order.status as NotificationTemplate;
  return { data: { orderId: order.id, template, to }, key: `${order.id}:${template}:${to}` };
};

/** A payment held for manual review and not decided this long after it was held is rejected. */
export const REVIEW_EXPIRES_AFTER_SECONDS = 72 * 3600;

/** Lookups of a charge with no verdict: the first after RECONCILE seconds, then spaced out, then give up. */
export const RECONCILE_MAX_ATTEMPTS = 12;

const reconcileKey = (orderId: string, attempt: number) => `${orderId}:${attempt}`;

export const STEPS = {
  // Entry points: not queued (no `job`), but they report outcomes like steps do; each is the
  // service function of that name (failPayment: failPaymentAfterRetries).
  placeOrder: {
    summary: "intake stores the order (synchronous)",
    next: { placed: ["chargePayment", "reserveStock"] },
  },
  settlePayment: {
    summary: "the provider's verdict, by signed webhook or by reconciliation",
    // With a verdict on our payment row a look-up would only read it and stop: it is withdrawn.
    withdraws: ["reconcilePayment"],
    next: {
      paid: ["createInvoice", "reversePayment"],
      held: ["expireReview", "reversePayment"],
      failed: ["notifyShopper", "reversePayment"],
      late: ["reversePayment"],
    },
  },
  decideReview: {
    summary: "an admin approves a held payment (it continues as paid) or rejects it (money returned)",
    next: { approved: ["createInvoice"], rejected: ["notifyShopper", "reversePayment"] },
  },
  failPayment: {
    summary: "the provider stayed unreachable for the whole retry budget",
    next: { failed: ["notifyShopper", "reversePayment"] },
  },
  cancelOrder: {
    summary: "the shopper (or an admin) cancels before shipping",
    next: { cancelled: ["notifyShopper", "reversePayment"] },
  },
  restockProduct: {
    summary: "an admin adds stock",
    next: { restocked: ["resumeBackorders"] },
  },

  // Queued steps: a row with a `job` is carried by the pg-boss queue of its own name, worked
  // by the handler of that name (jobs/handlers/index.ts) calling the service of that name
  // (both notices: sendNotification, told by the job to whom).
  chargePayment: {
    summary: "asks the provider to charge; the verdict follows by webhook",
    next: { requested: ["reconcilePayment"] },
    job: (ctx) => orderJob(ctx),
  },
  reconcilePayment: {
    summary: "looks up a charge that has no verdict yet and settles it like the webhook would",
    next: { unsettled: ["reconcilePayment"] },
    when: (ctx) => (ctx.attempt ?? 0) < RECONCILE_MAX_ATTEMPTS,
    job: (ctx, _trigger, settings) => {
      const attempt = ctx.attempt ?? 0;
      const orderId = orderOf(ctx).id;
      return {
        data: { orderId, attempt },
        key: reconcileKey(orderId, attempt),
        // The first look after the threshold, later ones further apart (capped at 1 h).
        startAfterSeconds: Math.min(settings.reconcileAfterSeconds * 2 ** attempt, 3600),
      };
    },
    keys: (ctx) => Array.from({ length: RECONCILE_MAX_ATTEMPTS }, (_, attempt) => reconcileKey(orderOf(ctx).id, attempt)),
  },
  reserveStock: {
    summary: "reserves every line, or back-orders the order",
    next: { reserved: ["createInvoice"], backordered: ["notifyShopper", "notifyWarehouse", "resumeBackorders"] },
    job: (ctx) => orderJob(ctx),
  },
  resumeBackorders: {
    summary: "gives restocked units to waiting back-orders in arrival order",
    next: { reserved: ["createInvoice"] },
    job: (ctx, trigger) => {
      if (!ctx.sku) throw new Error("resumeBackorders needs the SKU.");
      return { data: { sku: ctx.sku }, key: `${trigger}:${ctx.restockId ?? ctx.order?.id}` };
    },
  },
  expireReview: {
    summary: "rejects a held payment nobody decided within 72 h (a delayed job; a decided one is left alone)",
    next: { rejected: ["notifyShopper", "reversePayment"] },
    when: (ctx) => awaitsReview(orderOf(ctx)),
    job: (ctx) => ({ ...orderJob(ctx), startAfterSeconds: REVIEW_EXPIRES_AFTER_SECONDS }),
  },
  // Invoice and confirmation email always followed each other: one job (decision 037).
  createInvoice: {
    summary: "invoices a paid, stocked order, emails the confirmation and marks the order confirmed",
    next: { confirmed: ["createShipment"] },
    when: (ctx) => readyToFulfil(orderOf(ctx)),
    fanIn: (ctx) => ({ payment: orderOf(ctx).paymentTraceParent, stock: orderOf(ctx).stockTraceParent }),
    job: (ctx) => orderJob(ctx),
  },
  createShipment: {
    summary: "books the parcel (voids it if the order was cancelled meanwhile)",
    next: { shipped: [], voided: [] },
    job: (ctx) => orderJob(ctx),
  },
  reversePayment: {
    summary: "voids or refunds money held on an order that will not ship",
    next: {},
    when: (ctx) => mustReturnMoney(orderOf(ctx)),
    // Each trigger gets its own job: a reversal that found no charge yet must not swallow
    // the one a later completion asks for. The provider dedupes the reversal itself.
    job: (ctx, trigger) => orderJob(ctx, `${orderOf(ctx).id}:${trigger}`),
  },
  notifyShopper: {
    summary: "back-order, failure and cancellation notices to the shopper",
    next: {},
    when: (ctx) => isNotifiable(orderOf(ctx).status),
    job: notice("shopper"),
  },
  notifyWarehouse: {
    summary: "back-order notices to the warehouse",
    next: {},
    when: (ctx) => orderOf(ctx).status === "backordered",
    job: notice("warehouse"),
  },
} as const satisfies Record<string, StepRow>;

export type StepName = keyof typeof STEPS;

type Steps = typeof STEPS;
/** Compile-time check: every name in a `next` list is a row of the table. */
type NextNames = { [K in StepName]: Steps[K]["next"][keyof Steps[K]["next"]] }[StepName];
type EveryNextIsAStep<T extends readonly StepName[]> = T;
export type _NextNamesAreSteps = EveryNextIsAStep<Extract<NextNames, readonly unknown[]>>;
/** Compile-time check: every name in a `withdraws` list is a queued step of the table. */
type WithdrawnNames = { [K in StepName]: Steps[K] extends { withdraws: infer W } ? W : never }[StepName];
export type _WithdrawnNamesAreQueuedSteps = EveryNextIsAStep<Extract<WithdrawnNames, readonly QueuedStepName[]>>;

export type Outcome<S extends StepName> = keyof (typeof STEPS)[S]["next"] & string;

/** The steps that follow `from` ending with `outcome`. */
export function nextSteps<S extends StepName>(from: S, outcome: Outcome<S>): readonly StepName[] {
  return ((STEPS[from].next as Record<string, readonly StepName[]>)[outcome] ?? []);
}

/** The queued steps whose waiting jobs `from`'s outcomes withdraw (decision 058). */
export function withdrawnSteps(from: StepName): readonly QueuedStepName[] {
  return (stepRow(from).withdraws ?? []) as readonly QueuedStepName[];
}

/** A row as its general type, for adapters that read `when`/`job`. */
export function stepRow(name: StepName): StepRow {
  return STEPS[name] as StepRow;
}

/** The steps carried by a queue: the rows with a `job`. The queue's name is the step's. */
export type QueuedStepName = { [K in StepName]: Steps[K] extends { job: unknown } ? K : never }[StepName];

/** Every queued step, in table order. */
export const QUEUED_STEPS: readonly QueuedStepName[] = (Object.keys(STEPS) as StepName[]).filter(
  (name): name is QueuedStepName => stepRow(name).job !== undefined,
);

export function isQueuedStep(name: string): name is QueuedStepName {
  return (QUEUED_STEPS as readonly string[]).includes(name);
}
