-- Manual review (docs/decisions/029-manual-review.md): the admin's switch, one row per held
-- payment with its decision, and what the merchant asked the simulated provider to do with a
-- risky charge. The switch's row exists from here on; the launcher writes MANUAL_REVIEW into it.
CREATE TABLE "pipeline_settings" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"manual_review" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "pipeline_settings_one_row" CHECK ("pipeline_settings"."id")
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"order_id" text PRIMARY KEY NOT NULL,
	"risk_score" real,
	"reason" text,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decision" text,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"decided_by_email" text
);
--> statement-breakpoint
ALTER TABLE "sim_charges" ADD COLUMN "risk_action" text DEFAULT 'block' NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reviews_open_idx" ON "reviews" USING btree ("opened_at") WHERE "reviews"."decision" IS NULL;--> statement-breakpoint
INSERT INTO "pipeline_settings" DEFAULT VALUES;
