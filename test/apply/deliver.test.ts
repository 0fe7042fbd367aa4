/** The executor's secret handoff (SPEC §11) with a fake client and real file/command sinks. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { formatAuditLine } from '../../src/apply/audit-log.js';
import type {
  ApplyInput,
  AuditRecord,
  CreatedKey,
  DeliveryAuditRecord,
} from '../../src/apply/types.js';
import { RevealUnavailableError } from '../../src/api/reveal.js';
import type { SinkConfig } from '../../src/sinks/index.js';
import { tempDirs } from '../helpers/temp.js';
import { FakeClient } from './fake-client.js';
import { aNewKey, realPlan } from './real-plans.js';

const now = () => new Date('2026-11-26T12:00:00Z');
const tmp = tempDirs('deliver');

/** A server that masks the create answer and counts reveal calls. */
function maskingClient(): FakeClient & { reveals: number[][] } {
  const client = new FakeClient({ mode: 'upstream' }) as FakeClient & { reveals: number[][] };
  client.reveals = [];
  const create = client.createKey.bind(client);
  client.createKey = async (fields, opts) => ({ ...(await create(fields, opts)), secret: null });
  const reveal = client.revealKeys.bind(client);
  client.revealKeys = async (ids) => {
    client.reveals.push([...ids]);
    return reveal(ids);
  };
  return client;
}

function sinksIn(dir: string): Record<string, SinkConfig> {
  return {
    env: { file: path.join(dir, '{name}.env'), format: 'dotenv' },
    broken: {
      command: [process.execPath, '-e', 'process.stdin.resume(); process.exit(1)'],
      timeoutSeconds: 30,
    },
  };
}

async function run(
  client: FakeClient,
  dir: string,
  deliver: Record<string, string[]>,
  extra: Partial<ApplyInput> = {},
) {
  const plan = realPlan(
    Object.entries(deliver).map(([name, d]) => aNewKey(name, d.length ? { deliver: d } : {})),
    [],
  );
  const records: (AuditRecord | DeliveryAuditRecord)[] = [];
  const result = await applyPlan({
    plan,
    client,
    parallelism: 2,
    now,
    sinks: sinksIn(dir),
    audit: {
      write: async (r) => void records.push(r),
      writeDelivery: async (r) => void records.push(r),
    },
    ...extra,
  });
  return { result, records };
}

describe('applyPlan: delivering new keys', () => {
  it('reveals all new keys in one call and writes each sink with the secret', async () => {
    const dir = tmp();
    const client = maskingClient();
    const { result, records } = await run(client, dir, { a: ['env'], b: ['env'], c: [] });
    expect(result.summary.applied).toBe(3);
    expect(client.reveals).toHaveLength(1);
    expect(client.reveals[0]?.sort()).toEqual(
      result.created.filter((k) => k.name !== 'c').map((k) => k.id),
    );
    for (const k of result.created.filter((x) => x.name !== 'c')) {
      expect(readFileSync(path.join(dir, `${k.name}.env`), 'utf8')).toBe(
        `COMETAPI_KEY=sk-secret-${k.id}\n`,
      );
    }
    const deliveries = records.filter((r) => r.action === 'deliver');
    expect(deliveries.map((r) => [r.name, r.sink, r.outcome])).toEqual(
      expect.arrayContaining([
        ['a', 'env', 'ok'],
        ['b', 'env', 'ok'],
      ]),
    );
    expect(deliveries).toHaveLength(2);
    for (const r of deliveries) {
      expect(r.fingerprint).toMatch(/^[0-9a-f]{12}$/);
      expect(formatAuditLine(r)).not.toContain('sk-secret');
    }
  });

  it('needs no reveal for a secret the create answer gave', async () => {
    const dir = tmp();
    const client = new FakeClient({ mode: 'upstream' });
    let reveals = 0;
    client.revealKeys = async () => {
      reveals += 1;
      return new Map();
    };
    const { result } = await run(client, dir, { a: ['env'] });
    expect(result.summary.applied).toBe(1);
    expect(reveals).toBe(0);
    expect(readFileSync(path.join(dir, 'a.env'), 'utf8')).toContain('sk-secret-');
  });

  it('fails the key naming the sink; its other sinks and other keys still run', async () => {
    const dir = tmp();
    const client = maskingClient();
    const { result, records } = await run(client, dir, { a: ['broken', 'env'], b: ['env'] });
    const a = result.entries.find((e) => e.name === 'a');
    expect(a?.outcome).toBe('failed');
    expect(a?.detail).toMatch(
      new RegExp(`^created as id ${a?.id}, secret not delivered to broken: `),
    );
    expect(readFileSync(path.join(dir, 'a.env'), 'utf8')).toContain('sk-secret-');
    expect(readFileSync(path.join(dir, 'b.env'), 'utf8')).toContain('sk-secret-');
    expect(result.summary).toMatchObject({ applied: 1, failed: 1 });
    expect(JSON.stringify(result.entries)).not.toContain('sk-secret');
    const failed = records.find((r) => r.action === 'deliver' && r.sink === 'broken');
    expect(failed).toMatchObject({ outcome: 'error', name: 'a' });
  });

  it('says the secret is not available when the server has no reveal route', async () => {
    const dir = tmp();
    const client = maskingClient();
    client.revealKeys = async (ids) => {
      throw new RevealUnavailableError(ids);
    };
    const { result, records } = await run(client, dir, { a: ['env'] });
    const a = result.entries[0];
    expect(a).toMatchObject({ outcome: 'failed', name: 'a' });
    expect(a?.detail).toBe(
      `created as id ${a?.id}, secret not available from this server (reveal it in the console)`,
    );
    expect(records.find((r) => r.action === 'deliver')).toMatchObject({
      outcome: 'error',
      fingerprint: null,
    });
  });

  it('feeds --new-keys-out every created key with its revealed secret, in the same reveal call', async () => {
    const dir = tmp();
    const client = maskingClient();
    const writes: CreatedKey[][] = [];
    const newKeysOut = {
      write: async (keys: readonly CreatedKey[]) => void writes.push(keys.map((k) => ({ ...k }))),
    };
    const { result, records } = await run(client, dir, { a: ['env'], b: [] }, { newKeysOut });
    expect(result.summary.applied).toBe(2);
    expect(client.reveals).toHaveLength(1);
    expect(client.reveals[0]?.length).toBe(2);
    const last = writes.at(-1) ?? [];
    expect(last.map((k) => [k.name, k.secret])).toEqual(
      result.created.map((k) => [k.name, `sk-secret-${k.id}`]),
    );
    const file = records.filter((r) => r.action === 'deliver' && r.sink === '--new-keys-out');
    expect(file.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(JSON.stringify(result.entries)).not.toContain('sk-secret');
  });

  it('a --new-keys-out file that cannot be written fails the key, naming it', async () => {
    const dir = tmp();
    const newKeysOut = {
      write: async () => {
        throw Object.assign(new Error('full'), { code: 'ENOSPC' });
      },
    };
    const { result } = await run(maskingClient(), dir, { a: [] }, { newKeysOut });
    const a = result.entries[0];
    expect(a).toMatchObject({ outcome: 'failed', undelivered: ['--new-keys-out'] });
    expect(a?.detail).toBe(
      `created as id ${a?.id}, secret not delivered to --new-keys-out: cannot write the file: no space left on the device`,
    );
  });

  it('after the grace time of an interruption: no reveal, no sink, every sink reported', async () => {
    const dir = tmp();
    const client = maskingClient();
    const stop = new AbortController();
    stop.abort();
    const { result, records } = await run(
      client,
      dir,
      { a: ['env', 'broken'] },
      {
        deliveryStop: stop.signal,
      },
    );
    expect(client.reveals).toEqual([]);
    const a = result.entries[0];
    expect(a).toMatchObject({ outcome: 'failed', undelivered: ['env', 'broken'] });
    expect(a?.detail).toBe(
      `created as id ${a?.id}, secret not revealed: interrupted: the grace time after the signal ran out`,
    );
    expect(records.filter((r) => r.action === 'deliver').map((r) => r.outcome)).toEqual([
      'error',
      'error',
    ]);
  });

  it('a grace time that ends during the reveal gives it up; one that ends between sinks stops the rest', async () => {
    const dir = tmp();
    const client = maskingClient();
    const stop = new AbortController();
    const reveal = client.revealKeys.bind(client);
    client.revealKeys = (ids) => {
      stop.abort();
      return reveal(ids);
    };
    const { result } = await run(client, dir, { a: ['env'] }, { deliveryStop: stop.signal });
    expect(result.entries[0]?.detail).toMatch(/secret not revealed: interrupted/);

    const later = new AbortController();
    const seen: string[] = [];
    const { result: second } = await run(
      maskingClient(),
      dir,
      { b: ['env', 'broken'] },
      {
        deliveryStop: later.signal,
        onDelivered: (_k, sink, ok) => {
          seen.push(`${sink}:${ok}`);
          later.abort();
        },
      },
    );
    expect(seen).toEqual(['env:true', 'broken:false']);
    expect(second.entries[0]).toMatchObject({ outcome: 'failed', undelivered: ['broken'] });
    expect(second.entries[0]?.detail).toMatch(
      /secret not delivered to broken: not run: interrupted: the grace time after the signal ran out$/,
    );
  });
});
