-- Recording an attempt updates its delivery's status, next attempt time and counters. While an index
-- named any of those columns (the backlog's index of due deliveries, the skipped deliveries' index
-- on `status`), each such update wrote new entries in the table's indexes. Now none does, so
-- the update is heap-only: the new row version goes on the same page and no index is touched.
-- The backlog is read from queued jobs and parked attempts instead, and skipped deliveries are
-- indexed through `skipped`, a column PostgreSQL derives from `status`, whose value an attempt never
-- changes. Adding it rewrites the table once, under an exclusive lock: on a large deployment, run
-- this migration in a quiet minute. Pages written from then on keep a fifth free for those updates.
DROP INDEX "deliveries_due_idx";--> statement-breakpoint
DROP INDEX "deliveries_webhook_skipped_idx";--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "skipped" boolean GENERATED ALWAYS AS (status = 'skipped') STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "deliveries_webhook_skipped_idx" ON "deliveries" USING btree ("webhook_id") WHERE "deliveries"."skipped";--> statement-breakpoint
ALTER TABLE "deliveries" SET (fillfactor = 80);
