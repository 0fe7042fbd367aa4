/**
 * Checks the API base URL before any request: the access token must never travel in clear text to
 * another machine (docs/configuration.md#base-url `baseUrl`; issue 3 "`http://` is refused except
 * for loopback").
 */
import { CometkeysError } from '../errors.js';
import { isLoopbackIp } from '../values/index.js';

/** A base URL cometkeys refuses to use; a configuration problem, not an API failure. */
export class BaseUrlError extends CometkeysError {}

/**
 * Parses and checks a base URL: https anywhere, http only on loopback (127.0.0.0/8, ::1,
 * localhost), nothing else, no credentials. The returned URL's pathname has no trailing slash
 * (the root stays "/"), so paths can be appended. Errors begin with `setting` when given (the
 * flag, variable or config entry the URL came from) and never echo the value — it may be a
 * token set by mistake (docs/configuration.md#authentication) — only the origin of an http(s) URL.
 */
export function checkBaseUrl(url: string, setting?: string): URL {
  const refuse = (message: string) =>
    new BaseUrlError(setting === undefined ? `base URL ${message}` : `${setting}: ${message}`);
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw refuse('is not a URL');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Not echoed: the credentials are secrets.
    throw refuse('must not contain credentials');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw refuse('must use https://');
  }
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    throw refuse(
      `${parsed.origin} uses http://, which would send the access token unencrypted; ` +
        'use https:// (http:// is allowed only for 127.0.0.1, ::1 and localhost)',
    );
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw refuse(`${parsed.origin} must not have a query or fragment`);
  }
  // An origin only: the key API lives at `/api/token/` of it (a `/v1` from CometAPI's own CLI
  // is dropped when the settings are read). A path would be prefixed to every call.
  if (parsed.pathname.replace(/\/+$/, '') !== '') {
    throw refuse(
      `${parsed.origin} must be an origin without a path (e.g. https://api.cometapi.com)`,
    );
  }
  parsed.pathname = '/';
  return parsed;
}

/** localhost, 127.0.0.0/8 or ::1 (URL keeps IPv6 hosts in brackets). */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  return isLoopbackIp(host);
}
