/**
 * A server answer that leaves out editable fields never becomes a body (issue 11 defect 1):
 * the key is read again before the next call, and a record that is still incomplete is
 * `failed: incomplete record from server` with nothing sent.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { ServerKey } from '../../src/model.js';
import { BASE, ok, setupClient, wire } from '../api/client-setup.js';
import { aServerKey } from '../helpers/builders.js';
import { nockOnly } from '../helpers/offline.js';
import { declared, realPlan } from './real-plans.js';

nockOnly();

const NOW = new Date('2026-11-26T12:00:00Z');
const STORED: ServerKey = aServerKey({
  id: 7,
  name: 'guarded',
  status: 2,
  allow_ips: '10.0.0.1',
  model_limits_enabled: true,
  model_limits: 'gpt-4o',
  group: 'team',
});
const FUTURE = Math.floor(NOW.getTime() / 1000) + 86_400 * 365;

/** The answer of a server that leaves out the newer editable fields. */
function partial(record: ServerKey): Record<string, unknown> {
  const {
    allow_ips: _a,
    model_limits: _m,
    model_limits_enabled: _e,
    group: _g,
    cross_group_retry: _c,
    ...rest
  } = wire(record);
  return rest;
}

/** Enabling with a new expiry: the plain update first, then the status call. */
function enablingPlan() {
  return realPlan([declared(STORED, { status: 1, expired_time: FUTURE })], [STORED], { now: NOW });
}

describe('an update answer without editable fields', () => {
  it('is read again, so the enabling status call carries the stored allow-list, limits and group', async () => {
    const updated = { ...STORED, expired_time: FUTURE };
    let statusBody: Record<string, unknown> | undefined;
    const scope = nock(BASE)
      .get('/api/token/7')
      .reply(200, ok(wire(STORED)))
      .put('/api/token/')
      .reply(200, ok(partial(updated)))
      .get('/api/token/7')
      .reply(200, ok(wire(updated)))
      .put('/api/token/')
      .query({ status_only: 'true' })
      .reply(200, (_uri, body) => {
        statusBody = body as Record<string, unknown>;
        return ok(wire({ ...updated, status: 1 }));
      });
    const plan = enablingPlan();
    expect(plan.changes[0]?.sequence).toEqual(['update', 'enable']);
    const result = await applyPlan({
      plan,
      client: setupClient().client,
      parallelism: 1,
      now: () => NOW,
    });

    expect(result.entries).toMatchObject([{ name: 'guarded', outcome: 'applied' }]);
    expect(statusBody).toMatchObject({
      id: 7,
      status: 1,
      allow_ips: '10.0.0.1',
      model_limits_enabled: true,
      model_limits: 'gpt-4o',
      group: 'team',
      expired_time: FUTURE,
    });
    expect(scope.isDone()).toBe(true);
  });

  it('read again and still incomplete: failed, and the status call is never sent', async () => {
    const updated = { ...STORED, expired_time: FUTURE };
    const scope = nock(BASE)
      .get('/api/token/7')
      .reply(200, ok(wire(STORED)))
      .put('/api/token/')
      .reply(200, ok(partial(updated)))
      .get('/api/token/7')
      .reply(200, ok(partial(updated)));
    const result = await applyPlan({
      plan: enablingPlan(),
      client: setupClient().client,
      parallelism: 1,
      now: () => NOW,
    });
    expect(result.entries).toMatchObject([
      {
        name: 'guarded',
        outcome: 'failed',
        detail:
          'incomplete record from server (key 7 has no model_limits_enabled, model_limits, allow_ips, group, cross_group_retry); nothing was sent',
      },
    ]);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a fresh record that lacks fields is refused before the first write', async () => {
    const scope = nock(BASE)
      .get('/api/token/7')
      .reply(200, ok(partial(STORED)));
    const result = await applyPlan({
      plan: enablingPlan(),
      client: setupClient().client,
      parallelism: 1,
      now: () => NOW,
    });
    expect(result.entries[0]).toMatchObject({ outcome: 'failed' });
    expect(result.entries[0]?.detail).toMatch(/^incomplete record from server/);
    expect(result.writes).toBe(0);
    expect(scope.isDone()).toBe(true);
  });
});
