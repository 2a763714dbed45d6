import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '@/lib/webhooks/read/delivery-log';

describe('Delivery Log cursor', () => {
  it('round-trips the keyset position', () => {
    const at = new Date('2024-03-15T10:30:00.123Z');
    expect(decodeCursor(encodeCursor(at, 'att_abc'))).toEqual({ startedAt: at, id: 'att_abc' });
  });

  it('rejects anything it did not make', () => {
    expect(decodeCursor('not a cursor')).toBeNull();
    expect(decodeCursor(Buffer.from('["nope","att_x"]').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('{"a":1}').toString('base64url'))).toBeNull();
  });
});
