/**
 * `cometkeys report` as data and in each format (docs/commands.md#report): sorted by spend, with
 * totals, managed keys from the key files, last use at a fixed now.
 */
import { describe, expect, it } from 'vitest';
import type { ServerKey } from '../../src/model.js';
import { buildReport, renderReport, type Report } from '../../src/report/index.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { DAY, NOW, NOW_SEC } from '../plan/helpers.js';

const Q = 500_000;
const CREATED = NOW_SEC - 300 * DAY;

function server(): ServerKey[] {
  return [
    aServerKey({
      id: 1,
      name: 'backend-prod',
      remain_quota: 30_000_000,
      used_quota: 20_000_000,
      expired_time: Date.UTC(2027, 5, 30) / 1000,
      created_time: CREATED,
      accessed_time: NOW_SEC - 3600,
    }),
    aServerKey({
      id: 2,
      name: 'ci-runner',
      unlimited_quota: true,
      remain_quota: -1_000_000,
      used_quota: 5_000_000,
      created_time: CREATED,
      accessed_time: NOW_SEC - 120 * DAY,
    }),
    aServerKey({ id: 3, name: 'idle', created_time: CREATED, accessed_time: CREATED }),
    aServerKey({
      id: 4,
      name: 'old',
      status: 2,
      used_quota: 5_000_000,
      remain_quota: 0,
      created_time: CREATED,
      accessed_time: CREATED + DAY,
    }),
  ];
}

function reportOf(withFiles: boolean): Report {
  return buildReport({
    server: server(),
    desired: withFiles
      ? [aDesiredKey({ name: 'backend-prod' }), aDesiredKey({ name: 'idle' })]
      : undefined,
    ignoreNames: [],
    warnUnusedDays: 90,
    now: NOW,
    baseUrl: 'https://api.cometapi.com',
  });
}

describe('buildReport', () => {
  it('sorts by spent, most first, then by name and id', () => {
    expect(reportOf(false).keys.map((k) => [k.name, k.spent])).toEqual([
      ['backend-prod', 20_000_000],
      ['ci-runner', 5_000_000],
      ['old', 5_000_000],
      ['idle', 0],
    ]);
  });

  it('computes budget and share of limited keys, none for unlimited ones', () => {
    const [prod, ci, old] = reportOf(false).keys;
    expect(prod).toMatchObject({ budget: 50_000_000, share_used: 0.4, unlimited: false });
    expect(ci).toMatchObject({ budget: null, share_used: null, unlimited: true });
    expect(old).toMatchObject({ budget: 5_000_000, share_used: 1 });
  });

  it('judges last use of enabled keys only, and sums the totals', () => {
    const r = reportOf(false);
    expect(r.keys.map((k) => [k.name, k.unused?.kind ?? null, k.never_used])).toEqual([
      ['backend-prod', null, false],
      ['ci-runner', 'unused', false],
      ['old', null, false],
      ['idle', 'never-used', true],
    ]);
    expect(r.totals).toEqual({
      keys: 4,
      unlimited: 1,
      spent: 30_000_000,
      budget: 60_000_000,
      spent_limited: 25_000_000,
      share_used: 25 / 60,
      managed: null,
      unmanaged: null,
      unused: 2,
    });
  });

  it('marks the keys the key files declare as managed, when files were read', () => {
    const r = reportOf(true);
    expect(r.keys.map((k) => [k.name, k.managed])).toEqual([
      ['backend-prod', true],
      ['ci-runner', false],
      ['old', false],
      ['idle', true],
    ]);
    expect(r.totals).toMatchObject({ managed: 2, unmanaged: 2 });
    expect(reportOf(false).keys.every((k) => k.managed === null)).toBe(true);
  });
});

describe('report formats', () => {
  it('prints an aligned text table, the last-use section and the totals', () => {
    expect(renderReport(reportOf(true), 'text', Q)).toBe(
      [
        'NAME            ID  STATUS    SPENT              BUDGET              USED    EXPIRES     LAST USE    MANAGED',
        '"backend-prod"  1   enabled   20000000 ($40.00)  50000000 ($100.00)  40.0%   2027-06-30  2026-11-26  yes',
        '"ci-runner"     2   enabled   5000000 ($10.00)   unlimited           —       never       2026-07-29  no',
        '"old"           4   disabled  5000000 ($10.00)   5000000 ($10.00)    100.0%  never       2026-01-31  no',
        '"idle"          3   enabled   0 ($0.00)          5000000 ($10.00)    0.0%    never       never       yes',
        '',
        'Last use (2 enabled keys unused for more than 90 days):',
        '  ! "ci-runner" (id 2): not used for 120 days (last used 2026-07-29)',
        '  ! "idle" (id 3): never used, created 300 days ago (2026-01-30)',
        '',
        'Total: 4 keys (1 unlimited); spent 30000000 ($60.00); limited keys used 25000000 ($50.00) of ' +
          '60000000 ($120.00) (41.7%); 2 managed, 2 unmanaged; 2 enabled keys unused for more than 90 days.',
        '',
      ].join('\n'),
    );
  });

  it('leaves the MANAGED column out without key files', () => {
    const text = renderReport(reportOf(false), 'text', Q);
    expect(text.split('\n')[0]).not.toContain('MANAGED');
    expect(text).not.toContain('managed,');
  });

  it('writes markdown with a chart, a table and $ escaped against math', () => {
    const md = renderReport(reportOf(true), 'markdown', Q);
    expect(md).toContain(
      [
        '```mermaid',
        'xychart-beta',
        '    title "Top 3 keys by spend (USD)"',
        '    x-axis ["backend-prod", "ci-runner", "old"]',
        '    y-axis "Spent (USD)"',
        '    bar [40, 10, 10]',
        '```',
      ].join('\n'),
    );
    expect(md).toContain(
      '| Name | ID | Status | Spent | Budget | Used | Expires | Last use | Managed |',
    );
    expect(md).toContain(
      '| `"backend-prod"` | 1 | enabled | 20000000 (\\$40.00) | 50000000 (\\$100.00) | 40.0% | 2027-06-30 | 2026-11-26 | yes |',
    );
    expect(md).toContain(
      '<details><summary>Last use (2 enabled keys unused for more than 90 days)</summary>',
    );
    expect(md).not.toMatch(/[^\\]\$\d/);
  });

  it('writes JSON with every key and the totals', () => {
    const json = JSON.parse(renderReport(reportOf(true), 'json', Q)) as Report;
    expect(json.format_version).toBe(1);
    expect(json.keys).toHaveLength(4);
    expect(json.keys[1]).toMatchObject({
      name: 'ci-runner',
      unused: { kind: 'unused', days: 120 },
      managed: false,
    });
    expect(json.totals.spent).toBe(30_000_000);
  });

  it('writes CSV: a header, CRLF rows in report order, numbers as numbers', () => {
    const lines = renderReport(reportOf(true), 'csv', Q).split('\r\n');
    expect(lines[0]).toBe(
      'name,id,status,spent_quota,spent_usd,budget_quota,budget_usd,share_used,remain_quota,unlimited,expires,last_used,unused_days,managed',
    );
    expect(lines.slice(1)).toEqual([
      'backend-prod,1,1,20000000,40.00,50000000,100.00,0.4,30000000,false,2027-06-30,2026-11-26T11:00:00Z,,true',
      'ci-runner,2,1,5000000,10.00,,,,-1000000,true,never,2026-07-29T12:00:00Z,120,false',
      'old,4,2,5000000,10.00,5000000,10.00,1,0,false,never,2026-01-31T12:00:00Z,,false',
      'idle,3,1,0,0.00,5000000,10.00,0,5000000,false,never,never,300,true',
      '',
    ]);
  });
});
