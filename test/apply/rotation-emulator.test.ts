/**
 * Rotation against the emulator (docs/rotation.md), in process through the CLI: a key 100 days
 * old with after_days 90 is rotated (rename, create, reveal, deliver to a file sink), the
 * predecessor kept enabled for the overlap and then disabled; a fault injected at each step still
 * converges within three applies, loses nothing, and never disables a predecessor while its
 * successor's secret is undelivered. The clock is the emulator's and the CLI's `now`, moved by
 * the test: no waiting, no timing.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import {
  startEmulator,
  type Emulator,
  type FaultKind,
  type LoggedRequest,
} from '../../src/emulator/index.js';
import { aSeedKey } from '../helpers/builders.js';
import { captureIo } from '../helpers/io.js';
import { offline } from '../helpers/offline.js';
import { tempDirs } from '../helpers/temp.js';

const DAY_MS = 86_400_000;
const START_MS = Date.parse('2026-12-01T09:00:00Z');
const GENERATION = 'backend-prod~20261201';

const KEYS = [
  'version: 1',
  'keys:',
  '  - name: backend-prod',
  '    quota_budget: 1000',
  '    deliver: [local]',
  '    rotate: { after_days: 90, overlap_days: 7 }',
  '  - name: other',
  '    unlimited_quota: true',
  '',
].join('\n');

const CONFIG = {
  sinks: { local: { file: '.secrets/{name}.env', format: 'dotenv' } },
  auditLog: 'audit.jsonl',
  timeoutSeconds: 2,
  retries: 1,
};

const tmp = tempDirs('rotation');
offline();

let dir: string;
let nowMs: number;
let emu: Emulator;

beforeEach(async () => {
  dir = tmp();
  nowMs = START_MS;
  writeFileSync(path.join(dir, 'keys.yaml'), KEYS);
  writeFileSync(path.join(dir, 'cometkeys.config.json'), JSON.stringify(CONFIG));
  const created = Math.floor((START_MS - 100 * DAY_MS) / 1000);
  emu = await startEmulator({
    now: () => nowMs,
    seed: [
      aSeedKey({
        id: 12,
        name: 'backend-prod',
        remain_quota: 700,
        used_quota: 300,
        created_time: created,
        accessed_time: created + 50 * 86_400,
      }),
      aSeedKey({
        id: 13,
        name: 'other',
        unlimited_quota: true,
        created_time: created,
        accessed_time: created + 90 * 86_400,
      }),
    ],
  });
});
afterEach(async () => {
  await emu.close();
});

async function cli(...argv: string[]) {
  const io = captureIo({
    cwd: dir,
    now: () => new Date(nowMs),
    env: { NO_COLOR: '1', COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token },
  });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function planJson() {
  const r = await cli('plan', '--format', 'json');
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as { changes: Record<string, unknown>[]; warnings: { kind: string }[] };
}

const byName = (name: string) => emu.records().filter((k) => k.name === name);
const secretFile = () => path.join(dir, '.secrets', 'backend-prod.env');
/** The secret file holds the key that is now `backend-prod`. */
function deliveredToCurrent(): boolean {
  const current = byName('backend-prod');
  if (current.length !== 1 || !existsSync(secretFile())) return false;
  const key = (current[0] as { key: string }).key;
  const secret = key.startsWith('sk-') ? key : `sk-${key}`;
  return readFileSync(secretFile(), 'utf8') === `COMETAPI_KEY=${secret}\n`;
}

describe('rotation against the emulator', () => {
  it('rotates once, keeps the predecessor for the overlap, then disables it', async () => {
    const plan = await planJson();
    expect(plan.changes.map((c) => [c.action, c.name, c.id])).toEqual([
      ['rotate', 'backend-prod', 12],
    ]);
    const text = await cli('plan');
    expect(text.out).toContain('↻ rotate "backend-prod" (id 12, 100 days old)');

    const applied = await cli('apply', '--auto-approve');
    expect(applied.code, applied.out + applied.err).toBe(0);
    expect(applied.out).toMatch(
      /backend-prod \(id \d+\) rotate: applied \(id 12 renamed "backend-prod~20261201"\)/,
    );

    const [successor] = byName('backend-prod');
    expect(successor?.id).toBeGreaterThan(13);
    expect(successor).toMatchObject({ status: 1, remain_quota: 1000, used_quota: 0 });
    expect(byName(GENERATION).map((k) => [k.id, k.status, k.remain_quota])).toEqual([[12, 1, 700]]);
    expect(deliveredToCurrent()).toBe(true);

    // The audit log has a line per step: rename, create, deliver; never the secret.
    const audit = readFileSync(path.join(dir, 'audit.jsonl'), 'utf8');
    const lines = audit
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.action, l.step ?? l.sink, l.outcome])).toEqual([
      ['rotate', 'rename', 'ok'],
      ['rotate', 'create', 'ok'],
      ['deliver', 'local', 'ok'],
    ]);
    expect(audit).not.toContain((successor as { key: string }).key);

    expect((await cli('plan', '--detailed-exitcode')).code).toBe(0);

    nowMs += 7 * DAY_MS;
    const retire = await planJson();
    expect(retire.changes).toMatchObject([
      {
        action: 'update',
        name: GENERATION,
        id: 12,
        matched_by: 'generation',
        retirement: { reason: 'overlap_ended', successor_id: successor?.id },
      },
    ]);
    expect((await cli('apply', '--auto-approve')).code).toBe(0);
    expect(emu.get(12)?.status).toBe(2);
    expect(emu.get(successor?.id as number)?.status).toBe(1);
    expect((await cli('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('refuses --rotate of a key without rotate, and with a saved plan', async () => {
    const other = await cli('apply', '--auto-approve', '--rotate', 'other');
    expect(other.code).toBe(1);
    expect(other.err).toContain('--rotate "other": no key of that name declares rotate');
    expect((await cli('plan', '--out', 'plan.json')).code).toBe(0);
    const saved = await cli('apply', 'plan.json', '--rotate', 'backend-prod');
    expect(saved.code).toBe(1);
    expect(saved.err).toContain(
      'apply PLAN cannot be combined with -f/--file, --target or --rotate',
    );
    expect(emu.records().map((k) => k.name)).toEqual(['backend-prod', 'other']);
  });

  it('warns while a consumer still uses the predecessor', async () => {
    expect((await cli('apply', '--auto-approve')).code).toBe(0);
    nowMs += 3 * 3_600_000;
    emu.use(12, 1);
    nowMs += 3 * 3_600_000;
    const r = await cli('plan');
    expect(r.out).toContain(
      `${GENERATION} was used 3 h ago, after its successor was created: a consumer still holds the old key`,
    );
  });

  const isRename = (r: Pick<LoggedRequest, 'method' | 'body'>) =>
    r.method === 'PUT' && (r.body as { name?: string } | undefined)?.name === GENERATION;
  const isCreate = (r: Pick<LoggedRequest, 'method' | 'path'>) =>
    r.method === 'POST' && r.path === '/api/token/';
  const isReveal = (r: Pick<LoggedRequest, 'method' | 'path'>) =>
    (r.method === 'POST' && r.path.startsWith('/api/token/') && r.path.endsWith('/key')) ||
    r.path === '/api/token/batch/keys';

  const faults: [
    string,
    (r: Pick<LoggedRequest, 'method' | 'path' | 'body'>) => boolean,
    FaultKind,
  ][] = [
    ['the rename fails', isRename, '500'],
    ['the rename commits but the answer is lost', isRename, 'after_commit'],
    ['the create fails', isCreate, '500'],
    ['the create commits but the answer is lost', isCreate, 'after_commit'],
    ['the reveal fails', isReveal, '500'],
  ];
  for (const [what, matches, kind] of faults) {
    it(`converges when ${what}, losing nothing`, async () => {
      emu.set({ faultFor: (r) => (matches(r) ? kind : undefined) });
      const first = await cli('apply', '--auto-approve', '--format', 'json');
      emu.set({ faultFor: undefined });
      expect([0, 3], first.err).toContain(first.code);
      // Whatever happened, the predecessor still serves.
      expect(emu.get(12)?.status).toBe(1);
      if (first.code === 3) {
        const entry = (
          JSON.parse(first.out) as { entries: Record<string, unknown>[] }
        ).entries.find((e) => e.action === 'rotate');
        expect(entry?.failed_step, JSON.stringify(entry)).toBeDefined();
      }
      await converge();
    });
  }

  it('converges when the sink fails, and holds the predecessor until the secret is delivered', async () => {
    const sink = path.join(dir, '.secrets');
    writeFileSync(sink, 'not a directory');
    const first = await cli('apply', '--auto-approve', '--format', 'json');
    expect(first.code).toBe(3);
    const entry = (JSON.parse(first.out) as { entries: Record<string, unknown>[] }).entries[0];
    expect(entry).toMatchObject({ action: 'rotate', outcome: 'failed', failed_step: 'deliver' });
    expect(entry?.detail).toMatch(
      /id 12 renamed "backend-prod~20261201"; created as id \d+, secret not delivered to local/,
    );

    // The overlap ends, but the audit log shows the secret undelivered: nothing is disabled,
    // and apply hands the secret over again (failing again while the sink is broken).
    nowMs += 8 * DAY_MS;
    const held = await planJson();
    const successor = byName('backend-prod')[0]?.id;
    expect(held.changes).toEqual([]);
    expect(held).toMatchObject({
      handoffs: [{ id: successor, name: 'backend-prod', deliver: ['local'] }],
    });
    expect(held.warnings.map((w) => w.kind)).toEqual(['secret-undelivered', 'retirement-held']);
    expect((await cli('plan')).out).toContain('1 secret to deliver again.');
    const again = await cli('apply', '--auto-approve');
    expect(again.code).toBe(3);
    expect(again.out).toContain(
      `backend-prod (id ${successor}) deliver: failed: secret not delivered to local`,
    );
    expect(emu.get(12)?.status).toBe(1);

    // The sink works again: the next apply delivers, the one after retires the predecessor.
    rmSync(sink);
    const delivered = await cli('apply', '--auto-approve');
    expect(delivered.code, delivered.out).toBe(0);
    expect(deliveredToCurrent()).toBe(true);
    expect(emu.get(12)?.status).toBe(1);
    const last = await cli('apply', '--auto-approve');
    expect(last.code, last.out).toBe(0);
    expect(emu.get(12)?.status).toBe(2);
  });
});

/**
 * Applies at most twice more (three in all with the faulty one) until the plan is empty, then
 * checks the end state: one current key holding the delivered secret, the predecessor enabled,
 * nothing else created. Then, past the overlap, the predecessor is disabled only with the
 * secret delivered.
 */
async function converge(): Promise<void> {
  let empty = (await cli('plan', '--detailed-exitcode')).code === 0;
  for (let run = 0; run < 2 && !empty; run++) {
    const r = await cli('apply', '--auto-approve');
    expect([0, 3], r.out + r.err).toContain(r.code);
    expect(emu.get(12)?.status).toBe(1);
    empty = (await cli('plan', '--detailed-exitcode')).code === 0;
  }
  expect(empty).toBe(true);
  expect(byName('backend-prod')).toHaveLength(1);
  expect(byName(GENERATION).map((k) => [k.id, k.status])).toEqual([[12, 1]]);
  expect(emu.records()).toHaveLength(3);
  expect(deliveredToCurrent()).toBe(true);
  nowMs += 8 * DAY_MS;
  expect((await cli('apply', '--auto-approve')).code).toBe(0);
  expect(emu.get(12)?.status).toBe(2);
}
