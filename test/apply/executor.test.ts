import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { AuditRecord } from '../../src/apply/types.js';
import type { ServerKey } from '../../src/model.js';
import { aServerKey } from '../helpers/builders.js';
import { FakeClient } from './fake-client.js';
import { aNewKey, declared, realPlan } from './real-plans.js';

const now = () => new Date('2026-11-26T12:00:00Z');

describe('applyPlan', () => {
  it('starts no key once the client has spent its rate-limit budget', async () => {
    const a = aServerKey({ name: 'a' });
    const b = aServerKey({ name: 'b' });
    const client = new FakeClient({ mode: 'upstream', keys: [a, b] });
    const plan = realPlan([declared(a, { group: 'x' }), declared(b, { group: 'x' })], [a, b]);
    // The budget runs out while the first key is written.
    const update = client.updateKey.bind(client);
    client.updateKey = async (body, before) => {
      const r = await update(body, before);
      client.rateLimited = true;
      return r;
    };
    const result = await applyPlan({ plan, client, parallelism: 1, now });

    expect(result.entries.map((e) => [e.name, e.outcome, e.detail])).toEqual([
      ['a', 'applied', undefined],
      ['b', 'failed', 'rate limited'],
    ]);
    expect(client.calls.filter((c) => c.id === b.id)).toEqual([]);
  });

  it("lists the plan's missing keys as missing, sorted with the rest by (name, id)", async () => {
    const a = aServerKey({ name: 'b-key', id: 7 });
    const client = new FakeClient({ mode: 'upstream', keys: [a] });
    const plan = realPlan([declared(a, { group: 'x' })], [a], {
      overrides: { missing: [{ id: 99, name: 'a-key', message: 'id 99 not found' }] },
    });
    const result = await applyPlan({ plan, client, parallelism: 2, now });

    expect(result.entries).toEqual([
      { name: 'a-key', id: 99, action: 'missing', outcome: 'missing', detail: 'id 99 not found' },
      { name: 'b-key', id: 7, action: 'update', outcome: 'applied' },
    ]);
    expect(result.summary).toEqual({
      applied: 1,
      failed: 0,
      skipped: 0,
      missing: 1,
      did_not_converge: 0,
    });
  });

  it('keeps at most `parallelism` keys in flight and reports progress to the end', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => aServerKey({ name: `k${i}` }));
    const client = new FakeClient({ mode: 'docs', keys });
    let inFlight = 0;
    let peak = 0;
    const get = client.getKey.bind(client);
    client.getKey = async (id: number): Promise<ServerKey> => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      // Yield a few times so that other keys get the chance to start if they may.
      for (let i = 0; i < 5; i++) await Promise.resolve();
      return get(id);
    };
    const update = client.updateKey.bind(client);
    client.updateKey = async (body, before) => {
      const r = await update(body, before);
      inFlight -= 1;
      return r;
    };
    const progress: number[] = [];
    const plan = realPlan(
      keys.map((k) => declared(k, { group: 'x' })),
      keys,
    );
    const result = await applyPlan({
      plan,
      client,
      parallelism: 3,
      now,
      onProgress: (p) => progress.push(p.done),
    });

    expect(result.summary.applied).toBe(7);
    expect(peak).toBe(3);
    expect(progress.at(-1)).toBe(7);
  });

  it('lists once for all creates and fails them, not the updates, when that listing fails', async () => {
    const a = aServerKey({ name: 'a' });
    const client = new FakeClient({ mode: 'upstream', keys: [a] });
    client.faults.push({ method: 'list', when: 'before' });
    const plan = realPlan([declared(a, { group: 'x' }), aNewKey('n1'), aNewKey('n2')], [a]);
    const result = await applyPlan({ plan, client, parallelism: 2, now });

    expect(result.entries.map((e) => [e.name, e.outcome])).toEqual([
      ['a', 'applied'],
      ['n1', 'failed'],
      ['n2', 'failed'],
    ]);
    expect(result.entries[1]?.detail).toContain('could not list the account');
    expect(client.calls.filter((c) => c.method === 'list')).toHaveLength(1);
    expect(client.calls.some((c) => c.method === 'create')).toBe(false);
  });

  it('reuses a listing it is given instead of listing again', async () => {
    const existing = aServerKey({ id: 5 });
    const client = new FakeClient({ mode: 'upstream', keys: [existing] });
    const result = await applyPlan({
      plan: realPlan([aNewKey('n1')], [existing]),
      client,
      parallelism: 1,
      now,
      listing: client.records(),
    });

    expect(result.entries[0]).toMatchObject({ id: 6, outcome: 'applied' });
    expect(client.calls.filter((c) => c.method === 'list')).toEqual([]);
  });

  it('audits every write attempt with fields before and after, and no secret', async () => {
    const a = aServerKey({ name: 'a', status: 2 });
    const other = aServerKey({ id: 9000 });
    const client = new FakeClient({ mode: 'upstream', keys: [a, other] });
    client.faults.push({ method: 'status', id: a.id, when: 'before' });
    const records: AuditRecord[] = [];
    const plan = realPlan([declared(a, { status: 1, group: 'g' }), aNewKey('n')], [a, other]);
    await applyPlan({
      plan,
      client,
      parallelism: 1,
      now,
      gitCommit: 'abc123',
      audit: { write: async (r) => void records.push(r) },
    });

    expect(records).toEqual([
      {
        time: '2026-11-26T12:00:00.000Z',
        id: a.id,
        name: 'a',
        action: 'update',
        step: 'update',
        fields: [{ field: 'group', before: '', after: 'g' }],
        outcome: 'ok',
        http_status: null,
        git_commit: 'abc123',
      },
      expect.objectContaining({
        step: 'enable',
        fields: [{ field: 'status', before: 2, after: 1 }],
        outcome: 'error',
        http_status: 502,
        error: '[PUT] /api/token/: HTTP 502 bad gateway',
      }),
      expect.objectContaining({ name: 'n', id: 9001, step: 'create', outcome: 'ok' }),
    ]);
    expect(JSON.stringify(records)).not.toContain('sk-secret');
  });

  it('an audit sink that fails stops new keys; the key in progress finishes', async () => {
    const a = aServerKey({ id: 1, name: 'a' });
    const b = aServerKey({ id: 2, name: 'b' });
    const client = new FakeClient({ mode: 'upstream', keys: [a, b] });
    const warnings: string[] = [];
    const result = await applyPlan({
      plan: realPlan([declared(a, { group: 'x' }), declared(b, { group: 'x' })], [a, b]),
      client,
      parallelism: 1,
      now,
      audit: { write: () => Promise.reject(new Error('disk full')) },
      onWarning: (m) => warnings.push(m),
    });

    expect(result.entries.map((e) => `${e.name}: ${e.outcome} ${e.detail ?? ''}`.trim())).toEqual([
      'a: applied',
      'b: skipped not started: the audit log failed',
    ]);
    expect(result.stopped).toBe('audit_failed');
    expect(warnings).toEqual([
      'the audit log could not be written (disk full): no new key starts; keys in progress finish unaudited',
    ]);
  });

  it('an aborted signal starts no key: every change is skipped as interrupted, nothing written', async () => {
    const a = aServerKey({ id: 1, name: 'a' });
    const client = new FakeClient({ mode: 'upstream', keys: [a] });
    const controller = new AbortController();
    controller.abort();
    const result = await applyPlan({
      plan: realPlan([declared(a, { group: 'x' })], [a]),
      client,
      parallelism: 1,
      now,
      signal: controller.signal,
    });
    expect(result.entries).toMatchObject([
      { name: 'a', outcome: 'skipped', detail: 'interrupted' },
    ]);
    expect(result.writes).toBe(0);
    expect(result.stopped).toBe('interrupted');
  });
});
