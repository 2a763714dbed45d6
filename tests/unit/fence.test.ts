import { describe, expect, it } from 'vitest';
import { AutomaticAttemptsInFlight, planAttempts, verdictOf } from '@/lib/webhooks/deliver/fence';
import type { LoadedDelivery } from '@/lib/webhooks/deliver/load';
import type { DeliveryRequest } from '@/lib/webhooks/queue/enqueue';

const delivery = (id: string, over: Partial<LoadedDelivery> = {}): LoadedDelivery => ({
  id,
  organisationId: 'org_1',
  webhookId: 'wh_1',
  eventType: 'workflow.completed',
  status: 'pending',
  attemptCount: 0,
  body: '{}',
  url: 'https://receiver.example.com',
  secretCiphertext: 'sealed',
  slowed: false,
  lagging: false,
  answered: true,
  slowedReason: null,
  previousSecretCiphertext: null,
  previousSecretExpiresAt: null,
  webhookDisabled: false,
  ...over,
});

const automatic = (deliveryId: string, attempt?: number): DeliveryRequest => ({ deliveryId, trigger: 'automatic', attempt });

describe('the once-per-attempt fence', () => {
  it('sends an automatic attempt only while the delivery waits for exactly that attempt', () => {
    expect(verdictOf(automatic('d'), delivery('d'))).toBe('send');
    expect(verdictOf(automatic('d', 2), delivery('d', { status: 'retrying', attemptCount: 1 }))).toBe('send');
    // The job ran before (its worker died after recording): the delivery has moved on.
    expect(verdictOf(automatic('d'), delivery('d', { status: 'retrying', attemptCount: 1 }))).toBe('stale');
    expect(verdictOf(automatic('d', 2), delivery('d', { status: 'retrying', attemptCount: 2 }))).toBe('stale');
    // A manual Retry overtook the scheduled one and succeeded, or the delivery was skipped.
    expect(verdictOf(automatic('d', 2), delivery('d', { status: 'succeeded', attemptCount: 2 }))).toBe('stale');
    expect(verdictOf(automatic('d'), delivery('d', { status: 'skipped' }))).toBe('stale');
  });

  it('keeps an automatic attempt for a disabled webhook as skipped, and always sends manual and test attempts', () => {
    expect(verdictOf(automatic('d'), delivery('d', { webhookDisabled: true }))).toBe('skip');
    expect(verdictOf({ deliveryId: 'd', trigger: 'manual' }, delivery('d', { status: 'succeeded', attemptCount: 3 }))).toBe('send');
    expect(verdictOf({ deliveryId: 'd', trigger: 'test' }, delivery('d', { webhookDisabled: true }))).toBe('send');
  });

  it('sends an attempt asked twice in one plan once, and claims it while it is in flight', () => {
    const inFlight = new AutomaticAttemptsInFlight();
    const loaded = new Map([['d', delivery('d')]]);
    const plan = planAttempts([automatic('d'), automatic('d')], loaded, inFlight);
    expect(plan.send).toHaveLength(1);
    expect(inFlight.has('d')).toBe(true);

    // The same job fetched again while the first run is still under way is busy, not sent.
    const again = planAttempts([automatic('d')], loaded, inFlight);
    expect(again.send).toHaveLength(0);
    expect(again.busy).toEqual(['d']);

    inFlight.release(['d']);
    expect(planAttempts([automatic('d')], loaded, inFlight).send).toHaveLength(1);
  });

  it('lets manual attempts through while an automatic one is in flight, and drops deliveries that no longer exist', () => {
    const inFlight = new AutomaticAttemptsInFlight();
    inFlight.claim(['d']);
    const plan = planAttempts([{ deliveryId: 'd', trigger: 'manual' }, automatic('gone')], new Map([['d', delivery('d')]]), inFlight);
    expect(plan.send.map((s) => s.job.trigger)).toEqual(['manual']);
    expect(plan.busy).toEqual([]);
  });

});
