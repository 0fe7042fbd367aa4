/** Checks of a raw config object: its shape (ajv) and the refusal of access tokens. */
import { formatPath, translateAjvError } from '../values/index.js';
import { validatorFor } from '../validators/index.js';

const QUOTA_HINT = (v: unknown): string =>
  `${JSON.stringify(v)} is not a quota amount: use a whole number of quota units or a dollar string such as "$100"`;

/** Shape problems as `path: message`, in document order; [] when the shape is right. */
export function checkConfigShape(raw: unknown): string[] {
  // CONFIG_SCHEMA (config-schema.ts), built ahead of time by `npm run build` (src/validators/).
  const compiled = validatorFor('config');
  if (compiled(raw)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const err of compiled.errors ?? []) {
    const plain = translateAjvError(err, raw, {
      maxBudget: QUOTA_HINT,
      maxQuotaIncrease: QUOTA_HINT,
    });
    const where = formatPath(plain.path);
    const line = where ? `${where}: ${plain.message}` : plain.message;
    if (!seen.has(line)) {
      seen.add(line);
      out.push(line);
    }
  }
  return out;
}

// Names that suggest a credential; matched on setting names, never on values (which are not shown).
const TOKEN_NAME = /token|secret|password|api[-_]?key|authorization|credential/i;

/** Paths of settings whose names look like an access token or other secret. */
export function findTokenFields(raw: unknown, prefix: (string | number)[] = []): string[] {
  if (raw === null || typeof raw !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const here = Array.isArray(raw) ? [...prefix, Number(k)] : [...prefix, k];
    // A sink's name is a name, not a setting: a sink called "gh-secrets" holds no secret.
    const sinkName = prefix.length === 1 && prefix[0] === 'sinks';
    if (!Array.isArray(raw) && !sinkName && TOKEN_NAME.test(k)) out.push(formatPath(here));
    out.push(...findTokenFields(v, here));
  }
  return out;
}
