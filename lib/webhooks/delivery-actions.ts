'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { adminAction, notFound } from '@/lib/auth/admin-action';
import { listDeliveryAttempts } from './delivery-log';
import { eventTypeSchema } from './events';
import { retryDelivery } from './retry';
import { getDeliveryOutcome, sendTestEvent } from './test-event';

const id = z.string().min(1).max(64);

export const sendTestEventAction = adminAction(z.object({ id, eventType: eventTypeSchema }), async ({ id, eventType }, { organisationId }) => {
  const sent = await sendTestEvent(organisationId, id, eventType);
  if (!sent.ok) return { ok: false, formError: sent.message };
  return { ok: true, data: { deliveryId: sent.deliveryId } };
});

export const testEventOutcomeAction = adminAction(z.object({ deliveryId: id }), async ({ deliveryId }, { organisationId }) => {
  const outcome = await getDeliveryOutcome(organisationId, deliveryId);
  return { ok: true, data: outcome };
});

export const retryDeliveryAction = adminAction(z.object({ deliveryId: id }), async ({ deliveryId }, { organisationId }) => {
  const retried = await retryDelivery(organisationId, deliveryId);
  if (!retried) return notFound;
  if ('refused' in retried) return { ok: false, formError: retried.refused };
  revalidatePath('/settings/webhooks', 'layout');
  return { ok: true, data: undefined };
});

export const loadDeliveryLogAction = adminAction(
  z.object({ id, status: z.enum(['success', 'failed']).optional(), eventType: eventTypeSchema.optional() }),
  async ({ id, status, eventType }, { organisationId }) => {
    const page = await listDeliveryAttempts(organisationId, id, { status, eventType });
    if (!page) return notFound;
    return { ok: true, data: page };
  },
);
