ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk";
--> statement-breakpoint
ALTER TABLE "parked_attempts" DROP CONSTRAINT "parked_attempts_delivery_id_deliveries_id_fk";
--> statement-breakpoint
-- What the dropped foreign keys' ON DELETE CASCADE did, once per statement instead of once per row.
-- EXECUTE plans each delete for its own number of rows: a plan kept for the connection would be the
-- one made for its first delete, a scan of the whole table for one row or a row at a time for millions.
CREATE FUNCTION public.delete_deliveries_of_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE 'DELETE FROM public.deliveries d USING deleted_events e WHERE d.event_id = e.id';
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_delete_deliveries AFTER DELETE ON public.events
  REFERENCING OLD TABLE AS deleted_events FOR EACH STATEMENT EXECUTE FUNCTION public.delete_deliveries_of_events();
--> statement-breakpoint
CREATE FUNCTION public.delete_attempts_of_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE 'DELETE FROM public.delivery_attempts a USING deleted_deliveries d WHERE a.delivery_id = d.id';
  EXECUTE 'DELETE FROM public.parked_attempts p USING deleted_deliveries d WHERE p.delivery_id = d.id';
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER deliveries_delete_attempts AFTER DELETE ON public.deliveries
  REFERENCING OLD TABLE AS deleted_deliveries FOR EACH STATEMENT EXECUTE FUNCTION public.delete_attempts_of_deliveries();
