/**
 * The shape of a config file (docs/configuration.md#settings), checked with ajv so that messages
 * match the key file's: unknown settings get a "did you mean", wrong types say what was found.
 */
import { MAX_QUOTA_UNITS } from '../values/index.js';

const QUOTA_LIMIT = {
  type: ['integer', 'string'],
  minimum: 0,
  pattern: '^\\$[0-9]+(\\.[0-9]+)?$',
} as const;

const NON_NEGATIVE_INT = { type: 'integer', minimum: 0 } as const;
const PERCENT = { type: 'number', minimum: 0, maximum: 100 } as const;

/** JSON Schema (draft-07) of the config object. */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    baseUrl: { type: 'string', minLength: 1 },
    files: {
      type: ['array', 'string'],
      minLength: 1,
      items: { type: 'string', minLength: 1 },
    },
    parallelism: { type: 'integer', minimum: 1 },
    maxRequestsPerSecond: { type: 'number', exclusiveMinimum: 0 },
    timeoutSeconds: { type: 'number', exclusiveMinimum: 0 },
    retries: NON_NEGATIVE_INT,
    maxRateLimitWaitSeconds: { type: 'number', minimum: 0 },
    quotaPerUsd: { type: 'integer', minimum: 1 },
    unmanaged: {
      type: 'object',
      additionalProperties: false,
      properties: {
        action: { enum: ['ignore', 'disable', 'delete'] },
        ignoreNames: { type: 'array', items: { type: 'string' } },
      },
    },
    safety: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxUpdatePercent: PERCENT,
        minKeys: NON_NEGATIVE_INT,
        maxDeletePercent: PERCENT,
        maxDeleteCount: NON_NEGATIVE_INT,
        maxQuotaIncrease: QUOTA_LIMIT,
        maxNewUnlimited: NON_NEGATIVE_INT,
      },
    },
    warnExpiryDays: { type: 'number', minimum: 0 },
    warnUnusedDays: { type: 'number', minimum: 0 },
    policy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxExpiryDays: { type: 'integer', minimum: 1 },
        forbidUnlimitedQuota: { type: 'boolean' },
        requireAllowIps: { type: 'boolean' },
        allowedGroups: { type: 'array', items: { type: 'string' } },
        maxBudget: QUOTA_LIMIT,
        maxUnusedDays: { type: 'integer', minimum: 1 },
      },
    },
    auditLog: { type: 'string', minLength: 1 },
    // The setting lowers the older servers' absolute maximum, never raises it.
    quotaMaxUnits: { type: 'integer', minimum: 1, maximum: MAX_QUOTA_UNITS },
    maxListKeys: { type: 'integer', minimum: 1 },
    // Each sink's fields are checked by checkSinks (src/sinks/config.ts), naming sink and field.
    sinks: { type: 'object' },
  },
} as const;
