/**
 * What a request that got no (complete) answer says (docs/exit-codes.md#network-failures): the
 * host and port, the cause in words — connection refused, DNS failure, timeout, TLS error,
 * connection reset — and the system's code, e.g. `connection refused by api.cometapi.com:443
 * (ECONNREFUSED)`. Text from the cause is escaped and cut short: a TLS error can quote the
 * server's certificate.
 */
import { escapeText } from '../values/index.js';

/** `host:port` of a URL, the port spelled out even when it is the scheme's default. */
export function targetOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

/** The codes Node gives a failed DNS lookup. */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
/** Codes of certificate and TLS handshake failures (OpenSSL's names and Node's). */
const TLS_CODE = /CERT|SSL|TLS|SIGNATURE|^EPROTO$|^ERR_OSSL/;
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);
const MAX_CAUSE_CHARS = 200;

/** The error among `cause` and its causes that carries a `code`, with its message. */
function codedCause(cause: unknown): { code?: string; message: string } {
  let current: unknown = cause;
  let message = cause instanceof Error ? cause.message : '';
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, message: own } = current as { code?: unknown; message?: unknown };
    if (typeof own === 'string' && own !== '') message = own;
    if (typeof code === 'string') return { code, message };
    current = (current as { cause?: unknown }).cause;
  }
  return { message };
}

/**
 * Words for a connection that failed before or during the answer, towards `url`'s host:
 * `connection refused by HOST:PORT (ECONNREFUSED)`, `DNS lookup of HOST failed (ENOTFOUND)`,
 * `TLS error with HOST:PORT: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`, ...
 */
export function describeNetworkFailure(cause: unknown, url: URL): string {
  const target = targetOf(url);
  const { code, message } = codedCause(cause);
  const said = escapeText(message.trim()).slice(0, MAX_CAUSE_CHARS);
  if (code === undefined) return `network error with ${target}${said ? `: ${said}` : ''}`;
  if (code === 'ECONNREFUSED') return `connection refused by ${target} (${code})`;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') {
    return `connection reset by ${target} (${code})`;
  }
  if (DNS_CODES.has(code)) return `DNS lookup of ${url.hostname} failed (${code})`;
  if (code === 'ETIMEDOUT') return `connecting to ${target} timed out (${code})`;
  if (UNREACHABLE_CODES.has(code)) return `${target} is unreachable (${code})`;
  if (TLS_CODE.test(code)) return `TLS error with ${target}${said ? `: ${said}` : ''} (${code})`;
  return `network error with ${target}${said ? `: ${said}` : ''} (${code})`;
}

/** A duration as people read it: `50 ms`, `1.5 s`, `12 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.round(ms / 100) / 10).toString()} s`;
  return `${Math.round(ms / 1000)} s`;
}
