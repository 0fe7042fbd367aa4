/**
 * Shared set-up of the client's tests without nock (so it can be imported where nock must not
 * intercept node:http): one client on a fake clock, checks and answer builders. The nock tests
 * import these through ./client-setup.ts.
 */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import { createCometClient } from '../../src/api/client.js';
import { CometApiError } from '../../src/api/errors.js';
import type { CometClient, CometClientOptions, CreateFields } from '../../src/api/types.js';
import type { ServerKey } from '../../src/model.js';
import { keyFields } from '../helpers/builders.js';
import { createFakeClock } from './fake-clock.js';
import type { FakeClock } from './fake-clock.js';

export const BASE = 'https://api.cometapi.test';
export const TOKEN = 'tok-Zq8vY3nL0pSecretValue';

/** The create body of the client's create tests. */
export const CI_RUNNER_FIELDS: CreateFields = keyFields({
  name: 'ci-runner',
  remain_quota: 1_000_000,
  model_limits_enabled: true,
  model_limits: 'gpt-4o-mini',
  allow_ips: '10.0.0.0/8',
});

export interface ClientSetup {
  client: CometClient;
  clock: FakeClock;
  notices: string[];
}

/** A client on a fake clock with jitter fixed at its minimum (random() = 0). */
export function setupClient(overrides: Partial<CometClientOptions> = {}): ClientSetup {
  const clock = createFakeClock();
  const notices: string[] = [];
  const client = createCometClient({
    baseUrl: BASE,
    token: TOKEN,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0,
    onNotice: (m) => notices.push(m),
    ...overrides,
  });
  return { client, clock, notices };
}

/** The rejection of `promise`, which must be a CometApiError without the token anywhere. */
export async function failureOf(promise: Promise<unknown>): Promise<CometApiError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CometApiError);
  expectNoToken(caught);
  return caught as CometApiError;
}

/** Fails if the token appears in the error's message, stack, fields or causes. */
export function expectNoToken(err: unknown): void {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const texts = [current.message, current.stack ?? '', JSON.stringify({ ...current })];
    for (const text of texts) expect(text).not.toContain(TOKEN);
    current = current.cause;
  }
}

/**
 * A socket error as Node raises it (an Error with a `code`), for `replyWithError`: nock 14 passes a
 * plain object on to fetch but drops it for node:http, whose request then never settles
 * (nock/nock#2789).
 */
export function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A success envelope. */
export function ok(data?: unknown): Record<string, unknown> {
  return data === undefined ? { success: true, message: '' } : { success: true, message: '', data };
}

/** A list page envelope. */
export function listPage(
  items: unknown[],
  opts: { page?: number; total?: number; pageSize?: number } = {},
): Record<string, unknown> {
  return ok({
    page: opts.page ?? 1,
    page_size: opts.pageSize ?? 100,
    total: opts.total ?? items.length,
    items,
  });
}

/** A record as the server sends it, secret included. */
export function wire(record: ServerKey, key = 'AbCd**********WxYz'): Record<string, unknown> {
  return { ...record, key };
}

/** A nock body matcher: the request's JSON equals `expected` exactly (no extra fields). */
export function jsonBody(expected: unknown): (body: unknown) => boolean {
  const want: unknown = JSON.parse(JSON.stringify(expected));
  return (body) => isDeepStrictEqual(body, want);
}
