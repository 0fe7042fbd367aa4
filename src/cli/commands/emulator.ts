/**
 * `cometkeys emulator`: runs the local CometAPI-compatible server (docs/emulator.md) until SIGINT
 * or SIGTERM. stdout gets exactly one JSON line `{url, token, user_id}` so scripts can read it;
 * `--verbose` adds one stderr line per request (the token is never logged).
 */
import path from 'node:path';
import {
  GENERATIONS,
  startEmulator,
  type EmulatorOptions,
  type LoggedRequest,
} from '../../emulator/index.js';
import { CliError, type CommandContext } from '../context.js';
import { describeFileError } from '../../apply/new-keys-file.js';
import { isFileSystemError } from '../files.js';

function parseNumber(flag: string, value: unknown, check: (n: number) => boolean, want: string) {
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || !check(n)) {
    throw new CliError(`${flag} must be ${want}, got "${String(value)}"`);
  }
  return n;
}

function parseRateLimit(
  flag: string,
  value: string,
  example: string,
): { requests: number; windowSeconds: number } {
  const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(value.trim());
  const requests = Number(m?.[1]);
  const windowSeconds = Number(m?.[2]);
  if (!m || requests < 1 || windowSeconds <= 0) {
    throw new CliError(`${flag} must be N/SECONDS with N >= 1, e.g. ${example}, got "${value}"`);
  }
  return { requests, windowSeconds };
}

function oneOf<T extends string>(flag: string, value: unknown, choices: readonly T[]): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value))
    return value as T;
  throw new CliError(`${flag} must be ${choices.join(' or ')}, got "${String(value)}"`);
}

/**
 * --generation, --quota-max, --auto-groups, --auth-style, --no-reveal, --no-batch-reveal
 * (explicit flags win over --generation).
 */
function parseGenerationFlags(opts: Record<string, unknown>, out: EmulatorOptions): void {
  if (opts.generation !== undefined) {
    out.generation = oneOf('--generation', opts.generation, [
      'docs',
      'upstream-2025',
      'upstream-2026-08',
    ] as const);
  }
  if (opts.quotaMax !== undefined) {
    out.quotaMax = parseNumber(
      '--quota-max',
      opts.quotaMax,
      (n) => Number.isSafeInteger(n) && n >= 0,
      'a non-negative integer',
    );
  }
  if (typeof opts.autoGroups === 'boolean') out.autoGroups = opts.autoGroups;
  // The reveal flags only turn routes off; without them the generation (or the default) decides.
  if (opts.reveal === false) out.revealRoutes = 'none';
  else if (opts.batchReveal === false) out.revealRoutes = 'single';
  if (opts.authStyle !== undefined) {
    out.authStyle = oneOf('--auth-style', opts.authStyle, ['session', 'pat'] as const);
  }
}

/** Turns the command's flags into emulator options; throws CliError for a bad value. */
export function parseEmulatorOptions(opts: Record<string, unknown>, cwd: string): EmulatorOptions {
  const out: EmulatorOptions = {
    port: parseNumber(
      '--port',
      opts.port ?? '0',
      (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
      'an integer 0-65535',
    ),
    latencyMs: parseNumber('--latency', opts.latency ?? '0', (n) => n >= 0, 'a number of ms >= 0'),
    ...(opts.gzip === true ? { gzip: true } : {}),
    failRate: parseNumber(
      '--fail-rate',
      opts.failRate ?? '0',
      (n) => n >= 0 && n <= 1,
      'a fraction between 0 and 1',
    ),
  };
  // Without --status-mode the generation's (or the default, upstream) applies.
  if (opts.statusMode !== undefined) {
    out.statusMode = oneOf('--status-mode', opts.statusMode, ['upstream', 'docs'] as const);
  }
  parseGenerationFlags(opts, out);
  if (typeof opts.seed === 'string') {
    // A bare integer is a count of generated keys; anything else is a seed file.
    out.seed = /^\d+$/.test(opts.seed) ? Number(opts.seed) : path.resolve(cwd, opts.seed);
  }
  if (typeof opts.rateLimit === 'string') {
    out.rateLimit = parseRateLimit('--rate-limit', opts.rateLimit, '20/1');
  }
  if (typeof opts.revealRateLimit === 'string') {
    out.revealRateLimit = parseRateLimit('--reveal-rate-limit', opts.revealRateLimit, '20/1200');
  }
  if (typeof opts.state === 'string') out.stateFile = path.resolve(cwd, opts.state);
  if (opts.userId !== undefined) {
    out.userId = parseNumber(
      '--user-id',
      opts.userId,
      (n) => Number.isSafeInteger(n) && n > 0,
      'a positive integer',
    );
  }
  if (opts.requireUserId === true) {
    const authStyle = out.authStyle ?? GENERATIONS[out.generation ?? 'upstream-2025'].authStyle;
    if (authStyle === 'pat') {
      throw new CliError('--require-user-id needs session auth: pat servers ignore New-Api-User');
    }
    out.requireUserIdHeader = true;
  }
  if (opts.maxKeys !== undefined) {
    out.maxKeys = parseNumber(
      '--max-keys',
      opts.maxKeys,
      (n) => Number.isSafeInteger(n) && n > 0,
      'a positive integer',
    );
  }
  if (opts.mask === false) out.maskKeys = false;
  if (opts.token !== undefined) {
    if (typeof opts.token !== 'string' || opts.token.trim() === '' || /\s/.test(opts.token)) {
      throw new CliError('--token must be a non-empty value without spaces');
    }
    out.token = opts.token;
  }
  return out;
}

/** One stderr line per request: no headers, no body, so no token and no secret. */
function formatRequestLine(r: LoggedRequest): string {
  const query = new URLSearchParams(r.query).toString();
  const success = r.success === undefined ? '' : ` success=${r.success}`;
  const fault = r.fault ? ` fault=${r.fault}` : '';
  return `emulator: #${r.seq} ${r.method} ${r.path}${query ? `?${query}` : ''} -> ${r.status || 'no response'}${success}${fault}\n`;
}

/** Waits for SIGINT or SIGTERM (the only way the emulator stops). */
function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** `cometkeys emulator`. */
export async function runEmulator(
  opts: Record<string, unknown>,
  _args: string[],
  ctx: CommandContext,
): Promise<number> {
  const options = parseEmulatorOptions(opts, ctx.io.cwd);
  if (ctx.global.verbose) options.onRequest = (r) => ctx.io.stderr.write(formatRequestLine(r));
  let emulator;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    // A SeedError is one of the family and is reported as it is.
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new CliError(`port ${options.port} is already in use`);
    if (e instanceof RangeError) throw new CliError(e.message);
    if (isFileSystemError(e) && typeof opts.state === 'string') {
      throw new CliError(`cannot use the state file ${opts.state}: ${describeFileError(e)}`);
    }
    throw err;
  }
  const stopped = waitForSignal();
  ctx.io.stdout.write(
    `${JSON.stringify({ url: emulator.url, token: emulator.token, user_id: emulator.userId })}\n`,
  );
  await stopped;
  await emulator.close();
  return 0;
}
