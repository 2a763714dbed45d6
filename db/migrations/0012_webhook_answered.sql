ALTER TABLE "webhooks" ADD COLUMN "answered_at" timestamp with time zone;--> statement-breakpoint
-- A webhook that has had a success has been answered. The others, including those that answer but never with a 2xx, start slowly once: one round trip for an endpoint that answers.
UPDATE "webhooks" SET "answered_at" = "last_success_at";
