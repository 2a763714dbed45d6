import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { apiKeys } from '@/db/schema';
import { newId } from '@/lib/ids';

/**
 * API keys for the management API (SPEC §11). A key is 32 random bytes, so a plain SHA-256 of it
 * is enough to store (nothing to brute-force); the key itself is shown once and never stored.
 * Every function takes the organisation id: a key of another organisation does not exist.
 */

const KEY_PREFIX = 'kzx_';
/** Characters of the key shown in the list: the fixed prefix and eight random ones. */
const SHOWN_LENGTH = KEY_PREFIX.length + 8;

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export type ApiKeySummary = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

export async function createApiKey(organisationId: string, userId: string | null, name: string): Promise<{ id: string; key: string; prefix: string }> {
  const key = generateApiKey();
  const id = newId('key');
  const prefix = key.slice(0, SHOWN_LENGTH);
  await getDb().insert(apiKeys).values({ id, organisationId, name, prefix, keyHash: hashApiKey(key), createdBy: userId });
  return { id, key, prefix };
}

export async function listApiKeys(organisationId: string): Promise<ApiKeySummary[]> {
  return getDb()
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.organisationId, organisationId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** Revoked keys stay listed (marked revoked) and stop working on their next request. False when not found. */
export async function revokeApiKey(organisationId: string, id: string): Promise<boolean> {
  const [row] = await getDb()
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.organisationId, organisationId), eq(apiKeys.id, id)))
    .returning({ id: apiKeys.id });
  return Boolean(row);
}

export type KeyCheck =
  | { ok: true; organisationId: string; keyId: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

/**
 * The per-key rate limit, in one statement with the key look-up: a fixed window that opens at the
 * key's first request after the previous window ended, counted on the key's row. The row lock makes
 * concurrent requests on any number of web instances count one after another, and `now()` of the
 * database is the only clock, so instances with skewed clocks agree. A revoked key matches nothing.
 */
export async function checkApiKey(key: string, { limit, windowSeconds }: { limit: number; windowSeconds: number }): Promise<KeyCheck> {
  const windowEnded = sql`(${apiKeys.rateWindowStart} is null or ${apiKeys.rateWindowStart} <= now() - make_interval(secs => ${windowSeconds}))`;
  const [row] = await getDb()
    .update(apiKeys)
    .set({
      lastUsedAt: sql`now()`,
      rateWindowStart: sql`case when ${windowEnded} then now() else ${apiKeys.rateWindowStart} end`,
      rateWindowCount: sql`case when ${windowEnded} then 1 else ${apiKeys.rateWindowCount} + 1 end`,
    })
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
    .returning({
      id: apiKeys.id,
      organisationId: apiKeys.organisationId,
      count: apiKeys.rateWindowCount,
      secondsLeft: sql<number>`ceil(extract(epoch from (${apiKeys.rateWindowStart} + make_interval(secs => ${windowSeconds}) - now())))::int`,
    });
  if (!row) return { ok: false, reason: 'invalid' };
  if (row.count > limit) return { ok: false, reason: 'rate_limited', retryAfterSeconds: Math.max(1, row.secondsLeft) };
  return { ok: true, organisationId: row.organisationId, keyId: row.id };
}
