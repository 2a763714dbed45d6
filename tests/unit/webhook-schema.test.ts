import { describe, expect, it } from 'vitest';
import { generateSecret, webhookEditFormSchema, webhookFormSchema } from '@/lib/webhooks/core/webhook-form';

const valid = { name: 'ERP Integration', url: 'https://erp.example.com/kazinex', secret: 'wh_prod_a8f3x9d2k7q4m1z6', active: true };

function errorsOf(input: unknown) {
  const result = webhookFormSchema.safeParse(input);
  return result.success ? {} : Object.fromEntries(result.error.issues.map((i) => [String(i.path[0]), i.message]));
}

describe('webhook form schema', () => {
  it('accepts the tutorial’s values and trims the name', () => {
    expect(webhookFormSchema.parse({ ...valid, name: '  ERP Integration — Workflow Events ' }).name).toBe('ERP Integration — Workflow Events');
  });

  it.each([
    [{ name: '' }, 'name', 'Enter a name'],
    [{ name: 'x'.repeat(101) }, 'name', 'at most 100'],
    [{ url: 'ftp://x' }, 'url', 'must start with https://'],
    [{ url: 'not a url' }, 'url', 'absolute URL'],
    [{ url: `https://example.com/${'a'.repeat(2048)}` }, 'url', '2,048'],
    [{ secret: 'short' }, 'secret', 'at least 16'],
    [{ secret: 'x'.repeat(257) }, 'secret', 'at most 256'],
    [{ secret: 'tab\tseparated-secret-value' }, 'secret', 'printable'],
  ])('refuses %o', (override, field, message) => {
    expect(errorsOf({ ...valid, ...override })[field]).toContain(message);
  });

  it('lets an edit keep the stored secret with an empty field, but not a short one', () => {
    expect(webhookEditFormSchema.safeParse({ ...valid, id: 'wh_1', secret: '' }).success).toBe(true);
    expect(webhookEditFormSchema.safeParse({ ...valid, id: 'wh_1', secret: 'short' }).success).toBe(false);
  });

  it('generates distinct secrets of 32 random bytes that pass validation', () => {
    const a = generateSecret();
    expect(a).toMatch(/^wh_[0-9a-f]{64}$/);
    expect(generateSecret()).not.toBe(a);
    expect(webhookFormSchema.safeParse({ ...valid, secret: a }).success).toBe(true);
  });
});
