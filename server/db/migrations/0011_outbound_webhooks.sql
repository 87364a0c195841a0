CREATE TABLE "webhook_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"status_code" integer,
	"duration_ms" integer NOT NULL,
	"error" text,
	CONSTRAINT "webhook_attempts_message_attempt_key" UNIQUE("message_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"shopper_id" text NOT NULL,
	"url" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"events" text[] NOT NULL,
	"status" text DEFAULT 'enabled' NOT NULL,
	"disabled_reason" text,
	"disabled_at" timestamp with time zone,
	"owner_notice_pending" boolean DEFAULT false NOT NULL,
	"secret" text NOT NULL,
	"previous_secret" text,
	"previous_secret_expires_at" timestamp with time zone,
	"failing_since" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"endpoint_id" text NOT NULL,
	"type" text NOT NULL,
	"order_id" text,
	"order_event_id" text,
	"batch_id" text,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"job_id" uuid,
	"claimed_until" timestamp with time zone,
	"body" text,
	"created_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	CONSTRAINT "webhook_messages_seq_unique" UNIQUE("seq"),
	CONSTRAINT "webhook_messages_subject" CHECK ("webhook_messages"."order_id" IS NOT NULL OR "webhook_messages"."batch_id" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_message_id_webhook_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."webhook_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_shopper_id_shoppers_id_fk" FOREIGN KEY ("shopper_id") REFERENCES "public"."shoppers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_messages" ADD CONSTRAINT "webhook_messages_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_endpoints_shopper_idx" ON "webhook_endpoints" USING btree ("shopper_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_messages_endpoint_seq_idx" ON "webhook_messages" USING btree ("endpoint_id","seq" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "webhook_messages_created_idx" ON "webhook_messages" USING btree ("created_at");--> statement-breakpoint
-- Outbound webhooks (CONTRACT §8, docs/decisions/032-outbound-webhooks.md), hand-written part.
-- Messages are written by the database itself, in the transaction that writes the order event
-- (or completes the batch): no event is lost, and none is sent for a change that rolled back,
-- whichever code path wrote the status (the state machine or intake's own statements).
--
-- A random id of the server's shape (`<prefix>_` + 20 base-36 characters, as server/ids.ts):
-- the bytes of two random UUIDs (core Postgres, no extension needed).
CREATE OR REPLACE FUNCTION webhook_new_id(prefix text) RETURNS text AS $$
  SELECT prefix || '_' || string_agg(substr('0123456789abcdefghijklmnopqrstuvwxyz', get_byte(r.b, n.i) % 36 + 1, 1), '' ORDER BY n.i)
  FROM (SELECT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') AS b) r,
       -- bytes 6 and 8 of each UUID carry its version and variant bits: the other 28 are random
       (SELECT i FROM generate_series(0, 31) AS i WHERE i NOT IN (6, 8, 22, 24) ORDER BY i LIMIT 20) n
$$ LANGUAGE sql VOLATILE;
--> statement-breakpoint
-- Puts the next attempt of a message on the delivery queue (`webhook.deliver`) and records the
-- job on the message: a job whose id is not the message's `job_id` is stale and does nothing.
-- The row is the one pg-boss 12.35's send() inserts (dist/plans.js insertJobs), like
-- jobs/boss.ts jobInsertCtes, plus `group_id` = the endpoint, which the worker's
-- groupConcurrency bounds (a dead endpoint holds few of the delivery slots). The job table is
-- named at run time (plpgsql), so this migration does not need pg-boss's schema to exist yet.
CREATE OR REPLACE FUNCTION webhook_schedule_delivery(p_message_id text, p_endpoint_id text, p_run_at timestamptz) RETURNS uuid AS $$
DECLARE
  v_job uuid := gen_random_uuid();
  v_start timestamptz := greatest(coalesce(p_run_at, pgboss.job_now()), pgboss.job_now());
  v_notify boolean;
BEGIN
  SELECT q.notify INTO v_notify FROM pgboss.queue q WHERE q.name = 'webhook.deliver';
  IF NOT FOUND THEN
    -- Never a message without its job: the whole change rolls back instead (the launcher creates the queue at start).
    RAISE EXCEPTION 'pg-boss queue webhook.deliver does not exist';
  END IF;
  INSERT INTO pgboss.job (
    id, name, data, priority, start_after, created_on, group_id, expire_seconds, deletion_seconds, keep_until,
    retry_limit, retry_delay, retry_backoff, retry_delay_max, policy, dead_letter, heartbeat_seconds
  )
  SELECT v_job, q.name, jsonb_build_object('messageId', p_message_id), 0, v_start, pgboss.job_now(), p_endpoint_id,
    q.expire_seconds, q.deletion_seconds, v_start + q.retention_seconds * interval '1s',
    q.retry_limit, q.retry_delay, coalesce(q.retry_backoff, false), q.retry_delay_max, q.policy, q.dead_letter, q.heartbeat_seconds
  FROM pgboss.queue q WHERE q.name = 'webhook.deliver';
  IF v_notify AND v_start <= pgboss.job_now() THEN
    PERFORM pg_notify('pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24), 'webhook.deliver');
  END IF;
  UPDATE webhook_messages SET job_id = v_job, next_attempt_at = v_start, claimed_until = NULL WHERE id = p_message_id;
  RETURN v_job;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- One message and its first delivery job.
CREATE OR REPLACE FUNCTION webhook_create_message(p_endpoint_id text, p_type text, p_order_id text, p_order_event_id text, p_batch_id text) RETURNS text AS $$
DECLARE
  v_message text := webhook_new_id('msg');
BEGIN
  INSERT INTO webhook_messages (id, endpoint_id, type, order_id, order_event_id, batch_id)
  VALUES (v_message, p_endpoint_id, p_type, p_order_id, p_order_event_id, p_batch_id);
  PERFORM webhook_schedule_delivery(v_message, p_endpoint_id, NULL);
  RETURN v_message;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- One message per enabled endpoint of the owner subscribed to the type (server/webhooks/emit-batch-completed.ts); returns how many.
CREATE OR REPLACE FUNCTION webhook_emit(p_shopper_id text, p_type text, p_order_id text, p_order_event_id text, p_batch_id text) RETURNS integer AS $$
DECLARE
  v_endpoint text;
  v_count integer := 0;
BEGIN
  FOR v_endpoint IN
    SELECT e.id FROM webhook_endpoints e
    WHERE e.shopper_id = p_shopper_id AND e.status = 'enabled' AND p_type = ANY (e.events)
    ORDER BY e.id
  LOOP
    PERFORM webhook_create_message(v_endpoint, p_type, p_order_id, p_order_event_id, p_batch_id);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Every appended order event is an `order.status_changed` for its owner's endpoints. One
-- query per statement (a transition table), not per row: intake appends a whole group's
-- events in one INSERT, and for owners without endpoints the query finds nothing by one probe
-- of webhook_endpoints_shopper_idx per order (whose primary-key row this transaction wrote).
CREATE OR REPLACE FUNCTION webhook_emit_order_events() RETURNS trigger AS $$
DECLARE
  v record;
BEGIN
  FOR v IN
    SELECT e.id AS endpoint_id, ne.order_id, ne.id AS event_id
    FROM new_events ne
    JOIN orders o ON o.id = ne.order_id
    JOIN webhook_endpoints e ON e.shopper_id = o.shopper_id
    WHERE e.status = 'enabled' AND 'order.status_changed' = ANY (e.events)
    ORDER BY ne.seq, e.id
  LOOP
    PERFORM webhook_create_message(v.endpoint_id, 'order.status_changed', v.order_id, v.event_id, NULL);
  END LOOP;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER order_events_webhooks
AFTER INSERT ON order_events
REFERENCING NEW TABLE AS new_events
FOR EACH STATEMENT EXECUTE FUNCTION webhook_emit_order_events();