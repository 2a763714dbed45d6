import { sql } from 'drizzle-orm';
import { runPrepared, type Transaction } from '@/db/client';
import type { AttemptTrigger } from '@/db/schema';
import { enqueueDeliveries } from '@/lib/webhooks/queue/enqueue';

export type NewEvent = {
  id: string;
  organisationId: string;
  projectId: string;
  type: string;
  occurredAt: Date;
  body: string;
  isTest: boolean;
};

export type NewDelivery = {
  id: string;
  organisationId: string;
  eventId: string;
  webhookId: string;
  eventType: string;
  isTest: boolean;
  trigger: AttemptTrigger;
  /** `skipped`: stored for a webhook disabled by failure tracking, with no job until it is replayed. */
  status?: 'pending' | 'skipped';
};

/*
 * Rows travel as one JSON parameter: the statement text is the same for 1 row or 10,000, so
 * PostgreSQL parses and plans it once per connection, and no batch meets the 65,535-parameter limit.
 */

async function insertEvents(tx: Transaction, rows: readonly NewEvent[]): Promise<void> {
  await runPrepared(tx, sql`
    insert into events (id, organisation_id, project_id, type, occurred_at, body, is_test)
    select id, "organisationId", "projectId", type, "occurredAt", body, "isTest"
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
      id text, "organisationId" text, "projectId" text, type text, "occurredAt" timestamptz, body text, "isTest" boolean)`);
}

async function insertDeliveries(tx: Transaction, rows: readonly NewDelivery[]): Promise<void> {
  const values = rows.map(({ id, organisationId, eventId, webhookId, eventType, isTest, status = 'pending' }) => ({
    id,
    organisationId,
    eventId,
    webhookId,
    eventType,
    isTest,
    status,
  }));
  await runPrepared(tx, sql`
    insert into deliveries (id, organisation_id, event_id, webhook_id, event_type, is_test, status)
    select id, "organisationId", "eventId", "webhookId", "eventType", "isTest", status::delivery_status
    from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as r(
      id text, "organisationId" text, "eventId" text, "webhookId" text, "eventType" text, "isTest" boolean, status text)`);
}

/** Stores events, their deliveries and the delivery jobs in the caller's transaction, in bulk. */
export async function storeEvents(tx: Transaction, newEvents: readonly NewEvent[], newDeliveries: readonly NewDelivery[]): Promise<void> {
  if (newEvents.length > 0) await insertEvents(tx, newEvents);
  if (newDeliveries.length === 0) return;
  await insertDeliveries(tx, newDeliveries);
  await enqueueDeliveries(
    tx,
    newDeliveries.filter((d) => d.status !== 'skipped').map(({ id, webhookId, trigger }) => ({ deliveryId: id, webhookId, trigger })),
  );
}
