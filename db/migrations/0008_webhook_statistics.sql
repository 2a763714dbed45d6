CREATE TABLE "webhook_hourly_stats" (
	"webhook_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"event_type" text NOT NULL,
	"is_test" boolean NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"successes" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"timeouts" integer DEFAULT 0 NOT NULL,
	"duration_total_ms" bigint DEFAULT 0 NOT NULL,
	"duration_le_100" integer DEFAULT 0 NOT NULL,
	"duration_le_250" integer DEFAULT 0 NOT NULL,
	"duration_le_500" integer DEFAULT 0 NOT NULL,
	"duration_le_1000" integer DEFAULT 0 NOT NULL,
	"duration_le_2500" integer DEFAULT 0 NOT NULL,
	"duration_le_5000" integer DEFAULT 0 NOT NULL,
	"duration_le_10000" integer DEFAULT 0 NOT NULL,
	"duration_over_10000" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "webhook_hourly_stats_webhook_id_hour_event_type_is_test_pk" PRIMARY KEY("webhook_id","hour","event_type","is_test")
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "search_keys" jsonb GENERATED ALWAYS AS (jsonb_path_query_array(body::jsonb, 'strict $.data.** ? (@.type() == "object").keyvalue() ? (@.key == "id" || @.key like_regex "_(id|number)$").value ? (@.type() == "string")', '{}', true)) STORED;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "consecutive_failed_deliveries" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_hourly_stats" ADD CONSTRAINT "webhook_hourly_stats_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_search_keys_idx" ON "events" USING gin ("search_keys" jsonb_path_ops);--> statement-breakpoint
-- Statistics of the attempts recorded before this migration; new ones are added as they are recorded.
INSERT INTO "webhook_hourly_stats" ("webhook_id", "organisation_id", "hour", "event_type", "is_test", "attempts", "successes", "failures", "timeouts", "duration_total_ms",
  "duration_le_100", "duration_le_250", "duration_le_500", "duration_le_1000", "duration_le_2500", "duration_le_5000", "duration_le_10000", "duration_over_10000")
SELECT a.webhook_id, a.organisation_id, date_trunc('hour', a.started_at, 'UTC'), a.event_type, a.trigger = 'test',
  count(*)::int, (count(*) FILTER (WHERE a.success))::int, (count(*) FILTER (WHERE NOT a.success))::int,
  (count(*) FILTER (WHERE NOT a.success AND a.error ILIKE '%timed out%'))::int, sum(a.duration_ms)::bigint,
  (count(*) FILTER (WHERE a.duration_ms <= 100))::int,
  (count(*) FILTER (WHERE a.duration_ms > 100 AND a.duration_ms <= 250))::int,
  (count(*) FILTER (WHERE a.duration_ms > 250 AND a.duration_ms <= 500))::int,
  (count(*) FILTER (WHERE a.duration_ms > 500 AND a.duration_ms <= 1000))::int,
  (count(*) FILTER (WHERE a.duration_ms > 1000 AND a.duration_ms <= 2500))::int,
  (count(*) FILTER (WHERE a.duration_ms > 2500 AND a.duration_ms <= 5000))::int,
  (count(*) FILTER (WHERE a.duration_ms > 5000 AND a.duration_ms <= 10000))::int,
  (count(*) FILTER (WHERE a.duration_ms > 10000))::int
FROM "delivery_attempts" a
JOIN "webhooks" w ON w.id = a.webhook_id
GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
-- Deliveries that ended failed since each webhook's last successful attempt.
UPDATE "webhooks" w SET "consecutive_failed_deliveries" = (
  SELECT count(*)::int FROM "deliveries" d
  WHERE d.webhook_id = w.id AND d.status = 'failed' AND NOT d.is_test AND d.last_attempt_at > coalesce(w.last_success_at, '-infinity')
);
