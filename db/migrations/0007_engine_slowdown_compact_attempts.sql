ALTER TABLE "delivery_attempts" ADD COLUMN "request_signatures" "bytea";--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "request_user_agent" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "slowed_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "slowed_reason" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "probe_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "webhooks_slowed_idx" ON "webhooks" USING btree ("id") WHERE "webhooks"."slowed_since" is not null;--> statement-breakpoint
-- Attempts keep only what cannot be derived of their request: the HMACs (32 bytes each) and the User-Agent.
UPDATE "delivery_attempts" SET
  "request_user_agent" = "request_headers"->>'User-Agent',
  "request_signatures" = CASE WHEN "request_headers" ? 'X-Kazinex-Signature' THEN
    decode(substr("request_headers"->>'X-Kazinex-Signature', 8), 'hex') || coalesce((
      SELECT string_agg(decode(substr(s.entry, 4), 'base64'), ''::bytea ORDER BY s.n)
      FROM unnest(string_to_array("request_headers"->>'webhook-signature', ' ')) WITH ORDINALITY AS s(entry, n)
    ), ''::bytea)
  END;--> statement-breakpoint
ALTER TABLE "delivery_attempts" DROP COLUMN "request_headers";--> statement-breakpoint
ALTER TABLE "delivery_attempts" DROP COLUMN "request_body";
