ALTER TABLE "idempotency_keys" ALTER COLUMN "response_body" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "preference_applied" text;