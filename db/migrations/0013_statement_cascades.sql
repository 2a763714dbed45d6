ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk";
--> statement-breakpoint
ALTER TABLE "parked_attempts" DROP CONSTRAINT "parked_attempts_delivery_id_deliveries_id_fk";
--> statement-breakpoint
-- What the dropped foreign keys' ON DELETE CASCADE did, once per statement instead of once per row.
CREATE FUNCTION delete_deliveries_of_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM deliveries d USING deleted_events e WHERE d.event_id = e.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_delete_deliveries AFTER DELETE ON events
  REFERENCING OLD TABLE AS deleted_events FOR EACH STATEMENT EXECUTE FUNCTION delete_deliveries_of_events();
--> statement-breakpoint
CREATE FUNCTION delete_attempts_of_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM delivery_attempts a USING deleted_deliveries d WHERE a.delivery_id = d.id;
  DELETE FROM parked_attempts p USING deleted_deliveries d WHERE p.delivery_id = d.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER deliveries_delete_attempts AFTER DELETE ON deliveries
  REFERENCING OLD TABLE AS deleted_deliveries FOR EACH STATEMENT EXECUTE FUNCTION delete_attempts_of_deliveries();
