/** The command sink with real child processes (node itself runs the inline scripts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MAX_SINK_OUTPUT_BYTES,
  fingerprintOf,
  runCommandSink,
  sinkEnvironment,
  type CommandSink,
  type DeliveryResult,
} from '../../src/sinks/index.js';

const SECRET = 'sk-' + 'S3cr3tValueForSinkTests'.repeat(2);
const BARE = SECRET.slice(3);
const TOKEN = 'tok-access-ShouldNeverReachTheChild';
const KEY = { id: 42, name: 'backend-prod', secret: SECRET };
const ENV = { PATH: process.env.PATH, COMETAPI_ACCESS_TOKEN: TOKEN, ALIAS: TOKEN, KEEP: 'kept' };

/** A sink running `node -e SCRIPT ...args`. */
function node(script: string, extra: Partial<CommandSink> = {}, args: string[] = []): CommandSink {
  return { command: [process.execPath, '-e', script, ...args], timeoutSeconds: 30, ...extra };
}

/** `gone`, or the state letter of /proc/PID/status (Linux). */
function processState(pid: number): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /^State:\s+(\S)/m.exec(status)?.[1] ?? '?';
  } catch {
    return 'gone';
  }
}

function expectNoSecret(result: DeliveryResult): void {
  const text = JSON.stringify(result);
  expect(text).not.toContain(BARE);
  expect(text).not.toContain(TOKEN);
}

/** Prints what the child saw: stdin, argv after the script, and the environment. */
const REPORT = `
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const seen = { stdinLength: input.length, stdinFingerprint: require('crypto').createHash('sha256').update(input).digest('hex').slice(0, 12), argv: process.argv.slice(1), env: process.env };
  // The secret itself is not printed; only facts about it.
  process.stdout.write(JSON.stringify(seen));
});`;

describe('command sink', () => {
  it('gets the secret on stdin, placeholders in argv, and a cleaned environment', async () => {
    const result = await runCommandSink(
      node(REPORT, {}, ['COMETAPI_KEY_{NAME}', 'secret/llm/{name}', 'id={id}', '{other}']),
      KEY,
      { env: ENV, token: TOKEN },
    );
    expect(result.ok).toBe(true);
    expect(result.fingerprint).toBe(fingerprintOf(SECRET));
    const seen = JSON.parse(result.output ?? '');
    expect(seen.stdinLength).toBe(SECRET.length);
    expect(seen.stdinFingerprint).toBe(fingerprintOf(SECRET));
    expect(seen.argv).toEqual([
      'COMETAPI_KEY_BACKEND_PROD',
      'secret/llm/backend-prod',
      'id=42',
      '{other}',
    ]);
    expect(seen.env.COMETAPI_ACCESS_TOKEN).toBeUndefined();
    expect(seen.env.ALIAS).toBeUndefined();
    expect(seen.env.KEEP).toBe('kept');
    expect(seen.env.COMETKEYS_KEY_NAME).toBe('backend-prod');
    expect(seen.env.COMETKEYS_KEY_ID).toBe('42');
    expect(Object.values(seen.env)).not.toContain(SECRET);
    expectNoSecret(result);
  });

  it('runs argv without a shell', async () => {
    const result = await runCommandSink(
      node('process.stdout.write(process.argv[1])', {}, ['$HOME; echo hi | cat']),
      KEY,
      { env: ENV },
    );
    expect(result).toMatchObject({ ok: true, output: '$HOME; echo hi | cat' });
  });

  it('fails on exit code 1 with its output, the secret redacted in both spellings', async () => {
    const script = `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{console.error('cannot store '+s+' (bare '+s.slice(3)+')');process.exit(1)})`;
    const result = await runCommandSink(node(script), KEY, { env: ENV });
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ reason: 'exited with code 1' });
    expect(result.output).toBe('cannot store [redacted] (bare [redacted])\n');
    expectNoSecret(result);
  });

  it('kills a command that outlives its timeout, and what it started', async () => {
    const started = Date.now();
    // The grandchild prints its pid, then both wait for a minute.
    const script = `const c=require('child_process').spawn(process.execPath,['-e','setTimeout(()=>{},60000)'],{stdio:'inherit'});process.stdout.write(String(c.pid));setTimeout(()=>{},60000)`;
    const result = await runCommandSink(node(script, { timeoutSeconds: 1 }), KEY, { env: ENV });
    expect(result).toMatchObject({ ok: false, reason: 'timed out after 1 s' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expectNoSecret(result);
    const grandchild = Number(result.output);
    expect(grandchild).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    // Gone, or a zombie nobody reaped yet (a container's init may not): either way not running.
    expect(processState(grandchild)).toMatch(/^(gone|Z)$/);
  });

  it('stops a running command when its signal aborts (the grace time after an interruption)', async () => {
    const stop = new AbortController();
    const running = runCommandSink(
      node(`process.stdout.write(String(process.pid));setInterval(()=>{},1000)`, {
        timeoutSeconds: 120,
      }),
      KEY,
      {
        env: ENV,
        signal: stop.signal,
      },
    );
    // Aborted once the child is running (its pid is not needed for that).
    setImmediate(() => stop.abort());
    const result = await running;
    expect(result).toMatchObject({
      ok: false,
      reason: 'stopped: the grace time after the interruption ran out',
    });
    expectNoSecret(result);
  });

  it('reports a program that does not exist', async () => {
    const result = await runCommandSink(
      { command: ['cometkeys-no-such-program-xyz', '{name}'], timeoutSeconds: 5 },
      KEY,
      { env: ENV },
    );
    expect(result).toMatchObject({
      ok: false,
      reason: 'cannot run "cometkeys-no-such-program-xyz": not found',
    });
  });

  it('is not upset by a command that never reads stdin', async () => {
    const result = await runCommandSink(node('process.exit(0)'), KEY, { env: ENV });
    expect(result.ok).toBe(true);
  });

  it('keeps at most MAX_SINK_OUTPUT_BYTES of output, redacting a secret cut by the limit', async () => {
    // The secret straddles the limit: its first 20 characters fall inside.
    const pad = MAX_SINK_OUTPUT_BYTES - 20;
    const script = `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{process.stdout.write('x'.repeat(${pad})+s+'y'.repeat(100000))})`;
    const result = await runCommandSink(node(script), KEY, { env: ENV });
    expect(result.ok).toBe(true);
    expect(result.output?.startsWith('x'.repeat(pad) + '[redacted]')).toBe(true);
    expect(result.output).toContain(`[output cut after ${MAX_SINK_OUTPUT_BYTES} bytes]`);
    expect(result.output).not.toContain(SECRET.slice(0, 20));
    expectNoSecret(result);
  });
});

describe('sinkEnvironment', () => {
  it('drops the token variable and any variable holding the token', () => {
    const env = sinkEnvironment(KEY, { env: ENV, token: TOKEN });
    expect(env).toEqual({
      PATH: process.env.PATH,
      KEEP: 'kept',
      COMETKEYS_KEY_NAME: 'backend-prod',
      COMETKEYS_KEY_ID: '42',
    });
  });

  it('finds the token in the environment when not given', () => {
    const env = sinkEnvironment(KEY, { env: { A: 'x', COMETAPI_ACCESS_TOKEN: 'x' } });
    expect(env).not.toHaveProperty('A');
  });
});
