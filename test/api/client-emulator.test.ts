/**
 * The client against the emulator (issue 3 "Done when"): list, create, update, status and
 * delete in both status modes, and no request ever carrying an incomplete body.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildUpdateBody, EDITABLE_FIELDS } from '../../src/api/body.js';
import { createCometClient } from '../../src/api/client.js';
import type { CometClientOptions } from '../../src/api/types.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator, EmulatorOptions, StatusMode } from '../../src/emulator/index.js';
import { CI_RUNNER_FIELDS as FIELDS, failureOf } from './client-setup.js';
import { createFakeClock } from './fake-clock.js';
import type { FakeClock } from './fake-clock.js';
import { offline } from '../helpers/offline.js';

offline();

const started: Emulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()));
});

/** An emulator and a client sharing one fake clock, so 429 pauses cost no real time. */
async function setup(
  emuOpts: EmulatorOptions = {},
  clientOpts: Partial<CometClientOptions> = {},
): Promise<{ emu: Emulator; clock: FakeClock; client: ReturnType<typeof createCometClient> }> {
  const clock = createFakeClock();
  const emu = await startEmulator({ now: clock.now, ...emuOpts });
  started.push(emu);
  const client = createCometClient({
    baseUrl: emu.url,
    token: emu.token,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
    ...clientOpts,
  });
  return { emu, clock, client };
}

/** Every PUT the emulator saw carried every editable field and an id. */
function expectCompleteBodies(emu: Emulator): void {
  const puts = emu.requests().filter((r) => r.method === 'PUT');
  expect(puts.length).toBeGreaterThan(0);
  for (const put of puts) {
    const body = put.body as Record<string, unknown>;
    expect(Number.isInteger(body['id'])).toBe(true);
    for (const field of EDITABLE_FIELDS) expect(body).toHaveProperty(field);
  }
}

describe.each<StatusMode>(['upstream', 'docs'])('client against the emulator (%s)', (mode) => {
  it('lists every key across pages, secrets stripped', async () => {
    const { emu, client } = await setup({ seed: 250, statusMode: mode });
    const listed = await client.listKeys();
    expect(listed.map((k) => k.id).sort((a, b) => a - b)).toEqual(emu.records().map((r) => r.id));
    for (const key of listed) expect(key).not.toHaveProperty('key');
  });

  it('creates, updates, disables, enables and deletes a key', async () => {
    const { emu, client } = await setup({ seed: 30, statusMode: mode });
    const highestKnownId = Math.max(...(await client.listKeys()).map((k) => k.id));

    const created = await client.createKey(FIELDS, { highestKnownId });
    expect(created.record.id).toBeGreaterThan(highestKnownId);
    expect(created.record).toMatchObject({ ...FIELDS, status: 1 });
    expect(created.secret).toBeNull();
    const id = created.record.id;

    const fresh = await client.getKey(id);
    const updated = await client.updateKey(
      buildUpdateBody(fresh, { name: 'ci-runner-2', allow_ips: '10.1.0.0/16' }),
      fresh,
    );
    expect(updated).toMatchObject({ name: 'ci-runner-2', allow_ips: '10.1.0.0/16' });
    expect(emu.get(id)).toMatchObject({ ...FIELDS, name: 'ci-runner-2', allow_ips: '10.1.0.0/16' });

    const disabled = await client.setStatus(updated, 2);
    expect(disabled.status).toBe(2);
    expect(emu.get(id)).toMatchObject({ status: 2, name: 'ci-runner-2' });
    const enabled = await client.setStatus(disabled, 1);
    expect(enabled.status).toBe(1);
    expect(emu.get(id)?.status).toBe(1);

    expect(await client.deleteKey(id)).toBe('deleted');
    expect(emu.get(id)).toBeUndefined();
    expect(await client.deleteKey(id)).toBe('not_found');
    expect((await failureOf(client.getKey(id))).kind).toBe('not_found');
    expectCompleteBodies(emu);
  });

  it('returns the secret of a new key only when the server does not mask it', async () => {
    const { emu, client } = await setup({ statusMode: mode, maskKeys: false });
    const created = await client.createKey(FIELDS, { highestKnownId: 0 });
    expect(created.secret).toBe(emu.get(created.record.id)?.key);
  });

  it('keeps to the sliding-window rate limit without failing', async () => {
    const notices: string[] = [];
    const { emu, client } = await setup(
      { seed: 3, statusMode: mode, rateLimit: { requests: 5, windowSeconds: 10 } },
      { onNotice: (m) => notices.push(m) },
    );
    const keys = await client.listKeys();
    for (let round = 0; round < 4; round++) {
      for (const key of keys) {
        const fresh = await client.getKey(key.id);
        await client.updateKey(buildUpdateBody(fresh, { name: `${key.name}-${round}` }), fresh);
      }
    }
    expect(notices.some((n) => /^rate limited, resuming in \d+ s$/.test(n))).toBe(true);
    expect(emu.requests().some((r) => r.status === 429)).toBe(true);
    expect(client.rateLimitExhausted()).toBe(false);
    expectCompleteBodies(emu);
  });

  it('lists and reads through injected faults by retrying', async () => {
    const { emu, client } = await setup(
      { seed: 250, statusMode: mode, failRate: 0.3, faultKinds: ['500', 'html502', 'reset'] },
      { retries: 8 },
    );
    const listed = await client.listKeys();
    expect(listed).toHaveLength(250);
    expect(emu.requests().some((r) => r.fault !== undefined)).toBe(true);
  });
});

describe('client against the emulator: writes whose answer is lost', () => {
  it('adopts a key whose POST committed although the answer failed, POSTing once', async () => {
    const { emu, client } = await setup({ failRate: 1, faultKinds: ['after_commit'] });
    const created = await client.createKey(FIELDS, { highestKnownId: 0 });
    expect(emu.get(created.record.id)).toMatchObject(FIELDS);
    expect(emu.requests().filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('judges a slow PUT whose answer failed by re-reading, and does not resend it', async () => {
    const clock = createFakeClock();
    // The server's latency passes on the shared clock: each request takes 6 s.
    const emu = await startEmulator({
      now: clock.now,
      sleep: clock.sleep,
      latencyMs: 6_000,
      seed: 1,
      // The seeded fault schedule then drops the connection (rather than answering 500).
      seedRandom: 4,
    });
    started.push(emu);
    const client = createCometClient({
      baseUrl: emu.url,
      token: emu.token,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0,
    });
    const [key] = await client.listKeys();
    if (!key) throw new Error('seed gave no key');
    emu.set({ failRate: 1, faultKinds: ['after_commit'] });
    const updated = await client.updateKey(buildUpdateBody(key, { name: 'renamed' }), key);
    expect(updated.name).toBe('renamed');
    expect(emu.get(key.id)?.name).toBe('renamed');
    // Status 0: the emulator dropped the connection after committing.
    const log = emu.requests().map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(log.slice(-2)).toEqual([`PUT /api/token/ 0`, `GET /api/token/${key.id} 200`]);
  });
});

describe('client against an emulator that demands New-Api-User', () => {
  it('works with the user id and explains a 401 without it', async () => {
    const { emu, client } = await setup({ seed: 2, requireUserIdHeader: true, userId: 77 });
    const withId = createCometClient({ baseUrl: emu.url, token: emu.token, userId: 77 });
    expect(await withId.listKeys()).toHaveLength(2);
    const err = await failureOf(client.listKeys());
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/set COMETAPI_USER_ID/);
    expect(err.message).not.toContain(emu.token);
  });
});
