CREATE TABLE "parked_fanouts" (
	"event_id" text PRIMARY KEY NOT NULL,
	"webhook_ids" text[] NOT NULL,
	"delivery_ids" text[] NOT NULL,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "parked_fanouts" ADD CONSTRAINT "parked_fanouts_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "parked_fanouts_due_idx" ON "parked_fanouts" USING btree ("due_at");