import { and, eq, sql, type SQL } from "drizzle-orm";
import { randomInt } from "node:crypto";
import type { Database } from "@/server/db/client";
import { simDocuments } from "@/server/db/schema";
import { newId } from "@/server/ids";
import { behaveAs } from "./behaviour";
import type { SettingsCache } from "./settings-cache";

/**
 * Inserts a row unless its idempotency key is taken, and returns `column` of whichever row
 * holds the key — in one statement: the CTE's INSERT … RETURNING for a new key, the stored
 * row otherwise. (The outer SELECT cannot see the CTE's own insert, hence the UNION.) When a
 * concurrent request with the same key commits between our snapshot and our insert, neither
 * branch sees its row; that rare case reads it again.
 */
async function insertOnce(db: Database, table: "sim_documents" | "mailbox", column: "reference" | "id", idempotencyKey: string, insert: SQL): Promise<string> {
  const { rows } = await db.execute<{ value: string }>(sql`
    WITH inserted AS (${insert} ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${sql.identifier(column)} AS value)
    SELECT value FROM inserted
    UNION ALL
    SELECT ${sql.identifier(column)} FROM ${sql.identifier(table)} WHERE idempotency_key = ${idempotencyKey}
    LIMIT 1`);
  if (rows[0]) return rows[0].value;
  const again = await db.execute<{ value: string }>(sql`SELECT ${sql.identifier(column)} AS value FROM ${sql.identifier(table)} WHERE idempotency_key = ${idempotencyKey}`);
  return again.rows[0]!.value;
}

/** Invoicing and carrier: each issues one reference per idempotency key. */
async function issueOnce(db: Database, settings: SettingsCache, service: "invoicing" | "carrier", idempotencyKey: string, reference: string): Promise<string> {
  await behaveAs(settings, service);
  return insertOnce(db, "sim_documents", "reference", idempotencyKey, sql`INSERT INTO sim_documents (idempotency_key, service, reference) VALUES (${idempotencyKey}, ${service}, ${reference})`);
}

export async function createInvoice(db: Database, settings: SettingsCache, idempotencyKey: string) {
  const number = await issueOnce(db, settings, "invoicing", idempotencyKey, `INV-${new Date().getUTCFullYear()}-${randomInt(10 ** 8, 10 ** 9)}`);
  return { invoice_number: number };
}

export async function createShipment(db: Database, settings: SettingsCache, idempotencyKey: string) {
  const tracking = await issueOnce(db, settings, "carrier", idempotencyKey, `1Z${randomInt(10 ** 9, 10 ** 10)}${randomInt(10 ** 5, 10 ** 6)}`);
  return { carrier: "Simulated Parcel Service", tracking_number: tracking };
}

/** POST /carrier/shipments/by-key/{key}/void: cancels the booking made with that key (404 if none). */
export async function voidShipment(db: Database, settings: SettingsCache, shipmentKey: string) {
  await behaveAs(settings, "carrier");
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
  settings: SettingsCache,
  idempotencyKey: string,
  message: { to: string; subject: string; body: string; template: string; order_id?: string },
) {
  await behaveAs(settings, "email");
  const id = await insertOnce(
    db,
    "mailbox",
    "id",
    idempotencyKey,
    sql`INSERT INTO mailbox (id, idempotency_key, recipient, subject, body, template, order_id)
        VALUES (${newId("msg")}, ${idempotencyKey}, ${message.to}, ${message.subject}, ${message.body}, ${message.template}, ${message.order_id ?? null})`,
  );
  return { id };
}
