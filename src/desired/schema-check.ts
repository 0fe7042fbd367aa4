/**
 * The shape check of key files with ajv against `schemas/keys.schema.json`, the single source of
 * the shape (docs/key-file.md#the-json-schema). Semantic rules run afterwards on fields that
 * passed. The schema also states, for editors, the semantic rules JSON Schema can express (its
 * `semantic-*` definitions); the loader checks those itself with its own messages, so their schema
 * errors are skipped here.
 */
import { translateAjvError, type PlainSchemaError } from '../values/index.js';
import { readShippedSchema, validatorFor } from '../validators/index.js';

export { EDITOR_KEYWORDS } from '../validators/index.js';

/** Where the schema's editor copies of semantic rules live (docs/key-file.md#the-json-schema). */
const SEMANTIC_RULES = '#/definitions/semantic-';

/** The key-file JSON Schema as shipped in the package. */
export function readKeysSchema(): Record<string, unknown> {
  return readShippedSchema('keys.schema.json');
}

const QUOTA_HINT = (v: unknown): string =>
  `${JSON.stringify(v)} is not a quota amount: use a whole number of quota units or a dollar string such as "$12.50"`;

const KEY_ONLY_FIELDS = ['name', 'id', 'previous_names'];

/** Key-file wording where the generic message would not help. */
function rewordForKeyFile(plain: PlainSchemaError): void {
  const [first, second] = plain.path;
  if (plain.path.length === 2 && first === 'defaults' && KEY_ONLY_FIELDS.includes(String(second))) {
    plain.message = `unknown field "${String(second)}": name, id and previous_names belong on each key, not in defaults`;
  } else if (plain.path.length === 0 && plain.message === 'missing required field "version"') {
    plain.message = 'missing required field "version" (a key file starts with "version: 1")';
  }
}

/** The result of the shape check. */
export interface SchemaCheck {
  errors: PlainSchemaError[];
  /** JSON pointers (`/keys/2/allow_ips`) of values that failed; their semantics are skipped. */
  badPointers: Set<string>;
}

/** Checks a parsed key file against the schema; collects every error (allErrors). */
export function checkKeyFileShape(value: unknown): SchemaCheck {
  // Built ahead of time by `npm run build` (src/validators/), else compiled on first use.
  const validate = validatorFor('keys');
  if (validate(value)) return { errors: [], badPointers: new Set() };
  const errors: PlainSchemaError[] = [];
  const badPointers = new Set<string>();
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    // "must match then schema" only repeats the `required` error that comes with it.
    if (err.keyword === 'if') continue;
    // The loader's own check of the same rule reports it, with the CLI's wording.
    if (err.schemaPath.startsWith(SEMANTIC_RULES)) continue;
    const plain = translateAjvError(err, value, {
      quota_budget: QUOTA_HINT,
      remain_quota: QUOTA_HINT,
    });
    rewordForKeyFile(plain);
    const id = `${plain.path.join('/')}|${plain.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    errors.push(plain);
    if (err.keyword !== 'additionalProperties') badPointers.add(err.instancePath);
  }
  return { errors, badPointers };
}

/** True when the value at `pointer`, or anything inside it, failed the shape check. */
export function isBad(check: SchemaCheck, pointer: string): boolean {
  for (const p of check.badPointers) {
    if (p === pointer || p.startsWith(`${pointer}/`)) return true;
  }
  return false;
}
