import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/config/types.js';
import { createPlan } from '../../src/plan/create-plan.js';
import { renderPlan } from '../../src/render/index.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';

const NOW = new Date('2026-11-26T12:00:00Z');

function plan(opts: { action?: 'ignore' | 'disable'; targets?: string[] } = {}) {
  const settings = defaultSettings();
  settings.unmanaged.action = opts.action ?? 'ignore';
  return createPlan({
    desired: [aDesiredKey({ name: 'renamed', previous_names: ['old'], group: 'g' })],
    server: [aServerKey({ id: 4, name: 'old' }), aServerKey({ id: 5, name: 'stray' })],
    settings,
    now: NOW,
    baseUrl: 'http://127.0.0.1:1',
    userId: null,
    toolVersion: 't',
    ...(opts.targets ? { targets: opts.targets } : {}),
  });
}

describe('text details', () => {
  it('marks adoption by previous name and the unmanaged action', () => {
    const text = renderPlan(plan({ action: 'disable' }), {
      format: 'text',
      color: false,
      quotaPerUsd: 500_000,
    });
    expect(text).toContain(
      '  ~ update "renamed" (id 4) (matched by previous name)\n      ~ name: "old" → "renamed"\n      ~ group: "" → "g"\n',
    );
    expect(text).toContain(
      '  ~ update "stray" (id 5) (unmanaged: disable)\n      ~ status: enabled → disabled\n',
    );
  });

  it('says when the plan is restricted by --target', () => {
    const text = renderPlan(plan({ targets: ['ren*'] }), {
      format: 'text',
      color: false,
      quotaPerUsd: 500_000,
    });
    expect(text.split('\n')[0]).toBe('Targeted plan (--target ren*): other keys are not planned.');
  });
});

describe('markdown details', () => {
  it('heads a drift report with the count', () => {
    const md = renderPlan(plan({ action: 'disable' }), {
      format: 'markdown',
      color: false,
      quotaPerUsd: 500_000,
      heading: 'drift',
    });
    expect(md.split('\n')[0]).toBe('### cometkeys drift report: 2 keys drifted');
  });

  it('leaves unchanged keys out', () => {
    const settings = defaultSettings();
    const p = createPlan({
      desired: [aDesiredKey({ name: 'same' }), aDesiredKey({ name: 'other', group: 'g' })],
      server: [aServerKey({ id: 1, name: 'same' }), aServerKey({ id: 2, name: 'other' })],
      settings,
      now: NOW,
      baseUrl: 'x',
      userId: 1,
      toolVersion: 't',
    });
    const md = renderPlan(p, { format: 'markdown', color: false, quotaPerUsd: 500_000 });
    expect(md).toContain('&quot;other&quot;');
    expect(md).not.toContain('same');
  });
});

describe('terminal safety', () => {
  it('quotes stored list entries that hold control characters', () => {
    const p = createPlan({
      desired: [aDesiredKey({ name: 'k', model_limits_enabled: true, model_limits: ['a'] })],
      server: [
        aServerKey({ id: 1, name: 'k', model_limits_enabled: true, model_limits: 'a,\u001b[2Jx' }),
      ],
      settings: defaultSettings(),
      now: NOW,
      baseUrl: 'x',
      userId: 1,
      toolVersion: 't',
    });
    const text = renderPlan(p, { format: 'text', color: false, quotaPerUsd: 500_000 });
    expect(text).not.toContain('\u001b');
    expect(text).toContain('-     "\\u{1b}[2Jx"');
  });
});
