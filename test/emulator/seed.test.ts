import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRandom,
  generateKeys,
  MODEL_CATALOGUE,
  SHAPE_COUNT,
  startEmulator,
  type SeedRecord,
  type StoredKey,
} from '../../src/emulator/index.js';
import { call, emulators, offline, T0_MS, T0_S } from './helpers.js';
import { tempDirs } from '../helpers/temp.js';

offline();
const start = emulators();

const gen = (n: number, seed = 42, garbage = false) =>
  generateKeys(n, { random: createRandom(seed), now: T0_MS, garbage });

describe('generateKeys', () => {
  it('is deterministic for a PRNG seed and differs for another', () => {
    expect(gen(60)).toEqual(gen(60));
    expect(gen(60, 43)).not.toEqual(gen(60));
  });

  it('numbers keys 1..n, oldest first, with 48-character sk- secrets', () => {
    const keys = gen(40);
    expect(keys.map((k) => k.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (let i = 1; i < keys.length; i++) {
      expect(keys[i]!.created_time).toBeGreaterThan(keys[i - 1]!.created_time);
    }
    expect(keys.every((k) => /^sk-[A-Za-z0-9]{45}$/.test(k.key))).toBe(true);
    expect(new Set(keys.map((k) => k.key)).size).toBe(40);
  });

  it('covers every shape of a real account', () => {
    const keys = gen(SHAPE_COUNT);
    const has = (what: string, test: (k: StoredKey) => boolean) =>
      expect(keys.some(test), what).toBe(true);
    has('enabled', (k) => k.status === 1 && (k.expired_time === -1 || k.expired_time > T0_S));
    has('disabled', (k) => k.status === 2);
    has(
      'expired, flipped',
      (k) => k.status === 3 && k.expired_time !== -1 && k.expired_time < T0_S,
    );
    has(
      'expired, still 1',
      (k) => k.status === 1 && k.expired_time !== -1 && k.expired_time < T0_S,
    );
    has('exhausted', (k) => k.status === 4 && k.remain_quota <= 0 && !k.unlimited_quota);
    has('unlimited with negative remain', (k) => k.unlimited_quota && k.remain_quota < 0);
    has(
      'budget with used > 0',
      (k) => !k.unlimited_quota && k.remain_quota > 0 && k.used_quota > 0,
    );
    has('model limits on', (k) => k.model_limits_enabled && k.model_limits !== '');
    has('model limits on, empty', (k) => k.model_limits_enabled && k.model_limits === '');
    has('model limits off', (k) => !k.model_limits_enabled);
    has('single IPv4', (k) => /^\d+\.\d+\.\d+\.\d+$/.test(k.allow_ips ?? ''));
    has('multiple IPs', (k) => (k.allow_ips ?? '').split('\n').length > 1);
    has('IPv6', (k) => (k.allow_ips ?? '').includes(':'));
    has('CIDR', (k) => (k.allow_ips ?? '').includes('/'));
    has('null allow_ips', (k) => k.allow_ips === null);
    has('group auto with retry', (k) => k.group === 'auto' && k.cross_group_retry);
    has('named group', (k) => k.group !== '' && k.group !== 'auto');
    has('unicode name', (k) => Buffer.byteLength(k.name) > k.name.length);
    expect(new Set(keys.map((k) => k.name)).size, 'duplicate names').toBeLessThan(keys.length);
  });

  it('keeps clean keys clean: names ≤ 50 bytes, no padding, known models, no commas in IPs', () => {
    for (const k of gen(300)) {
      expect(Buffer.byteLength(k.name)).toBeLessThanOrEqual(50);
      expect(k.name).toBe(k.name.trim());
      expect(k.allow_ips ?? '').not.toContain(',');
      for (const m of k.model_limits.split(',').filter(Boolean)) {
        expect(MODEL_CATALOGUE).toContain(m);
      }
      expect(k.cross_group_retry && k.group !== 'auto').toBe(false);
    }
  });

  it('adds a few garbage values only when asked', () => {
    const dirty = gen(40, 42, true);
    expect(dirty.some((k) => (k.allow_ips ?? '').includes(','))).toBe(true);
    expect(dirty.some((k) => k.model_limits.includes(' '))).toBe(true);
    expect(dirty.some((k) => k.name.startsWith(' '))).toBe(true);
    const garbageCount = dirty.filter((k, i) => JSON.stringify(k) !== JSON.stringify(gen(40)[i]));
    expect(garbageCount.length).toBeGreaterThan(0);
    expect(garbageCount.length).toBeLessThanOrEqual(4);
  });
});

describe('emulator seeding', () => {
  it('seed N serves the generated keys, the same for the same seedRandom', async () => {
    const a = await start({ seed: 30, seedRandom: 9 });
    const b = await start({ seed: 30, seedRandom: 9 });
    expect(a.records()).toEqual(b.records());
    expect(a.records()).toEqual(generateKeys(30, { random: createRandom(9), now: T0_MS }));
    const asText = await start({ seed: '30', seedRandom: 9 });
    expect(asText.records()).toEqual(a.records());
    const c = await start({ seed: 30, seedRandom: 10 });
    expect(c.records()).not.toEqual(a.records());
  });

  it('seeds records given inline, filling defaults and keeping explicit ids', async () => {
    const emu = await start({ seed: [{ name: 'a' }, { id: 10, name: 'b', status: 2 }, {}] });
    const recs = emu.records();
    expect(recs.map((r) => [r.id, r.name, r.status])).toEqual([
      [10, 'b', 2],
      [11, 'a', 1],
      [12, 'key-12', 1],
    ]);
    expect(recs[1]).toMatchObject({
      user_id: 1,
      expired_time: -1,
      remain_quota: 500_000,
      used_quota: 0,
      allow_ips: '',
      created_time: T0_S,
    });
    const list = await call(emu, 'GET', '/api/token/');
    expect(list.json.data.items.map((r: { id: number }) => r.id)).toEqual([12, 11, 10]);
  });

  it('serves the created_time, accessed_time and used_quota a seed record sets', async () => {
    const emu = await start({
      seed: [
        { id: 1, created_time: 1_700_000_000, accessed_time: 1_750_000_000, used_quota: 1234 },
        { id: 2, created_time: 1_700_000_000 },
      ],
    });
    const got = await call(emu, 'GET', '/api/token/1');
    expect(got.json.data).toMatchObject({
      created_time: 1_700_000_000,
      accessed_time: 1_750_000_000,
      used_quota: 1234,
    });
    // A key never used keeps accessed_time == created_time (cometapi-api.md).
    expect(emu.get(2)).toMatchObject({ created_time: 1_700_000_000, accessed_time: 1_700_000_000 });
  });

  it.each([
    [{ created_time: -1 }, /items\[0\]\.created_time: expected an integer >= 0, got -1/],
    [{ accessed_time: 1.5 }, /items\[0\]\.accessed_time: expected an integer >= 0, got 1.5/],
    [{ used_quota: -10 }, /items\[0\]\.used_quota: expected an integer >= 0, got -10/],
    [{ used_quota: '10' }, /items\[0\]\.used_quota: expected an integer >= 0, got "10"/],
  ])('refuses seed record %j', async (record, message) => {
    // Inline seeds are typed; the check is for JSON/YAML files, so bypass the type here.
    const seed = [record] as unknown as SeedRecord[];
    await expect(startEmulator({ seed })).rejects.toThrow(message);
  });

  const tempDir = tempDirs('seed');
  const file = (name: string, text: string) => {
    const d = tempDir();
    const f = path.join(d, name);
    writeFileSync(f, text);
    return f;
  };

  it('loads a JSON array, a YAML file and a { items } document', async () => {
    const json = file('seed.json', JSON.stringify([{ id: 3, name: 'j', allow_ips: null }]));
    expect((await start({ seed: json })).records()).toMatchObject([
      { id: 3, name: 'j', allow_ips: null },
    ]);
    const yaml = file('seed.yaml', 'items:\n  - name: y1\n    remain_quota: 7\n  - name: y2\n');
    expect((await start({ seed: yaml })).records().map((r) => [r.name, r.remain_quota])).toEqual([
      ['y1', 7],
      ['y2', 500_000],
    ]);
  });

  it('refuses an invalid seed with a message naming the file, the record and the field', async () => {
    const cases: Array<[string, RegExp]> = [
      ['[{"name": 5}]', /items\[0\]\.name: expected a string, got 5/],
      ['[{"nmae": "x"}]', /items\[0\]: unknown field "nmae"/],
      ['[{"id": 1}, {"id": 1}]', /items\[1\]\.id: duplicate id 1/],
      ['{"keys": []}', /expected an array of key records/],
      ['[1]', /items\[0\]: expected an object/],
      ['[{"status": "on"}]', /items\[0\]\.status: expected an integer/],
      ['a: [', /not valid JSON or YAML/],
    ];
    for (const [text, message] of cases) {
      const f = file('bad.yaml', text);
      const err = await startEmulator({ seed: f }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message, text).toMatch(message);
      expect(err?.message).toContain(f);
    }
    await expect(startEmulator({ seed: '/nonexistent/seed.yaml' })).rejects.toThrow(
      /cannot read seed file \/nonexistent\/seed.yaml: ENOENT/,
    );
  });
});
