'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { adminAction, notFound } from '@/lib/auth/admin-action';
import { eventTypeSchema } from '@/lib/webhooks/core/events';
import { retryDelivery } from '@/lib/webhooks/manage/retry';
import { sendTestEvent } from '@/lib/webhooks/publish/test-event';

const id = z.string().min(1).max(64);

export const sendTestEventAction = adminAction(z.object({ id, eventType: eventTypeSchema }), async ({ id, eventType }, { organisationId }) => {
  const sent = await sendTestEvent(organisationId, id, eventType);
  if (!sent.ok) return { ok: false, formError: sent.message };
  return { ok: true, data: { deliveryId: sent.deliveryId } };
});

export const retryDeliveryAction = adminAction(z.object({ deliveryId: id }), async ({ deliveryId }, { organisationId }) => {
  const retried = await retryDelivery(organisationId, deliveryId);
  if (!retried) return notFound;
  if ('refused' in retried) return { ok: false, formError: retried.refused };
  revalidatePath('/settings/webhooks', 'layout');
  return { ok: true, data: undefined };
});
