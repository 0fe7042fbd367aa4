/**
 * Answers cut short (HTTP 200 with half a JSON body, as a dropped proxy connection leaves
 * them): the emulator's `malformed` fault. A read answered that way can simply be read again,
 * and a write answered that way has an unknown outcome, like a reset (SPEC §7.9). Requests
 * here go one at a time, and the emulator's fault schedule is seeded, so every run is identical
 * (seed 6: no read meets five cut-short answers in a row, which would exhaust the retries).
 */
import nock from 'nock';
import YAML from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCometClient } from '../../src/api/client.js';
import type { CometClient } from '../../src/api/types.js';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { exportKeyFile } from '../../src/export/export-keys.js';
import { loadDesired, planFor, strippedRecords, suiteSettings } from './harness.js';

const FAIL_RATE = 0.3;

function sequentialClient(emulator: Emulator): CometClient {
  return createCometClient({
    baseUrl: emulator.url,
    token: emulator.token,
    parallelism: 1,
    retries: 4,
    timeoutMs: 5_000,
    // Backoff without waiting: the outcome, not the timing, is under test.
    sleep: async () => {},
  });
}

describe('answers cut short (truncated JSON, HTTP 200)', () => {
  let emulator: Emulator;

  beforeEach(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    emulator = await startEmulator({ seed: 500, seedRandom: 6, maxKeys: 1000 });
  });

  afterEach(async () => {
    await emulator.close();
    nock.enableNetConnect();
  });

  it('a listing reads a truncated page again', async () => {
    emulator.set({ failRate: FAIL_RATE, faultKinds: ['malformed'] });
    const keys = await sequentialClient(emulator).listKeys();
    expect(keys).toHaveLength(500);
    // The faults did happen: the test would pass vacuously otherwise.
    expect(emulator.requests().filter((r) => r.fault === 'malformed').length).toBeGreaterThan(0);
  });

  it('an apply reads a key again and judges a write whose answer was cut short', async () => {
    const now = new Date();
    const records = emulator.records();
    const doc = YAML.parse(
      exportKeyFile(strippedRecords(records), {
        quotaPerUsd: 500_000,
        unmanagedAction: 'ignore',
        now,
      }).text,
    ) as { keys: Array<Record<string, unknown>> };
    const plainIds = records
      .filter((r) => r.status === 1 && r.expired_time === -1 && r.remain_quota > 0)
      .slice(0, 20)
      .map((r) => r.id);
    for (const k of doc.keys) if (plainIds.includes(k.id as number)) k.allow_ips = ['192.0.2.99'];
    const text = YAML.stringify(doc);
    const desired = loadDesired(text, now);
    const plan = planFor(desired, strippedRecords(records), suiteSettings([]), emulator.url);
    expect(plan.changes).toHaveLength(20);

    emulator.set({ failRate: FAIL_RATE, faultKinds: ['malformed'] });
    const result = await applyPlan({
      plan,
      client: sequentialClient(emulator),
      parallelism: 1,
      now: () => new Date(),
    });
    emulator.set({ failRate: 0 });

    const malformed = emulator.requests().filter((r) => r.fault === 'malformed');
    expect(malformed.some((r) => r.method === 'GET')).toBe(true);
    expect(malformed.some((r) => r.method === 'PUT')).toBe(true);
    const notApplied = result.entries.filter((e) => e.outcome !== 'applied');
    expect(notApplied.map((e) => `${e.name}: ${e.detail ?? e.outcome}`)).toEqual([]);
    const after = planFor(
      desired,
      strippedRecords(emulator.records()),
      suiteSettings([]),
      emulator.url,
    );
    expect(after.changes).toHaveLength(0);
  });
});
