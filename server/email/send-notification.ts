import "server-only";
import type { NotificationTemplate } from "@/lib/order-state";
import type { Database } from "@/server/db/client";
import { env } from "@/server/env";
import type { EmailService } from "./email-service";
import { loadOrderWithEmail } from "./load-order-with-email";
import { notificationEmail } from "./templates";

/** Back-order, failure and cancellation notices, to the shopper or the warehouse. */
export async function sendNotification(
  db: Database,
  email: EmailService,
  job: { orderId: string; template: NotificationTemplate; to: "shopper" | "warehouse" },
): Promise<void> {
  const row = await loadOrderWithEmail(db, job.orderId);
  if (!row) return;
  await email.send({
    idempotencyKey: `${job.template}_${job.to}_${job.orderId}`,
    to: job.to === "warehouse" ? env().WAREHOUSE_EMAIL : row.email,
    template: job.to === "warehouse" ? `${job.template}_warehouse` : job.template,
    orderId: job.orderId,
    ...notificationEmail(job.template, job.to, row.order),
  });
}
