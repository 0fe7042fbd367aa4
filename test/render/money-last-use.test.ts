/**
 * The money line in every format, and the drift report's last-use section
 * (docs/plan-format.md#the-money-line, docs/plan-format.md#last-use).
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/model.js';
import { renderPlan, type RenderOptions } from '../../src/render/index.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { DAY, NOW_SEC, planOf } from '../plan/helpers.js';

const TEXT: RenderOptions = { format: 'text', color: false, quotaPerUsd: 500_000 };

function moneyPlan(): Plan {
  return planOf(
    [
      aDesiredKey({ name: 'new', quota: { kind: 'budget', amount: 5_000_000 } }),
      aDesiredKey({ name: 'free', quota: { kind: 'unlimited' } }),
      aDesiredKey({ name: 'cut', quota: { kind: 'remain', amount: 1_000_000 } }),
    ],
    [aServerKey({ id: 1, name: 'cut', remain_quota: 2_250_000 })],
  );
}

function idlePlan(): Plan {
  const old = NOW_SEC - 200 * DAY;
  return planOf(
    [
      aDesiredKey({ name: 'idle' }),
      aDesiredKey({ name: 'never' }),
      aDesiredKey({ name: 'soon', expired_time: NOW_SEC + 3 * DAY }),
    ],
    [
      aServerKey({ id: 1, name: 'idle', created_time: old, accessed_time: old + DAY }),
      aServerKey({ id: 2, name: 'never', created_time: old, accessed_time: old }),
      aServerKey({ id: 3, name: 'soon', expired_time: NOW_SEC + 3 * DAY }),
    ],
  );
}

describe('the money line', () => {
  it('follows the summary line in text, in units and dollars', () => {
    const lines = renderPlan(moneyPlan(), TEXT).trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual([
      'Plan: 2 to create, 1 to update, 0 to delete; 0 unchanged, 0 unmanaged.',
      'Quota: 5000000 ($10.00) added, 1250000 ($2.50) removed; 1 new unlimited key.',
    ]);
  });

  it('is in markdown with each $ escaped (GitHub would read $…$ as math)', () => {
    const md = renderPlan(moneyPlan(), { ...TEXT, format: 'markdown' });
    expect(md).toContain(
      '\n\nQuota: 5000000 (\\$10.00) added, 1250000 (\\$2.50) removed; 1 new unlimited key.\n\n',
    );
  });

  it('is in the JSON summary, in quota units', () => {
    const json = JSON.parse(renderPlan(moneyPlan(), { ...TEXT, format: 'json' })) as Plan;
    expect(json.summary).toMatchObject({
      quota_added: 5_000_000,
      quota_removed: 1_250_000,
      new_unlimited: 1,
    });
  });

  it('is left out for a plan saved before the summary carried it', () => {
    const plan = moneyPlan();
    delete plan.summary.quota_added;
    expect(renderPlan(plan, TEXT)).not.toContain('Quota:');
  });
});

describe('last use', () => {
  it('is a warning in a plan, consolidated with the others', () => {
    const text = renderPlan(idlePlan(), TEXT);
    expect(text).not.toContain('Last use');
    expect(text).toContain(
      [
        'Warnings:',
        '  ! "idle" (id 1): not used for 199 days (last used 2026-05-11)',
        '  ! "never" (id 2): never used, created 200 days ago (2026-05-10)',
        '  ! "soon" (id 3): expires in 3 days (2026-11-29)',
      ].join('\n'),
    );
  });

  it('is a section of its own in a drift report, shown with --quiet too', () => {
    const opts: RenderOptions = { ...TEXT, heading: 'drift' };
    const lastUse = [
      'Last use (2 enabled keys unused; 1 never-used, 1 unused):',
      '  ! "idle" (id 1): not used for 199 days (last used 2026-05-11)',
      '  ! "never" (id 2): never used, created 200 days ago (2026-05-10)',
      '',
      'Warnings:',
      '  ! "soon" (id 3): expires in 3 days (2026-11-29)',
    ].join('\n');
    expect(renderPlan(idlePlan(), opts)).toContain(lastUse);
    const quiet = renderPlan(idlePlan(), { ...opts, quiet: true });
    expect(quiet).toContain('Last use (2 enabled keys unused');
    expect(quiet).not.toContain('Warnings:');
  });

  it('has its own collapsed block in a markdown drift report', () => {
    const md = renderPlan(idlePlan(), { ...TEXT, format: 'markdown', heading: 'drift' });
    expect(md).toContain(
      '<details><summary>Last use (2 enabled keys unused: 1 never-used, 1 unused)</summary>\n\n' +
        '- `"idle" (id 1)`: not used for 199 days (last used 2026-05-11)\n' +
        '- `"never" (id 2)`: never used, created 200 days ago (2026-05-10)\n',
    );
    expect(md).toContain('<details><summary>Warnings (1: 1 expiring)</summary>');
  });
});
