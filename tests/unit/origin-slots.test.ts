import { describe, expect, it } from 'vitest';
import { OriginSlots } from '@/lib/webhooks/deliver/origin-slots';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('OriginSlots', () => {
  it('runs at most its limit per origin at once, and hands a freed slot to the oldest waiter', async () => {
    const slots = new OriginSlots(2);
    const started: string[] = [];
    const leave = ['a', 'b', 'c', 'd'].map((name) => slots.enter('http://one:80', () => started.push(name)));
    slots.enter('http://other:80', () => started.push('elsewhere'));
    expect(started).toEqual(['a', 'b', 'elsewhere']);
    expect([slots.running('http://one:80'), slots.waiting('http://one:80')]).toEqual([2, 2]);

    leave[0]!();
    await nextTurn();
    expect(started).toEqual(['a', 'b', 'elsewhere', 'c']);
    expect([slots.running('http://one:80'), slots.waiting('http://one:80')]).toEqual([2, 1]);
  });

  it('never starts a waiter that gave up, and gives its place to the next one', async () => {
    const slots = new OriginSlots(1);
    const started: string[] = [];
    const leaveFirst = slots.enter('o', () => started.push('first'));
    const leaveGaveUp = slots.enter('o', () => started.push('gave up'));
    slots.enter('o', () => started.push('patient'));
    leaveGaveUp();
    expect(slots.waiting('o')).toBe(1);
    leaveFirst();
    leaveFirst(); // a second call changes nothing
    await nextTurn();
    expect(started).toEqual(['first', 'patient']);
    expect(slots.running('o')).toBe(1);
  });

  it('gives a slot back when nobody waits for it', async () => {
    const slots = new OriginSlots(1);
    const leave = slots.enter('o', () => {});
    leave();
    await nextTurn();
    expect(slots.running('o')).toBe(0);
    let ran = false;
    slots.enter('o', () => (ran = true));
    expect(ran).toBe(true);
  });
});
