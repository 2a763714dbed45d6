'use server';

import { revalidatePath } from 'next/cache';
import { adminAction } from '@/lib/auth/admin-action';
import type { ActionResult } from '@/lib/result';
import { webhookActiveSchema, webhookEditFormSchema, webhookFormSchema, webhookIdSchema } from '@/lib/webhooks/core/webhook-form';
import * as manage from '@/lib/webhooks/manage/webhooks';

/** Refreshes the Webhooks pages after a change that succeeded. */
function refreshed<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) revalidatePath('/settings/webhooks', 'layout');
  return result;
}

export const createWebhook = adminAction(webhookFormSchema, async (input, { organisationId }) => refreshed(await manage.createWebhook(organisationId, input)));

export const updateWebhook = adminAction(webhookEditFormSchema, async (input, { organisationId }) => refreshed(await manage.updateWebhook(organisationId, input)));

export const setWebhookActive = adminAction(webhookActiveSchema, async (input, { organisationId }) => refreshed(await manage.setWebhookActive(organisationId, input)));

export const deleteWebhook = adminAction(webhookIdSchema, async ({ id }, { organisationId }) => refreshed(await manage.deleteWebhook(organisationId, id)));

export const revealSecret = adminAction(webhookIdSchema, async ({ id }, { organisationId }) => manage.revealSecret(organisationId, id));
