/** Unit tests of times as people read them. */
import { describe, expect, it } from 'vitest';
import { formatUnixTime } from '../../src/values/index.js';

describe('formatUnixTime', () => {
  it('formats midnight as a date and other times as UTC date-times', () => {
    expect(formatUnixTime(-1)).toBe('never');
    expect(formatUnixTime(Date.UTC(2027, 5, 30) / 1000)).toBe('2027-06-30');
    expect(formatUnixTime(Date.UTC(2027, 5, 30, 10, 5) / 1000)).toBe('2027-06-30T10:05:00Z');
  });
});
