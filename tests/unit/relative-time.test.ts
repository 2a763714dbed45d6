import { describe, expect, it } from 'vitest';
import { formatLocalDateTime, relativeTime } from '@/lib/relative-time';

const now = new Date('2026-03-01T12:00:00Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('relative times', () => {
  it('names the distance in the largest whole unit, past and future', () => {
    expect(relativeTime(at(-10), now)).toBe('just now');
    expect(relativeTime(at(20), now)).toBe('in a few seconds');
    expect(relativeTime(at(-180), now)).toBe('3 min ago');
    expect(relativeTime(at(-2 * 3600 - 600), now)).toBe('2 h ago');
    expect(relativeTime(at(90 * 60), now)).toBe('in 2 h');
    expect(relativeTime(at(-3 * 86400), now)).toBe('3 d ago');
    expect(relativeTime(at(-15 * 86400), now)).toBe('2 wk ago');
    expect(relativeTime(at(-400 * 86400), now)).toBe('1 y ago');
  });

  it('formats the local time with its zone', () => {
    expect(formatLocalDateTime(now)).toMatch(/2026.*\d\d:\d\d:\d\d.*(UTC|GMT|[A-Z]{2,5}|[+-]\d)/);
  });
});
