import { sql, type SQL } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb, runPlanned, runPrepared, type Transaction } from '@/db/client';
import { heldAttempt, type DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { recordAttemptsIn, recordingTransaction } from '@/lib/webhooks/deliver/record';
import { createOrganisation, createWebhook, loggedDelivery, UNREACHABLE_LOOPBACK } from '../support/fixtures';

afterAll(() => closeDb());

/**
 * Runs a statement six times (past the five calls after which PostgreSQL may settle on a generic
 * plan) and reports whether its connection keeps it as a prepared statement, whose plan could
 * then outlive the table sizes it was made for.
 */
async function keptPrepared(run: (tx: Transaction, query: SQL) => Promise<unknown[]>, marker: string): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    for (let i = 0; i < 6; i++) await run(tx, sql`select ${i}::int as ${sql.identifier(marker)}`);
    const kept = await tx.execute(sql`select 1 from pg_prepared_statements where statement like ${`%${marker}%`} and not from_sql`);
    return kept.length > 0;
  });
}

describe('runPlanned', () => {
  it('plans every call afresh: its statement is never kept prepared on the connection', async () => {
    expect(await keptPrepared(runPlanned, 'planned_each_call')).toBe(false);
  });

  it('differs from runPrepared, whose statement the connection keeps', async () => {
    expect(await keptPrepared(runPrepared, 'kept_prepared')).toBe(true);
  });
});

describe('recording an attempt', () => {
  const ctx: DeliveryContext = { timeoutMs: 10_000, allowPrivate: true, encryptionKey: process.env.KAZINEX_ENCRYPTION_KEY ?? '', retrySchedule: [60] };

  it("updates its delivery heap-only: none of the delivery's index entries is written again", async () => {
    const org = await createOrganisation();
    const webhookId = (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK })).id;
    const { deliveryId } = await loggedDelivery(org, webhookId, new Date(), 'pending', 0);
    const record = heldAttempt(
      { deliveryId, trigger: 'automatic', attempt: 1 },
      { id: deliveryId, organisationId: org.organisationId, webhookId, eventType: 'workflow.completed', url: UNREACHABLE_LOOPBACK, attemptCount: 0, slowed: true, slowedReason: 'timeout', lagging: false },
      ctx,
    );
    // The status, the next attempt's time and the counters all change; no indexed column does.
    const updates = await recordingTransaction(async (tx) => {
      await recordAttemptsIn(tx, [record]);
      const [row] = await tx.execute<{ updated: number; heapOnly: number }>(sql`
        select n_tup_upd::int as updated, n_tup_hot_upd::int as "heapOnly" from pg_stat_xact_user_tables where relname = 'deliveries'`);
      return row;
    });
    expect(updates).toEqual({ updated: 1, heapOnly: 1 });
  });
});
