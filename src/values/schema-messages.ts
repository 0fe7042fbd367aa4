/**
 * Turns ajv's errors into plain sentences with a path (docs/key-file.md#errors-and-warnings):
 * unknown fields with a "did you mean", wrong types with what was found, enum values listed. Shared
 * by the key-file and the config checks.
 */
import type { ErrorObject } from 'ajv';
import { createRequire } from 'node:module';
import { controlCharProblem } from './escape.js';

// fastest-levenshtein is loaded on first use, not at start-up: only a "did you mean" suggestion
// needs it. The call names the package literally, so that the bundled CLI carries it (esbuild
// bundles `require(...)`, scripts/bundle-cli.mjs); the tsc output, an ES module, has no `require`
// and uses createRequire (docs/performance.md#start-up).
const requireCjs = createRequire(import.meta.url);
let levenshteinLoaded: typeof import('fastest-levenshtein') | undefined;
function levenshtein(): typeof import('fastest-levenshtein') {
  levenshteinLoaded ??=
    typeof require === 'function'
      ? require('fastest-levenshtein')
      : requireCjs('fastest-levenshtein');
  return levenshteinLoaded as typeof import('fastest-levenshtein');
}

/** A translated schema error: where (path segments, and whether at the map key) and what. */
export interface PlainSchemaError {
  path: (string | number)[];
  /** Point at the field's name rather than its value (unknown fields). */
  atKey: boolean;
  message: string;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'empty',
};

/** Describes a value for a message, briefly (long strings are cut). */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') {
    const cut = [...v].length > 40 ? `${[...v].slice(0, 40).join('')}…` : v;
    return JSON.stringify(cut);
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

/** The closest candidate when it is near enough to be a plausible typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  // Compare case-insensitively (maxbudget → maxBudget) but answer in the candidate's spelling.
  const lower = candidates.map((c) => c.toLowerCase());
  const { closest, distance } = levenshtein();
  const best = closest(word.toLowerCase(), lower);
  const d = distance(word.toLowerCase(), best);
  if (d > Math.max(2, Math.floor(best.length / 3))) return undefined;
  return candidates[lower.indexOf(best)];
}

/** Splits an ajv instancePath (`/keys/2/name`) into segments, array indexes as numbers. */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      node = node[Number(seg)];
    } else {
      out.push(seg);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/** Per-field wording for pattern errors, keyed by the last path segment. */
export type PatternHints = Record<string, (value: unknown) => string>;

/** Translates one ajv error (compiled with `verbose: true`) into a plain message. */
export function translateAjvError(
  err: ErrorObject,
  root: unknown,
  patternHints: PatternHints = {},
): PlainSchemaError {
  const path = pointerToPath(err.instancePath, root);
  const field = path[path.length - 1];
  const got = describeValue(err.data);
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys(
        (err.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ??
          {},
      );
      const hint = suggest(name, known);
      return {
        path: [...path, name],
        atKey: true,
        message: hint
          ? `unknown field "${name}"; did you mean "${hint}"?`
          : `unknown field "${name}"; known fields: ${known.join(', ')}`,
      };
    }
    case 'required':
      return {
        path,
        atKey: false,
        message: `missing required field "${String(params.missingProperty)}"`,
      };
    case 'type': {
      const types = Array.isArray(params.type) ? params.type : [params.type];
      const want = types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
      return { path, atKey: false, message: `must be ${want}, got ${got}` };
    }
    case 'enum': {
      const allowed = ((params.allowedValues as unknown[]) ?? []).map(String);
      const hint = typeof err.data === 'string' ? suggest(err.data, allowed) : undefined;
      return {
        path,
        atKey: false,
        message:
          `must be one of ${allowed.join(', ')}; got ${got}` +
          (hint ? ` (did you mean "${hint}"?)` : ''),
      };
    }
    case 'const':
      return {
        path,
        atKey: false,
        message: `must be ${JSON.stringify(params.allowedValue)}, got ${got}`,
      };
    case 'minimum':
    case 'maximum':
      return {
        path,
        atKey: false,
        message: `must be ${err.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}, got ${got}`,
      };
    case 'exclusiveMinimum':
      return {
        path,
        atKey: false,
        message: `must be more than ${String(params.limit)}, got ${got}`,
      };
    case 'minLength':
      return {
        path,
        atKey: false,
        message:
          params.limit === 1
            ? 'must not be empty'
            : `must be at least ${String(params.limit)} characters`,
      };
    case 'maxLength':
      return {
        path,
        atKey: false,
        message: `must be at most ${String(params.limit)} characters, got ${[...String(err.data)].length}`,
      };
    case 'pattern': {
      // The schema's control-character pattern: name the characters
      // (docs/commands.md#hostile-text).
      const control = typeof err.data === 'string' ? controlCharProblem(err.data) : undefined;
      const hint = typeof field === 'string' ? patternHints[field] : undefined;
      return {
        path,
        atKey: false,
        message: control ?? (hint ? hint(err.data) : `${got} does not have the expected form`),
      };
    }
    default:
      return { path, atKey: false, message: err.message ?? 'is not valid' };
  }
}
