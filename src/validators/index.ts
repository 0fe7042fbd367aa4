/**
 * The ajv validators of the three shapes cometkeys checks: key files (`schemas/keys.schema.json`),
 * config files (src/config/config-schema.ts) and saved plans (`schemas/plan.schema.json`).
 *
 * `npm run build` writes each as standalone code beside the built module
 * (`dist/validators/<name>.generated.cjs`, by scripts/build-validators.mjs from the table below),
 * so the built CLI neither loads ajv's compiler nor compiles a schema at start-up. Where that file
 * is absent (the sources run by the tests, or a bare `tsc`) the schema is compiled at run time with
 * the same options: the same checks, the same errors (test/package/validators.test.ts compares
 * them over the fixtures).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Options, ValidateFunction } from 'ajv';
import { CONFIG_SCHEMA } from '../config/config-schema.js';

/** One validator: its schema, ajv's options, and whether it checks `format` (ajv-formats). */
export interface ValidatorSpec {
  schema: () => object;
  options: Options;
  formats: boolean;
}

/** A file of schemas/, two levels above src/validators/, dist/validators/ and dist/cli-bundle/. */
export function readShippedSchema(file: string): Record<string, unknown> {
  const url = new URL(`../../schemas/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

/**
 * Keywords of the key-file schema that only editors read (yaml-language-server's messages);
 * declared so that a strict ajv accepts the schema.
 */
export const EDITOR_KEYWORDS = ['errorMessage', 'patternErrorMessage'] as const;

// verbose: errors carry the failing data and parent schema, for plain messages.
const PLAIN_MESSAGES: Options = { allErrors: true, verbose: true, strict: false, logger: false };

export const VALIDATOR_SPECS = {
  keys: {
    schema: () => readShippedSchema('keys.schema.json'),
    options: { ...PLAIN_MESSAGES, keywords: [...EDITOR_KEYWORDS] },
    formats: false,
  },
  config: { schema: () => CONFIG_SCHEMA, options: PLAIN_MESSAGES, formats: false },
  plan: {
    schema: () => readShippedSchema('plan.schema.json'),
    options: { allErrors: true, strict: false },
    formats: true,
  },
} satisfies Record<string, ValidatorSpec>;

export type ValidatorName = keyof typeof VALIDATOR_SPECS;

/**
 * Where the build writes a validator's standalone code: dist/validators/, beside this module. The
 * path climbs to the directory's parent first, so that it resolves from the bundled CLI too
 * (dist/cli-bundle/, scripts/bundle-cli.mjs), which sits at the same depth.
 */
export function generatedValidatorUrl(name: ValidatorName): URL {
  return new URL(`../validators/${name}.generated.cjs`, import.meta.url);
}

const require = createRequire(import.meta.url);
const cache = new Map<ValidatorName, ValidateFunction>();

/** A fresh ajv instance with the validator's options (and formats): what the build runs too. */
export function createValidatorAjv(name: ValidatorName, extra: Options = {}): import('ajv').Ajv {
  const spec: ValidatorSpec = VALIDATOR_SPECS[name];
  const { Ajv } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv({ ...spec.options, ...extra });
  if (spec.formats) {
    const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
    addFormats(ajv);
  }
  return ajv;
}

/** Compiles a validator now, at run time. */
export function compileValidator(name: ValidatorName): ValidateFunction {
  return createValidatorAjv(name).compile(VALIDATOR_SPECS[name].schema());
}

/** The validator `name`: the build's standalone code when present, else compiled now; once. */
export function validatorFor(name: ValidatorName): ValidateFunction {
  let validate = cache.get(name);
  if (!validate) {
    const generated = generatedValidatorUrl(name);
    validate = existsSync(generated)
      ? (require(fileURLToPath(generated)) as ValidateFunction)
      : compileValidator(name);
    cache.set(name, validate);
  }
  return validate;
}
