DROP INDEX "trace_spans_started_idx";--> statement-breakpoint
ALTER TABLE "trace_spans" DROP CONSTRAINT "trace_spans_trace_id_span_id_pk";--> statement-breakpoint
-- Decision 042: spans are a diagnosis aid, so they skip the WAL (a Postgres crash empties the
-- table, a replica never has it). Done before the new indexes exist, so the rewrite is the heap's.
-- Hand-added: drizzle's schema has no word for UNLOGGED.
ALTER TABLE "trace_spans" SET UNLOGGED;--> statement-breakpoint
CREATE INDEX "trace_spans_trace_idx" ON "trace_spans" USING btree ("trace_id");--> statement-breakpoint
CREATE INDEX "trace_spans_started_idx" ON "trace_spans" USING brin ("started_at");
