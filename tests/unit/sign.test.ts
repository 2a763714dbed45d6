import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { buildEventBody } from '@/lib/webhooks/core/envelope';
import { headersOf } from '@/lib/webhooks/core/request-headers';
import { kazinexSignature, signatureMacs, signedHeaders, standardWebhooksSignature, USER_AGENT } from '@/lib/webhooks/core/sign';
import packageJson from '@/package.json';
import { verifyWithTutorialPython } from '../support/python-verify';

const secret = 'wh_prod_a8f3x9q2m7k1z5v0';
const body = buildEventBody({
  type: 'workflow.completed',
  occurredAt: new Date('2024-03-15T10:30:00Z'),
  organisationId: 'org_abc123',
  projectId: 'proj_xyz789',
  data: { workflow_id: 'wf_001', document_id: 'doc_001', document_number: 'STR-DWG-ZA-0001', status: 'completed', outcome: 'approved' },
});

const pythonVerifies = (payload: string | Buffer, header: string, key: string) => verifyWithTutorialPython(Buffer.from(payload), header, key);

describe('X-Kazinex-Signature', () => {
  it('is sha256= and the lowercase hex HMAC-SHA256 of the raw body', () => {
    const expected = createHmac('sha256', secret).update(body).digest('hex');
    expect(kazinexSignature(secret, body)).toBe(`sha256=${expected}`);
    expect(kazinexSignature(secret, body)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("verifies with the tutorial's Python verify_signature", () => {
    expect(pythonVerifies(body, kazinexSignature(secret, body), secret)).toBe(true);
  });

  it('does not verify for another body or secret', () => {
    expect(pythonVerifies(`${body} `, kazinexSignature(secret, body), secret)).toBe(false);
    expect(pythonVerifies(body, kazinexSignature(`${secret}x`, body), secret)).toBe(false);
  });

  it('signs non-ASCII bodies over their UTF-8 bytes', () => {
    const unicode = buildEventBody({ type: 'document.created', occurredAt: new Date(0), organisationId: 'org_a', projectId: 'proj_b', data: { title: 'Überprüfung — 設計' } });
    expect(pythonVerifies(Buffer.from(unicode, 'utf8'), kazinexSignature(secret, unicode), secret)).toBe(true);
  });
});

describe('Standard Webhooks headers', () => {
  const at = new Date();
  const headers = signedHeaders({ deliveryId: 'dlv_abc', eventType: 'workflow.completed', body, secrets: [secret], at });

  it('verify with the standardwebhooks library given "whsec_" + base64(secret)', () => {
    const wh = new Webhook(`whsec_${Buffer.from(secret).toString('base64')}`);
    expect(wh.verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('fail verification with another secret', () => {
    const wh = new Webhook(`whsec_${Buffer.from('some-other-secret-value').toString('base64')}`);
    expect(() => wh.verify(body, headers)).toThrow();
  });

  it('carry one v1 entry per secret during a rotation, each verifiable on its own', () => {
    const previous = 'wh_previous_secret_0001';
    const rotated = signedHeaders({ deliveryId: 'dlv_abc', eventType: 'workflow.completed', body, secrets: [secret, previous], at });
    expect(rotated['webhook-signature'].split(' ')).toHaveLength(2);
    for (const key of [secret, previous]) {
      expect(new Webhook(`whsec_${Buffer.from(key).toString('base64')}`).verify(body, rotated)).toEqual(JSON.parse(body));
    }
    // X-Kazinex-Signature is made with the current secret only.
    expect(rotated['X-Kazinex-Signature']).toBe(kazinexSignature(secret, body));
  });

  it('sign id.timestamp.body with unix seconds of the attempt', () => {
    const ts = Math.floor(at.getTime() / 1000);
    expect(headers['webhook-timestamp']).toBe(String(ts));
    const mac = createHmac('sha256', secret).update(`dlv_abc.${ts}.${body}`).digest('base64');
    expect(standardWebhooksSignature([secret], 'dlv_abc', ts, body)).toBe(`v1,${mac}`);
  });
});

describe('signedHeaders', () => {
  it('sets every header of SPEC §3, the delivery id in both id headers', () => {
    const headers = signedHeaders({ deliveryId: 'dlv_xyz', eventType: 'document.created', body, secrets: [secret], at: new Date('2024-03-15T10:30:05.900Z') });
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': `Kazinex-Webhooks/${packageJson.version}`,
      'X-Kazinex-Event': 'document.created',
      'X-Kazinex-Delivery': 'dlv_xyz',
      'X-Kazinex-Signature': kazinexSignature(secret, body),
      'webhook-id': 'dlv_xyz',
      'webhook-timestamp': '1710498605',
      'webhook-signature': standardWebhooksSignature([secret], 'dlv_xyz', 1710498605, body),
    });
    expect(USER_AGENT).toBe(`Kazinex-Webhooks/${packageJson.version}`);
  });
});

describe('headersOf', () => {
  const at = new Date('2024-03-15T10:30:05.900Z');
  it('rebuilds every header of an attempt from its kept HMACs, during a rotation too', () => {
    for (const secrets of [[secret], [secret, 'whsec_previous_one']] as [string, ...string[]][]) {
      const macs = signatureMacs({ deliveryId: 'dlv_xyz', body, secrets, at });
      expect(macs).toHaveLength(32 * (secrets.length + 1));
      const rebuilt = headersOf({ deliveryId: 'dlv_xyz', eventType: 'document.created', at, bodyBytes: Buffer.byteLength(body), macs, userAgent: 'Kazinex-Webhooks/0.0.9' });
      const sent = signedHeaders({ deliveryId: 'dlv_xyz', eventType: 'document.created', body, secrets, at });
      expect(rebuilt).toEqual({ ...sent, 'User-Agent': 'Kazinex-Webhooks/0.0.9', 'Content-Length': String(Buffer.byteLength(body)) });
    }
  });

  it('shows only the length of a request that was not signed', () => {
    expect(headersOf({ deliveryId: 'dlv_xyz', eventType: 'document.created', at, bodyBytes: 12, macs: null, userAgent: null })).toEqual({ 'Content-Length': '12' });
  });
});
