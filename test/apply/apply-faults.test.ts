/**
 * 200 changes against an emulator that fails requests in every way it can (5xx, HTML pages,
 * resets, hangs past the client's timeout, truncated JSON, writes committed before the
 * connection dies) behind a 429-producing rate limit, in both status modes. Every key ends
 * applied or reported, every PUT body is complete, nothing beyond the plan changes, and apply
 * run again (faults off) converges to a plan with no changes. Outcomes only, no timing.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EDITABLE_FIELDS } from '../../src/api/body.js';
import { runCli } from '../../src/cli/main.js';
import {
  FAULT_KINDS,
  startEmulator,
  type Emulator,
  type SeedRecord,
  type StatusMode,
  type StoredKey,
} from '../../src/emulator/index.js';
import { captureIo } from '../helpers/io.js';
import { offline } from '../helpers/offline.js';
import { tempDirs } from '../helpers/temp.js';
import { aSeedKey } from '../helpers/builders.js';

const KEYS = 200;
const NOW_S = Math.floor(Date.now() / 1000);
const FUTURE = '2031-01-01';
const FUTURE_S = Math.floor(Date.parse(`${FUTURE}T00:00:00Z`) / 1000);

/** Key i as seeded: every fifth disabled, every seventh expired. */
function seeded(i: number): SeedRecord {
  return aSeedKey({
    id: i + 1,
    name: `k-${String(i).padStart(3, '0')}`,
    status: i % 7 === 0 ? 3 : i % 5 === 0 ? 2 : 1,
    expired_time: i % 7 === 0 ? NOW_S - 3600 : -1,
    remain_quota: 1_000,
    used_quota: i,
    allow_ips: i % 3 === 0 ? '10.0.0.1' : '',
  });
}

/** What the key file declares for key i: a new group for all, status and expiry per shape. */
function declared(i: number): string {
  const s = seeded(i);
  const lines = [`  - name: ${s.name}`, `    group: g${i % 4}`, `    quota_budget: ${1_000 + i}`];
  if (i % 7 === 0) lines.push(`    expired_time: "${FUTURE}"`);
  if (i % 11 === 0) lines.push('    status: disabled');
  if (s.allow_ips) lines.push('    allow_ips: [10.0.0.1]');
  return lines.join('\n');
}

/** The stored record the plan aims at for key i. */
function expected(i: number): Partial<StoredKey> {
  const s = seeded(i);
  return {
    name: s.name,
    group: `g${i % 4}`,
    status: i % 11 === 0 ? (s.status === 1 ? 2 : s.status) : 1,
    expired_time: i % 7 === 0 ? FUTURE_S : -1,
    remain_quota: 1_000,
    used_quota: i,
    allow_ips: s.allow_ips,
    model_limits_enabled: false,
    model_limits: '',
    unlimited_quota: false,
  };
}

/** A cap for a slow machine, not a timing assertion. */
const TEST_TIMEOUT_MS = 300_000;

const config = {
  timeoutSeconds: 0.5,
  retries: 6,
  parallelism: 8,
  maxRateLimitWaitSeconds: 600,
};

let dir: string;
const tempDir = tempDirs('faults');
offline();
beforeEach(() => {
  dir = tempDir();
  const keys = Array.from({ length: KEYS }, (_, i) => declared(i)).join('\n');
  writeFileSync(path.join(dir, 'keys.yaml'), `version: 1\nkeys:\n${keys}\n`);
  writeFileSync(path.join(dir, 'cometkeys.config.json'), JSON.stringify(config));
});

describe.each<StatusMode>(['upstream', 'docs'])('apply under faults, %s mode', (statusMode) => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({
      seed: Array.from({ length: KEYS }, (_, i) => seeded(i)),
      statusMode,
      failRate: 0.15,
      faultKinds: [...FAULT_KINDS],
      hangMs: 1_000,
      rateLimit: { requests: 100, windowSeconds: 1 },
      seedRandom: statusMode === 'docs' ? 7 : 8,
      maskKeys: false,
    });
  });
  afterEach(async () => {
    await emu.close();
  });

  async function cli(argv: string[]) {
    const io = captureIo({
      cwd: dir,
      env: { NO_COLOR: '1', COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token },
    });
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  it(
    'reports every key, loses no field, and converges when run again',
    async () => {
      const first = await cli(['apply', '--auto-approve', '--force', '--format', 'json']);
      // A listing may fail outright under faults (exit 1, nothing written); otherwise a ledger.
      if (first.code !== 1) {
        const ledger = JSON.parse(first.out) as { entries: { name: string; outcome: string }[] };
        expect(ledger.entries.map((e) => e.name).sort()).toEqual(
          Array.from({ length: KEYS }, (_, i) => seeded(i).name).sort(),
        );
        expect([0, 3]).toContain(first.code);
      }

      emu.set({ failRate: 0 });
      let last = await cli(['apply', '--auto-approve', '--force']);
      for (let run = 0; run < 2 && last.code !== 0; run++) {
        last = await cli(['apply', '--auto-approve', '--force']);
      }
      expect(
        last.code,
        last.out
          .split('\n')
          .filter((l) => !l.endsWith(': applied'))
          .join('\n') + last.err,
      ).toBe(0);
      const plan = await cli(['plan', '--detailed-exitcode']);
      expect(plan.out).toContain('No changes.');
      expect(plan.code).toBe(0);

      const records = emu.records();
      expect(records).toHaveLength(KEYS);
      for (let i = 0; i < KEYS; i++) {
        expect(records[i]).toMatchObject({ id: i + 1, ...expected(i) });
      }
      for (const put of emu.requests().filter((r) => r.method === 'PUT' && !r.fault)) {
        if (typeof put.body !== 'object' || put.body === null) continue;
        for (const field of EDITABLE_FIELDS) expect(put.body).toHaveProperty(field);
      }
      const secrets = [emu.token, ...records.map((r) => r.key)];
      for (const secret of secrets)
        expect(first.out + first.err + last.out + last.err).not.toContain(secret);
    },
    TEST_TIMEOUT_MS,
  );
});
