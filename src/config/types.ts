/**
 * Resolved settings (docs/configuration.md#precedence): every value present, after precedence
 * flag > environment > config file > default. Unset limits are `undefined` = no limit.
 */
import type { SinkConfig } from '../sinks/types.js';

export type UnmanagedAction = 'ignore' | 'disable' | 'delete';

export interface SafetySettings {
  /** Percent of the account's keys an apply may update (default 30). */
  maxUpdatePercent: number;
  /** The update limit applies once the account holds at least this many keys (default 10). */
  minKeys: number;
  /** Percent of keys an apply may disable or delete (default 10). */
  maxDeletePercent: number;
  /** Keys an apply may disable or delete, whatever the account's size (default 5). */
  maxDeleteCount: number;
  /** Quota units an apply may add (unset: no limit). */
  maxQuotaIncrease?: number;
  /** Keys an apply may switch to or create as unlimited (unset: no limit). */
  maxNewUnlimited?: number;
}

/** Organisation rules checked by validate and plan (docs/safety.md#policy). */
export interface PolicySettings {
  maxExpiryDays?: number;
  forbidUnlimitedQuota?: boolean;
  requireAllowIps?: boolean;
  allowedGroups?: string[];
  /** In quota units (the config may say "$100"; the loader converts). */
  maxBudget?: number;
  /**
   * A key not used (`accessed_time`) for longer, or never used and older, is an error in plan
   * (docs/plan-format.md#last-use); unset: no rule.
   */
  maxUnusedDays?: number;
}

export interface Settings {
  baseUrl: string;
  /**
   * The setting `baseUrl` came from — `--base-url`, `COMETAPI_BASE_URL` or `FILE: baseUrl` —
   * so an error about it names the setting (never its value); unset for the default.
   */
  baseUrlSetting?: string;
  files: string[];
  parallelism: number;
  maxRequestsPerSecond?: number;
  timeoutSeconds: number;
  retries: number;
  maxRateLimitWaitSeconds: number;
  quotaPerUsd: number;
  unmanaged: { action: UnmanagedAction; ignoreNames: string[] };
  safety: SafetySettings;
  warnExpiryDays: number;
  /**
   * Warn about keys not used (`accessed_time`) for longer than this many days, or never used and
   * older (docs/plan-format.md#last-use); 0 disables the warning (default 90).
   */
  warnUnusedDays: number;
  policy?: PolicySettings;
  auditLog?: string;
  /** The largest `remain_quota` the server accepts on a limited key (default 2147483647). */
  quotaMaxUnits: number;
  /** A listing whose `total` is larger fails after page 1 (default 100000). */
  maxListKeys: number;
  /** Things the user should know about how the settings were found (printed on stderr). */
  notices: string[];
  /**
   * Where new keys' secrets can go, by sink name (docs/write-protocol.md#new-keys-secrets); paths
   * absolute (relative ones in the config are relative to its directory). Default none. Chosen per
   * key with `deliver:`.
   */
  sinks: Record<string, SinkConfig>;
  /** The config file the settings came from, when one was found. */
  configFile?: string;
}

/** Defaults (the one place they live; the API client falls back to the same values). */
export const DEFAULT_BASE_URL = 'https://api.cometapi.com';
export const DEFAULT_PARALLELISM = 10;
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_TIMEOUT_MS = DEFAULT_TIMEOUT_SECONDS * 1000;
export const DEFAULT_RETRIES = 4;
export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 1800;
export const DEFAULT_QUOTA_PER_USD = 500_000;
export const DEFAULT_WARN_EXPIRY_DAYS = 14;
export const DEFAULT_WARN_UNUSED_DAYS = 90;
/**
 * new-api since 2026-08-10 refuses `remain_quota` above int32
 * (docs/write-protocol.md#server-facts).
 */
export const DEFAULT_QUOTA_MAX_UNITS = 2_147_483_647;
export const DEFAULT_MAX_LIST_KEYS = 100_000;

/** The settings when nothing is configured. */
export function defaultSettings(): Settings {
  return {
    baseUrl: DEFAULT_BASE_URL,
    files: ['keys.yaml'],
    parallelism: DEFAULT_PARALLELISM,
    timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    retries: DEFAULT_RETRIES,
    maxRateLimitWaitSeconds: DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
    quotaPerUsd: DEFAULT_QUOTA_PER_USD,
    unmanaged: { action: 'ignore', ignoreNames: [] },
    safety: { maxUpdatePercent: 30, minKeys: 10, maxDeletePercent: 10, maxDeleteCount: 5 },
    warnExpiryDays: DEFAULT_WARN_EXPIRY_DAYS,
    warnUnusedDays: DEFAULT_WARN_UNUSED_DAYS,
    quotaMaxUnits: DEFAULT_QUOTA_MAX_UNITS,
    maxListKeys: DEFAULT_MAX_LIST_KEYS,
    notices: [],
    sinks: {},
  };
}
