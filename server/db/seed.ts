import "server-only";
import { count, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "./client";
import { DOWNSTREAM_SERVICES, downstreamSettings, pipelineSettings, products } from "./schema";

/** The catalog of docs/api.md, "Seed catalog", plus a few more. Prices in cents. */
export const SEED_PRODUCTS = [
  { sku: "WIDGET-42", name: "Widget", description: "The classic. Two cost 49.98.", priceCents: 2499, stock: 1_000_000 },
  { sku: "GADGET-7", name: "Gadget", description: "Small, clever, indispensable.", priceCents: 1250, stock: 1_000_000 },
  { sku: "LIMITED-1", name: "Limited Edition", description: "Only three were ever made.", priceCents: 9900, stock: 3 },
  { sku: "SPROCKET-9", name: "Sprocket", description: "Nine teeth, zero complaints.", priceCents: 499, stock: 1_000_000 },
  { sku: "GIZMO-3", name: "Gizmo", description: "Does three things well.", priceCents: 3995, stock: 1_000_000 },
  { sku: "DOOHICKEY-5", name: "Doohickey", description: "You will know when you need it.", priceCents: 750, stock: 1_000_000 },
  { sku: "THINGAMAJIG-1", name: "Thingamajig", description: "Handcrafted, numbered.", priceCents: 14900, stock: 1_000_000 },
];

/**
 * Seeds the catalog into an empty database; simulator settings rows always exist. A
 * `manualReview` given (MANUAL_REVIEW at start) becomes the switch's value.
 */
export async function seedDatabase(db: Database, options: { catalog: boolean; manualReview?: boolean }): Promise<{ seededCatalog: boolean }> {
  await seedDownstreamSettings(db);
  if (options.manualReview !== undefined) {
    await db
      .insert(pipelineSettings)
      .values({ manualReview: options.manualReview })
      .onConflictDoUpdate({ target: pipelineSettings.id, set: { manualReview: options.manualReview, updatedBy: null, updatedAt: sql`now()` } });
  }
  if (!options.catalog) return { seededCatalog: false };
  const [existing] = await db.select({ n: count() }).from(products);
  if ((existing?.n ?? 0) > 0) return { seededCatalog: false };
  await db.insert(products).values(SEED_PRODUCTS).onConflictDoNothing();
  return { seededCatalog: true };
}

/** One settings row per simulated service that has none, every setting at its column default. */
export async function seedDownstreamSettings(db: DbOrTx): Promise<void> {
  await db
    .insert(downstreamSettings)
    .values(DOWNSTREAM_SERVICES.map((service) => ({ service })))
    .onConflictDoNothing();
}
