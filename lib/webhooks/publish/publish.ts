import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { getDb, type Transaction } from '@/db/client';
import { organisations, projects, webhooks, webhookSubscriptions } from '@/db/schema';
import { newId } from '@/lib/ids';
import { countPublished } from '@/lib/observability/metrics';
import { eventCatalogue, eventTypes, isEventType } from '@/lib/webhooks/core/events';
import { buildEventBody, toWholeSeconds } from '@/lib/webhooks/core/envelope';
import type { FanoutTarget, ParkedFanout } from '@/lib/webhooks/queue/parked';
import { storeEvents, type NewDelivery, type NewEvent } from './store-events';

export type PublishInput = {
  organisationId: string;
  projectId: string;
  type: string;
  data: unknown;
  /** When the event happened; defaults to now. Stored and sent with seconds precision. */
  occurredAt?: Date;
};

/** Shaped like a zod issue, so the events API can answer with both kinds alike. */
export type PublishIssue = { code: string; path: PropertyKey[]; message: string };

export type PublishedEvent = { id: string; deliveryIds: string[] };

export type PublishResult = { ok: true; events: PublishedEvent[] } | { ok: false; issues: PublishIssue[] };

export type PublishOptions = {
  /** Publish inside this transaction: the event and its deliveries exist only if it commits. */
  tx?: Transaction;
  /** Prefixes issue paths with each event's index; the events API sets it for array bodies. */
  indexIssues?: boolean;
};

type ValidEvent = NewEvent & { organisationId: string; projectId: string };

function validate(inputs: readonly PublishInput[], indexIssues: boolean, now: Date): { events: ValidEvent[]; issues: PublishIssue[] } {
  const issues: PublishIssue[] = [];
  const valid: ValidEvent[] = [];
  inputs.forEach((input, index) => {
    const at = (path: PropertyKey[]) => (indexIssues ? [index, ...path] : path);
    if (!isEventType(input.type)) {
      issues.push({ code: 'invalid_value', path: at(['event']), message: `Unknown event type; expected one of ${eventTypes.join(', ')}` });
      return;
    }
    const occurredAt = input.occurredAt ?? now;
    if (Number.isNaN(occurredAt.getTime())) {
      issues.push({ code: 'invalid_type', path: at(['timestamp']), message: 'Invalid timestamp' });
      return;
    }
    const schema: z.ZodType = eventCatalogue[input.type].schema;
    const parsed = schema.safeParse(input.data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ code: issue.code, path: at(['data', ...issue.path]), message: issue.message });
      return;
    }
    const whole = toWholeSeconds(occurredAt);
    const { organisationId, projectId, type } = input;
    valid.push({
      id: newId('evt'),
      organisationId,
      projectId,
      type,
      occurredAt: whole,
      body: buildEventBody({ type, occurredAt: whole, organisationId, projectId, data: parsed.data }),
      isTest: false,
    });
  });
  return { events: valid, issues };
}

/** Unknown organisations and projects of another organisation are refused before anything is written. */
async function checkTenancy(tx: Transaction, inputs: readonly PublishInput[], indexIssues: boolean): Promise<PublishIssue[]> {
  const orgIds = [...new Set(inputs.map((i) => i.organisationId))];
  const projectIds = [...new Set(inputs.map((i) => i.projectId))];
  const [orgRows, projectRows] = await Promise.all([
    tx.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, orgIds)),
    tx.select({ id: projects.id, organisationId: projects.organisationId }).from(projects).where(inArray(projects.id, projectIds)),
  ]);
  const knownOrgs = new Set(orgRows.map((r) => r.id));
  const projectOrg = new Map(projectRows.map((r) => [r.id, r.organisationId]));
  const issues: PublishIssue[] = [];
  inputs.forEach((input, index) => {
    const at = (field: string) => (indexIssues ? [index, field] : [field]);
    if (!knownOrgs.has(input.organisationId)) {
      issues.push({ code: 'custom', path: at('organisation_id'), message: 'Unknown organisation' });
    } else if (projectOrg.get(input.projectId) !== input.organisationId) {
      issues.push({ code: 'custom', path: at('project_id'), message: 'Unknown project for this organisation' });
    }
  });
  return issues;
}

type Target = { webhookId: string; disabled: boolean; slowed: boolean; lagging: boolean };

/**
 * Active webhooks subscribed to each (organisation, event type) pair of the batch, in one query;
 * `disabled` when failure tracking has turned the webhook off (its deliveries are kept as skipped).
 */
async function findTargets(tx: Transaction, events: readonly ValidEvent[]): Promise<Map<string, Target[]>> {
  const rows = await tx
    .select({
      webhookId: webhooks.id,
      organisationId: webhooks.organisationId,
      eventType: webhookSubscriptions.eventType,
      disabled: sql<boolean>`${webhooks.disabledReason} is not null`,
      slowed: sql<boolean>`${webhooks.slowedSince} is not null`,
      lagging: sql<boolean>`${webhooks.laggingSince} is not null`,
    })
    .from(webhooks)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.webhookId, webhooks.id))
    .where(
      and(
        eq(webhooks.active, true),
        inArray(webhooks.organisationId, [...new Set(events.map((e) => e.organisationId))]),
        inArray(webhookSubscriptions.eventType, [...new Set(events.map((e) => e.type))]),
      ),
    );
  const targets = new Map<string, Target[]>();
  for (const row of rows) {
    const key = `${row.organisationId}\n${row.eventType}`;
    const target = { webhookId: row.webhookId, disabled: row.disabled, slowed: row.slowed, lagging: row.lagging };
    const list = targets.get(key);
    if (list) list.push(target);
    else targets.set(key, [target]);
  }
  return targets;
}

async function publishIn(tx: Transaction, inputs: readonly PublishInput[], indexIssues: boolean): Promise<PublishResult> {
  const { events, issues } = validate(inputs, indexIssues, new Date());
  const tenancyIssues = await checkTenancy(tx, inputs, indexIssues);
  if (issues.length > 0 || tenancyIssues.length > 0) return { ok: false, issues: [...issues, ...tenancyIssues] };

  const targets = await findTargets(tx, events);
  const published: PublishedEvent[] = [];
  const newDeliveries: NewDelivery[] = [];
  const fanouts: ParkedFanout[] = [];
  for (const event of events) {
    const deliveryIds: string[] = [];
    const parked: FanoutTarget[] = [];
    for (const { webhookId, disabled, slowed, lagging } of targets.get(`${event.organisationId}\n${event.type}`) ?? []) {
      const id = newId('dlv');
      deliveryIds.push(id);
      // Its first attempt would only be parked: the release makes the delivery (queue/parked.ts).
      if (!disabled && (slowed || lagging)) {
        parked.push({ webhookId, deliveryId: id });
        continue;
      }
      newDeliveries.push({
        id,
        organisationId: event.organisationId,
        eventId: event.id,
        webhookId,
        eventType: event.type,
        isTest: false,
        trigger: 'automatic',
        status: disabled ? 'skipped' : 'pending',
      });
    }
    published.push({ id: event.id, deliveryIds });
    fanouts.push({ eventId: event.id, targets: parked });
  }
  await storeEvents(tx, events, newDeliveries, fanouts);
  return { ok: true, events: published };
}

/**
 * Validates and stores events, creates one delivery per active webhook of the event's organisation
 * subscribed to its type, and enqueues their jobs, all in one transaction. The deliveries to
 * slowed-down and lagging endpoints are left to the worker's release (queue/parked.ts): their ids
 * are returned all the same, and they exist within a second. A batch is all or
 * nothing: any issue means nothing is stored.
 */
export async function publishEvents(inputs: readonly PublishInput[], options: PublishOptions = {}): Promise<PublishResult> {
  if (inputs.length === 0) return { ok: true, events: [] };
  const indexIssues = options.indexIssues ?? false;
  // With the caller's transaction the caller counts the events, once it has committed.
  if (options.tx) return publishIn(options.tx, inputs, indexIssues);
  const result = await getDb().transaction((tx) => publishIn(tx, inputs, indexIssues));
  if (result.ok) countPublished(inputs.map((i) => i.type));
  return result;
}

export type PublishOneResult = { ok: true; eventId: string; deliveryIds: string[] } | { ok: false; issues: PublishIssue[] };

/** One event; see {@link publishEvents}. */
export async function publishEvent(input: PublishInput, options: Omit<PublishOptions, 'indexIssues'> = {}): Promise<PublishOneResult> {
  const result = await publishEvents([input], options);
  if (!result.ok) return result;
  const [event] = result.events;
  return { ok: true, eventId: event!.id, deliveryIds: event!.deliveryIds };
}
