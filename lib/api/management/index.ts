import type { Operation } from '../operation';
import { getDeliveryOp, listAttemptsOp, retryDeliveryOp, sendTestEventOp } from './deliveries';
import { reEnableOp, replaySkippedOp, retryFailedSinceOp, rollSecretOp } from './recovery';
import { createWebhookOp, deleteWebhookOp, getWebhookOp, listWebhooksOp, replaceSubscriptionsOp, updateWebhookOp } from './webhooks';

export const webhooksOperations = [
  listWebhooksOp,
  createWebhookOp,
  getWebhookOp,
  updateWebhookOp,
  deleteWebhookOp,
  replaceSubscriptionsOp,
  rollSecretOp,
  retryFailedSinceOp,
  reEnableOp,
  replaySkippedOp,
] as unknown as readonly Operation[];

export const deliveriesOperations = [sendTestEventOp, listAttemptsOp, getDeliveryOp, retryDeliveryOp] as unknown as readonly Operation[];
