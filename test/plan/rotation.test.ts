/** The planner's rotation (docs/rotation.md): generations, due rotations, retirement, warnings. */
import { describe, expect, it } from 'vitest';
import type { DesiredKey, ServerKey } from '../../src/model.js';
import { defaultSettings } from '../../src/config/types.js';
import { countDrift } from '../../src/plan/drift.js';
import { evaluateSafety } from '../../src/plan/safety.js';
import type { Plan, RotateChange } from '../../src/plan/model.js';
import { checkPlanAuthority } from '../../src/plan/plan-check.js';
import { serializePlan, validatePlanObject } from '../../src/plan/plan-file.js';
import { renderPlan } from '../../src/render/index.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { DAY, NOW_SEC, planOf } from './helpers.js';

const ROTATING = (over: Partial<DesiredKey> = {}): DesiredKey =>
  aDesiredKey({
    name: 'backend-prod',
    deliver: ['local'],
    rotate: { after_days: 90, overlap_days: 7, delete_after_days: 30 },
    ...over,
  });

const current = (over: Partial<ServerKey> = {}): ServerKey =>
  aServerKey({
    id: 40,
    name: 'backend-prod',
    created_time: NOW_SEC - 10 * DAY,
    accessed_time: NOW_SEC - 10 * DAY,
    ...over,
  });

const text = (p: ReturnType<typeof planOf>) =>
  renderPlan(p, { format: 'text', color: false, quotaPerUsd: 500_000 });

describe('rotation in the planner', () => {
  it('plans one rotate change for a key older than after_days, with its steps', () => {
    const plan = planOf([ROTATING()], [current({ id: 12, created_time: NOW_SEC - 93 * DAY })]);
    expect(plan.changes).toHaveLength(1);
    const c = plan.changes[0] as RotateChange;
    expect(c.action).toBe('rotate');
    expect(c.id).toBe(12);
    expect(c.sequence).toEqual(['rename', 'create']);
    expect(c.rotation).toEqual({
      rename_to: 'backend-prod~20261126',
      age_days: 93,
      steps: [
        { step: 'rename', id: 12, from: 'backend-prod', to: 'backend-prod~20261126' },
        { step: 'create', name: 'backend-prod' },
        { step: 'reveal' },
        { step: 'deliver', sinks: ['local'] },
      ],
    });
    // The successor gets the full budget, as a create.
    expect(c.planned.quota_budget).toBe(5_000_000);
    expect(c.planned.name).toBe('backend-prod');
    expect(c.precondition.kind).toBe('record');
    expect(plan.summary).toMatchObject({ create: 0, update: 0, delete: 0, rotate: 1 });
    expect(countDrift(plan)).toBe(1);
    const out = text(plan);
    expect(out).toContain('↻ rotate "backend-prod" (id 12, 93 days old)');
    expect(out).toContain('rename id 12 → "backend-prod~20261126"');
    expect(out).toContain('deliver → local');
    expect(out).toContain('0 to delete, 1 to rotate;');
    const md = renderPlan(plan, { format: 'markdown', color: false, quotaPerUsd: 500_000 });
    expect(md).toContain(
      '<code>↻</code> rotate <code>&quot;backend-prod&quot;</code> (id 12, 93 days old)',
    );
    expect(md).toContain('! rename id 12 → "backend-prod~20261126"');
  });

  it('does not rotate a younger key, and plans its drift as an update', () => {
    const young = current({ created_time: NOW_SEC - 89 * DAY, group: 'other' });
    const plan = planOf([ROTATING()], [young]);
    expect(plan.changes.map((c) => c.action)).toEqual(['update']);
    expect(plan.summary.rotate).toBeUndefined();
    expect(planOf([ROTATING()], [current({ created_time: NOW_SEC - 89 * DAY })]).changes).toEqual(
      [],
    );
  });

  it('rotates with --rotate whatever the age, and refuses --rotate of a key without rotate', () => {
    const plan = planOf([ROTATING()], [current()], { rotate: ['backend-prod'] });
    const c = plan.changes[0] as RotateChange;
    expect(c.rotation.forced).toBe(true);
    expect(text(plan)).toContain('(id 40, 10 days old, --rotate)');
    expect(() => planOf([aDesiredKey({ name: 'x' })], [], { rotate: ['x'] })).toThrow(
      /--rotate "x": no key of that name declares rotate/,
    );
  });

  it('does not rotate a key whose successor would have no quota, and says why', () => {
    const d = ROTATING({ quota: null, ignore_changes: ['remain_quota'] });
    const plan = planOf([d], [current({ created_time: NOW_SEC - 100 * DAY })]);
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.map((w) => w.kind)).toEqual(['rotation-blocked']);
  });

  it('names a second rotation the same day ~2, and takes generations out of matching', () => {
    const gen = aServerKey({
      id: 30,
      name: 'backend-prod~20261126',
      created_time: NOW_SEC - 200 * DAY,
    });
    const plan = planOf([ROTATING()], [gen, current()], { rotate: ['backend-prod'] });
    expect((plan.changes[0] as RotateChange).rotation.rename_to).toBe('backend-prod~20261126~2');
    expect(plan.unmanaged).toEqual([]);
  });

  it('never reports generations as unmanaged nor matches them to another key', () => {
    const gens = [
      aServerKey({ id: 5, name: 'backend-prod~20260101', status: 2 }),
      aServerKey({ id: 6, name: 'backend-prod~20260301~2', status: 2 }),
    ];
    const other = aDesiredKey({ name: 'other', previous_names: ['backend-prod~20260101'] });
    const plan = planOf(
      [ROTATING({ rotate: { after_days: 90, overlap_days: 7 } }), other],
      [...gens, current()],
      { action: 'delete' },
    );
    expect(plan.unmanaged).toEqual([]);
    expect(plan.changes.map((c) => [c.action, c.name])).toEqual([['create', 'other']]);
  });

  it('creates the successor of a renamed predecessor with no current key (not a new rotation)', () => {
    const renamed = aServerKey({
      id: 12,
      name: 'backend-prod~20261126',
      created_time: NOW_SEC - 100 * DAY,
    });
    const plan = planOf([ROTATING()], [renamed]);
    expect(plan.changes.map((c) => [c.action, c.name, c.id])).toEqual([
      ['create', 'backend-prod', null],
    ]);
    expect(plan.changes[0]).toMatchObject({ deliver: ['local'] });
  });

  it('disables a predecessor once the overlap ended (from its successor), then deletes it', () => {
    const pred = aServerKey({
      id: 12,
      name: 'backend-prod~20261101',
      created_time: NOW_SEC - 120 * DAY,
    });
    const inOverlap = planOf([ROTATING()], [pred, current({ created_time: NOW_SEC - 6 * DAY })]);
    expect(inOverlap.changes).toEqual([]);

    const ended = planOf([ROTATING()], [pred, current({ created_time: NOW_SEC - 7 * DAY })]);
    expect(ended.changes).toHaveLength(1);
    expect(ended.changes[0]).toMatchObject({
      action: 'update',
      id: 12,
      matched_by: 'generation',
      fields: [{ field: 'status', before: 1, after: 2 }],
      sequence: ['disable'],
      retirement: { reason: 'overlap_ended', successor_id: 40 },
    });
    expect(text(ended)).toContain(
      '~ update "backend-prod~20261101" (id 12) (predecessor: overlap ended)',
    );
    // Already disabled: nothing until delete_after_days.
    const disabled = { ...pred, status: 2 };
    expect(
      planOf([ROTATING()], [disabled, current({ created_time: NOW_SEC - 29 * DAY })]).changes,
    ).toEqual([]);
    const del = planOf([ROTATING()], [disabled, current({ created_time: NOW_SEC - 30 * DAY })]);
    expect(del.changes[0]).toMatchObject({
      action: 'delete',
      id: 12,
      sequence: ['delete'],
      retirement: { reason: 'delete_after_days', successor_id: 40 },
    });
    // Without delete_after_days a predecessor is never deleted.
    const keep = ROTATING({ rotate: { after_days: 90, overlap_days: 7 } });
    expect(
      planOf([keep], [disabled, current({ created_time: NOW_SEC - 300 * DAY })]).changes.map(
        (c) => c.action,
      ),
    ).toEqual(['rotate']);
  });

  it("counts an older predecessor's days from the next generation, not from the current key", () => {
    const older = aServerKey({ id: 5, name: 'backend-prod~20260801', status: 1 });
    const newer = aServerKey({
      id: 12,
      name: 'backend-prod~20261120',
      created_time: NOW_SEC - 100 * DAY,
    });
    const plan = planOf([ROTATING()], [older, newer, current({ created_time: NOW_SEC - 6 * DAY })]);
    // `older`'s successor is `newer` (100 days): past delete_after_days. `newer` is in its overlap.
    expect(plan.changes.map((c) => [c.action, c.id])).toEqual([['delete', 5]]);
  });

  it('warns in every plan about a predecessor used after its successor was created', () => {
    const pred = aServerKey({
      id: 12,
      name: 'backend-prod~20261125',
      accessed_time: NOW_SEC - 3 * 3600,
    });
    const plan = planOf([ROTATING()], [pred, current({ created_time: NOW_SEC - DAY })]);
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toContainEqual({
      name: 'backend-prod~20261125',
      id: 12,
      kind: 'old-key-used',
      message:
        'backend-prod~20261125 was used 3 h ago, after its successor was created: a consumer still holds the old key',
    });
    // Not once it is disabled.
    const off = planOf(
      [ROTATING()],
      [{ ...pred, status: 2 }, current({ created_time: NOW_SEC - DAY })],
    );
    expect(off.warnings.filter((w) => w.kind === 'old-key-used')).toEqual([]);
  });

  it("holds back a retirement while the audit log shows the successor's secret undelivered", () => {
    const pred = aServerKey({
      id: 12,
      name: 'backend-prod~20261101',
      accessed_time: NOW_SEC - 9 * DAY,
    });
    const plan = planOf([ROTATING()], [pred, current({ created_time: NOW_SEC - 8 * DAY })], {
      undelivered: new Set([40]),
    });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.map((w) => w.kind)).toEqual(['secret-undelivered', 'retirement-held']);
  });

  it('counts a rotation as an update and its budget as quota added in the safety limits', () => {
    const desired = Array.from({ length: 10 }, (_, i) =>
      ROTATING({ name: `k${i}`, quota: { kind: 'budget', amount: 1_000 } }),
    );
    const server = desired.map((d, i) =>
      current({
        id: 100 + i,
        name: d.name,
        created_time: NOW_SEC - 100 * DAY,
        used_quota: 400,
        remain_quota: 600,
      }),
    );
    const plan = planOf(desired, server);
    expect(plan.summary.rotate).toBe(10);
    expect(plan.safety.map((v) => v.limit)).toEqual(['updates']);
    expect(plan.safety[0]?.message).toContain('updates 10 of 10 keys');
    const limits = { ...defaultSettings().safety, maxQuotaIncrease: 9_999 };
    const quota = evaluateSafety(plan.changes, 10, limits).find((v) => v.limit === 'quota');
    expect(quota?.message).toBe('adds 10000 quota > safety.maxQuotaIncrease 9999');
  });
});

describe('a saved plan with rotation changes', () => {
  const pred = aServerKey({ id: 5, name: 'backend-prod~20261101' });
  const plan = planOf(
    [ROTATING({ rotate: { after_days: 90, overlap_days: 7, delete_after_days: 200 } })],
    [pred, current({ id: 12, created_time: NOW_SEC - 100 * DAY })],
  );
  const saved = (): Plan => JSON.parse(serializePlan(plan)) as Plan;
  const check = (p: Plan) =>
    checkPlanAuthority(p, {
      source: 'plan.json',
      quotaPerUsd: 500_000,
      quotaMaxUnits: 2_147_483_647,
    });

  it('validates against the schema and passes the re-check as the planner wrote it', () => {
    expect(plan.changes.map((c) => c.action)).toEqual(['rotate', 'update']);
    expect(validatePlanObject(saved())).toEqual([]);
    expect(() => check(saved())).not.toThrow();
  });

  const tampered: [string, (p: Plan) => void, RegExp][] = [
    [
      'a rename to another key name',
      (p) => {
        const r = (p.changes[0] as RotateChange).rotation;
        r.rename_to = 'victim';
        (r.steps[0] as { to: string }).to = 'victim';
      },
      /rename_to "victim" is not a generation name of "backend-prod"/,
    ],
    [
      'steps that do not follow from the change',
      (p) => {
        (p.changes[0] as RotateChange).deliver = ['elsewhere'];
      },
      /its steps are not the ones its id, names and deliver give/,
    ],
    [
      'a rotate without its rename step in the sequence',
      (p) => {
        p.changes[0]!.sequence = ['create'];
      },
      /its sequence \[create\] is not the one its action and fields give \[rename, create\]/,
    ],
    [
      'a retirement that changes more than status',
      (p) => {
        const c = p.changes[1]!;
        c.fields.push({ field: 'group', before: '', after: 'x' });
        c.planned.group = 'x';
        c.sequence = ['disable', 'update'];
      },
      /a retirement for overlap_ended cannot update these fields/,
    ],
    [
      'a generation change of a key that is not a generation',
      (p) => {
        p.changes[1]!.name = 'someone';
      },
      /"someone" is not a generation name/,
    ],
  ];
  for (const [what, edit, message] of tampered) {
    it(`refuses ${what}`, () => {
      const p = saved();
      edit(p);
      expect(() => check(p)).toThrow(message);
    });
  }
});
