-- A change to a simulated service's behaviour is announced on `downstream_settings`, so the
-- simulator process can keep the rows in memory instead of reading one per simulated call
-- (decision 024) and still apply an admin's change at once. Statement-level: one
-- notification per writing statement, whatever it touched; the payload is empty because
-- the listener reloads every row (there are six).
CREATE OR REPLACE FUNCTION notify_downstream_settings() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('downstream_settings', '');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER downstream_settings_notify
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON downstream_settings
FOR EACH STATEMENT EXECUTE FUNCTION notify_downstream_settings();
