/**
 * The access token must be sendable as the raw `Authorization` header value
 * (docs/configuration.md#authentication). A token that is not (a line break, a control character, a
 * character beyond Latin-1 — a copy-paste slip) is refused before any request, without echoing it:
 * the HTTP client would otherwise refuse it with an unhelpful message, or fail after retries as a
 * "network error".
 */
import { CometkeysError } from '../errors.js';

/** An access token that cannot be sent; the message never contains the token. */
export class AccessTokenError extends CometkeysError {}

/** Why `token` cannot be sent as a header value, or undefined when it can. */
export function accessTokenProblem(token: string): string | undefined {
  if (token === '') return 'is empty';
  if (/[\r\n]/.test(token)) return 'contains line breaks';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(token)) return 'contains a control character';
  if ([...token].some((c) => (c.codePointAt(0) ?? 0) > 0xff)) {
    return 'contains a character that cannot be sent in an HTTP header (beyond Latin-1)';
  }
  return undefined;
}
