/**
 * Issue 11 through the built CLI against the emulator behind a tampering proxy: answers that
 * are unusual but legal, or hostile, never damage a key, never print a secret, and give the
 * exit code and result the docs promise.
 * - Defect 1: a PUT answer whose `data` leaves out editable fields is read again before the
 *   next call; a record that stays incomplete fails the key with nothing more sent.
 * - Defect 8 (bounds): a body over 16 MB after decompression, numbers beyond 2^53, and a
 *   `total` above maxListKeys are clear errors.
 * - Defect 13: a server error that quotes a key's secret or the token is printed redacted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type SeedRecord } from '../../src/emulator/index.js';
import { aSeedKey } from '../helpers/builders.js';
import { runCli } from '../helpers/cli.js';
import { findLeaks, tempWorkdir } from './helpers.js';
import {
  mapJson,
  mapRecords,
  startTamperProxy,
  type ProxiedRequest,
  type TamperRules,
  type TamperProxy,
} from './tamper-proxy.js';

/** A disabled key with an allow-list, model limits and a group: what a bad body would wipe. */
const GUARDED: SeedRecord = aSeedKey({
  id: 1,
  name: 'guarded',
  status: 2,
  allow_ips: '10.0.0.1',
  model_limits_enabled: true,
  model_limits: 'gpt-4o',
  group: 'team',
});
const BYSTANDER: SeedRecord = aSeedKey({ id: 2, name: 'bystander' });
const FUTURE = '2030-01-01';
const FUTURE_S = Date.UTC(2030, 0, 1) / 1000;
/** Enables the guarded key with a new expiry: the plain update first, then the status call. */
const KEYS = `version: 1
keys:
  - name: guarded
    expired_time: "${FUTURE}"
    quota_budget: 5000000
    allow_ips: [10.0.0.1]
    model_limits: [gpt-4o]
    group: team
  - name: bystander
    quota_budget: 5000000
    group: other
`;
/** The fields of GUARDED a body built from defaults would lose. */
const KEPT = {
  allow_ips: '10.0.0.1',
  model_limits_enabled: true,
  model_limits: 'gpt-4o',
  group: 'team',
};
const EDITABLE_LEFT_OUT = ['allow_ips', 'model_limits', 'model_limits_enabled', 'group'];

const isPut = (r: ProxiedRequest) => r.method === 'PUT';
/** A PUT to the guarded key (id 1). */
const isGuardedPut = (r: ProxiedRequest) =>
  isPut(r) && (JSON.parse(r.body.toString('utf8')) as { id?: number }).id === 1;
const isFreshRead = (r: ProxiedRequest) => r.method === 'GET' && r.path === '/api/token/1';
const isListing = (r: ProxiedRequest) => r.method === 'GET' && r.path.startsWith('/api/token/?');

/** `data` without the editable fields a newer or odd server may leave out of an answer. */
function withoutEditable(text: string): string {
  return mapJson(text, (v) =>
    mapRecords(v, (record) => {
      const out = { ...record };
      for (const f of EDITABLE_LEFT_OUT) delete out[f];
      return out;
    }),
  );
}

describe('issue 11 against an odd server, end to end', () => {
  let emu: Emulator;
  let proxy: TamperProxy | undefined;
  let work: ReturnType<typeof tempWorkdir>;
  beforeEach(async () => {
    work = tempWorkdir({ 'keys.yaml': KEYS, 'package.json': '{"name":"p"}\n' });
    emu = await startEmulator({ seed: [GUARDED, BYSTANDER] });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await emu.close();
    work.cleanup();
  });

  /** Runs the CLI through a proxy with `rules`. */
  async function run(rules: TamperRules, args: string[]) {
    proxy = await startTamperProxy(emu.url, rules);
    const r = await runCli(args, {
      cwd: work.dir,
      env: { COMETAPI_BASE_URL: proxy.url, COMETAPI_ACCESS_TOKEN: emu.token },
    });
    const writes = emu.requests().filter((q) => q.method !== 'GET');
    return { ...r, writes, seen: proxy.requests() };
  }
  const apply = ['apply', '--auto-approve', '--audit-log', 'audit.jsonl'];
  const guarded = () => emu.records().find((k) => k.id === 1);

  describe('defect 1: an update answer without editable fields', () => {
    it('is read again: the status call carries the stored fields, the key is intact, exit 0', async () => {
      const r = await run(
        { rewrite: (req, a) => (isPut(req) ? withoutEditable(a.text) : undefined) },
        apply,
      );
      expect(r.stdout).toContain('guarded (id 1) update: applied');
      expect(r.code).toBe(0);
      expect(guarded()).toMatchObject({ ...KEPT, status: 1, expired_time: FUTURE_S });
      // The fresh read, the plain update, a read for the next body, the enabling status call,
      // and (its answer is incomplete too) a read to judge convergence.
      const calls = r.seen.filter((q) => isGuardedPut(q) || isFreshRead(q)).map((q) => q.method);
      expect(calls).toEqual(['GET', 'PUT', 'GET', 'PUT', 'GET']);
      const statusCall = emu.requests().find((q) => q.query.status_only === 'true');
      expect(statusCall?.body).toMatchObject({ ...KEPT, status: 1 });
    });

    it('read again and still incomplete: failed, honestly; nothing more sent, exit 3', async () => {
      let putSeen = false;
      const r = await run(
        {
          rewrite: (req, a) => {
            if (isGuardedPut(req)) putSeen = true;
            return putSeen && (isGuardedPut(req) || isFreshRead(req))
              ? withoutEditable(a.text)
              : undefined;
          },
        },
        apply,
      );
      expect(r.stdout).toMatch(
        /guarded \(id 1\) update: failed: incomplete record from server \(key 1 has no [a-z_, ]+\); nothing was sent/,
      );
      expect(r.stdout).not.toContain('guarded (id 1) update: applied');
      expect(r.code).toBe(3);
      // One plain update went through (the new expiry); the status call was never sent, and
      // the allow-list, limits and group are as they were.
      expect(r.writes.filter((q) => q.body && (q.body as { id?: number }).id === 1)).toHaveLength(
        1,
      );
      expect(emu.requests().some((q) => q.query.status_only === 'true')).toBe(false);
      expect(guarded()).toMatchObject({ ...KEPT, status: 2, expired_time: FUTURE_S });
    });
  });

  describe('defect 8: bounds', () => {
    /** A JSON envelope padded with white space past 16 MB, gzip-compressed (about 17 kB). */
    const gzipBomb = () => ({
      status: 200,
      headers: { 'content-encoding': 'gzip' },
      body: gzipSync(`{"success":true,"message":""${' '.repeat(17 * 1024 * 1024)}}`),
    });

    it('a listing body over 16 MB after decompression: a clear error, nothing sent, exit 1', async () => {
      const r = await run({ answer: (req) => (isListing(req) ? gzipBomb() : undefined) }, apply);
      expect(r.stderr).toContain('response body larger than 16 MB');
      expect(r.stderr).not.toContain('internal error');
      expect(r.code).toBe(1);
      expect(r.writes).toEqual([]);
      expect(guarded()).toMatchObject({ ...KEPT, status: 2, expired_time: -1 });
    });

    it('a fresh record over 16 MB: the key fails before any write, the other applies, exit 3', async () => {
      const r = await run({ answer: (req) => (isFreshRead(req) ? gzipBomb() : undefined) }, apply);
      expect(r.stdout).toMatch(
        /guarded \(id 1\) update: failed: .*response body larger than 16 MB/,
      );
      expect(r.stdout).toContain('bystander (id 2) update: applied');
      expect(r.code).toBe(3);
      expect(r.writes.some((q) => (q.body as { id?: number } | undefined)?.id === 1)).toBe(false);
      expect(guarded()).toMatchObject({ ...KEPT, status: 2, expired_time: -1 });
    });

    it('a number beyond 2^53 in the listing is an error, never rounded: exit 1', async () => {
      const r = await run(
        {
          rewrite: (req, a) =>
            isListing(req)
              ? a.text.replace(/"used_quota":\d+/, '"used_quota":9007199254740993')
              : undefined,
        },
        apply,
      );
      expect(r.stderr).toContain('a number in the response is beyond 2^53');
      expect(r.code).toBe(1);
      expect(r.writes).toEqual([]);
    });

    it('a number beyond 2^53 in a fresh record fails that key; nothing is written to it', async () => {
      const r = await run(
        {
          rewrite: (req, a) =>
            isFreshRead(req)
              ? a.text.replace(/"remain_quota":\d+/, '"remain_quota":18014398509481985')
              : undefined,
        },
        apply,
      );
      expect(r.stdout).toMatch(/guarded \(id 1\) update: failed: .*beyond 2\^53/);
      expect(r.code).toBe(3);
      expect(r.writes.some((q) => (q.body as { id?: number } | undefined)?.id === 1)).toBe(false);
      expect(guarded()).toMatchObject({ ...KEPT, status: 2, remain_quota: 5_000_000 });
    });

    it('a total above maxListKeys fails after page 1, naming the setting: exit 1', async () => {
      const r = await run(
        {
          rewrite: (req, a) =>
            isListing(req)
              ? mapJson(a.text, (v) => {
                  const env = v as { data: { total: number } };
                  env.data.total = 10_000_000;
                  return env;
                })
              : undefined,
        },
        apply,
      );
      expect(r.stderr).toContain(
        'the account reports 10000000 keys, more than maxListKeys (100000); raise the setting if that is real',
      );
      expect(r.code).toBe(1);
      expect(r.seen.filter(isListing).map((q) => q.path)).toEqual([
        '/api/token/?p=1&page_size=100',
      ]);
      expect(r.writes).toEqual([]);
    });
  });

  describe('defect 13: secrets quoted by the server are redacted', () => {
    /** The secret of a stored key, with and without `sk-`. */
    const spellings = (id: number) => {
      const key = emu.records().find((k) => k.id === id)?.key ?? '';
      const bare = key.replace(/^sk-/, '');
      return [`sk-${bare}`, bare];
    };
    /** A refusal quoting the secrets of both keys and the token. */
    const refusal = () =>
      JSON.stringify({
        success: false,
        message: `token ${spellings(1).join(' / ')} conflicts with ${spellings(2)[1]}; auth ${emu.token}`,
      });

    it.each([
      ['listed masked (newest servers)', true],
      ['listed whole (older servers)', false],
    ])('in a refused write, %s: not in stdout, stderr, JSON or the audit log', async (_, mask) => {
      emu.set({ maskKeys: mask });
      const texts: string[] = [];
      for (const format of ['text', 'json']) {
        const r = await run(
          { answer: (req) => (isPut(req) ? { status: 200, body: refusal() } : undefined) },
          [...apply, '--format', format],
        );
        await proxy?.close();
        proxy = undefined;
        expect(r.code).toBe(3);
        expect(r.stdout).toContain('[redacted]');
        texts.push(r.stdout, r.stderr);
      }
      texts.push(readFileSync(path.join(work.dir, 'audit.jsonl'), 'utf8'));
      expect(texts.join('\n')).toContain('conflicts with [redacted]; auth [redacted]');
      const secrets = [...spellings(1), ...spellings(2), emu.token];
      expect(findLeaks(texts, secrets)).toEqual([]);
      // Nothing was changed: every write was refused.
      expect(guarded()).toMatchObject({ ...KEPT, status: 2, expired_time: -1 });
    });

    it('in a failed listing (HTTP 500): not in the error, exit 1', async () => {
      const r = await run(
        {
          answer: (req) => (isListing(req) ? { status: 500, body: refusal() } : undefined),
        },
        ['plan'],
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('[redacted]');
      const secrets = [...spellings(1), ...spellings(2), emu.token];
      expect(findLeaks([r.stdout, r.stderr], secrets)).toEqual([]);
    });
  });
});
