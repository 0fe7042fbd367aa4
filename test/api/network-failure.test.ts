/** The words for a failed connection (src/api/network-failure.ts), cause by cause. */
import { describe, expect, it } from 'vitest';
import { describeNetworkFailure, formatDuration, targetOf } from '../../src/api/network-failure.js';

const URL_443 = new URL('https://api.cometapi.com');

function coded(code: string, message = 'failed'): Error {
  return Object.assign(new Error(message), { code });
}

describe('describeNetworkFailure', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused by api.cometapi.com:443 (ECONNREFUSED)'],
    ['ECONNRESET', 'connection reset by api.cometapi.com:443 (ECONNRESET)'],
    ['EPIPE', 'connection reset by api.cometapi.com:443 (EPIPE)'],
    ['ENOTFOUND', 'DNS lookup of api.cometapi.com failed (ENOTFOUND)'],
    ['EAI_AGAIN', 'DNS lookup of api.cometapi.com failed (EAI_AGAIN)'],
    ['ETIMEDOUT', 'connecting to api.cometapi.com:443 timed out (ETIMEDOUT)'],
    ['EHOSTUNREACH', 'api.cometapi.com:443 is unreachable (EHOSTUNREACH)'],
    ['CERT_HAS_EXPIRED', 'TLS error with api.cometapi.com:443: expired (CERT_HAS_EXPIRED)'],
    [
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'TLS error with api.cometapi.com:443: expired (ERR_SSL_WRONG_VERSION_NUMBER)',
    ],
    ['EMFILE', 'network error with api.cometapi.com:443: expired (EMFILE)'],
  ])('%s', (code, expected) => {
    expect(describeNetworkFailure(coded(code, 'expired'), URL_443)).toBe(expected);
  });

  it('finds the code in a wrapped cause, as fetch wraps socket errors', () => {
    const wrapped = new TypeError('fetch failed', { cause: coded('ECONNREFUSED') });
    expect(describeNetworkFailure(wrapped, new URL('http://127.0.0.1:8080'))).toBe(
      'connection refused by 127.0.0.1:8080 (ECONNREFUSED)',
    );
  });

  it('without a code: the message, or just the host', () => {
    expect(describeNetworkFailure(new Error('socket hang up'), URL_443)).toBe(
      'network error with api.cometapi.com:443: socket hang up',
    );
    expect(describeNetworkFailure('boom', URL_443)).toBe('network error with api.cometapi.com:443');
  });

  it("escapes and cuts the cause's text (a certificate's names come from the server)", () => {
    const hostile = `Host: api.cometapi.com. is not in the cert's altnames: DNS:evil\u001b[2J\u202e${'x'.repeat(300)}`;
    const text = describeNetworkFailure(coded('ERR_TLS_CERT_ALTNAME_INVALID', hostile), URL_443);
    expect(text).toContain('DNS:evil\\u{1b}[2J\\u{202e}x');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202e');
    expect(text.length).toBeLessThan(300);
    expect(text).toMatch(/ \(ERR_TLS_CERT_ALTNAME_INVALID\)$/);
  });
});

describe('targetOf and formatDuration', () => {
  it('spells out the default port', () => {
    expect(targetOf(URL_443)).toBe('api.cometapi.com:443');
    expect(targetOf(new URL('http://localhost'))).toBe('localhost:80');
    expect(targetOf(new URL('http://[::1]:9'))).toBe('[::1]:9');
  });

  it.each([
    [50, '50 ms'],
    [999, '999 ms'],
    [1125, '1.1 s'],
    [9_960, '10 s'],
    [12_345, '12 s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
