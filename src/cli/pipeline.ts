/**
 * The shared front half of the API commands (docs/plan-format.md#how-a-plan-is-made steps 1–2):
 * settings, the token, the client, the key files, the listing and the plan. Commands call these and
 * own the printing.
 */
import path from 'node:path';
import { accessTokenProblem } from '../api/token.js';
import type { CometClient } from '../api/types.js';
import type { Settings } from '../config/types.js';
import type { LoadResult } from '../desired/index.js';
import type { DesiredKey, ServerKey } from '../model.js';
import type { Plan } from '../plan/model.js';
import { CliError, type CommandContext } from './context.js';
import { createProgress } from './progress.js';

/**
 * Settings with precedence flag > environment > config file > default
 * (docs/configuration.md#precedence).
 */
export async function resolveSettings(ctx: CommandContext): Promise<Settings> {
  const { loadSettings } = await import('../config/index.js');
  const settings = await loadSettings({
    cwd: ctx.io.cwd,
    configPath: ctx.global.config,
    env: ctx.io.env,
    flags: { baseUrl: ctx.global.baseUrl, parallelism: ctx.global.parallelism },
  });
  for (const notice of settings.notices) ctx.io.stderr.write(`notice: ${notice}\n`);
  return settings;
}

const TOKEN_HELP =
  'COMETAPI_ACCESS_TOKEN is not set. Create a personal access token in the CometAPI console ' +
  '(Personal Settings → Access token) and export it: export COMETAPI_ACCESS_TOKEN=...';

/**
 * The access token from the environment only (docs/configuration.md#authentication); never from a
 * file or a flag. One that cannot be sent is refused here, naming the variable and never echoing
 * the value.
 */
export function readToken(env: Record<string, string | undefined>): string {
  const token = env.COMETAPI_ACCESS_TOKEN?.trim();
  if (!token) throw new CliError(TOKEN_HELP);
  const problem = accessTokenProblem(token);
  if (problem !== undefined) {
    throw new CliError(
      `COMETAPI_ACCESS_TOKEN ${problem}; copy the token again from the CometAPI console ` +
        '(Personal Settings → Access token)',
    );
  }
  return token;
}

/** `COMETAPI_USER_ID`, when set: a positive integer. */
export function readUserId(env: Record<string, string | undefined>): number | undefined {
  const raw = env.COMETAPI_USER_ID?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new CliError(`COMETAPI_USER_ID must be a positive integer, got "${raw}"`);
  }
  return n;
}

/** Creates the API client from settings and environment; refuses plain http off loopback. */
export async function openClient(ctx: CommandContext, settings: Settings): Promise<CometClient> {
  const token = readToken(ctx.io.env);
  const userId = readUserId(ctx.io.env);
  const [{ createCometClient }, { checkBaseUrl }] = await Promise.all([
    import('../api/client.js'),
    import('../api/url.js'),
  ]);
  const baseUrl = checkBaseUrl(settings.baseUrl, settings.baseUrlSetting)
    .toString()
    .replace(/\/$/, '');
  const progress = createProgress(ctx, 'requests');
  return createCometClient({
    baseUrl,
    token,
    userId,
    fetch: ctx.io.fetch,
    timeoutMs: settings.timeoutSeconds * 1000,
    retries: settings.retries,
    parallelism: settings.parallelism,
    maxRequestsPerSecond: settings.maxRequestsPerSecond,
    maxRateLimitWaitSeconds: settings.maxRateLimitWaitSeconds,
    maxListKeys: settings.maxListKeys,
    quotaMaxUnits: settings.quotaMaxUnits,
    onNotice: (message) => progress.notice(message),
  });
}

export interface DesiredOptions {
  files?: string[];
  allowEmpty?: boolean;
}

/**
 * Reads and checks the key files: `-f` values, else the config's `files` (which loadSettings
 * already resolved against the config file). Diagnostics name each file relative to the working
 * directory, so `validate` and `plan` print the same `file:line:col` and an editor or terminal
 * opened there can follow it.
 */
export async function readDesired(
  ctx: CommandContext,
  settings: Settings,
  opts: DesiredOptions,
  now: Date,
): Promise<LoadResult> {
  const { loadKeyFiles } = await import('../desired/index.js');
  const fromFlag = opts.files !== undefined && opts.files.length > 0;
  return loadKeyFiles({
    patterns: fromFlag ? (opts.files as string[]) : settings.files,
    cwd: ctx.io.cwd,
    quotaPerUsd: settings.quotaPerUsd,
    quotaMaxUnits: settings.quotaMaxUnits,
    policy: settings.policy,
    ignoreNames: settings.unmanaged.ignoreNames,
    sinkNames: Object.keys(settings.sinks),
    now,
    allowEmpty: opts.allowEmpty === true,
  });
}

/**
 * Loads and validates the key files (readDesired). Prints every diagnostic to stderr; any
 * error stops the run before the API is touched.
 */
export async function loadDesired(
  ctx: CommandContext,
  settings: Settings,
  opts: DesiredOptions,
  now: Date,
): Promise<DesiredKey[]> {
  const [result, { hasErrors, formatDiagnostics }] = await Promise.all([
    readDesired(ctx, settings, opts, now),
    import('../desired/index.js'),
  ]);
  ctx.io.stderr.write(
    formatDiagnostics(result.diagnostics, {
      allWarnings: ctx.global.allWarnings,
      quiet: ctx.global.quiet,
    }),
  );
  if (hasErrors(result.diagnostics)) {
    const n = result.diagnostics.filter((d) => d.severity === 'error').length;
    throw new CliError(`${n} ${n === 1 ? 'error' : 'errors'} in the key files; nothing was sent`);
  }
  return result.keys;
}

/** Lists every key of the account with progress on stderr. */
export async function listAccount(ctx: CommandContext, client: CometClient): Promise<ServerKey[]> {
  const progress = createProgress(ctx, 'listing pages');
  try {
    return await client.listKeys({
      onProgress: (p) => progress.update(p.pagesDone, p.pagesTotal),
    });
  } finally {
    progress.finish();
  }
}

/** The account's user id: COMETAPI_USER_ID, else the owner the listing shows, else null. */
export function accountUserId(
  env: Record<string, string | undefined>,
  server: readonly ServerKey[],
): number | null {
  const fromEnv = readUserId(env);
  if (fromEnv !== undefined) return fromEnv;
  const owner = server.find((k) => typeof k.user_id === 'number')?.user_id;
  return owner ?? null;
}

export interface PreparedPlan {
  plan: Plan;
  settings: Settings;
  client: CometClient;
  /** The account as listed for the plan. */
  server: ServerKey[];
}

/**
 * Load, list and plan (docs/plan-format.md#how-a-plan-is-made): what `plan`, `drift` and an
 * interactive `apply` share.
 */
export async function preparePlan(
  ctx: CommandContext,
  opts: DesiredOptions & { targets?: string[]; rotate?: string[]; auditLog?: string },
): Promise<PreparedPlan> {
  const now = ctx.io.now?.() ?? new Date();
  // The client's modules load while the settings and key files are read.
  void preload(import('../api/client.js'));
  const settings = await resolveSettings(ctx);
  const desired = await loadDesired(ctx, settings, opts, now);
  const client = await openClient(ctx, settings);
  // The planner and the renderer load while the listing waits on the network, not after it.
  const planner = preload(import('../plan/create-plan.js'));
  void preload(import('../render/index.js'));
  // The audit log is read while the listing waits on the network too.
  const reading = preload(readUndelivered(auditLogPath(ctx, settings, opts.auditLog)));
  const server = await listAccount(ctx, client);
  const undelivered = await reading;
  const { createPlan } = await planner;
  const plan = createPlan({
    desired,
    server,
    settings,
    now,
    baseUrl: settings.baseUrl,
    userId: accountUserId(ctx.io.env, server),
    toolVersion: ctx.version,
    targets: opts.targets,
    ...(opts.rotate ? { rotate: opts.rotate } : {}),
    ...(undelivered.size > 0 ? { undelivered } : {}),
  });
  return { plan, settings, client, server };
}

/**
 * A module import begun ahead of its use: a failure surfaces where it is awaited (or at the
 * importer's own import of it), never as an unhandled rejection.
 */
function preload<T>(loading: Promise<T>): Promise<T> {
  loading.catch(() => undefined);
  return loading;
}

/**
 * The audit log's path: `--audit-log` (relative to the working directory), else the config's
 * `auditLog` (relative to the config file), else none.
 */
export function auditLogPath(
  ctx: CommandContext,
  settings: Settings,
  flag: string | undefined,
): string | undefined {
  if (flag) return path.resolve(ctx.io.cwd, flag);
  if (!settings.auditLog) return undefined;
  const base = settings.configFile ? path.dirname(settings.configFile) : ctx.io.cwd;
  return path.resolve(base, settings.auditLog);
}

/**
 * Keys whose secret the audit log shows not delivered (docs/rotation.md#when-a-step-fails): the
 * planner keeps their predecessors enabled and hands them over again, and apply accepts a saved
 * plan's handoffs only for them. No audit log, or none yet: none.
 */
export async function readUndelivered(file: string | undefined): Promise<Set<number>> {
  if (!file) return new Set();
  const [
    { stat },
    { createReadStream },
    { createInterface },
    { deliveryTracker },
    { describeFileError },
  ] = await Promise.all([
    import('node:fs/promises'),
    import('node:fs'),
    import('node:readline'),
    import('../apply/audit-log.js'),
    import('../apply/new-keys-file.js'),
  ]);
  const fail = (err: NodeJS.ErrnoException): never => {
    throw new CliError(`cannot read the audit log ${file}: ${describeFileError(err)}`);
  };
  const info = await stat(file).catch((err: NodeJS.ErrnoException) =>
    err.code === 'ENOENT' ? undefined : fail(err),
  );
  // Only a regular file holds history: a device (/dev/null, /dev/full) or a FIFO has none, and
  // reading one could never end.
  if (!info?.isFile()) return new Set();
  const tracker = deliveryTracker();
  try {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }) });
    for await (const line of lines) tracker.add(line);
  } catch (err) {
    fail(err as NodeJS.ErrnoException);
  }
  return tracker.undelivered();
}
