CREATE TABLE "shopper_measurements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"page" text NOT NULL,
	"metric" text NOT NULL,
	"transport" text,
	"value_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shopper_measurements_value_nonnegative" CHECK ("shopper_measurements"."value_ms" >= 0)
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "payment_trace_parent" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "stock_trace_parent" text;--> statement-breakpoint
CREATE INDEX "shopper_measurements_created_idx" ON "shopper_measurements" USING btree ("created_at");