/**
 * Hostile names in the report (docs/commands.md#report, docs/commands.md#hostile-text): CSV
 * quoting (RFC 4180) and formula injection, Mermaid labels that cannot break out of their quotes,
 * markdown tables a `|` cannot split, terminals a control character cannot drive.
 */
import { describe, expect, it } from 'vitest';
import type { ServerKey } from '../../src/model.js';
import { csvField, csvText } from '../../src/report/csv.js';
import { buildReport, renderReport } from '../../src/report/index.js';
import { chartLabel, spendChart } from '../../src/report/mermaid.js';
import { aServerKey } from '../helpers/builders.js';
import { NOW } from '../plan/helpers.js';

const Q = 500_000;
/** What a terminal acts on, which no text output may carry raw. */
const RAW_CONTROLS = ['\x1b', '\r', '\u202e'];
const HOSTILE = 'a"b`c@d\ne\rf\x1b[2J|g\u202eh#1;%%{init}%%';

function reportOf(keys: ServerKey[]) {
  return buildReport({
    server: keys,
    ignoreNames: [],
    warnUnusedDays: 90,
    now: NOW,
    baseUrl: 'https://api.cometapi.com',
  });
}

describe('CSV cells', () => {
  it('quotes fields with quotes, commas and line breaks, doubling quotes (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '=HYPERLINK("http://x","y")'])(
    'defuses a name that a spreadsheet would evaluate: %j',
    (name) => {
      const cell = csvText(name);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(unquoted.startsWith("'")).toBe(true);
    },
  );

  it('leaves an ordinary name alone and escapes control characters', () => {
    expect(csvText('backend-prod')).toBe('backend-prod');
    expect(csvText('a\nb')).toBe('a\\u{a}b');
    // A leading tab or CR is escaped first, so it cannot start a formula either.
    expect(csvText('\t=1')).toBe('\\u{9}=1');
    expect(csvText('=x,y')).toBe(`"'=x,y"`);
  });

  it('keeps a hostile name in one cell of one row', () => {
    const csv = renderReport(reportOf([aServerKey({ id: 7, name: HOSTILE })]), 'csv', Q);
    const rows = csv.split('\r\n');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(
      /^"a""b`c@d\\u\{a\}e\\u\{d\}f\\u\{1b\}\[2J\|g\\u\{202e\}h#1;%%\{init\}%%",7,/,
    );
  });
});

describe('Mermaid labels', () => {
  it('replaces everything that could leave the quotes, the line or the fence', () => {
    const label = chartLabel(HOSTILE);
    expect(label).toBe('a_b_c_d_e_f__2J_g_h_1____init___');
    for (const c of ['"', '`', '@', '#', '%', ';', '\n', '\r', '\x1b', '\u202e', '{', '<', ':'])
      expect(label).not.toContain(c);
  });

  it('keeps letters of every script, digits and plain punctuation; shortens long names', () => {
    expect(chartLabel('后端-生产 key_1.0 (eu)/v2+')).toBe('后端-生产 key_1.0 (eu)/v2+');
    expect(chartLabel('x'.repeat(40))).toBe(`${'x'.repeat(31)}…`);
    expect(chartLabel('"""')).toBe('___');
    expect(chartLabel('\u200b')).toBe('_');
  });

  it('charts the 20 that spent most, nothing that spent nothing; repeated labels get ids', () => {
    const keys = Array.from({ length: 25 }, (_, i) =>
      aServerKey({ id: i + 1, name: i < 2 ? 'a"b' : `k${i}`, used_quota: (i + 1) * Q }),
    );
    keys.push(aServerKey({ id: 99, name: 'zero', used_quota: 0 }));
    const chart = spendChart(reportOf(keys).keys, Q) ?? '';
    const axis = chart.split('\n').find((l) => l.includes('x-axis')) ?? '';
    expect(axis.match(/"[^"]*"/g)).toHaveLength(20);
    expect(chart).toContain('"k24", "k23"');
    expect(chart).toContain('    bar [25, 24, 23,');
    expect(chart).not.toContain('zero');
    const few = spendChart(reportOf(keys.slice(0, 2)).keys, Q) ?? '';
    expect(few).toContain('x-axis ["a_b (2)", "a_b (1)"]');
    expect(spendChart(reportOf([aServerKey({ used_quota: 0 })]).keys, Q)).toBeNull();
  });
});

describe('hostile names in text, markdown and JSON', () => {
  const report = () => reportOf([aServerKey({ id: 7, name: HOSTILE, used_quota: Q })]);

  it('escapes control characters in text: no raw ESC, CR, LF or bidi in a row', () => {
    const text = renderReport(report(), 'text', Q);
    for (const c of RAW_CONTROLS) expect(text).not.toContain(c);
    expect(text.split('\n')[1]).toContain(
      '"a\\"b`c@d\\u{a}e\\u{d}f\\u{1b}[2J|g\\u{202e}h#1;%%{init}%%"',
    );
  });

  it('keeps a table row whole in markdown: the name in code, its | escaped', () => {
    const md = renderReport(report(), 'markdown', Q);
    const row = md.split('\n').find((l) => l.includes('| 7 |')) ?? '';
    expect(row.startsWith('| `')).toBe(true);
    expect(row).toContain('\\|g');
    // Unescaped pipes: the 9 borders of the 8 cells only.
    expect(row.replace(/\\\|/g, '').match(/\|/g)).toHaveLength(9);
    for (const c of RAW_CONTROLS) expect(md).not.toContain(c);
  });

  it('never prints a secret, even one a record still carried', () => {
    const k = aServerKey({ id: 8, name: 'k' }) as ServerKey & { key: string };
    k.key = 'sk-secret-value';
    for (const format of ['text', 'markdown', 'json', 'csv'] as const) {
      expect(renderReport(reportOf([k]), format, Q)).not.toContain('secret-value');
    }
  });
});
