import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/server/db/client";
import { labRuns, type Shopper } from "@/server/db/schema";
import { callService } from "@/server/downstream/call-service";
import { env } from "@/server/env";
import { forbidden } from "@/server/errors";
import { newId } from "@/server/ids";

/**
 * The lab's "direct" checkout: the design Conveyor argues against, kept only to measure it.
 * The request itself calls payment, then fraud, then risk scoring, and answers only when
 * all three have — so any slowness downstream (a spike, a queue at a busy service) is
 * the shopper's wait. Only a lab run's shopper or an admin may call it.
 */
export async function directCheckout(db: Database, caller: Shopper): Promise<{ status: "confirmed" }> {
  if (caller.role !== "admin") {
    const [run] = await db.select({ id: labRuns.id }).from(labRuns).where(eq(labRuns.shopperId, caller.id));
    if (!run) throw forbidden("The direct checkout is for the admin lab only.");
  }
  const config = env();
  const key = newId("evt");
  await callService("payment", `${config.PAYMENT_PROVIDER_URL}/authorizations`, {}, `${key}:payment`);
  await callService("fraud", `${config.FRAUD_URL}/checks`, {}, `${key}:fraud`);
  await callService("risk", `${config.RISK_URL}/scores`, {}, `${key}:risk`);
  return { status: "confirmed" };
}
