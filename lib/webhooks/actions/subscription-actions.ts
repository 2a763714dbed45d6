'use server';

import { revalidatePath } from 'next/cache';
import { adminAction } from '@/lib/auth/admin-action';
import { subscriptionRemovalSchema, subscriptionsSchema } from '@/lib/webhooks/core/webhook-form';
import { removeSubscription as remove, replaceSubscriptions } from '@/lib/webhooks/manage/subscriptions';

/** Stores the ticked events as the webhook's whole subscription set. */
export const saveSubscriptions = adminAction(subscriptionsSchema, async (input, { organisationId }) => {
  const result = await replaceSubscriptions(organisationId, input);
  if (result.ok) revalidatePath('/settings/webhooks', 'layout');
  return result;
});

export const removeSubscription = adminAction(subscriptionRemovalSchema, async (input, { organisationId }) => {
  const result = await remove(organisationId, input);
  if (result.ok) revalidatePath('/settings/webhooks', 'layout');
  return result;
});
