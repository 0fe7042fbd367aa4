/**
 * Text around secrets: the fingerprint, redaction of both spellings of a secret (`sk-...` and the
 * bare stored key), and placeholder expansion.
 */
import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';

// node:crypto at first need (a new key's fingerprint): plan and apply load this module.
const requireBuiltin = createRequire(import.meta.url);

/**
 * The first 12 hex digits of the SHA-256 of the secret (docs/write-protocol.md#new-keys-secrets).
 */
export function fingerprintOf(secret: string): string {
  const { createHash } = requireBuiltin('node:crypto') as typeof Crypto;
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 12);
}

/** The spellings of a secret that must never be shown, longest first. */
function spellings(secret: string): string[] {
  const bare = secret.startsWith('sk-') ? secret.slice(3) : secret;
  return [`sk-${bare}`, bare].filter((s) => s !== '');
}

/** `text` with every occurrence of the secret (with or without `sk-`) replaced. */
export function redactSecret(text: string, secret: string): string {
  let out = text;
  for (const s of spellings(secret)) out = out.split(s).join('[redacted]');
  return out;
}

/**
 * Redacts text that was cut after a limit: whole occurrences, and a start of the secret longer
 * than 4 characters left at the very end by the cut (servers show the first 4 in masked keys).
 */
export function redactCut(text: string, secret: string): string {
  let out = redactSecret(text, secret);
  for (const s of spellings(secret)) {
    for (let k = Math.min(s.length - 1, out.length); k > 4; k--) {
      if (out.endsWith(s.slice(0, k))) {
        out = `${out.slice(0, out.length - k)}[redacted]`;
        break;
      }
    }
  }
  return out;
}

/** What placeholders stand for. */
export interface PlaceholderValues {
  name: string;
  id: number;
}

/** `{NAME}`: the name in upper case, every character other than A-Z and 0-9 as `_`. */
export function upperName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Expands `{name}`, `{NAME}` and `{id}`; other braces are left alone. `safe` rewrites each
 * value first (file paths use it so a name cannot leave the directory).
 */
export function expandPlaceholders(
  text: string,
  values: PlaceholderValues,
  safe: (value: string) => string = (v) => v,
): string {
  return text.replace(/\{(name|NAME|id)\}/g, (_m, which: string) => {
    if (which === 'id') return safe(String(values.id));
    return safe(which === 'NAME' ? upperName(values.name) : values.name);
  });
}

/** A placeholder value made safe for one path component: no separators, no `.`/`..`, no NUL. */
export function pathComponent(value: string): string {
  const out = value.replace(/[/\\\0]/g, '_');
  return out === '.' || out === '..' || out === '' ? '_' : out;
}
