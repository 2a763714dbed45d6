import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getDb, type Transaction } from '@/db/client';
import { idempotencyKeys } from '@/db/schema';

export type StoredAnswer = { status: number; body: unknown };

export const requestHash = (body: string) => createHash('sha256').update(body, 'utf8').digest('hex');

/**
 * Claims `key` for this request inside the publishing transaction. The unique key makes a
 * concurrent request with the same key wait for this one and then see its answer; false means the
 * key was already used.
 */
export async function claimIdempotencyKey(tx: Transaction, key: string, hash: string, answer: StoredAnswer): Promise<boolean> {
  const inserted = await tx
    .insert(idempotencyKeys)
    .values({ key, requestHash: hash, responseStatus: answer.status, responseBody: answer.body })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return inserted.length > 0;
}

export async function findIdempotentAnswer(key: string): Promise<(StoredAnswer & { requestHash: string }) | null> {
  const [row] = await getDb().select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
  return row ? { status: row.responseStatus, body: row.responseBody, requestHash: row.requestHash } : null;
}
