import { getDb } from '@/db/client';
import { deliveries, deliveryAttempts, events, organisations, projects, webhooks, webhookSubscriptions, type DeliveryStatus } from '@/db/schema';
import { seal } from '@/lib/crypto/secret-box';
import { env } from '@/lib/env';
import { newId } from '@/lib/ids';
import type { EventType } from '@/lib/webhooks/core/events';

/** A fresh organisation with one project, so tests sharing the database never see each other's rows. */
export async function createOrganisation(name = 'Test Engineering Ltd') {
  const organisationId = newId('org');
  const projectId = newId('proj');
  await getDb().insert(organisations).values({ id: organisationId, name });
  await getDb().insert(projects).values({ id: projectId, organisationId, name: 'Test Project' });
  return { organisationId, projectId };
}

/**
 * An endpoint for webhooks whose deliveries a test never wants made: loopback, where nothing listens.
 * Jobs a test leaves queued may be run by a later worker of the suite; they must not leave the machine.
 */
export const UNREACHABLE_LOOPBACK = 'http://127.0.0.1:9/unreachable';

export async function createWebhook(
  organisationId: string,
  opts: { url: string; secret?: string; active?: boolean; events?: EventType[]; name?: string },
) {
  const id = newId('wh');
  const secret = opts.secret ?? `wh_test_${newId('wh')}`;
  await getDb()
    .insert(webhooks)
    .values({
      id,
      organisationId,
      name: opts.name ?? id,
      url: opts.url,
      secretCiphertext: seal(secret, env().KAZINEX_ENCRYPTION_KEY),
      active: opts.active ?? true,
    });
  if (opts.events && opts.events.length > 0) {
    await getDb()
      .insert(webhookSubscriptions)
      .values(opts.events.map((eventType) => ({ webhookId: id, eventType })));
  }
  return { id, secret };
}

export const completedData = {
  workflow_id: 'wf_001',
  document_id: 'doc_001',
  document_number: 'STR-DWG-ZA-0001',
  status: 'completed',
  outcome: 'approved',
} as const;

/** An event, its delivery in `status` and `attempts` attempts, all stamped `at`. */
export async function loggedDelivery(org: { organisationId: string; projectId: string }, webhookId: string, at: Date, status: DeliveryStatus, attempts: number) {
  const eventId = newId('evt');
  const deliveryId = newId('dlv');
  await getDb().insert(events).values({ id: eventId, organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', occurredAt: at, body: '{}', createdAt: at });
  await getDb()
    .insert(deliveries)
    .values({ id: deliveryId, organisationId: org.organisationId, eventId, webhookId, eventType: 'workflow.completed', status, attemptCount: attempts, createdAt: at, updatedAt: at });
  const attemptIds = Array.from({ length: attempts }, () => newId('att'));
  if (attempts > 0) {
    await getDb()
      .insert(deliveryAttempts)
      .values(
        attemptIds.map((id, i) => ({
          id,
          deliveryId,
          organisationId: org.organisationId,
          webhookId,
          eventType: 'workflow.completed',
          attemptNumber: i + 1,
          trigger: 'automatic' as const,
          requestUrl: 'https://example.com/hook',
          durationMs: 5,
          success: false,
          startedAt: at,
          completedAt: at,
        })),
      );
  }
  return { eventId, deliveryId, attemptIds };
}
