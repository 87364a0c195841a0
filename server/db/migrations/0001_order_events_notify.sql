-- Every appended order event is announced on the `order_events` channel, in the same
-- transaction as the change (NOTIFY is delivered only on commit). Web processes hold one
-- LISTEN connection each and fan the payload out to SSE streams and `Prefer: wait` requests.
CREATE OR REPLACE FUNCTION notify_order_event() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify(
    'order_events',
    json_build_object(
      'seq', NEW.seq,
      'id', NEW.id,
      'order_id', NEW.order_id,
      'status', NEW.status,
      'timestamp', NEW.created_at,
      'tracking', NEW.detail->>'tracking'
    )::text
  );
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER order_events_notify
AFTER INSERT ON order_events
FOR EACH ROW EXECUTE FUNCTION notify_order_event();
