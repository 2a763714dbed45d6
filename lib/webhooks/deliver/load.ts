import { sql } from 'drizzle-orm';
import { getDb, runPlanned } from '@/db/client';
import type { DeliveryStatus } from '@/db/schema';
import type { SlowReason } from '@/lib/webhooks/core/slowdown';

export type LoadedDelivery = {
  id: string;
  organisationId: string;
  webhookId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  body: string;
  url: string;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  previousSecretExpiresAt: Date | null;
  webhookDisabled: boolean;
  slowedReason: SlowReason | null;
  slowed: boolean;
  lagging: boolean;
  /** The endpoint has answered at this URL: its slow start is over (worker/slow-start.ts). */
  answered: boolean;
};

type Row = Omit<LoadedDelivery, 'previousSecretExpiresAt'> & { previousSecretExpiresAt: string | null };

/**
 * Everything a batch of attempts needs, in one query. A delivery whose webhook was deleted is
 * absent. Planned per call (runPlanned): an index look-up per id however the tables have grown.
 */
export async function loadDeliveries(ids: readonly string[]): Promise<Map<string, LoadedDelivery>> {
  if (ids.length === 0) return new Map();
  const rows = await runPlanned<Row>(getDb(), sql`
    select d.id, d.organisation_id as "organisationId", d.webhook_id as "webhookId", d.event_type as "eventType",
           d.status, d.attempt_count as "attemptCount", e.body, w.url,
           w.secret_ciphertext as "secretCiphertext", w.previous_secret_ciphertext as "previousSecretCiphertext",
           to_json(w.previous_secret_expires_at) #>> '{}' as "previousSecretExpiresAt",
           w.disabled_reason is not null as "webhookDisabled", w.slowed_reason as "slowedReason",
           w.slowed_since is not null as slowed, w.lagging_since is not null as lagging,
           w.answered_at is not null as answered
    from deliveries d
    join events e on e.id = d.event_id
    join webhooks w on w.id = d.webhook_id
    where d.id = any(${sql.param([...new Set(ids)])}::text[])`);
  return new Map(
    rows.map((r) => [r.id, { ...r, previousSecretExpiresAt: r.previousSecretExpiresAt === null ? null : new Date(r.previousSecretExpiresAt) }]),
  );
}
