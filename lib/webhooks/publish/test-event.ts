import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { projects, webhooks } from '@/db/schema';
import { newId } from '@/lib/ids';
import { eventCatalogue, isEventType } from '@/lib/webhooks/core/events';
import { buildEventBody, toWholeSeconds } from '@/lib/webhooks/core/envelope';
import { storeEvents } from './store-events';

export type SendTestEventResult =
  | { ok: true; deliveryId: string; eventId: string }
  | { ok: false; reason: 'not_found' | 'no_project' | 'unknown_event_type'; message: string };

/**
 * Send Test Event: the type's sample `data` with the organisation's real id and one of its
 * projects' ids, to this one webhook whether or not it subscribes to the type or is active. The
 * event and delivery are marked as tests and go to the interactive queue, ahead of any backlog.
 * A webhook of another organisation is `not_found`.
 */
export async function sendTestEvent(organisationId: string, webhookId: string, eventType: string): Promise<SendTestEventResult> {
  if (!isEventType(eventType)) return { ok: false, reason: 'unknown_event_type', message: 'Choose one of the listed event types' };
  const db = getDb();
  const [[webhook], [project]] = await Promise.all([
    db.select({ id: webhooks.id }).from(webhooks).where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, webhookId))),
    db
      .select({ id: projects.id })
      .from(projects)
      .where(eq(projects.organisationId, organisationId))
      .orderBy(asc(projects.createdAt), asc(projects.id))
      .limit(1),
  ]);
  if (!webhook) return { ok: false, reason: 'not_found', message: 'Not found' };
  if (!project) return { ok: false, reason: 'no_project', message: 'Your organisation needs a project before it can send a test event' };

  const occurredAt = toWholeSeconds(new Date());
  const eventId = newId('evt');
  const deliveryId = newId('dlv');
  const body = buildEventBody({ type: eventType, occurredAt, organisationId, projectId: project.id, data: eventCatalogue[eventType].sample });
  await db.transaction((tx) =>
    storeEvents(
      tx,
      [{ id: eventId, organisationId, projectId: project.id, type: eventType, occurredAt, body, isTest: true }],
      [{ id: deliveryId, organisationId, eventId, webhookId, eventType, isTest: true, trigger: 'test' }],
    ),
  );
  return { ok: true, deliveryId, eventId };
}
