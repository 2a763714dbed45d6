import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DISABLE_AFTER_CONSECUTIVE_FAILURES, DISABLE_AFTER_FAILING_MS } from '@/lib/webhooks/deliver/failure-tracking';
import { formatSeconds, GUIDE_FAILURE_RULE, retryScheduleRows, workedExample } from '@/lib/webhooks/core/guide';
import { standardWebhooksSnippets, verificationSnippets } from '@/lib/webhooks/core/guide-snippets';
import { runVerify, runWorkedExample } from '../support/snippets';

const example = workedExample();
const snippets = verificationSnippets(example);
const byId = (id: string) => snippets.find((s) => s.id === id)!;
const signature = example.headers['X-Kazinex-Signature']!;

describe('the Webhooks Guide worked example', () => {
  it('has the headers an independent HMAC computation gives for its secret and body', () => {
    expect(signature).toBe(`sha256=${createHmac('sha256', example.secret).update(example.body).digest('hex')}`);
    const signed = createHmac('sha256', example.secret).update(`${example.deliveryId}.${example.timestamp}.${example.body}`).digest('base64');
    expect(example.headers['webhook-signature']).toBe(`v1,${signed}`);
    expect(example.headers['webhook-id']).toBe(example.deliveryId);
    expect(example.headers['X-Kazinex-Delivery']).toBe(example.deliveryId);
    expect(Buffer.from(example.standardWebhooksSecret.replace(/^whsec_/, ''), 'base64').toString('utf8')).toBe(example.secret);
    expect(Object.keys(JSON.parse(example.body))).toEqual(['event', 'timestamp', 'organisation_id', 'project_id', 'data']);
  });

  it('states the failure-tracking figures the worker applies', () => {
    expect(GUIDE_FAILURE_RULE.consecutiveFailures).toBe(DISABLE_AFTER_CONSECUTIVE_FAILURES);
    expect(GUIDE_FAILURE_RULE.days * 24 * 60 * 60 * 1000).toBe(DISABLE_AFTER_FAILING_MS);
  });

  it('lists the configured retry schedule with its jitter', () => {
    expect(retryScheduleRows([5, 300, 36000])).toEqual([
      { attempt: 2, afterSeconds: 5, earliest: 4, latest: 6 },
      { attempt: 3, afterSeconds: 300, earliest: 240, latest: 360 },
      { attempt: 4, afterSeconds: 36000, earliest: 28800, latest: 43200 },
    ]);
    expect([5, 300, 1800, 7200, 18000, 90].map(formatSeconds)).toEqual(['5 s', '5 min', '30 min', '2 h', '5 h', '1 min 30 s']);
  });
});

describe.each(['python', 'node', 'java'])('the guide’s %s snippet, run', { timeout: 120_000 }, (id) => {
  it('prints true for the worked example', () => {
    expect(runWorkedExample(byId(id)).toLowerCase()).toBe('true');
  });

  it('accepts the worked example and refuses a wrong secret, a changed body and a changed signature', () => {
    const snippet = byId(id);
    const body = Buffer.from(example.body, 'utf8');
    const verdicts = runVerify(snippet, [
      { body, signatureHeader: signature, secret: example.secret },
      { body, signatureHeader: signature, secret: 'wh_prod_not_the_secret' },
      { body: Buffer.from(example.body.replace('approved', 'rejected')), signatureHeader: signature, secret: example.secret },
      { body, signatureHeader: signature.replace(/.$/, (c) => (c === '0' ? '1' : '0')), secret: example.secret },
    ]);
    expect(verdicts).toEqual([true, false, false, false]);
  });
});

describe('the guide’s other snippets', () => {
  const expectations: Record<string, { header: RegExp; hmac: RegExp; constantTime: RegExp; body: string }> = {
    go: { header: /r\.Header\.Get\("X-Kazinex-Signature"\)/, hmac: /hmac\.New\(sha256\.New, \[\]byte\(secret\)\)[\s\S]*hex\.EncodeToString/, constantTime: /hmac\.Equal\(/, body: `\`${example.body}\`` },
    csharp: { header: /Request\.Headers\["X-Kazinex-Signature"\]/, hmac: /new HMACSHA256\(Encoding\.UTF8\.GetBytes\(secret\)\)[\s\S]*ToLowerInvariant\(\)/, constantTime: /CryptographicOperations\.FixedTimeEquals\(/, body: JSON.stringify(example.body) },
    php: { header: /\$_SERVER\['HTTP_X_KAZINEX_SIGNATURE'\]/, hmac: /hash_hmac\('sha256', \$payloadBody, \$secret\)/, constantTime: /hash_equals\(\$expected, \$received\)/, body: `'${example.body}'` },
    ruby: { header: /request\.headers\['X-Kazinex-Signature'\]/, hmac: /OpenSSL::HMAC\.hexdigest\('SHA256', secret, payload_body\)/, constantTime: /OpenSSL\.secure_compare\(expected, received\)/, body: `'${example.body}'` },
  };

  it.each(Object.keys(expectations))('%s: reads X-Kazinex-Signature, computes hex HMAC-SHA256, compares in constant time, and checks the worked example', (id) => {
    const snippet = byId(id);
    const e = expectations[id]!;
    expect(snippet.executed).toBe(false);
    expect(snippet.verify).toMatch(e.header);
    expect(snippet.verify).toMatch(e.hmac);
    expect(snippet.verify).toMatch(e.constantTime);
    expect(snippet.verify).toContain('sha256=');
    expect(snippet.example).toContain(e.body);
    expect(snippet.example).toContain(signature);
    expect(snippet.example).toContain(example.secret);
  });

  it('every X-Kazinex-Signature language is there, and the three that can run here are the ones run above', () => {
    expect(snippets.map((s) => s.language)).toEqual(['Python', 'Node.js', 'Go', 'Java', 'C#', 'PHP', 'Ruby']);
    expect(snippets.filter((s) => s.executed).map((s) => s.id)).toEqual(['python', 'node', 'java']);
  });

  it('the Standard Webhooks snippets build the whsec_ secret from base64 of the secret', () => {
    const [node, python] = standardWebhooksSnippets(example);
    expect(node!.verify).toContain("new Webhook('whsec_' + Buffer.from(process.env.KAZINEX_WEBHOOK_SECRET, 'utf8').toString('base64'))");
    expect(python!.verify).toContain('Webhook("whsec_" + base64.b64encode(secret.encode()).decode())');
    expect(node!.example).toContain(example.standardWebhooksSecret);
  });

  it('the Python snippet is the tutorial’s verify_signature, unchanged', () => {
    expect(byId('python').verify).toBe(`import hmac, hashlib
def verify_signature(payload_body: bytes, signature_header: str, secret: str) -> bool:
    expected = hmac.new(
        secret.encode(),
        payload_body,
        hashlib.sha256
    ).hexdigest()
    received = signature_header.replace("sha256=", "")
    return hmac.compare_digest(expected, received)`);
  });
});
