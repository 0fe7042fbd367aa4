/** Unit tests of the `expired_time` forms. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExpiry } from '../../src/values/index.js';

describe('parseExpiry', () => {
  it.each([
    ['never', -1],
    [-1, -1],
    ['-1', -1],
    [0, 0],
    [1_830_297_600, 1_830_297_600],
    ['1830297600', 1_830_297_600],
    ['2027-06-30', Date.UTC(2027, 5, 30) / 1000],
    ['2027-06-30T12:00:00Z', Date.UTC(2027, 5, 30, 12) / 1000],
    ['2027-06-30T12:00:00+02:00', Date.UTC(2027, 5, 30, 10) / 1000],
    ['2027-06-30T12:00-0130', Date.UTC(2027, 5, 30, 13, 30) / 1000],
    ['2027-06-30 12:00:00.750Z', Date.UTC(2027, 5, 30, 12) / 1000],
    ['2028-02-29', Date.UTC(2028, 1, 29) / 1000],
  ] as const)('accepts %j as %d', (input, seconds) => {
    expect(parseExpiry(input)).toEqual({ ok: true, value: seconds });
  });

  it.each([
    ['90d', 'is a relative time'],
    ['+30 days', 'is a relative time'],
    ['P90D', 'is a relative time'],
    ['in 3 weeks', 'is a relative time'],
    ['2027-06-30T12:00:00', 'has no time zone'],
    ['2027-02-29', 'is not a real date'],
    ['2027-13-01', 'is not a real date'],
    ['2027-06-30T25:00:00Z', 'is not a real date and time'],
    ['tomorrow', 'is not a time'],
    [-2, 'is not a time'],
    [1.5, 'is not a time'],
    [253_402_300_800, 'after the year 9999'],
  ] as const)('refuses %j', (input, why) => {
    const r = parseExpiry(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });
});

describe('parseExpiry: the exported form', () => {
  // `2027-06-30T12:00:00Z` is read without the regular expressions; `t` and `z` take the
  // general path, which must give the same answer (the message quotes the value as written).
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
  const dateTime = fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
      two(13),
      two(32),
      two(24),
      two(60),
      two(60),
    )
    .map(([y, mo, d, h, mi, s]) => `${y}-${mo}-${d}T${h}:${mi}:${s}Z`);

  it('gives what the general path gives', () => {
    fc.assert(
      fc.property(dateTime, (s) => {
        const general = parseExpiry(s.replace('T', 't').replace('Z', 'z'));
        const fast = parseExpiry(s);
        expect(fast.ok).toBe(general.ok);
        if (fast.ok && general.ok) expect(fast.value).toBe(general.value);
        if (!fast.ok && !general.ok) {
          expect(fast.message).toBe(
            general.message.replaceAll(s.replace('T', 't').replace('Z', 'z'), s),
          );
        }
      }),
      { seed: 15, numRuns: 2000 },
    );
  });

  it('refuses an impossible one with the general wording', () => {
    expect(parseExpiry('2027-02-29T00:00:00Z')).toEqual({
      ok: false,
      message: '"2027-02-29T00:00:00Z" is not a real date and time',
    });
    expect(parseExpiry('0099-01-01T00:00:00Z').ok).toBe(false);
    expect(parseExpiry('2028-02-29T23:59:59Z')).toEqual({
      ok: true,
      value: Date.UTC(2028, 1, 29, 23, 59, 59) / 1000,
    });
  });
});
