import { describe, expect, it } from 'vitest';
import { formatTime, localInputToIso } from './dates.js';

describe('times typed in the browser', () => {
  it('turns a local date-time input into the instant it names', () => {
    const iso = localInputToIso('2030-01-31T09:00');
    expect(iso).toBe(new Date(2030, 0, 31, 9, 0).toISOString());
  });

  it('refuses what is not a full date and time', () => {
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('2030-01-31')).toBeUndefined();
    expect(localInputToIso('2030-13-45T99:00')).toBeUndefined();
  });

  it('shows a missing time as a dash and an unreadable one as it is', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime('soon')).toBe('soon');
    expect(formatTime('2030-01-31T09:00:00Z')).toMatch(/2030/);
  });
});
