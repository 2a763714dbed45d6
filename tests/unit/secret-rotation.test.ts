import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { PREVIOUS_SECRET_OVERLAP_MS, previousSecretExpiresAt, signingSecrets } from '@/lib/webhooks/core/secret-rotation';
import { signedHeaders } from '@/lib/webhooks/core/sign';

const rolledAt = new Date('2024-03-15T10:30:00Z');
const previous = { secret: 'whsec-old-a8f3x9d2k7q4m1z6', expiresAt: previousSecretExpiresAt(rolledAt) };
const current = 'whsec-new-p2n7c4v9b1x6z3q8';

describe('signingSecrets', () => {
  it('keeps the previous secret for 24 hours after a roll', () => {
    expect(PREVIOUS_SECRET_OVERLAP_MS).toBe(24 * 60 * 60 * 1000);
    expect(previous.expiresAt).toEqual(new Date('2024-03-16T10:30:00Z'));
  });

  it('signs with the current secret first and the previous one until its expiry', () => {
    expect(signingSecrets({ current, previous, now: rolledAt })).toEqual([current, previous.secret]);
    expect(signingSecrets({ current, previous, now: new Date(previous.expiresAt.getTime() - 1) })).toEqual([current, previous.secret]);
  });

  it('drops the previous secret from its expiry on', () => {
    expect(signingSecrets({ current, previous, now: previous.expiresAt })).toEqual([current]);
    expect(signingSecrets({ current, previous, now: new Date('2024-04-01T00:00:00Z') })).toEqual([current]);
  });

  it('signs with the current secret alone when there is no previous one', () => {
    expect(signingSecrets({ current, previous: null, now: rolledAt })).toEqual([current]);
    expect(signingSecrets({ current, now: rolledAt })).toEqual([current]);
  });
});

describe('verification by the standardwebhooks library across a roll', () => {
  const body = '{"event":"workflow.completed","timestamp":"2024-03-15T10:30:00Z","organisation_id":"org_abc123","project_id":"proj_xyz789","data":{}}';

  /** Headers of an attempt made now (the library checks the timestamp against the real clock), secrets chosen at `rotationClock`. */
  function headersAt(rotationClock: Date) {
    return signedHeaders({
      deliveryId: 'dlv_0123456789',
      eventType: 'workflow.completed',
      body,
      secrets: signingSecrets({ current, previous, now: rotationClock }),
      at: new Date(),
    });
  }
  const verifies = (secret: string, headers: Record<string, string>) => {
    try {
      new Webhook(`whsec_${Buffer.from(secret).toString('base64')}`).verify(body, headers);
      return true;
    } catch {
      return false;
    }
  };

  it('verifies with either secret during the overlap', () => {
    const headers = headersAt(new Date(rolledAt.getTime() + 23 * 60 * 60 * 1000));
    expect(verifies(current, headers)).toBe(true);
    expect(verifies(previous.secret, headers)).toBe(true);
  });

  it('verifies only with the new secret after it', () => {
    const headers = headersAt(previous.expiresAt);
    expect(verifies(current, headers)).toBe(true);
    expect(verifies(previous.secret, headers)).toBe(false);
  });
});
