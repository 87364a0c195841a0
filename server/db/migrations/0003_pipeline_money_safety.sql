ALTER TABLE "downstream_settings" ADD COLUMN "drop_webhooks" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sim_documents" ADD COLUMN "voided_at" timestamp with time zone;