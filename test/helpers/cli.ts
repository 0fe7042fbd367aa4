/**
 * Running child processes in tests: the built CLI (`bin/cometkeys.js`, after `npm run build`)
 * as users and CI scripts run it, bash scripts, and long-running children such as the
 * emulator. Output is collected, NO_COLOR is set, and every run is bounded: a child that
 * outlives its timeout is killed (with its process group) and the run fails saying so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './temp.js';

/** The built CLI. */
export const BIN = path.join(REPO_ROOT, 'bin', 'cometkeys.js');

/** Long enough for a busy CI machine; short enough to fail before the test's own timeout. */
export const DEFAULT_RUN_TIMEOUT_MS = 25_000;

/** What a finished child did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Added to a minimal environment: PATH, HOME and NO_COLOR=1. */
  env?: Record<string, string>;
  /** Start from this process's whole environment instead (NO_COLOR=1 still set). */
  inheritEnv?: boolean;
  /** Written to stdin, which is then closed (empty by default). */
  input?: string;
  timeoutMs?: number;
}

/** The environment a child gets: a minimal (or the inherited) one, NO_COLOR=1, then `env`. */
function childEnv(opts: RunOptions): NodeJS.ProcessEnv {
  const base = opts.inheritEnv
    ? process.env
    : { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return { ...base, NO_COLOR: '1', ...opts.env };
}

/** Kills `child` and, when it leads one, its process group (bash scripts start children). */
function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Runs `command args` to its end and collects its output. */
export function runProcess(
  command: string,
  args: string[],
  opts: RunOptions = {},
): Promise<CliRun> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd ?? REPO_ROOT,
      env: childEnv(opts),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      killTree(child);
      const shown = [command, ...args].join(' ').slice(0, 200);
      reject(
        new Error(
          `\`${shown}\` did not finish within ${timeoutMs} ms and was killed\n` +
            `stdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`,
        ),
      );
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A child that exits without reading its stdin must not fail the run with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs `cometkeys ...args` (the built CLI); never a TTY. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<CliRun> {
  return runProcess(process.execPath, [BIN, ...args], opts);
}

/** Runs `script` with `bash --noprofile --norc` and the given shell options (e.g. `-eo pipefail`). */
export function runBash(
  script: string,
  opts: RunOptions & { flags?: string[] } = {},
): Promise<CliRun> {
  return runProcess('bash', ['--noprofile', '--norc', ...(opts.flags ?? []), '-c', script], opts);
}

/** A long-running child and the first line it printed (e.g. the emulator's JSON line). */
export interface StartedChild {
  child: ChildProcess;
  firstLine: string;
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** SIGTERM, then waits for the exit (SIGKILL when it does not come in time). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/**
 * Starts `command args` and resolves once it printed its first stdout line; rejects, killing
 * it, when it exits first or prints nothing within `timeoutMs`.
 */
export function startProcess(
  command: string,
  args: string[],
  opts: Omit<RunOptions, 'input'> = {},
): Promise<StartedChild> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const child = spawn(command, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: childEnv(opts),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  const stop = async (stopTimeoutMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `\`${command} ${args.join(' ')}\` printed no line within ${timeoutMs} ms: ${stderr}`,
        ),
      );
    }, timeoutMs);
    createInterface({ input: child.stdout }).once('line', (firstLine) => {
      clearTimeout(timer);
      resolve({ child, firstLine, exited, out: () => stdout, err: () => stderr, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`\`${command} ${args.join(' ')}\` exited early (${code}): ${stderr}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
