ALTER TABLE "webhooks" ADD COLUMN "answered_at" timestamp with time zone;--> statement-breakpoint
-- A webhook that has had a success has been answered; the others start slowly once, until their first answer.
UPDATE "webhooks" SET "answered_at" = "last_success_at";
