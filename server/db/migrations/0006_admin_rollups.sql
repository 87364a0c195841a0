CREATE TABLE "admin_order_minutes" (
	"minute" timestamp with time zone NOT NULL,
	"shard" smallint NOT NULL,
	"accepted" integer NOT NULL,
	"confirmed" integer NOT NULL,
	"confirm_hist" integer[] NOT NULL,
	CONSTRAINT "admin_order_minutes_minute_shard_pk" PRIMARY KEY("minute","shard")
);
--> statement-breakpoint
CREATE TABLE "admin_status_counts" (
	"status" text NOT NULL,
	"shard" smallint NOT NULL,
	"orders" integer NOT NULL,
	CONSTRAINT "admin_status_counts_status_shard_pk" PRIMARY KEY("status","shard")
);
--> statement-breakpoint
CREATE TABLE "admin_step_rollups" (
	"span_minutes" smallint NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"queue" text NOT NULL,
	"shard" smallint NOT NULL,
	"attempts" integer NOT NULL,
	"failed" integer NOT NULL,
	"wait_hist" integer[] NOT NULL,
	"run_hist" integer[] NOT NULL,
	CONSTRAINT "admin_step_rollups_span_minutes_starts_at_queue_shard_pk" PRIMARY KEY("span_minutes","starts_at","queue","shard")
);

--> statement-breakpoint
-- Decision 018. The rollups are kept by triggers, in the transaction of the change they
-- count, so they are exact after crashes and re-runs (a transition that changes nothing fires
-- nothing). The triggers are deferred constraint triggers: they run at COMMIT, after the
-- transaction took every order lock it needs, so a counter row is held only for the commit
-- itself and never while waiting for an order — and a transaction that rolls back never
-- touches a counter. Writers spread over 16 shards by backend, so no row is hot.
CREATE FUNCTION admin_rollup_shard() RETURNS smallint LANGUAGE sql VOLATILE AS
$$ SELECT (1 + pg_backend_pid() % 16)::smallint $$;
--> statement-breakpoint
-- Log-spaced latency buckets, four per doubling, mirrored by server/admin/latency-histogram.ts:
-- bucket 1 is < 1 ms, bucket k in 2..71 is [2^((k-2)/4), 2^((k-1)/4)) ms, bucket 72 is >= 2^17.5 ms (~3 min).
CREATE FUNCTION admin_latency_bucket(ms double precision) RETURNS int LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN ms IS NULL OR ms < 1 THEN 1 ELSE least(72, 2 + floor(4 * ln(ms) / ln(2))::int) END $$;
--> statement-breakpoint
CREATE FUNCTION admin_hist_empty() RETURNS int[] LANGUAGE sql IMMUTABLE AS
$$ SELECT array_fill(0, ARRAY[72]) $$;
--> statement-breakpoint
CREATE FUNCTION admin_hist_add(a int[], b int[]) RETURNS int[] LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a
          ELSE (SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)) END $$;
--> statement-breakpoint
CREATE AGGREGATE admin_hist_sum(int[]) (SFUNC = admin_hist_add, STYPE = int[]);
--> statement-breakpoint
-- The histogram of a set of bucket numbers.
CREATE FUNCTION admin_hist_of(buckets int[]) RETURNS int[] LANGUAGE sql IMMUTABLE AS
$$ SELECT array_agg(coalesce(c.n, 0)::int ORDER BY i)
     FROM generate_series(1, 72) AS i
     LEFT JOIN (SELECT b, count(*) AS n FROM unnest(buckets) AS b GROUP BY b) c ON c.b = i $$;
--> statement-breakpoint
-- PL/pgSQL rather than SQL functions: its statements keep their plans across calls, which
-- halves what a transition pays here.
CREATE FUNCTION admin_rollup_order_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  own_shard smallint := admin_rollup_shard();
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.lab_run_id IS NULL THEN
    INSERT INTO admin_status_counts AS c (status, shard, orders) VALUES (OLD.status, own_shard, -1)
    ON CONFLICT (status, shard) DO UPDATE SET orders = c.orders - 1;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.lab_run_id IS NULL THEN
    INSERT INTO admin_status_counts AS c (status, shard, orders) VALUES (NEW.status, own_shard, 1)
    ON CONFLICT (status, shard) DO UPDATE SET orders = c.orders + 1;
  END IF;
  IF TG_OP = 'INSERT' AND NEW.lab_run_id IS NULL THEN
    INSERT INTO admin_order_minutes AS m (minute, shard, accepted, confirmed, confirm_hist)
    VALUES (date_trunc('minute', NEW.created_at), own_shard, 1, 0, admin_hist_empty())
    ON CONFLICT (minute, shard) DO UPDATE SET accepted = m.accepted + 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER admin_rollup_order_insert_delete AFTER INSERT OR DELETE ON orders
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION admin_rollup_order_change();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER admin_rollup_order_update AFTER UPDATE OF status, lab_run_id ON orders
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.lab_run_id IS DISTINCT FROM NEW.lab_run_id)
EXECUTE FUNCTION admin_rollup_order_change();
--> statement-breakpoint
-- A confirmation is counted from its event (appended once, by the transition that made it).
CREATE FUNCTION admin_rollup_confirmation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  accepted_at timestamptz;
  bucket int;
  first int[] := admin_hist_empty();
BEGIN
  SELECT created_at INTO accepted_at FROM orders WHERE id = NEW.order_id AND lab_run_id IS NULL;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  bucket := admin_latency_bucket(extract(epoch FROM NEW.created_at - accepted_at) * 1000);
  first[bucket] := 1;
  INSERT INTO admin_order_minutes AS m (minute, shard, accepted, confirmed, confirm_hist)
  VALUES (date_trunc('minute', NEW.created_at), admin_rollup_shard(), 0, 1, first)
  ON CONFLICT (minute, shard) DO UPDATE
    SET confirmed = m.confirmed + 1, confirm_hist[bucket] = m.confirm_hist[bucket] + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER admin_rollup_confirmation AFTER INSERT ON order_events
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'confirmed')
EXECUTE FUNCTION admin_rollup_confirmation();
--> statement-breakpoint
-- Job attempts arrive in batches (the worker's recorder writes one INSERT per 200 ms), so
-- they are folded per statement: one upsert per (minute, queue) of the batch.
CREATE FUNCTION admin_rollup_job_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO admin_step_rollups AS s (span_minutes, starts_at, queue, shard, attempts, failed, wait_hist, run_hist)
  SELECT span.minutes, date_bin(make_interval(mins => span.minutes), a.finished_at, '2000-01-01'), a.queue, admin_rollup_shard(),
         count(*)::int, (count(*) FILTER (WHERE a.outcome = 'failed'))::int,
         admin_hist_of(array_agg(admin_latency_bucket(extract(epoch FROM a.started_at - a.queued_at) * 1000))),
         admin_hist_of(array_agg(admin_latency_bucket(extract(epoch FROM a.finished_at - a.started_at) * 1000)))
    FROM added a LEFT JOIN orders o ON o.id = a.order_id
   CROSS JOIN (VALUES (1), (60)) AS span(minutes)
   WHERE o.lab_run_id IS NULL
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT (span_minutes, starts_at, queue, shard) DO UPDATE
    SET attempts = s.attempts + excluded.attempts, failed = s.failed + excluded.failed,
        wait_hist = admin_hist_add(s.wait_hist, excluded.wait_hist), run_hist = admin_hist_add(s.run_hist, excluded.run_hist);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER admin_rollup_job_attempts AFTER INSERT ON job_attempts
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION admin_rollup_job_attempts();
--> statement-breakpoint
-- Folds the shards of minutes that are over into shard 0 (so a 24 h window reads at most
-- 1,440 order rows and ~144 rows per queue, plus the live minutes' shards) and drops minutes no window reaches.
-- It never waits: a second caller skips, and rows a committing writer holds are left for next time.
CREATE FUNCTION admin_fold_rollups() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  cutoff timestamptz := date_trunc('minute', now()) - interval '1 minute';
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('admin_fold_rollups')) THEN
    RETURN;
  END IF;
  DELETE FROM admin_order_minutes WHERE minute < now() - interval '2 days';
  DELETE FROM admin_step_rollups WHERE starts_at < now() - interval '2 days';
  WITH moved AS (
    DELETE FROM admin_order_minutes WHERE ctid IN (
      SELECT ctid FROM admin_order_minutes WHERE minute < cutoff AND shard <> 0 FOR UPDATE SKIP LOCKED)
    RETURNING *)
  INSERT INTO admin_order_minutes AS m (minute, shard, accepted, confirmed, confirm_hist)
  SELECT minute, 0, sum(accepted)::int, sum(confirmed)::int, admin_hist_sum(confirm_hist) FROM moved GROUP BY minute ORDER BY minute
  ON CONFLICT (minute, shard) DO UPDATE
    SET accepted = m.accepted + excluded.accepted, confirmed = m.confirmed + excluded.confirmed,
        confirm_hist = admin_hist_add(m.confirm_hist, excluded.confirm_hist);
  WITH moved AS (
    DELETE FROM admin_step_rollups WHERE ctid IN (
      SELECT ctid FROM admin_step_rollups
       WHERE starts_at + make_interval(mins => span_minutes) <= cutoff AND shard <> 0 FOR UPDATE SKIP LOCKED)
    RETURNING *)
  INSERT INTO admin_step_rollups AS s (span_minutes, starts_at, queue, shard, attempts, failed, wait_hist, run_hist)
  SELECT span_minutes, starts_at, queue, 0, sum(attempts)::int, sum(failed)::int, admin_hist_sum(wait_hist), admin_hist_sum(run_hist)
    FROM moved GROUP BY span_minutes, starts_at, queue ORDER BY span_minutes, starts_at, queue
  ON CONFLICT (span_minutes, starts_at, queue, shard) DO UPDATE
    SET attempts = s.attempts + excluded.attempts, failed = s.failed + excluded.failed,
        wait_hist = admin_hist_add(s.wait_hist, excluded.wait_hist), run_hist = admin_hist_add(s.run_hist, excluded.run_hist);
END $$;
--> statement-breakpoint
-- Rebuilds every rollup from the history (orders, order_events, job_attempts); the migration
-- runs it once for a database that already has orders. The triggers above exist already and
-- hold their table locks until this migration commits, so nothing is counted twice or missed.
CREATE FUNCTION admin_backfill_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM admin_status_counts;
  DELETE FROM admin_order_minutes;
  DELETE FROM admin_step_rollups;
  INSERT INTO admin_status_counts (status, shard, orders)
  SELECT status, 0, count(*)::int FROM orders WHERE lab_run_id IS NULL GROUP BY status;
  INSERT INTO admin_order_minutes (minute, shard, accepted, confirmed, confirm_hist)
  SELECT minute, 0, sum(accepted)::int, sum(confirmed)::int, admin_hist_sum(hist)
    FROM (SELECT date_trunc('minute', created_at) AS minute, count(*) AS accepted, 0 AS confirmed, admin_hist_empty() AS hist
            FROM orders WHERE lab_run_id IS NULL AND created_at >= now() - interval '2 days' GROUP BY 1
          UNION ALL
          SELECT date_trunc('minute', e.created_at), 0, count(*),
                 admin_hist_of(array_agg(admin_latency_bucket(extract(epoch FROM e.created_at - o.created_at) * 1000)))
            FROM order_events e JOIN orders o ON o.id = e.order_id
           WHERE e.status = 'confirmed' AND o.lab_run_id IS NULL AND e.created_at >= now() - interval '2 days' GROUP BY 1) per_source
   GROUP BY minute;
  INSERT INTO admin_step_rollups (span_minutes, starts_at, queue, shard, attempts, failed, wait_hist, run_hist)
  SELECT span.minutes, date_bin(make_interval(mins => span.minutes), a.finished_at, '2000-01-01'), a.queue, 0,
         count(*)::int, (count(*) FILTER (WHERE a.outcome = 'failed'))::int,
         admin_hist_of(array_agg(admin_latency_bucket(extract(epoch FROM a.started_at - a.queued_at) * 1000))),
         admin_hist_of(array_agg(admin_latency_bucket(extract(epoch FROM a.finished_at - a.started_at) * 1000)))
    FROM job_attempts a LEFT JOIN orders o ON o.id = a.order_id
   CROSS JOIN (VALUES (1), (60)) AS span(minutes)
   WHERE o.lab_run_id IS NULL AND a.finished_at >= now() - interval '2 days'
   GROUP BY 1, 2, 3;
END $$;
--> statement-breakpoint
SELECT admin_backfill_rollups();
