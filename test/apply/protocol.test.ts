import { describe, expect, it } from 'vitest';
import { buildUpdateBody, EDITABLE_FIELDS } from '../../src/api/body.js';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { ApplyInput } from '../../src/apply/types.js';
import type { DesiredKey, ServerKey } from '../../src/model.js';
import type { Plan } from '../../src/plan/model.js';
import { aServerKey } from '../helpers/builders.js';
import { FakeClient, type StatusMode } from './fake-client.js';
import { aNewKey, declared, realPlan, type RealPlanOptions } from './real-plans.js';

const NOW_S = 1_800_000_000;
const PAST_S = NOW_S - 86_400;
const FUTURE_S = NOW_S + 86_400 * 365;

/** The plan the planner makes at NOW_S for `desired` against `server`. */
function planFor(desired: DesiredKey[], server: ServerKey[], opts: RealPlanOptions = {}): Plan {
  return realPlan(desired, server, { now: new Date(NOW_S * 1000), ...opts });
}

function run(client: FakeClient, plan: Plan, extra: Partial<ApplyInput> = {}) {
  return applyPlan({
    plan,
    client,
    parallelism: 4,
    now: () => new Date(NOW_S * 1000),
    ...extra,
  });
}

/** Every PUT body carries every editable field (a full replace must lose nothing). */
function expectCompleteBodies(client: FakeClient): void {
  for (const call of client.calls.filter((c) => c.method === 'update' || c.method === 'status')) {
    for (const field of EDITABLE_FIELDS) expect(call.body).toHaveProperty(field);
    expect(call.body).not.toHaveProperty('key');
    expect(call.body).not.toHaveProperty('used_quota');
  }
}

/** The record with only `changes` applied, for comparing a final state field by field. */
function withChanges(record: ServerKey, changes: Partial<ServerKey>): ServerKey {
  return { ...record, ...changes };
}

describe.each<StatusMode>(['upstream', 'docs'])('the write protocol, %s status mode', (mode) => {
  it('makes a plain change with one read and one write, losing no field', async () => {
    const key = aServerKey({
      model_limits_enabled: true,
      model_limits: 'a,b',
      allow_ips: '10.0.0.1',
    });
    const client = new FakeClient({ mode, keys: [key], nowSeconds: NOW_S });
    const result = await run(client, planFor([declared(key, { group: 'team' })], [key]));

    expect(result.entries).toEqual([
      { name: key.name, id: key.id, action: 'update', outcome: 'applied' },
    ]);
    expect(client.calls.map((c) => c.method)).toEqual(['get', 'update']);
    expect(client.record(key.id)).toEqual(withChanges(key, { group: 'team' }));
    expectCompleteBodies(client);
  });

  it('changes only the status with one status call', async () => {
    const key = aServerKey({ group: 'team' });
    const client = new FakeClient({ mode, keys: [key], nowSeconds: NOW_S });
    const result = await run(client, planFor([declared(key, { status: 2 })], [key]));

    expect(result.summary.applied).toBe(1);
    expect(client.writesTo(key.id).map((c) => c.method)).toEqual(['status']);
    expect(client.record(key.id)).toEqual(withChanges(key, { status: 2 }));
    expectCompleteBodies(client);
  });

  it('disables first, then writes the new fields with status 2', async () => {
    const key = aServerKey({ expired_time: FUTURE_S });
    const client = new FakeClient({ mode, keys: [key], nowSeconds: NOW_S });
    const plan = planFor([declared(key, { status: 2, group: 'quarantine' })], [key]);
    const result = await run(client, plan);

    expect(result.summary.applied).toBe(1);
    const writes = client.writesTo(key.id);
    expect(writes.map((c) => c.method)).toEqual(['status', 'update']);
    // The status call carries the current fields, never the planned ones.
    expect(writes[0]?.body).toMatchObject({ status: 2, group: '' });
    expect(writes[1]?.body).toMatchObject({ status: 2, group: 'quarantine' });
    expect(client.record(key.id)).toEqual(withChanges(key, { status: 2, group: 'quarantine' }));
    expectCompleteBodies(client);
  });

  it('enables after the fix, with the record that update returned', async () => {
    const key = aServerKey({ status: 2 });
    const client = new FakeClient({ mode, keys: [key], nowSeconds: NOW_S });
    const plan = planFor([declared(key, { status: 1, group: 'team' })], [key]);
    const result = await run(client, plan);

    expect(result.summary.applied).toBe(1);
    const writes = client.writesTo(key.id);
    expect(writes.map((c) => c.method)).toEqual(['update', 'status']);
    expect(writes[0]?.body).toMatchObject({ status: 2, group: 'team' });
    // In docs mode the status call is a full update: a stale record would undo the fix.
    expect(writes[1]?.body).toMatchObject({ status: 1, group: 'team' });
    expect(client.record(key.id)).toEqual(withChanges(key, { status: 1, group: 'team' }));
    expectCompleteBodies(client);
  });

  it('revives an expired key: the new expiry first, then status 1', async () => {
    const key = aServerKey({ status: 3, expired_time: PAST_S });
    const client = new FakeClient({ mode, keys: [key], nowSeconds: NOW_S });
    const plan = planFor([declared(key, { status: 1, expired_time: FUTURE_S })], [key]);
    expect(plan.changes[0]?.sequence).toEqual(['update', 'enable']);
    const result = await run(client, plan);

    expect(result.entries[0]?.outcome).toBe('applied');
    expect(client.writesTo(key.id)[0]?.body).toMatchObject({ status: 3, expired_time: FUTURE_S });
    expect(client.record(key.id)).toEqual(withChanges(key, { status: 1, expired_time: FUTURE_S }));
  });

  it('revives an exhausted key with a budget computed from the fresh used quota', async () => {
    const key = aServerKey({ status: 4, remain_quota: -200, used_quota: 1_000 });
    const client = new FakeClient({ mode, keys: [key], nowSeconds: NOW_S });
    const plan = planFor(
      [declared(key, { status: 1, quota: { kind: 'budget', amount: 5_000 } })],
      [key],
    );
    const result = await run(client, plan);

    expect(result.entries[0]?.outcome).toBe('applied');
    expect(client.record(key.id)).toEqual(withChanges(key, { status: 1, remain_quota: 4_000 }));
    expectCompleteBodies(client);
  });

  it('is refused by the enable guard when a sequence enables before the fix', async () => {
    // The control for the two tests above: the fake's guard is real.
    const key = aServerKey({ status: 3, expired_time: PAST_S });
    const client = new FakeClient({ mode, keys: [key], nowSeconds: NOW_S });
    const planned = planFor([declared(key, { status: 1, expired_time: FUTURE_S })], [key]);
    // The planner's order reversed: a sequence it never makes.
    const plan = {
      ...planned,
      changes: planned.changes.map((c) => ({ ...c, sequence: [...c.sequence].reverse() })),
    };
    const result = await run(client, plan);

    expect(result.entries[0]).toMatchObject({ outcome: 'failed' });
    expect(result.entries[0]?.detail).toContain('expired and cannot be enabled');
    expect(client.record(key.id)).toEqual(key);
  });

  it('creates a key with every field and reports its id', async () => {
    const client = new FakeClient({ mode, keys: [aServerKey({ id: 50 })], nowSeconds: NOW_S });
    const change = aNewKey('new-key', {
      expired_time: FUTURE_S,
      model_limits_enabled: true,
      model_limits: ['gpt-4o'],
      allow_ips: ['10.0.0.0/8'],
    });
    const result = await run(client, planFor([change], client.records()));

    expect(result.entries).toEqual([
      { name: 'new-key', id: 51, action: 'create', outcome: 'applied' },
    ]);
    expect(result.created).toEqual([{ id: 51, name: 'new-key', secret: 'sk-secret-51' }]);
    expect(client.calls.find((c) => c.method === 'create')?.body).toEqual({
      name: 'new-key',
      expired_time: FUTURE_S,
      remain_quota: 5_000_000,
      unlimited_quota: false,
      model_limits_enabled: true,
      model_limits: 'gpt-4o',
      allow_ips: '10.0.0.0/8',
      group: '',
      cross_group_retry: false,
    });
    expect(client.record(51)).toMatchObject({ status: 1, model_limits: 'gpt-4o' });
  });

  it('creates a disabled key inert, disables it, then gives it its fields', async () => {
    const client = new FakeClient({ mode, keys: [aServerKey({ id: 50 })], nowSeconds: NOW_S });
    const change = aNewKey('parked', {
      status: 2,
      model_limits_enabled: true,
      model_limits: ['m1'],
    });
    const result = await run(client, planFor([change], client.records()));

    expect(result.entries[0]).toMatchObject({ id: 51, outcome: 'applied' });
    const writes = client.calls.filter((c) => c.method !== 'list' && c.method !== 'get');
    expect(writes.map((c) => c.method)).toEqual(['create', 'status', 'update']);
    expect(writes[0]?.body).toMatchObject({ model_limits_enabled: true, model_limits: '' });
    expect(writes[1]?.body).toMatchObject({ status: 2, model_limits: '' });
    expect(writes[2]?.body).toMatchObject({ status: 2, model_limits: 'm1' });
    expect(client.record(51)).toMatchObject({
      status: 2,
      model_limits_enabled: true,
      model_limits: 'm1',
      remain_quota: 5_000_000,
    });
    expectCompleteBodies(client);
  });

  it('reports a failure after the POST as created but not finished', async () => {
    const client = new FakeClient({ mode, keys: [aServerKey({ id: 50 })], nowSeconds: NOW_S });
    client.faults.push({ method: 'status', when: 'before' });
    const result = await run(client, planFor([aNewKey('parked', { status: 2 })], client.records()));

    expect(result.entries[0]).toMatchObject({ id: 51, outcome: 'failed' });
    expect(result.entries[0]?.detail).toMatch(/^created as id 51, not finished: /);
    expect(result.created.map((k) => k.id)).toEqual([51]);
  });

  it('skips a create whose name appeared on the server since the plan', async () => {
    const listed = aServerKey({ id: 50 });
    // Someone else's key: not carrying the planned fields (that would be this plan's, done).
    const client = new FakeClient({
      mode,
      keys: [listed, aServerKey({ id: 60, name: 'new-key', group: 'someone-else' })],
      nowSeconds: NOW_S,
    });
    const result = await run(client, planFor([aNewKey('new-key')], [listed]));

    expect(result.entries[0]).toMatchObject({ outcome: 'skipped', detail: 'changed since plan' });
    expect(client.calls.some((c) => c.method === 'create')).toBe(false);
  });

  it('deletes a key, and counts an already deleted key as done', async () => {
    const doomed = aServerKey();
    const gone = aServerKey();
    const client = new FakeClient({ mode, keys: [doomed], nowSeconds: NOW_S });
    const result = await run(client, planFor([], [doomed, gone], { unmanaged: 'delete' }));

    expect(result.summary).toMatchObject({ applied: 2, failed: 0 });
    expect(result.entries.find((e) => e.id === gone.id)?.detail).toBe('already deleted');
    expect(client.record(doomed.id)).toBeUndefined();
    expect(client.writesTo(gone.id)).toEqual([]);
  });

  it('skips a key changed since the plan and writes nothing to it', async () => {
    const edited = aServerKey({ group: 'a' });
    const flipped = aServerKey();
    const deleted = aServerKey();
    const client = new FakeClient({ mode, keys: [edited, flipped], nowSeconds: NOW_S });
    const plan = planFor(
      [
        declared(edited, { name: 'renamed' }),
        declared(flipped, { group: 'x' }),
        declared(deleted, { group: 'x' }),
      ],
      [edited, flipped, deleted],
    );
    client.seed({ ...edited, group: 'b' });
    client.seed({ ...flipped, status: 4, remain_quota: 0 });
    const result = await run(client, plan);

    expect(result.entries.map((e) => [e.id, e.outcome, e.detail, e.fields])).toEqual(
      expect.arrayContaining([
        [edited.id, 'skipped', 'changed since plan', ['group']],
        [flipped.id, 'skipped', 'changed since plan', ['status']],
        [deleted.id, 'skipped', 'changed since plan', ['deleted']],
      ]),
    );
    for (const k of [edited, flipped, deleted]) expect(client.writesTo(k.id)).toEqual([]);
  });

  it('compares list fields as sets and "" as null in the precondition', async () => {
    const key = aServerKey({ model_limits: 'a,b', allow_ips: null });
    const client = new FakeClient({ mode, keys: [key], nowSeconds: NOW_S });
    const plan = planFor([declared(key, { group: 'x' })], [key]);
    const [change] = plan.changes;
    if (!change) throw new Error('no change planned');
    change.precondition = {
      kind: 'record',
      values: { model_limits: 'b,a', allow_ips: '', group: '' },
    };
    const result = await run(client, plan);

    expect(result.entries[0]?.outcome).toBe('applied');
  });

  it('keeps going when one key fails', async () => {
    const bad = aServerKey({ name: 'a' });
    const good = aServerKey({ name: 'b' });
    const client = new FakeClient({ mode, keys: [bad, good], nowSeconds: NOW_S });
    client.faults.push({ method: 'update', id: bad.id, when: 'before' });
    const plan = planFor(
      [declared(bad, { group: 'x' }), declared(good, { group: 'x' })],
      [bad, good],
    );
    const result = await run(client, plan, { parallelism: 1 });

    expect(result.entries.map((e) => e.outcome)).toEqual(['failed', 'applied']);
    expect(result.entries[0]?.detail).toContain('bad gateway');
    expect(client.record(good.id)?.group).toBe('x');
  });

  it('reports a field the server did not take as "did not converge"', async () => {
    const key = aServerKey();
    const client = new FakeClient({ mode, keys: [key], nowSeconds: NOW_S });
    client.stickyFields.add('name');
    const plan = planFor([declared(key, { name: 'renamed', group: 'x' })], [key]);
    const result = await run(client, plan);

    expect(result.entries[0]).toMatchObject({ outcome: 'did_not_converge', fields: ['name'] });
    expect(result.summary.did_not_converge).toBe(1);
  });

  it('passes unknown fields through and warns about them once', async () => {
    const a = aServerKey({ name: 'a', future_field: 'kept' });
    const b = aServerKey({ name: 'b', future_field: 'also kept' });
    const client = new FakeClient({ mode, keys: [a, b], nowSeconds: NOW_S });
    const warnings: string[] = [];
    const plan = planFor([declared(a, { group: 'x' }), declared(b, { status: 2 })], [a, b]);
    await run(client, plan, { onWarning: (m) => warnings.push(m) });

    expect(client.record(a.id)?.future_field).toBe('kept');
    expect(client.record(b.id)?.future_field).toBe('also kept');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('future_field');
  });
});

describe('the fake server models both status modes', () => {
  it('a plain update carrying status 2 disables only in docs mode; upstream it keeps the status', async () => {
    // A body that leans on the plain update for status, which SPEC §7 never sends (planned
    // values carry no status; only a sequence's disable step makes an update send 2).
    const outcomes: Record<string, unknown> = {};
    for (const mode of ['upstream', 'docs'] as const) {
      const key = aServerKey();
      const client = new FakeClient({ mode, keys: [key], nowSeconds: NOW_S });
      const after = await client.updateKey(buildUpdateBody(key, { status: 2 }), key);
      outcomes[mode] = after.status;
    }
    expect(outcomes).toEqual({ upstream: 1, docs: 2 });
  });
});
