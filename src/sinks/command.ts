/**
 * The `command` sink (docs/write-protocol.md#new-keys-secrets): argv without a shell, the secret on
 * stdin (then closed), the access token taken out of the environment, a timeout that kills the
 * process group, and the output collected (bounded) with the secret redacted.
 */
import { spawn } from 'node:child_process';
import { expandPlaceholders, fingerprintOf, redactCut, redactSecret } from './secret-text.js';
import type { CommandSink, DeliveryKey, DeliveryResult } from './types.js';

/** Output kept from a command (stdout and stderr together); the rest is dropped. */
export const MAX_SINK_OUTPUT_BYTES = 64 * 1024;

/** The variable the access token lives in; never passed to a sink. */
export const TOKEN_ENV = 'COMETAPI_ACCESS_TOKEN';

export interface CommandSinkOptions {
  /** The environment the child starts from (the parent's; default process.env). */
  env?: Record<string, string | undefined>;
  /** The access token: any variable holding exactly it is removed too. */
  token?: string;
  /** Aborted when the command must stop now (the grace time after an interruption ran out). */
  signal?: AbortSignal;
}

/**
 * The child's environment: the parent's without COMETAPI_ACCESS_TOKEN or any variable whose
 * value is the token, plus COMETKEYS_KEY_NAME and COMETKEYS_KEY_ID.
 */
export function sinkEnvironment(
  key: Pick<DeliveryKey, 'id' | 'name'>,
  opts: CommandSinkOptions = {},
): Record<string, string> {
  const parent = opts.env ?? process.env;
  const token = opts.token ?? parent[TOKEN_ENV];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || name === TOKEN_ENV) continue;
    if (token !== undefined && token !== '' && value === token) continue;
    env[name] = value;
  }
  env.COMETKEYS_KEY_NAME = key.name;
  env.COMETKEYS_KEY_ID = String(key.id);
  return env;
}

/** Runs a command sink for one key. Never throws; never puts the secret in its result. */
export function runCommandSink(
  sink: CommandSink,
  key: DeliveryKey,
  opts: CommandSinkOptions = {},
): Promise<DeliveryResult> {
  const fingerprint = fingerprintOf(key.secret);
  const argv = sink.command.map((a) => expandPlaceholders(a, key));
  const [program, ...args] = argv;
  if (program === undefined || program === '') {
    return Promise.resolve({ ok: false, fingerprint, reason: 'the command is empty' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  const collect = (chunk: Buffer) => {
    const room = MAX_SINK_OUTPUT_BYTES - size;
    if (chunk.length > room) cut = true;
    if (room <= 0) return;
    chunks.push(chunk.subarray(0, room));
    size += Math.min(chunk.length, room);
  };
  const output = (): string | undefined => {
    if (size === 0) return undefined;
    const text = Buffer.concat(chunks).toString('utf8');
    if (!cut) return redactSecret(text, key.secret);
    // A secret the limit cut in half is redacted too (redactCut).
    return `${redactCut(text, key.secret)}\n[output cut after ${MAX_SINK_OUTPUT_BYTES} bytes]`;
  };

  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: { ok: true } | { ok: false; reason: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onStop);
      const out = output();
      resolve({ ...result, fingerprint, ...(out === undefined ? {} : { output: out }) });
    };
    const usesGroup = process.platform !== 'win32';
    const child = spawn(program, args, {
      cwd: sink.cwd,
      env: sinkEnvironment(key, opts),
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      // Its own process group, so a timeout kills what it started too.
      detached: usesGroup,
      windowsHide: true,
    });
    const kill = (reason: string) => {
      try {
        if (usesGroup && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      finish({ ok: false, reason });
    };
    const timer = setTimeout(
      () => kill(`timed out after ${sink.timeoutSeconds} s`),
      sink.timeoutSeconds * 1000,
    );
    const onStop = () => kill('stopped: the grace time after the interruption ran out');
    opts.signal?.addEventListener('abort', onStop, { once: true });
    if (opts.signal?.aborted) onStop();
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? 'not found' : (err.code ?? 'failed to start');
      finish({ ok: false, reason: `cannot run ${JSON.stringify(program)}: ${why}` });
    });
    child.on('close', (code, signal) => {
      if (code === 0) finish({ ok: true });
      else if (code !== null) finish({ ok: false, reason: `exited with code ${code}` });
      else finish({ ok: false, reason: `killed by ${signal ?? 'a signal'}` });
    });
    // A command that exits without reading stdin closes the pipe: not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(key.secret);
  });
}
