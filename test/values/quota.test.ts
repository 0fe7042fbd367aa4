/** Unit tests of quota amounts: parsing and showing them with dollars. */
import { describe, expect, it } from 'vitest';
import {
  formatDollars,
  formatQuota,
  MAX_QUOTA_UNITS,
  parseQuotaAmount,
} from '../../src/values/index.js';

describe('parseQuotaAmount', () => {
  it.each([
    [0, 0],
    [5, 5],
    ['$100', 50_000_000],
    ['$12.50', 6_250_000],
    ['$0.000002', 1],
    ['$0.1', 50_000],
    [MAX_QUOTA_UNITS, MAX_QUOTA_UNITS],
  ] as const)('converts %j to %d units at 500000 per dollar', (input, units) => {
    expect(parseQuotaAmount(input, 500_000)).toEqual({ ok: true, value: units });
  });

  it('uses the configured rate', () => {
    expect(parseQuotaAmount('$1.5', 1000)).toEqual({ ok: true, value: 1500 });
    expect(parseQuotaAmount('$0.0005', 1000)).toMatchObject({ ok: false });
  });

  it.each([
    [-1, 'non-negative'],
    [1.5, 'non-negative whole number'],
    ['$0.0000001', 'not a whole number of quota units'],
    ['100', 'is not a quota amount'],
    ['$1,000', 'is not a quota amount'],
    ['$-5', 'is not a quota amount'],
    ['$1000000001', "above the server's maximum"],
    [MAX_QUOTA_UNITS + 1, "above the server's maximum"],
    [true, 'must be a whole number of quota units or a dollar string'],
  ] as const)('refuses %j', (input, why) => {
    const r = parseQuotaAmount(input, 500_000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(why);
  });
});

describe('formatDollars', () => {
  it('shows cents, and more decimals only when cents are not exact', () => {
    expect(formatDollars(5_000_000, 500_000)).toBe('$10.00');
    expect(formatDollars(1, 500_000)).toBe('$0.000002');
    expect(formatDollars(-250_000, 500_000)).toBe('-$0.50');
  });
});

describe('formatQuota', () => {
  it('shows units with dollars in cents, or short for policy messages', () => {
    expect(formatQuota(5_000_000, 500_000)).toBe('5000000 ($10.00)');
    expect(formatQuota(50_000_000, 500_000, 'short')).toBe('50000000 ($100)');
    expect(formatQuota(6_250_000, 500_000, 'short')).toBe('6250000 ($12.5)');
    expect(formatQuota(1, 500_000, 'short')).toBe('1 ($0.000002)');
    expect(formatQuota(null, 500_000)).toBe('null');
  });
});
