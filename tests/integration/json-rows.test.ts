import { eq, getTableColumns } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb, runPrepared } from '@/db/client';
import { insertRows } from '@/db/json-rows';
import { deliveries, deliveryAttempts, events } from '@/db/schema';
import { newId } from '@/lib/ids';
import { createOrganisation, createWebhook } from '../support/fixtures';

let org: { organisationId: string; projectId: string };
let webhookId: string;
beforeAll(async () => {
  org = await createOrganisation('Json Rows Ltd');
  webhookId = (await createWebhook(org.organisationId, { url: 'https://receiver.example.com/hook' })).id;
});
afterAll(() => closeDb());

const t = (iso: string) => new Date(iso);

/** Inserts one row through insertRows and reads it back through Drizzle. */
async function roundTrip<T extends PgTable & { id: unknown }>(table: T, row: T['$inferInsert']) {
  await runPrepared(getDb(), insertRows(table, [row]));
  const [back] = await getDb()
    .select()
    .from(table as PgTable)
    .where(eq((table as unknown as typeof events).id, (row as { id: string }).id));
  return back as Record<string, unknown>;
}

/** A row that sets every column of its table to a value other than its default (generated columns are PostgreSQL's). */
function everyColumn<T extends PgTable>(table: T, row: Required<T['$inferInsert']>) {
  const settable = Object.entries(getTableColumns(table)).flatMap(([key, column]) => (column.generated ? [] : [key]));
  expect(Object.keys(row).sort(), 'the fixture sets every column of the table').toEqual(settable.sort());
  return row;
}

describe('insertRows: hot-path inserts derived from the Drizzle tables', () => {
  it('round-trips every column of events, deliveries and delivery_attempts', async () => {
    const event = everyColumn(events, {
      id: newId('evt'),
      organisationId: org.organisationId,
      projectId: org.projectId,
      type: 'workflow.completed',
      occurredAt: t('2024-03-15T10:30:00Z'),
      body: '{"event":"workflow.completed","quote":"\\"","unicode":"Zürich ✓","data":{"document_number":"STR-DWG-0001"}}',
      isTest: true,
      createdAt: t('2024-03-15T10:30:01.123Z'),
    });
    expect(await roundTrip(events, event)).toEqual({ ...event, searchKeys: ['STR-DWG-0001'] });

    const delivery = everyColumn(deliveries, {
      id: newId('dlv'),
      organisationId: org.organisationId,
      eventId: event.id,
      webhookId,
      eventType: 'workflow.completed',
      status: 'retrying',
      isTest: true,
      attemptCount: 3,
      lastAutomaticAttempt: 3,
      lastAttemptAt: t('2024-03-15T10:31:00.5Z'),
      lastResponseStatus: 503,
      nextAttemptAt: t('2024-03-15T11:00:00Z'),
      createdAt: t('2024-03-15T10:30:02Z'),
      updatedAt: t('2024-03-15T10:31:01Z'),
    });
    expect(await roundTrip(deliveries, delivery)).toEqual({ ...delivery, skipped: false });

    const attempt = everyColumn(deliveryAttempts, {
      id: newId('att'),
      deliveryId: delivery.id,
      organisationId: org.organisationId,
      webhookId,
      eventType: 'workflow.completed',
      attemptNumber: 4,
      trigger: 'manual',
      requestUrl: 'https://receiver.example.com/hook?x=1',
      requestSignatures: Buffer.from(Array.from({ length: 96 }, (_, i) => (i * 37) % 256)),
      requestUserAgent: 'Kazinex-Webhooks/1.2.3',
      responseStatus: 503,
      responseHeaders: { 'retry-after': '30' },
      responseBody: 'busy\nline two',
      responseBodyTruncated: true,
      durationMs: 1234,
      error: 'The endpoint answered 503',
      success: false,
      startedAt: t('2024-03-15T10:31:00.5Z'),
      completedAt: t('2024-03-15T10:31:01.734Z'),
    });
    expect(await roundTrip(deliveryAttempts, attempt)).toEqual(attempt);
  });

  it('gives a column left out its default: static ones here, SQL ones in the statement', async () => {
    const before = new Date(Date.now() - 60_000);
    const event = { id: newId('evt'), organisationId: org.organisationId, projectId: org.projectId, type: 'document.created', occurredAt: t('2024-03-15T10:30:00Z'), body: '{}' };
    const back = await roundTrip(events, event);
    expect(back.isTest).toBe(false);
    expect((back.createdAt as Date).getTime()).toBeGreaterThan(before.getTime());

    const delivery = { id: newId('dlv'), organisationId: org.organisationId, eventId: event.id, webhookId, eventType: 'document.created' };
    const stored = await roundTrip(deliveries, delivery);
    expect(stored).toMatchObject({ status: 'pending', isTest: false, attemptCount: 0, lastAutomaticAttempt: null, nextAttemptAt: null });
    expect((stored.updatedAt as Date).getTime()).toBeGreaterThan(before.getTime());
  });

  it('inserts many rows with one statement text', async () => {
    const rows = Array.from({ length: 3 }, () => ({ id: newId('evt'), organisationId: org.organisationId, projectId: org.projectId, type: 'document.created', occurredAt: t('2024-03-15T10:30:00Z'), body: '{}' }));
    const one = insertRows(events, rows.slice(0, 1));
    const three = insertRows(events, rows);
    const { PgDialect } = await import('drizzle-orm/pg-core');
    const dialect = new PgDialect();
    expect(dialect.sqlToQuery(one).sql).toBe(dialect.sqlToQuery(three).sql);
    await runPrepared(getDb(), three);
    const stored = await getDb().select({ id: events.id }).from(events).where(eq(events.organisationId, org.organisationId));
    expect(stored.map((r) => r.id)).toEqual(expect.arrayContaining(rows.map((r) => r.id)));
  });
});
