/**
 * The executor's rotation with the in-memory fake server (docs/rotation.md#order-and-failure):
 * the rename is a complete body with only the name changed, the ledger names the failed step,
 * and the audit log's delivery lines say which secrets are still undelivered.
 */
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { deliveryTracker } from '../../src/apply/audit-log.js';
import type { AuditRecord } from '../../src/apply/types.js';
import { EDITABLE_FIELDS } from '../../src/api/body.js';
import { renderPlan } from '../../src/render/index.js';
import { aServerKey } from '../helpers/builders.js';
import { FakeClient } from './fake-client.js';
import { aNewKey, realPlan } from './real-plans.js';

const now = () => new Date('2026-11-26T12:00:00Z');
const OLD = Math.floor(now().getTime() / 1000) - 100 * 86_400;

function setup() {
  const current = aServerKey({ id: 12, name: 'svc', created_time: OLD, group: 'kept' });
  const client = new FakeClient({ mode: 'upstream', keys: [current] });
  const plan = realPlan(
    [aNewKey('svc', { rotate: { after_days: 90, overlap_days: 7 }, group: 'new' })],
    [current],
  );
  return { client, plan };
}

async function run(client: FakeClient, plan: ReturnType<typeof setup>['plan']) {
  const audit: AuditRecord[] = [];
  const result = await applyPlan({
    plan,
    client,
    parallelism: 1,
    now,
    audit: { write: async (r) => void audit.push(r) },
  });
  return { result, audit };
}

describe('applyPlan: rotation', () => {
  it('renames with a complete body (only the name changed), then creates the successor', async () => {
    const { client, plan } = setup();
    expect(plan.changes.map((c) => c.action)).toEqual(['rotate']);
    const { result, audit } = await run(client, plan);
    expect(result.entries).toEqual([
      {
        name: 'svc',
        id: 13,
        action: 'rotate',
        outcome: 'applied',
        detail: 'id 12 renamed "svc~20261126"',
      },
    ]);
    const [rename] = client.writesTo(12);
    expect(rename?.method).toBe('update');
    for (const f of EDITABLE_FIELDS) expect(rename?.body, f).toHaveProperty(f);
    expect(rename?.body).toMatchObject({ id: 12, name: 'svc~20261126', group: 'kept', status: 1 });
    expect(client.record(12)).toMatchObject({ name: 'svc~20261126', group: 'kept', status: 1 });
    expect(client.record(13)).toMatchObject({ name: 'svc', group: 'new', status: 1 });
    expect(audit.map((a) => [a.action, a.step, a.id, a.outcome])).toEqual([
      ['rotate', 'rename', 12, 'ok'],
      ['rotate', 'create', 13, 'ok'],
    ]);
  });

  it('says the rename failed and nothing else happened', async () => {
    const { client, plan } = setup();
    client.faults.push({ method: 'update', id: 12, when: 'before', error: new Error('boom') });
    const { result } = await run(client, plan);
    expect(result.entries[0]).toMatchObject({
      action: 'rotate',
      outcome: 'failed',
      failed_step: 'rename',
    });
    expect(result.entries[0]?.detail).toMatch(
      /^failed at rename: .*boom.*; the current key is unchanged$/,
    );
    expect(client.records().map((k) => k.name)).toEqual(['svc']);
  });

  it('says the create failed after the rename, and that the next plan creates the successor', async () => {
    const { client, plan } = setup();
    client.faults.push({ method: 'create', when: 'before', error: new Error('down') });
    const { result } = await run(client, plan);
    expect(result.entries[0]).toMatchObject({ outcome: 'failed', failed_step: 'create' });
    expect(result.entries[0]?.detail).toMatch(
      /^id 12 renamed "svc~20261126", failed at create: .*down.*; the next plan creates the successor$/,
    );
    // The next plan: a create of the successor, not a new rotation.
    const next = realPlan(
      [aNewKey('svc', { rotate: { after_days: 90, overlap_days: 7 }, deliver: ['x'] })],
      client.records(),
    );
    expect(next.changes.map((c) => [c.action, c.name])).toEqual([['create', 'svc']]);
    expect(renderPlan(next, { format: 'markdown', color: false, quotaPerUsd: 500_000 })).toContain(
      'secret → x',
    );
  });
});

describe('deliveryTracker', () => {
  it('takes the last delivery line per key and sink', () => {
    const line = (id: number, sink: string, outcome: string) =>
      JSON.stringify({ time: 't', id, name: 'n', action: 'deliver', sink, outcome });
    const text = [
      line(1, 'a', 'error'),
      line(1, 'a', 'ok'),
      line(2, 'a', 'ok'),
      line(2, 'b', 'error'),
      JSON.stringify({ id: 3, action: 'rotate', step: 'create', outcome: 'error' }),
      'not json "deliver"',
      line(4, 'a', 'ok'),
      line(4, 'a', 'error'),
      '',
    ].join('\n');
    const tracker = deliveryTracker();
    for (const l of text.split('\n')) tracker.add(l);
    expect([...tracker.undelivered()].sort()).toEqual([2, 4]);
  });
});
