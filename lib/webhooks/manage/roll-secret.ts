import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { webhooks } from '@/db/schema';
import { seal } from '@/lib/crypto/secret-box';
import { env } from '@/lib/env';
import { generateSecret } from '@/lib/webhooks/core/webhook-form';
import { previousSecretExpiresAt } from '@/lib/webhooks/core/secret-rotation';

export type RolledSecret = {
  /** The new secret in plain text: shown once, never stored unsealed. */
  secret: string;
  /** Until when the replaced secret still signs `webhook-signature` (and receivers may accept it). */
  previousValidUntil: Date;
};

/**
 * *Roll secret*: a new secret signs from now on (`X-Kazinex-Signature` and the first
 * `webhook-signature` entry); the replaced one keeps a second `v1,` entry for 24 hours. Rolling
 * again within those hours retires the older one at once. Null when the webhook is not in this
 * organisation. `now` is for tests.
 */
export async function rollSecret(organisationId: string, webhookId: string, { now = new Date() }: { now?: Date } = {}): Promise<RolledSecret | null> {
  const secret = generateSecret();
  const previousValidUntil = previousSecretExpiresAt(now);
  // One statement: the replaced ciphertext moves to "previous" in the same row update, so two
  // concurrent rolls cannot both keep the same previous secret.
  const [row] = await getDb()
    .update(webhooks)
    .set({
      previousSecretCiphertext: sql`${webhooks.secretCiphertext}`,
      previousSecretExpiresAt: previousValidUntil,
      secretCiphertext: seal(secret, env().KAZINEX_ENCRYPTION_KEY),
      updatedAt: sql`now()`,
    })
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, webhookId)))
    .returning({ id: webhooks.id });
  return row ? { secret, previousValidUntil } : null;
}
