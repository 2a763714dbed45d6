import type { Job } from 'pg-boss';
import { z } from 'zod';
import { attemptTriggerEnum } from '@/db/schema';
import { componentLog, fixedFieldsLog } from '@/lib/observability/log';
import type { AttemptRecord } from '@/lib/webhooks/deliver/record';
import type { DeliveryRequest } from '@/lib/webhooks/queue/enqueue';

/* What a delivery job asks of the worker, and the log lines of what its attempts came to. */

const logger = componentLog('worker');
/** Attempt lines: a fixed set of fields, built below (log.ts). */
const attemptLogger = fixedFieldsLog('worker');

const jobDataSchema = z.object({
  deliveryIds: z.array(z.string().min(1)),
  trigger: z.enum(attemptTriggerEnum.enumValues),
  attempt: z.number().int().min(1).optional(),
});

/** The attempts a job asks for; a job that is not a delivery job asks for none (and is completed). */
export function requestsOf(job: Job<unknown>): DeliveryRequest[] {
  const parsed = jobDataSchema.safeParse(job.data);
  if (!parsed.success) {
    logger.error({ jobId: job.id }, 'ignoring a job whose data is not a delivery job');
    return [];
  }
  const { trigger, attempt } = parsed.data;
  return parsed.data.deliveryIds.map((deliveryId) => ({ deliveryId, trigger, attempt }));
}

/** Logs what a job's attempts came to: a line per failed attempt (ids, status, error; never the URL or a body). */
export function logAttempts(job: Job<unknown>, records: readonly AttemptRecord[]): void {
  for (const r of records) {
    const fields = {
      jobId: job.id,
      organisationId: r.organisationId,
      webhookId: r.webhookId,
      deliveryId: r.deliveryId,
      attemptId: r.id,
      trigger: r.trigger,
      eventType: r.eventType,
      responseStatus: r.responseStatus ?? null,
      durationMs: r.durationMs,
    };
    if (r.success) attemptLogger.debug(fields, 'delivery attempt succeeded');
    // Held back by a slow-down: expected while an endpoint is down, and counted in the metrics.
    else if (r.request.held) attemptLogger.debug({ ...fields, error: r.error ?? null }, 'delivery attempt not sent');
    else attemptLogger.info({ ...fields, error: r.error ?? null, nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null }, 'delivery attempt failed');
  }
}
