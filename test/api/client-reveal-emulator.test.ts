/** revealKeys against the emulator's reveal routes, in each server generation they model. */
import { afterEach, describe, expect, it } from 'vitest';
import { createCometClient } from '../../src/api/client.js';
import { RevealUnavailableError } from '../../src/api/reveal.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.js';
import { offline } from '../helpers/offline.js';
import { createFakeClock } from './fake-clock.js';

offline();

const started: Emulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()));
});

async function setup(emuOpts: EmulatorOptions) {
  const clock = createFakeClock();
  const emu = await startEmulator({ now: clock.now, seed: 130, ...emuOpts });
  started.push(emu);
  const client = createCometClient({
    baseUrl: emu.url,
    token: emu.token,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
  });
  return { emu, client, clock };
}

const revealCalls = (emu: Emulator) =>
  emu.requests().filter((r) => r.path.endsWith('/key') || r.path.endsWith('/keys'));

describe('revealKeys on the emulator', () => {
  it('gets the stored secrets in two batch calls for 130 keys', async () => {
    const { emu, client } = await setup({});
    const ids = emu.records().map((r) => r.id);
    const secrets = await client.revealKeys(ids);
    expect(secrets.size).toBe(130);
    for (const r of emu.records()) expect(secrets.get(r.id)).toBe(r.key);
    expect(revealCalls(emu).map((r) => r.path)).toEqual([
      '/api/token/batch/keys',
      '/api/token/batch/keys',
    ]);
  });

  it('falls back to the per-key route on a server without the batch one', async () => {
    const { emu, client } = await setup({ revealRoutes: 'single', seed: 3 });
    const secrets = await client.revealKeys([1, 2, 3, 77]);
    expect([...secrets.keys()]).toEqual([1, 2, 3]);
    expect(secrets.get(2)).toBe(emu.get(2)?.key);
  });

  it('waits out the critical limit instead of failing', async () => {
    const { emu, client, clock } = await setup({
      revealRoutes: 'single',
      seed: 3,
      revealRateLimit: { requests: 2, windowSeconds: 600 },
    });
    expect((await client.revealKeys([1, 2, 3])).size).toBe(3);
    expect(clock.sleeps).toEqual([600_000]);
    expect(revealCalls(emu).map((r) => r.status)).toEqual([404, 200, 200, 429, 200]);
  });

  it('says the secret is not available on a server without reveal routes', async () => {
    const { client } = await setup({ generation: 'upstream-2025', seed: 1 });
    await expect(client.revealKeys([1])).rejects.toBeInstanceOf(RevealUnavailableError);
  });
});
