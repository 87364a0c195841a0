import { and, eq, sql } from "drizzle-orm";
import { randomInt } from "node:crypto";
import type { Database } from "@/server/db/client";
import { mailbox, simDocuments } from "@/server/db/schema";
import { newId } from "@/server/ids";
import { behaveAs } from "./behaviour";

/** Invoicing and carrier: each issues one reference per idempotency key. */
async function issueOnce(db: Database, service: "invoicing" | "carrier", idempotencyKey: string, makeReference: () => string): Promise<string> {
  await behaveAs(db, service);
  await db.insert(simDocuments).values({ idempotencyKey, service, reference: makeReference() }).onConflictDoNothing();
  const [doc] = await db.select().from(simDocuments).where(eq(simDocuments.idempotencyKey, idempotencyKey));
  return doc!.reference;
}

export async function createInvoice(db: Database, idempotencyKey: string) {
  const number = await issueOnce(db, "invoicing", idempotencyKey, () => `INV-${new Date().getUTCFullYear()}-${randomInt(10 ** 8, 10 ** 9)}`);
  return { invoice_number: number };
}

export async function createShipment(db: Database, idempotencyKey: string) {
  const tracking = await issueOnce(db, "carrier", idempotencyKey, () => `1Z${randomInt(10 ** 9, 10 ** 10)}${randomInt(10 ** 5, 10 ** 6)}`);
  return { carrier: "Simulated Parcel Service", tracking_number: tracking };
}

/** POST /carrier/shipments/by-key/{key}/void: cancels the booking made with that key (404 if none). */
export async function voidShipment(db: Database, shipmentKey: string) {
  await behaveAs(db, "carrier");
  const [doc] = await db
    .update(simDocuments)
    .set({ voidedAt: sql`coalesce(${simDocuments.voidedAt}, now())` })
    .where(and(eq(simDocuments.idempotencyKey, shipmentKey), eq(simDocuments.service, "carrier")))
    .returning();
  return doc ? { tracking_number: doc.reference, voided: true } : undefined;
}

/** The email service keeps what it accepts in the mailbox table; one message per key. */
export async function acceptEmail(
  db: Database,
  idempotencyKey: string,
  message: { to: string; subject: string; body: string; template: string; order_id?: string },
) {
  await behaveAs(db, "email");
  await db
    .insert(mailbox)
    .values({
      id: newId("msg"),
      idempotencyKey,
      recipient: message.to,
      subject: message.subject,
      body: message.body,
      template: message.template,
      orderId: message.order_id ?? null,
    })
    .onConflictDoNothing();
  const [stored] = await db.select({ id: mailbox.id }).from(mailbox).where(eq(mailbox.idempotencyKey, idempotencyKey));
  return { id: stored!.id };
}
