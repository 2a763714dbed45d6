'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { adminAction, notFound } from '@/lib/auth/admin-action';
import { retrySinceSchema } from '@/lib/webhooks/core/webhook-form';
import { reEnableWebhook, replaySkipped } from '@/lib/webhooks/manage/re-enable';
import { retryFailedSince } from '@/lib/webhooks/manage/retry';
import { countFailedSince } from '@/lib/webhooks/read/failed-since';
import { rollSecret } from '@/lib/webhooks/manage/roll-secret';

const webhookId = z.object({ id: z.string().min(1).max(64) });

export const reEnableWebhookAction = adminAction(webhookId, async ({ id }, { organisationId }) => {
  if (!(await reEnableWebhook(organisationId, id))) return notFound;
  revalidatePath('/settings/webhooks', 'layout');
  return { ok: true, data: undefined };
});

export const replaySkippedAction = adminAction(webhookId, async ({ id }, { organisationId }) => {
  const count = await replaySkipped(organisationId, id);
  if (count === null) return notFound;
  revalidatePath('/settings/webhooks', 'layout');
  return { ok: true, data: { count } };
});

export const retryFailedSinceAction = adminAction(
  webhookId.extend({ since: retrySinceSchema }),
  async ({ id, since }, { organisationId }) => {
    const count = await retryFailedSince(organisationId, id, new Date(since));
    if (count === null) return notFound;
    if (typeof count === 'object') return { ok: false, formError: count.refused };
    revalidatePath('/settings/webhooks', 'layout');
    return { ok: true, data: { count } };
  },
);

/** The count the confirmation of *Retry failed since …* shows before anything is re-sent. */
export const countFailedSinceAction = adminAction(webhookId.extend({ since: retrySinceSchema }), async ({ id, since }, { organisationId }) => {
  const count = await countFailedSince(organisationId, id, new Date(since));
  if (count === null) return notFound;
  return { ok: true, data: { count } };
});

export const rollSecretAction = adminAction(webhookId, async ({ id }, { organisationId }) => {
  const rolled = await rollSecret(organisationId, id);
  if (!rolled) return notFound;
  revalidatePath('/settings/webhooks', 'layout');
  return { ok: true, data: rolled };
});
