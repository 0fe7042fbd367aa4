/**
 * Settings (docs/configuration.md#where-the-config-is-found): the config file found by cosmiconfig
 * (module name `cometkeys`) or given with `--config`, checked, then overridden by the environment
 * and flags: flag > environment > config file > default.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PolicySettings, SafetySettings, Settings, UnmanagedAction } from './types.js';
import { DEFAULT_BASE_URL, defaultSettings } from './types.js';
import { ConfigError } from './config-error.js';
import { checkConfigShape, findTokenFields } from './check-config.js';
import { displayPath, parseQuotaAmount } from '../values/index.js';
import { checkSinks, resolveSinks } from '../sinks/config.js';
import { loadYamlConfig } from './yaml-config.js';

export { ConfigError } from './config-error.js';
export * from './types.js';

/** Inputs of loadSettings; nothing is read from the process itself. */
export interface LoadSettingsOptions {
  cwd: string;
  /** `--config FILE`, relative to cwd. */
  configPath?: string;
  env: Record<string, string | undefined>;
  flags: { baseUrl?: string; parallelism?: number };
}

/** Where cosmiconfig looks, in order (docs/configuration.md#where-the-config-is-found). */
export const CONFIG_SEARCH_PLACES = [
  'package.json',
  '.cometkeysrc',
  '.cometkeysrc.json',
  '.cometkeysrc.yaml',
  '.cometkeysrc.yml',
  '.cometkeysrc.js',
  '.cometkeysrc.mjs',
  '.cometkeysrc.cjs',
  '.cometkeysrc.ts',
  'cometkeys.config.js',
  'cometkeys.config.mjs',
  'cometkeys.config.cjs',
  'cometkeys.config.ts',
  'cometkeys.config.json',
  'cometkeys.config.yaml',
  'cometkeys.config.yml',
];

/**
 * The directory config discovery stops at: the nearest directory at or above `cwd` holding
 * `.git` or `package.json` (the project), or `cwd` itself when none is above it. A config
 * file above the project is never used: it could change the unmanaged action or send the
 * token to another `baseUrl`, and a `.mjs` one would be executed.
 */
export function findProjectRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, '.git')) || existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}

/**
 * cosmiconfig, loaded only when there is a file to read (docs/performance.md#start-up). Through
 * the CommonJS module's default export (its module.exports): the bundled CLI's module for it
 * (dist/cli-bundle/vendor/cosmiconfig.cjs, scripts/bundle-cli.mjs) has no named exports.
 */
async function createExplorer() {
  const { cosmiconfig } = (await import('cosmiconfig')).default;
  // One directory at a time ('none'), from cwd up to the project root and no further.
  return cosmiconfig('cometkeys', {
    searchPlaces: CONFIG_SEARCH_PLACES,
    searchStrategy: 'none',
    cache: false,
    loaders: { '.yaml': loadYamlConfig, '.yml': loadYamlConfig, noExt: loadYamlConfig },
  });
}

/**
 * False only when cosmiconfig's search of `dir` certainly finds nothing: no search place exists
 * but a package.json that parses to an object without a `cometkeys` property. Anything else
 * (even an unreadable or odd package.json) is left to cosmiconfig, which decides and words it.
 */
function mayHoldConfig(dir: string): boolean {
  for (const place of CONFIG_SEARCH_PLACES) {
    const file = path.join(dir, place);
    if (!existsSync(file)) continue;
    if (place !== 'package.json') return true;
    try {
      const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg === null || typeof pkg !== 'object' || Object.hasOwn(pkg, 'cometkeys')) return true;
    } catch {
      return true;
    }
  }
  return false;
}

async function findConfig(
  opts: LoadSettingsOptions,
): Promise<{ file: string; config: unknown } | undefined> {
  if (opts.configPath !== undefined) {
    const file = path.resolve(opts.cwd, opts.configPath);
    const explorer = await createExplorer();
    try {
      const found = await explorer.load(file);
      return { file, config: found?.config ?? {} };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new ConfigError(`${opts.configPath}: config file not found`);
      if (code === 'EISDIR')
        throw new ConfigError(`${opts.configPath}: is a directory, not a config file`);
      throw new ConfigError(`${opts.configPath}: cannot be read: ${firstLine(err)}`);
    }
  }
  const root = findProjectRoot(opts.cwd);
  let dir = path.resolve(opts.cwd);
  let explorer: Awaited<ReturnType<typeof createExplorer>> | undefined;
  for (;;) {
    try {
      const found = mayHoldConfig(dir)
        ? await (explorer ??= await createExplorer()).search(dir)
        : null;
      if (found) return { file: found.filepath, config: found.config ?? {} };
    } catch (err) {
      const file = (err as { filepath?: string }).filepath;
      throw new ConfigError(
        `${file ? displayPath(opts.cwd, file) : 'config'}: cannot be read: ${firstLine(err)}`,
      );
    }
    if (dir === root) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

/** Converts a quota limit (units or `"$100"`) to units; the shape check ran before. */
function quotaLimit(value: unknown, quotaPerUsd: number, where: string): number {
  const parsed = parseQuotaAmount(value, quotaPerUsd);
  if (!parsed.ok) throw new ConfigError(`${where}: ${parsed.message}`);
  return parsed.value;
}

/**
 * A base URL's first check, naming its setting. The value is never echoed
 * (docs/configuration.md#authentication): a token pasted into COMETAPI_BASE_URL by mistake must not
 * end up in a CI log.
 */
function checkUrl(value: string, source: string, notices: string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${source}: is not a URL (expected e.g. ${DEFAULT_BASE_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${source}: must be an http(s) URL (expected e.g. ${DEFAULT_BASE_URL})`);
  }
  // CometAPI's own CLI reads the same variable as `https://api.cometapi.com/v1`; the key API
  // lives at the origin, so `/v1` is dropped rather than prefixed to every path.
  if (/^\/v1\/?$/i.test(url.pathname) && url.search === '' && url.hash === '') {
    notices.push(
      `${source}: the path /v1 is dropped: the key API lives at the origin (${url.origin})`,
    );
    return url.origin;
  }
  return value;
}

/** Applies a checked config object over the defaults. */
function applyFile(
  settings: Settings,
  raw: Record<string, unknown>,
  file: string,
  cwd: string,
): void {
  const name = displayPath(cwd, file);
  const dir = path.dirname(file);
  const c = raw as Partial<Settings> & {
    files?: string[] | string;
    safety?: Partial<SafetySettings> & { maxQuotaIncrease?: number | string };
    policy?: PolicySettings & { maxBudget?: number | string };
    unmanaged?: { action?: UnmanagedAction; ignoreNames?: string[] };
  };
  if (c.baseUrl !== undefined) {
    settings.baseUrlSetting = `${name}: baseUrl`;
    settings.baseUrl = checkUrl(c.baseUrl, settings.baseUrlSetting, settings.notices);
  }
  if (c.quotaPerUsd !== undefined) settings.quotaPerUsd = c.quotaPerUsd;
  if (c.files !== undefined) {
    const list = typeof c.files === 'string' ? [c.files] : c.files;
    // Globs in a config are relative to the config file, wherever the command runs.
    settings.files = list.map((g) =>
      path.isAbsolute(g) || path.resolve(dir) === path.resolve(cwd) ? g : path.join(dir, g),
    );
  }
  for (const k of [
    'parallelism',
    'maxRequestsPerSecond',
    'timeoutSeconds',
    'retries',
    'maxRateLimitWaitSeconds',
    'warnExpiryDays',
    'warnUnusedDays',
    'quotaMaxUnits',
    'maxListKeys',
  ] as const) {
    if (c[k] !== undefined) settings[k] = c[k];
  }
  if (c.auditLog !== undefined) settings.auditLog = path.resolve(dir, c.auditLog);
  if (raw['sinks'] !== undefined) settings.sinks = resolveSinks(raw['sinks'], dir);
  if (c.unmanaged) settings.unmanaged = { ...settings.unmanaged, ...c.unmanaged };
  if (c.safety) {
    const { maxQuotaIncrease, ...rest } = c.safety;
    settings.safety = { ...settings.safety, ...rest };
    if (maxQuotaIncrease !== undefined) {
      settings.safety.maxQuotaIncrease = quotaLimit(
        maxQuotaIncrease,
        settings.quotaPerUsd,
        `${name}: safety.maxQuotaIncrease`,
      );
    }
  }
  if (c.policy) {
    const { maxBudget, ...rest } = c.policy;
    settings.policy = { ...rest };
    if (maxBudget !== undefined) {
      settings.policy.maxBudget = quotaLimit(
        maxBudget,
        settings.quotaPerUsd,
        `${name}: policy.maxBudget`,
      );
    }
  }
}

/**
 * Resolves the settings: defaults, then the config file, then `COMETAPI_BASE_URL`, then flags.
 * Throws ConfigError naming the file for a bad config, and refuses one holding a token.
 */
export async function loadSettings(opts: LoadSettingsOptions): Promise<Settings> {
  const settings = defaultSettings();
  const found = await findConfig(opts);
  if (found) {
    const name = displayPath(opts.cwd, found.file);
    const raw = found.config;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError(`${name}: the config must be a mapping of settings`);
    }
    const tokens = findTokenFields(raw);
    if (tokens.length > 0) {
      throw new ConfigError(
        `${name}: ${tokens.join(', ')}: a config file must not hold the access token; set COMETAPI_ACCESS_TOKEN in the environment instead`,
      );
    }
    const problems = checkConfigShape(raw);
    const sinks = (raw as { sinks?: unknown }).sinks;
    if (typeof sinks === 'object' && sinks !== null && !Array.isArray(sinks)) {
      problems.push(...checkSinks(sinks));
    }
    if (problems.length > 0) throw new ConfigError(problems.map((p) => `${name}: ${p}`));
    applyFile(settings, raw as Record<string, unknown>, found.file, opts.cwd);
    settings.configFile = found.file;
    if (opts.configPath === undefined && path.dirname(found.file) !== path.resolve(opts.cwd)) {
      // Found above the working directory: say which file is steering this run.
      settings.notices.push(`using the config ${found.file}`);
    }
  }
  const envUrl = opts.env.COMETAPI_BASE_URL?.trim();
  if (envUrl) {
    settings.baseUrl = checkUrl(envUrl, 'COMETAPI_BASE_URL', settings.notices);
    settings.baseUrlSetting = 'COMETAPI_BASE_URL';
  }
  if (opts.flags.baseUrl !== undefined) {
    settings.baseUrl = checkUrl(opts.flags.baseUrl, '--base-url', settings.notices);
    settings.baseUrlSetting = '--base-url';
  }
  if (opts.flags.parallelism !== undefined) {
    if (!Number.isInteger(opts.flags.parallelism) || opts.flags.parallelism < 1) {
      throw new ConfigError(
        `--parallelism: must be a positive integer, got ${opts.flags.parallelism}`,
      );
    }
    settings.parallelism = opts.flags.parallelism;
  }
  return settings;
}
