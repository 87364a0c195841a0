/**
 * Dead letters at outage scale on a real Postgres and pg-boss: 3,000 dead letters over two
 * fingerprints in one dead-letter queue (inserted as pg-boss's fail writes them) plus a few failed
 * through pg-boss itself, which pins what the SQL listings read of pg-boss's job table.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PgBoss } from "pg-boss";
import type { DeadLetterGroup } from "@/server/pipeline/pipeline-jobs";
import { useServiceDatabase } from "@/tests/support/service-database";
import { JOBS_PER_GROUP, listDeadLetterPage, listDeadLetterGroups as listDeadLetters } from "./dead-letter-groups";
import { listDeadLetters as listPerStep } from "./dead-letters";
import { deadLetterQueue } from "./queues";
import { redriveDeadLetterTarget as redriveDeadLetters } from "./redrive-dead-letter-groups";

const svc = useServiceDatabase();
const SHIPMENT = "createShipment";
const CHARGE = "chargePayment";
const CARRIER_DOWN = 2000;
const LABEL_REJECTED = 1000;
const REALLY_FAILED = 5;

/** Jobs of `queue` failed for good by pg-boss itself (no retries left), so they land in its dead-letter queue. */
async function failThroughPgBoss(boss: PgBoss, queue: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await boss.send(queue, { orderId: `ord_pgboss${i}` }, { retryLimit: 0 });
  const jobs = await boss.fetch(queue, { batchSize: count });
  expect(jobs).toHaveLength(count);
  for (const [i, job] of jobs.entries()) await boss.fail(queue, job.id, { message: `payment provider: card_declined for "cus_${i}x" (code ${400 + i})` });
}

function group(groups: DeadLetterGroup[], queue: string, errorPart: string): DeadLetterGroup {
  const found = groups.find((g) => g.queue === queue && g.error.includes(errorPart));
  expect(found, `${queue}: ${errorPart}`).toBeDefined();
  return found!;
}

async function waiting(queue: string): Promise<number> {
  const { rows } = await svc().pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state < 'active'", [queue]);
  return rows[0]!.n;
}

beforeAll(async () => {
  const { pool, boss } = svc();
  // As pg-boss's fail moves an exhausted job: a new row in the dead-letter queue carrying the
  // step's name, error, retries and enqueue time; created_on is when it was dead-lettered.
  await pool.query(
    `INSERT INTO pgboss.job (name, data, source_name, source_id, source_created_on, source_retry_count, source_output, created_on, start_after)
     SELECT $1, jsonb_build_object('orderId', 'ord_outage' || i), $2, gen_random_uuid(), now() - interval '4 hours', 30,
            CASE WHEN i <= $3
              THEN jsonb_build_object('message', 'carrier: HTTP 503 for shp_' || md5(i::text) || ' after ' || (i * 7) || ' ms (outage)')
              ELSE jsonb_build_object('message', 'carrier: label rejected: "' || i || ' Main St" is not an address') END,
            now() - interval '3 hours' + i * interval '1 second', now()
       FROM generate_series(1, $4::int) i`,
    [deadLetterQueue(SHIPMENT), SHIPMENT, CARRIER_DOWN, CARRIER_DOWN + LABEL_REJECTED],
  );
  await failThroughPgBoss(boss, CHARGE, REALLY_FAILED);
});

describe("dead letters at scale", () => {
  it("groups by fingerprint in the database and sends only the newest jobs of each group", async () => {
    const groups = await listDeadLetters(svc().boss);
    expect(groups.map((g) => g.count)).toEqual([CARRIER_DOWN, LABEL_REJECTED, REALLY_FAILED]);

    const down = group(groups, SHIPMENT, "HTTP 503");
    expect(down.jobs).toHaveLength(JOBS_PER_GROUP);
    expect(down.nextCursor).not.toBeNull();
    // Newest first: the last one inserted (i = 2000) leads, and the group shows its error.
    expect(down.jobs[0]!.orderId).toBe(`ord_outage${CARRIER_DOWN}`);
    expect(down.error).toBe(down.jobs[0]!.error);
    expect(down.jobs.map((j) => j.failedAt)).toEqual([...down.jobs.map((j) => j.failedAt)].sort().reverse());
    expect(Date.parse(down.lastFailedAt) - Date.parse(down.firstFailedAt)).toBe((CARRIER_DOWN - 1) * 1000);
    expect(down.jobs[0]).toMatchObject({ deadLetterQueue: deadLetterQueue(SHIPMENT), queue: SHIPMENT, retries: 30 });

    // Quoted text and numbers are masked: 1,000 different addresses are one group.
    const rejected = group(groups, SHIPMENT, "label rejected");
    expect(rejected.jobs).toHaveLength(JOBS_PER_GROUP);
    expect(rejected.fingerprint).not.toBe(down.fingerprint);

    // Failed by pg-boss itself: what the SQL reads is where pg-boss 12.35 puts it.
    const declined = group(groups, CHARGE, "card_declined");
    expect(declined.jobs).toHaveLength(REALLY_FAILED);
    expect(declined.nextCursor).toBeNull();
    expect(declined.jobs[0]).toMatchObject({ deadLetterQueue: deadLetterQueue(CHARGE), queue: CHARGE, retries: 0 });
    expect(declined.jobs[0]!.firstQueuedAt).not.toBeNull();
    expect(declined.jobs.map((j) => j.orderId).sort()).toEqual(Array.from({ length: REALLY_FAILED }, (_, i) => `ord_pgboss${i}`).sort());
  });

  it("pages through one group newest first, each job once, none from another group", async () => {
    const down = group(await listDeadLetters(svc().boss), SHIPMENT, "HTTP 503");
    const seen = [...down.jobs];
    let cursor = down.nextCursor;
    let pages = 0;
    while (cursor) {
      const page = await listDeadLetterPage(svc().boss, down.fingerprint, cursor, 300);
      expect(page.jobs.length).toBeLessThanOrEqual(300);
      seen.push(...page.jobs);
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBe(Math.ceil((CARRIER_DOWN - JOBS_PER_GROUP) / 300));
    expect(new Set(seen.map((j) => j.id)).size).toBe(CARRIER_DOWN);
    expect(seen.map((j) => j.orderId)).toEqual(Array.from({ length: CARRIER_DOWN }, (_, k) => `ord_outage${CARRIER_DOWN - k}`));
    expect(await listDeadLetterPage(svc().boss, down.fingerprint, "not-a-cursor", 10)).toEqual({ jobs: [], nextCursor: null });
  });

  it("the CLI's per-step listing counts exactly and names the latest error", async () => {
    const steps = await listPerStep(svc().boss);
    expect(steps.find((s) => s.step === SHIPMENT)).toMatchObject({ count: CARRIER_DOWN + LABEL_REJECTED });
    expect(steps.find((s) => s.step === SHIPMENT)!.lastError).toContain(`"${CARRIER_DOWN + LABEL_REJECTED} Main St"`);
    expect(steps.find((s) => s.step === CHARGE)).toMatchObject({ count: REALLY_FAILED });
    expect(steps.find((s) => s.step === "createInvoice")).toEqual({ step: "createInvoice", count: 0, lastError: null, lastDeadAt: null });
  });

  it("redriving a group twice at once moves exactly that group, once", async () => {
    const { boss } = svc();
    const groups = await listDeadLetters(boss);
    const rejected = group(groups, SHIPMENT, "label rejected");
    const before = await waiting(SHIPMENT);

    const [a, b] = await Promise.all([redriveDeadLetters(boss, { fingerprint: rejected.fingerprint }), redriveDeadLetters(boss, { fingerprint: rejected.fingerprint })]);
    expect(a.redriven + b.redriven).toBe(LABEL_REJECTED);
    expect(await waiting(SHIPMENT)).toBe(before + LABEL_REJECTED);
    expect(await waiting(deadLetterQueue(SHIPMENT))).toBe(CARRIER_DOWN);

    const after = await listDeadLetters(boss);
    expect(after.map((g) => [g.fingerprint, g.count])).toEqual([
      [group(groups, SHIPMENT, "HTTP 503").fingerprint, CARRIER_DOWN],
      [group(groups, CHARGE, "card_declined").fingerprint, REALLY_FAILED],
    ]);
    expect(await redriveDeadLetters(boss, { fingerprint: rejected.fingerprint })).toEqual({ redriven: 0 });
  });

  it("redrives a single job by id, and a second time finds nothing", async () => {
    const { boss } = svc();
    const declined = group(await listDeadLetters(boss), CHARGE, "card_declined");
    const job = declined.jobs[0]!;
    expect(await redriveDeadLetters(boss, { jobId: job.id })).toEqual({ redriven: 1 });
    expect(await redriveDeadLetters(boss, { jobId: job.id })).toEqual({ redriven: 0 });
    expect(await waiting(deadLetterQueue(CHARGE))).toBe(REALLY_FAILED - 1);
    const { rows } = await svc().pool.query("SELECT 1 FROM pgboss.job WHERE name = $1 AND data->>'orderId' = $2 AND state = 'created'", [CHARGE, job.orderId]);
    expect(rows).toHaveLength(1);
  });
});
