/** Unit tests of the value rules: expiry forms, quota amounts, IP entries, names, model ids. */
import { describe, expect, it } from 'vitest';
import { formatExpiry, parseExpiry } from '../../src/desired/expiry.js';
import { canonicalizeIp, parseIpEntry } from '../../src/desired/ip-address.js';
import { MAX_QUOTA_UNITS, parseQuotaAmount } from '../../src/desired/quota-amount.js';
import { checkModelId, checkName, nameByteWarning } from '../../src/desired/text-values.js';

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

  it('formats midnight as a date and other times as UTC date-times', () => {
    expect(formatExpiry(-1)).toBe('never');
    expect(formatExpiry(Date.UTC(2027, 5, 30) / 1000)).toBe('2027-06-30');
    expect(formatExpiry(Date.UTC(2027, 5, 30, 10, 5) / 1000)).toBe('2027-06-30T10:05:00Z');
  });
});

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

describe('parseIpEntry', () => {
  it.each([
    ['198.51.100.10', '198.51.100.10'],
    ['203.0.113.0/24', '203.0.113.0/24'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::', '::'],
    ['0.0.0.0/0', '0.0.0.0/0'],
  ])('canonicalises %s as %s', (input, canonical) => {
    expect(parseIpEntry(input)).toEqual({ ok: true, value: { canonical } });
    expect(canonicalizeIp(input)).toBe(canonical);
  });

  it('reports the network of a range with host bits set', () => {
    expect(parseIpEntry('10.1.2.3/8')).toEqual({
      ok: true,
      value: { canonical: '10.1.2.3/8', network: '10.0.0.0/8' },
    });
    expect(parseIpEntry('2001:db8::1/32')).toEqual({
      ok: true,
      value: { canonical: '2001:db8::1/32', network: '2001:db8::/32' },
    });
  });

  it.each([
    '10.0.0.300',
    '10',
    '010.0.0.1',
    '0x0a.0.0.1',
    '10.0.0.0/33',
    '2001:db8::/129',
    '10.0.0.0/',
    '10.0.0.0/x',
    'fe80::1%eth0',
    ' 10.0.0.1',
    '10.0.0.1,10.0.0.2',
    'localhost',
  ])('refuses %j', (input) => {
    expect(parseIpEntry(input).ok).toBe(false);
  });

  it('leaves an unparseable entry unchanged when canonicalising', () => {
    expect(canonicalizeIp('not-an-ip')).toBe('not-an-ip');
  });
});

describe('names and model ids', () => {
  it('counts code points for the 50-character limit', () => {
    expect(checkName('é'.repeat(50))).toBeUndefined();
    expect(checkName('é'.repeat(51))).toBe('must be at most 50 characters, got 51');
    expect(checkName('😀'.repeat(50))).toBeUndefined();
  });

  it('refuses empty names, surrounding white space and control characters', () => {
    expect(checkName('')).toBe('must not be empty');
    expect(checkName('a ')).toContain('leading or trailing white space');
    expect(checkName('\u00a0a')).toContain('leading or trailing white space');
    expect(checkName('a\nb')).toContain('control characters');
    expect(checkName('a b')).toBeUndefined();
  });

  it('warns past 50 UTF-8 bytes only', () => {
    expect(nameByteWarning('a'.repeat(50))).toBeUndefined();
    expect(nameByteWarning('é'.repeat(26))).toContain('is 52 bytes in UTF-8');
  });

  it('refuses model ids with commas or white space', () => {
    expect(checkModelId('gpt-4o-mini')).toBeUndefined();
    expect(checkModelId('claude-sonnet-4-5@20250929')).toBeUndefined();
    expect(checkModelId('gpt 4o')).toContain('no commas or white space');
    expect(checkModelId('a,b')).toContain('no commas or white space');
    expect(checkModelId('a\tb')).toContain('no commas or white space');
  });
});
