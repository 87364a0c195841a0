CREATE TABLE "trace_spans" (
	"trace_id" text NOT NULL,
	"span_id" text NOT NULL,
	"parent_span_id" text,
	"name" text NOT NULL,
	"service" text NOT NULL,
	"kind" smallint NOT NULL,
	"started_at" timestamp (6) with time zone NOT NULL,
	"ended_at" timestamp (6) with time zone NOT NULL,
	"status" smallint DEFAULT 0 NOT NULL,
	"error" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "trace_spans_trace_id_span_id_pk" PRIMARY KEY("trace_id","span_id")
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "trace_parent" text;--> statement-breakpoint
ALTER TABLE "sim_charges" ADD COLUMN "trace_parent" text;--> statement-breakpoint
CREATE INDEX "trace_spans_started_idx" ON "trace_spans" USING btree ("started_at");