ALTER TABLE "orders" ADD COLUMN "trace_parent" text;--> statement-breakpoint
ALTER TABLE "sim_charges" ADD COLUMN "trace_parent" text;