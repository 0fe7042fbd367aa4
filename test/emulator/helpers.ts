/**
 * Helpers for emulator tests: start an emulator on 127.0.0.1 port 0 per test, and call it
 * with plain fetch (redirects not followed, so they can be asserted).
 */
import { afterEach } from 'vitest';
export { offline } from '../helpers/offline.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

/** A fixed clock: 2026-11-26T12:00:00Z. */
export const T0_MS = Date.UTC(2026, 10, 26, 12, 0, 0);
export const T0_S = T0_MS / 1000;

/** A response read whole. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Starts emulators and closes them after each test. */
export function emulators() {
  const started: Emulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.close()));
  });
  return async (opts: EmulatorOptions = {}): Promise<Emulator> => {
    const emu = await startEmulator({ now: () => T0_MS, ...opts });
    started.push(emu);
    return emu;
  };
}

/** Calls the emulator; `auth` defaults to its raw token, `null` sends none. */
export async function call(
  emu: Emulator,
  method: string,
  path: string,
  opts: { body?: unknown; auth?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  const auth = opts.auth === undefined ? emu.token : opts.auth;
  if (auth !== null) headers.authorization = auth;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(emu.url + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A complete create/update body with sensible values; override what a test is about. */
export function fullBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'backend-prod',
    expired_time: -1,
    remain_quota: 1_000_000,
    unlimited_quota: false,
    model_limits_enabled: true,
    model_limits: 'gpt-4o,gpt-4o-mini',
    allow_ips: '198.51.100.10',
    group: 'auto',
    cross_group_retry: true,
    ...overrides,
  };
}
