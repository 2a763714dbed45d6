import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Raw bytes; postgres.js hands them over as Buffers, and json-rows writes them as `\\x…` hex. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const roleEnum = pgEnum('user_role', ['org_admin', 'member']);

export const organisations = pgTable('organisations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const projects = pgTable(
  'projects',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('projects_organisation_idx').on(t.organisationId)],
);

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** scrypt hash (lib/auth/password.ts); null for a user who signs in only through single sign-on. */
    passwordHash: text('password_hash'),
    role: roleEnum('role').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_idx').on(t.email), index('users_organisation_idx').on(t.organisationId)],
);

/**
 * Server-side sessions. The session cookie (a signed, encrypted JWT) carries a random session id;
 * a request is signed in only while the row for that id's SHA-256 exists and has not expired, so
 * signing out (which deletes the row) ends every copy of the cookie at once, and removing a user
 * removes their sessions with them.
 */
export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 (hex) of the session id in the cookie; the id itself is never stored. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Failed password sign-ins, counted per account and per client address over a sliding window
 * (lib/auth/throttle.ts). Kept in PostgreSQL so every web instance sees the same count.
 */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: text('id').primaryKey(),
    /** SHA-256 (hex) of the normalised email tried, known account or not. */
    accountKey: text('account_key').notNull(),
    clientAddress: text('client_address').notNull(),
    failedAt: timestamp('failed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('sign_in_failures_account_idx').on(t.accountKey, t.failedAt),
    index('sign_in_failures_address_idx').on(t.clientAddress, t.failedAt),
    index('sign_in_failures_failed_idx').on(t.failedAt),
  ],
);

export const webhooks = pgTable(
  'webhooks',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    url: text('url').notNull(),
    /** AES-256-GCM sealed secret (see lib/crypto/secret-box.ts); never the plain secret. */
    secretCiphertext: text('secret_ciphertext').notNull(),
    active: boolean('active').notNull().default(true),
    lastDeliveryStatus: text('last_delivery_status', { enum: ['success', 'failed'] }),
    lastDeliveryAt: timestamp('last_delivery_at', { withTimezone: true }),
    /** Failed attempts since the last success (test events excluded); kept by atomic increments. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /**
     * Deliveries whose automatic attempts all failed since the last successful attempt (test events
     * excluded): what the health state and the webhook page call consecutive failures.
     */
    consecutiveFailedDeliveries: integer('consecutive_failed_deliveries').notNull().default(0),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }),
    /** First failed attempt of the current streak; the 5-day rule counts from here. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    /** Set when failure tracking disabled the webhook (not when an admin unticked Active). */
    disabledReason: text('disabled_reason'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** The secret replaced by Roll secret, sealed like the current one; it keeps signing until its expiry. */
    previousSecretCiphertext: text('previous_secret_ciphertext'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    /**
     * Set while the endpoint is slowed down (deliver/slowdown.ts): it timed out, answered 429 or
     * kept failing, so it gets one request at a time until one succeeds.
     */
    slowedSince: timestamp('slowed_since', { withTimezone: true }),
    slowedReason: text('slowed_reason', { enum: ['timeout', 'rate_limited', 'failing'] }),
    /** While slowed: until when the one request in flight (or the pause after it) holds the endpoint. */
    probeUntil: timestamp('probe_until', { withTimezone: true }),
    /**
     * Set while the endpoint is lagging (deliver/lagging.ts): a request to it has been in flight for
     * longer than LAG_AFTER_MS, and it has not answered quickly since. Its new automatic attempts
     * are parked and queued below everyone else's, at its cap (deliver/release.ts).
     */
    laggingSince: timestamp('lagging_since', { withTimezone: true }),
    /**
     * When the endpoint first gave an HTTP answer at this URL. Until then a worker sends it one job
     * at a time (worker/slow-start.ts); a new URL starts again.
     */
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhooks_organisation_name_idx').on(t.organisationId, t.name),
    // The disabled-webhooks metric counts these at every scrape.
    index('webhooks_disabled_idx')
      .on(t.id)
      .where(sql`${t.disabledReason} is not null`),
    // The slowed-down-endpoints metric counts these at every scrape.
    index('webhooks_slowed_idx')
      .on(t.id)
      .where(sql`${t.slowedSince} is not null`),
    // The parked release reads the lagging ones several times a second.
    index('webhooks_lagging_idx')
      .on(t.id)
      .where(sql`${t.laggingSince} is not null`),
  ],
);

export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.webhookId, t.eventType] }),
    index('webhook_subscriptions_event_idx').on(t.eventType),
  ],
);

/**
 * Delivery lifecycle: `pending` until its first attempt, `retrying` while an automatic retry is due
 * at `next_attempt_at`, then `succeeded` or `failed` (schedule exhausted). `skipped`: kept, unsent,
 * while failure tracking has the webhook disabled; *Replay skipped* sends it later.
 */
export const deliveryStatusEnum = pgEnum('delivery_status', ['pending', 'retrying', 'succeeded', 'failed', 'skipped']);

/** What caused an attempt: the normal pipeline, an admin's Retry, or Send Test Event. */
export const attemptTriggerEnum = pgEnum('attempt_trigger', ['automatic', 'manual', 'test']);

export const events = pgTable(
  'events',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** The serialized payload exactly as receivers get it; every attempt re-sends these bytes. */
    body: text('body').notNull(),
    isTest: boolean('is_test').notNull().default(false),
    createdAt: createdAt(),
    /**
     * The values admins search the Delivery Log for: every string under an `id`, `*_id` or
     * `*_number` key anywhere in the event's `data` (workflow id, document id and number, …).
     */
    searchKeys: jsonb('search_keys')
      .$type<string[]>()
      .generatedAlwaysAs(
        sql`jsonb_path_query_array(body::jsonb, 'strict $.data.** ? (@.type() == "object").keyvalue() ? (@.key == "id" || @.key like_regex "_(id|number)$").value ? (@.type() == "string")', '{}', true)`,
      ),
  },
  (t) => [
    index('events_organisation_idx').on(t.organisationId),
    index('events_project_idx').on(t.projectId),
    index('events_created_idx').on(t.createdAt),
    index('events_search_keys_idx').using('gin', t.searchKeys.op('jsonb_path_ops')),
  ],
);

/**
 * One per (event, webhook): the unit receivers de-duplicate on (`X-Kazinex-Delivery`). Recording
 * an attempt updates the row heap-only: no index names a column an attempt changes, and the
 * table's pages keep a fifth free for the new row versions (`fillfactor` 80, set by migration 0015).
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    // Denormalised for tenancy checks without a join; kept consistent by the webhook and event cascades.
    organisationId: text('organisation_id').notNull(),
    /**
     * The event, written in the same transaction. No foreign key: its check would lock the event row
     * once per delivery, and an event fans out to hundreds. Deleting events deletes their deliveries
     * all the same, by a trigger per statement (migration 0013_statement_cascades).
     */
    eventId: text('event_id').notNull(),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    status: deliveryStatusEnum('status').notNull().default('pending'),
    isTest: boolean('is_test').notNull().default(false),
    attemptCount: integer('attempt_count').notNull().default(0),
    /**
     * The highest automatic attempt (a job's attempt number) recorded: the same automatic attempt
     * made twice (its job expired and ran again) is recorded once. Manual attempts leave it alone.
     */
    lastAutomaticAttempt: integer('last_automatic_attempt'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastResponseStatus: integer('last_response_status'),
    /** When the next attempt is due; null when none is planned. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * `status = 'skipped'`, kept by the database for the index of skipped deliveries. An index that
     * named `status` would make every attempt's update write new entries in the table's indexes
     * (no heap-only update); this column keeps its value through every attempt.
     */
    skipped: boolean('skipped')
      .notNull()
      .generatedAlwaysAs(sql`status = 'skipped'`),
  },
  (t) => [
    uniqueIndex('deliveries_event_webhook_idx').on(t.eventId, t.webhookId),
    index('deliveries_webhook_created_idx').on(t.webhookId, t.createdAt),
    // Retention prunes by age across all webhooks. A block-range index: deliveries are written in
    // the order they are created, so a summary per range of pages finds the old ones, and a publish
    // that fans out to hundreds of endpoints adds no entry per delivery (a btree would add each).
    // `autosummarize` has autovacuum summarise each range as soon as it fills, not at the next vacuum.
    index('deliveries_created_idx').using('brin', t.createdAt).with({ autosummarize: 'on' }),
    // Skipped counts on the webhooks list and Replay skipped.
    index('deliveries_webhook_skipped_idx')
      .on(t.webhookId)
      .where(sql`${t.skipped}`),
  ],
);

/**
 * Automatic attempts of slowed-down endpoints waiting for their time, without a job. A dead
 * endpoint's deliveries wait here instead of in pg-boss's job table (where each would cost an
 * insert, a fetch and a completion across its indexes); the worker records those that fall due
 * while the endpoint's probe or pause holds it as not sent, and turns the others into jobs
 * (lib/webhooks/queue/parked.ts, lib/webhooks/deliver/release.ts). A delivery is here exactly
 * when its next automatic attempt has no job yet.
 */
export const parkedAttempts = pgTable(
  'parked_attempts',
  {
    /**
     * No foreign key (see `deliveries.eventId`): an attempt is parked by the transaction that creates
     * or records its delivery, or moved here from a job joined to it (`parkWaitingJobs`), and the
     * release drops one whose delivery is gone. Deleting deliveries deletes their parked attempts by a
     * trigger per statement.
     */
    deliveryId: text('delivery_id').primaryKey(),
    webhookId: text('webhook_id').notNull(),
    /** The automatic attempt it waits to make: 1 for the first. */
    attempt: integer('attempt').notNull(),
    /** When it falls due, by the database's clock (the release reads `now()`); now when not given. */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('parked_attempts_due_idx').on(t.dueAt)],
);

/**
 * The deliveries an event has still to make to slowed-down and lagging endpoints (deliver/lagging.ts):
 * one row per event, whatever the number of such endpoints. Their first attempts would only be
 * parked (`parked_attempts`), so the publish stores the targets here, with their delivery ids,
 * and the worker's release makes the deliveries and parks their first attempts
 * (lib/webhooks/queue/parked.ts). A publish to hundreds of dead endpoints then writes one row for
 * them, not two per endpoint, in the transaction its caller waits for.
 */
export const parkedFanouts = pgTable(
  'parked_fanouts',
  {
    /** One row per event; an event deleted (retention, its organisation) takes its row with it. */
    eventId: text('event_id')
      .primaryKey()
      .references(() => events.id, { onDelete: 'cascade' }),
    /** The endpoints, and the id each one's delivery gets: the ids the publish returned. */
    webhookIds: text('webhook_ids').array().notNull(),
    deliveryIds: text('delivery_ids').array().notNull(),
    /** The publish, by the database's clock: the deliveries' creation and their first attempts' due time. */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('parked_fanouts_due_idx').on(t.dueAt)],
);

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: text('id').primaryKey(),
    /**
     * No foreign key (see `deliveries.eventId`): an attempt is stored only by the transaction that has
     * just updated (and so locked) its delivery. Deleting deliveries deletes their attempts by a
     * trigger per statement.
     */
    deliveryId: text('delivery_id').notNull(),
    // Copied from the delivery so the Delivery Log pages through one index without joins.
    organisationId: text('organisation_id').notNull(),
    webhookId: text('webhook_id').notNull(),
    eventType: text('event_type').notNull(),
    attemptNumber: integer('attempt_number').notNull(),
    trigger: attemptTriggerEnum('trigger').notNull(),
    requestUrl: text('request_url').notNull(),
    /**
     * What cannot be derived of the request: its HMACs, 32 bytes each (the X-Kazinex-Signature one,
     * then one per `webhook-signature` entry), and the User-Agent. The body is the event's, and the
     * other headers follow from the delivery and `started_at` (core/sign.ts rebuilds them). Null
     * when no request was signed: not sent, or the secret could not be decrypted.
     */
    requestSignatures: bytea('request_signatures'),
    requestUserAgent: text('request_user_agent'),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    /** At most 64 KiB of the response body; `response_body_truncated` says whether more was sent. */
    responseBody: text('response_body'),
    responseBodyTruncated: boolean('response_body_truncated').notNull().default(false),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    success: boolean('success').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('delivery_attempts_delivery_number_idx').on(t.deliveryId, t.attemptNumber),
    // Retention prunes by age across all webhooks.
    index('delivery_attempts_started_idx').on(t.startedAt),
    // Delivery Log: newest first per webhook, keyset on (started_at, id), optionally by event type or failures only.
    index('delivery_attempts_webhook_started_idx').on(t.webhookId, t.startedAt.desc(), t.id.desc()),
    index('delivery_attempts_webhook_type_started_idx').on(t.webhookId, t.eventType, t.startedAt.desc(), t.id.desc()),
    index('delivery_attempts_webhook_failed_started_idx')
      .on(t.webhookId, t.startedAt.desc(), t.id.desc())
      .where(sql`not ${t.success}`),
  ],
);

/**
 * Hourly delivery statistics per webhook, event type and test flag, moved on in the transaction
 * that records attempts (lib/webhooks/deliver/rollups.ts): health, charts and Delivery Log totals
 * read these few rows instead of the attempts, so they cost the same whatever the history.
 * Durations are counted in buckets (upper bounds in lib/webhooks/core/duration-buckets.ts).
 */
export const webhookHourlyStats = pgTable(
  'webhook_hourly_stats',
  {
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    organisationId: text('organisation_id').notNull(),
    /** Start of the UTC hour the attempts started in. */
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    eventType: text('event_type').notNull(),
    isTest: boolean('is_test').notNull(),
    attempts: integer('attempts').notNull().default(0),
    successes: integer('successes').notNull().default(0),
    failures: integer('failures').notNull().default(0),
    timeouts: integer('timeouts').notNull().default(0),
    durationTotalMs: bigint('duration_total_ms', { mode: 'number' }).notNull().default(0),
    durationLe100: integer('duration_le_100').notNull().default(0),
    durationLe250: integer('duration_le_250').notNull().default(0),
    durationLe500: integer('duration_le_500').notNull().default(0),
    durationLe1000: integer('duration_le_1000').notNull().default(0),
    durationLe2500: integer('duration_le_2500').notNull().default(0),
    durationLe5000: integer('duration_le_5000').notNull().default(0),
    durationLe10000: integer('duration_le_10000').notNull().default(0),
    durationOver10000: integer('duration_over_10000').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.webhookId, t.hour, t.eventType, t.isTest] })],
);

/** First answers of the events API by `Idempotency-Key`; a repeated key gets the stored answer. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    key: text('key').primaryKey(),
    /** SHA-256 of the request body, so a key reused for a different request is refused. */
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: jsonb('response_body').$type<unknown>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('idempotency_keys_created_idx').on(t.createdAt)],
);

/**
 * Management API keys (SPEC §11): only the SHA-256 of the key is stored; the key itself is shown
 * once. The fixed-window counters of the per-key rate limit live on the row, so every web instance
 * counts against the same number and authenticating and counting are one statement.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The key's first characters, to tell keys apart in the list. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    rateWindowStart: timestamp('rate_window_start', { withTimezone: true }),
    rateWindowCount: integer('rate_window_count').notNull().default(0),
  },
  (t) => [uniqueIndex('api_keys_key_hash_idx').on(t.keyHash), index('api_keys_organisation_idx').on(t.organisationId)],
);

export type Organisation = typeof organisations.$inferSelect;
export type Project = typeof projects.$inferSelect;
export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Role = (typeof roleEnum.enumValues)[number];
export type Webhook = typeof webhooks.$inferSelect;
export type WebhookSubscription = typeof webhookSubscriptions.$inferSelect;
export type Event = typeof events.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;
export type DeliveryStatus = (typeof deliveryStatusEnum.enumValues)[number];
export type DeliveryAttempt = typeof deliveryAttempts.$inferSelect;
export type AttemptTrigger = (typeof attemptTriggerEnum.enumValues)[number];
export type WebhookHourlyStats = typeof webhookHourlyStats.$inferSelect;
export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
