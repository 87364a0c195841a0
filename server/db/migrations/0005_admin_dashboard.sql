CREATE TABLE "job_attempts" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"queue" text NOT NULL,
	"order_id" text,
	"attempt" integer NOT NULL,
	"queued_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "lab_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"shopper_id" text NOT NULL,
	"orders" integer NOT NULL,
	"concurrency" integer NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"settings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "lab_runs_shopper_id_unique" UNIQUE("shopper_id")
);
--> statement-breakpoint
CREATE TABLE "webhook_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"webhook_id" text,
	"order_id" text,
	"event" text,
	"outcome" text NOT NULL,
	"detail" text,
	"payload" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "lab_run_id" text;--> statement-breakpoint
ALTER TABLE "downstream_settings" ADD COLUMN "capacity" integer DEFAULT 32 NOT NULL;--> statement-breakpoint
ALTER TABLE "lab_runs" ADD CONSTRAINT "lab_runs_shopper_id_shoppers_id_fk" FOREIGN KEY ("shopper_id") REFERENCES "public"."shoppers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_attempts_order_idx" ON "job_attempts" USING btree ("order_id","started_at");--> statement-breakpoint
CREATE INDEX "job_attempts_finished_idx" ON "job_attempts" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "lab_runs_created_idx" ON "lab_runs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "webhook_log_order_idx" ON "webhook_log" USING btree ("order_id","seq");--> statement-breakpoint
CREATE INDEX "order_events_status_created_idx" ON "order_events" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "orders_shop_seq_idx" ON "orders" USING btree ("seq" DESC NULLS LAST) WHERE "orders"."lab_run_id" IS NULL;--> statement-breakpoint
CREATE INDEX "orders_shop_status_seq_idx" ON "orders" USING btree ("status","seq" DESC NULLS LAST) WHERE "orders"."lab_run_id" IS NULL;--> statement-breakpoint
CREATE INDEX "orders_created_idx" ON "orders" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "orders_tracking_idx" ON "orders" USING btree ("tracking") WHERE "orders"."tracking" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "orders_lab_run_idx" ON "orders" USING btree ("lab_run_id") WHERE "orders"."lab_run_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "downstream_settings" ADD CONSTRAINT "downstream_capacity_nonnegative" CHECK ("downstream_settings"."capacity" >= 0);