import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/config/types.js';
import { formatDiagnostics } from '../../src/desired/index.js';
import type { Diagnostic, DesiredKey, ServerKey } from '../../src/model.js';
import { createPlan } from '../../src/plan/create-plan.js';
import type { Plan } from '../../src/plan/model.js';
import { renderPlan, type RenderOptions } from '../../src/render/index.js';
import { consolidate } from '../../src/values/index.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const NOW_SEC = NOW.getTime() / 1000;
const DAY = 86_400;

function planOf(
  desired: DesiredKey[],
  server: ServerKey[],
  unmanaged: { action?: 'ignore' | 'disable' | 'delete'; ignoreNames?: string[] } = {},
): Plan {
  const settings = defaultSettings();
  settings.unmanaged.action = unmanaged.action ?? 'ignore';
  settings.unmanaged.ignoreNames = unmanaged.ignoreNames ?? [];
  settings.safety.maxDeletePercent = 100;
  return createPlan({
    desired,
    server,
    settings,
    now: NOW,
    baseUrl: 'http://127.0.0.1:1',
    userId: 1,
    toolVersion: '1.0.0',
  });
}

const name = (i: number): string => `key-${String(i).padStart(4, '0')}`;

/** 500 keys expiring in 5 days and 2 that cannot serve (spent budget): two kinds. */
function noisyPlan(): Plan {
  const desired: DesiredKey[] = [];
  const server: ServerKey[] = [];
  for (let i = 1; i <= 500; i++) {
    const expiry = NOW_SEC + 5 * DAY;
    desired.push(aDesiredKey({ name: name(i), expired_time: expiry }));
    server.push(aServerKey({ id: i, name: name(i), expired_time: expiry }));
  }
  for (const id of [501, 502]) {
    desired.push(aDesiredKey({ name: name(id), quota: { kind: 'budget', amount: 100 } }));
    server.push(aServerKey({ id, name: name(id), remain_quota: 0, used_quota: 100, status: 4 }));
  }
  return planOf(desired, server);
}

const TEXT: RenderOptions = { format: 'text', color: false, quotaPerUsd: 500_000 };

/** The lines of the text output's warning section. */
function warningSection(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf('Warnings:');
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start, end);
}

describe('consolidated warnings (SPEC §13)', () => {
  it('groups by kind: the first 3 of each, then one line for the rest', () => {
    const items = ['a1', 'b1', 'a2', 'a3', 'a4', 'a5', 'b2'];
    expect(consolidate(items, (s) => s[0])).toEqual([
      { item: 'a1' },
      { item: 'b1' },
      { item: 'a2' },
      { item: 'a3' },
      { kind: 'a', more: 2 },
      { item: 'b2' },
    ]);
    expect(consolidate(items, (s) => (s[0] === 'b' ? undefined : s[0]), 1)).toEqual([
      { item: 'a1' },
      { kind: 'a', more: 4 },
      { item: 'b1' },
      { item: 'b2' },
    ]);
  });

  it('shows 500 similar warnings in a few lines of text; JSON holds all 500', () => {
    const plan = noisyPlan();
    expect(plan.warnings).toHaveLength(502);
    const text = renderPlan(plan, TEXT);
    const section = warningSection(text);
    expect(section.length).toBeLessThanOrEqual(10);
    expect(section).toMatchInlineSnapshot(`
      [
        "Warnings:",
        "  ! "key-0001" (id 1): expires in 5 days (2026-12-01)",
        "  ! "key-0002" (id 2): expires in 5 days (2026-12-01)",
        "  ! "key-0003" (id 3): expires in 5 days (2026-12-01)",
        "  (and 497 more like this; --all-warnings shows them)",
        "  ! "key-0501" (id 501): declared enabled but cannot serve requests (its quota budget is spent); it stays exhausted",
        "  ! "key-0502" (id 502): declared enabled but cannot serve requests (its quota budget is spent); it stays exhausted",
      ]
    `);
    const json = JSON.parse(renderPlan(plan, { ...TEXT, format: 'json' })) as Plan;
    expect(json.warnings.filter((w) => w.kind === 'expiring')).toHaveLength(500);
    expect(json.warnings.filter((w) => w.kind === 'cannot-serve')).toHaveLength(2);
  });

  it('--all-warnings shows every one; --quiet none', () => {
    const plan = noisyPlan();
    expect(warningSection(renderPlan(plan, { ...TEXT, allWarnings: true }))).toHaveLength(503);
    const quiet = renderPlan(plan, { ...TEXT, quiet: true });
    expect(warningSection(quiet)).toEqual([]);
    expect(quiet).toContain('No changes. 502 keys match the key files.');
  });

  it('puts markdown warnings in one collapsed block with counts by kind', () => {
    const md = renderPlan(noisyPlan(), { ...TEXT, format: 'markdown' });
    expect(md.match(/<details>/g)).toHaveLength(1);
    expect(md).toContain(
      '<details><summary>Warnings (502: 500 expiring, 2 cannot-serve)</summary>',
    );
    expect(md).toContain('- (and 497 more like this; `--all-warnings` shows them)');
    expect(md.match(/expires in 5 days/g)).toHaveLength(3);
  });

  it('consolidates key-file warnings on stderr by kind; errors are never grouped', () => {
    const at = (line: number, severity: 'error' | 'warning', kind?: string): Diagnostic => ({
      severity,
      file: 'keys.yaml',
      line,
      col: 7,
      path: `keys[${line}].allow_ips[0]`,
      message: severity === 'error' ? `bad entry ${line}` : `"10.0.0.${line}/8" has host bits set`,
      ...(kind ? { kind } : {}),
    });
    const diags = [
      ...Array.from({ length: 40 }, (_, i) => at(i + 1, 'warning', 'host-bits')),
      at(50, 'error'),
      at(51, 'error'),
    ];
    expect(formatDiagnostics(diags)).toMatchInlineSnapshot(`
      "keys.yaml:1:7: warning: keys[1].allow_ips[0]: "10.0.0.1/8" has host bits set
      keys.yaml:2:7: warning: keys[2].allow_ips[0]: "10.0.0.2/8" has host bits set
      keys.yaml:3:7: warning: keys[3].allow_ips[0]: "10.0.0.3/8" has host bits set
      warning: (and 37 more like this; --all-warnings shows them)
      keys.yaml:50:7: error: keys[50].allow_ips[0]: bad entry 50
      keys.yaml:51:7: error: keys[51].allow_ips[0]: bad entry 51
      "
    `);
    expect(formatDiagnostics(diags, { allWarnings: true }).split('\n')).toHaveLength(43);
    expect(formatDiagnostics(diags, { quiet: true })).toBe(
      'keys.yaml:50:7: error: keys[50].allow_ips[0]: bad entry 50\n' +
        'keys.yaml:51:7: error: keys[51].allow_ips[0]: bad entry 51\n',
    );
  });
});

describe('unmanaged keys (SPEC §13)', () => {
  const stray = (n: number): ServerKey[] =>
    Array.from({ length: n }, (_, i) => aServerKey({ id: 100 + i, name: name(100 + i) }));

  it('shows a count and at most 10 names; the summary says they are left alone', () => {
    const plan = planOf([], stray(2000));
    expect(plan.warnings).toEqual([]);
    const text = renderPlan(plan, TEXT);
    expect(text.split('\n').length).toBeLessThan(20);
    expect(text).toMatchInlineSnapshot(`
      "Unmanaged (2000; left alone: unmanaged.action is ignore):
        "key-0100" (id 100)
        "key-0101" (id 101)
        "key-0102" (id 102)
        "key-0103" (id 103)
        "key-0104" (id 104)
        "key-0105" (id 105)
        "key-0106" (id 106)
        "key-0107" (id 107)
        "key-0108" (id 108)
        "key-0109" (id 109)
        (and 1990 more; --format json lists all)

      No changes. 0 keys match the key files. 2000 unmanaged (left alone: unmanaged.action is ignore).
      Quota: 0 ($0.00) added, 0 ($0.00) removed; 0 new unlimited keys.
      "
    `);
    const json = JSON.parse(renderPlan(plan, { ...TEXT, format: 'json' })) as Plan;
    expect(json.unmanaged).toHaveLength(2000);
    expect(json.summary.unmanaged).toBe(2000);
  });

  it('says what the unmanaged action does, per fate when they differ', () => {
    const disabled = planOf([aDesiredKey({ name: 'a' })], [aServerKey({ id: 1, name: 'b' })], {
      action: 'disable',
    });
    expect(renderPlan(disabled, TEXT)).toContain(
      '1 unmanaged (disabled: unmanaged.action is disable).',
    );
    const mixed = planOf(
      [aDesiredKey({ name: 'a' })],
      [aServerKey({ id: 1, name: 'b' }), aServerKey({ id: 2, name: 'ops-1' })],
      { action: 'delete', ignoreNames: ['ops-*'] },
    );
    expect(renderPlan(mixed, TEXT)).toContain(
      '2 unmanaged (1 deleted: unmanaged.action is delete; 1 left alone: unmanaged.ignoreNames).',
    );
    const md = renderPlan(mixed, { ...TEXT, format: 'markdown' });
    expect(md).toContain(
      '<details><summary>Unmanaged (2; 1 deleted: unmanaged.action is delete; 1 left alone: unmanaged.ignoreNames)</summary>',
    );
  });

  it('names at most 10 in markdown, pointing to the JSON for the rest', () => {
    const md = renderPlan(planOf([], stray(25)), { ...TEXT, format: 'markdown' });
    expect(md.match(/^- `"key-/gm)).toHaveLength(10);
    expect(md).toContain('- (and 15 more; `--format json` lists all)');
  });
});
