import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('allows a burst, then refuses with the seconds until the next token', () => {
    const time = clock();
    const limiter = new RateLimiter({ perSecond: 0.5, burst: 3, now: time.now });
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 0]);
    expect(limiter.take('k')).toBe(2);
    time.advance(1000);
    expect(limiter.take('k')).toBe(1);
    time.advance(1000);
    expect(limiter.take('k')).toBe(0);
  });

  it('counts each key on its own', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, now: clock().now });
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
  });

  it('never refills beyond the burst', () => {
    const time = clock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 2, now: time.now });
    limiter.take('k');
    time.advance(60_000);
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 1]);
  });

  it('forgets the least recently used key beyond maxKeys, which only refills it', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, maxKeys: 2, now: clock().now });
    limiter.take('a');
    limiter.take('b');
    expect(limiter.take('a')).toBe(1); // a is now the most recent
    limiter.take('c'); // forgets b
    expect(limiter.take('b')).toBe(0);
    expect(limiter.take('a')).toBe(0); // a was forgotten when b came back
  });

  it('keeps recency exact when one key takes many times in a row', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, maxKeys: 2, now: clock().now });
    limiter.take('a');
    limiter.take('b');
    expect(limiter.take('b')).toBe(1); // b again: still the most recent
    expect(limiter.take('a')).toBe(1); // a becomes the most recent
    expect(limiter.take('a')).toBe(1);
    limiter.take('c'); // forgets b, the least recently used
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
  });

  it('refuses nonsense limits', () => {
    expect(() => new RateLimiter({ perSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new RateLimiter({ perSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});
