/** Unit tests of `allow_ips` entries and their canonical form. */
import { describe, expect, it } from 'vitest';
import { canonicalizeIp, parseIpEntry } from '../../src/values/index.js';

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
