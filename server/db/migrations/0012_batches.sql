CREATE TABLE "batch_lines" (
	"batch_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"reference" text,
	"body" json,
	"order_id" text,
	"error_code" text,
	"error_message" text,
	"error_details" json,
	CONSTRAINT "batch_lines_batch_id_line_no_pk" PRIMARY KEY("batch_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"id" text PRIMARY KEY NOT NULL,
	"shopper_id" text NOT NULL,
	"status" text DEFAULT 'in_progress' NOT NULL,
	"total_lines" integer NOT NULL,
	"rejected_lines" integer DEFAULT 0 NOT NULL,
	"shipped_orders" integer DEFAULT 0 NOT NULL,
	"failed_orders" integer DEFAULT 0 NOT NULL,
	"cancelled_orders" integer DEFAULT 0 NOT NULL,
	"idempotency_key" text,
	"request_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "batches_counts_within_total" CHECK ("batches"."rejected_lines" + "batches"."shipped_orders" + "batches"."failed_orders" + "batches"."cancelled_orders" <= "batches"."total_lines")
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "batch_id" text;--> statement-breakpoint
ALTER TABLE "batch_lines" ADD CONSTRAINT "batch_lines_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batch_lines" ADD CONSTRAINT "batch_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_shopper_id_shoppers_id_fk" FOREIGN KEY ("shopper_id") REFERENCES "public"."shoppers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "batch_lines_unplaced_idx" ON "batch_lines" USING btree ("batch_id","line_no") WHERE "batch_lines"."order_id" IS NULL AND "batch_lines"."error_code" IS NULL;--> statement-breakpoint
CREATE INDEX "batches_shopper_created_idx" ON "batches" USING btree ("shopper_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "batches_shopper_key_idx" ON "batches" USING btree ("shopper_id","idempotency_key") WHERE "batches"."idempotency_key" IS NOT NULL;--> statement-breakpoint
-- A batch's progress is announced on the order events' channel (the web process's one LISTEN
-- connection, server/realtime/order-event-hub.ts), keyed by the batch id where an order event
-- has its order id: `bat_…` and `ord_…` never meet, so each stream hears only its own. The
-- counters move only in the transaction that makes one of the batch's orders final (or
-- rejects a line, or ends the batch): the notice goes out at its commit.
CREATE OR REPLACE FUNCTION notify_batch_progress() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('order_events', json_build_object('order_id', NEW.id, 'batch', true, 'status', NEW.status)::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER batches_notify_progress
AFTER UPDATE ON batches
FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION notify_batch_progress();
