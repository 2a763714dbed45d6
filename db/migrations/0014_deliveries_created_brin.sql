-- Retention finds old deliveries through a block-range index: rows are written in the order they are
-- created, so a summary of each range of pages is enough, and a delivery written costs no entry of
-- its own (a publish fans out to hundreds of endpoints). Building it reads the table once.
DROP INDEX "deliveries_created_idx";--> statement-breakpoint
CREATE INDEX "deliveries_created_idx" ON "deliveries" USING brin ("created_at") WITH (autosummarize=on);
