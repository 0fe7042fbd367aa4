/**
 * `auto_groups` (newest servers): managed only when a key file declares it, compared as a set,
 * never sent in a body unless the plan sets it. One test per layer it passes through.
 */
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { buildStatusBody, buildUpdateBody } from '../../src/api/body.js';
import { parseRecord } from '../../src/api/record.js';
import { buildCreateFields, buildUpdateValues } from '../../src/apply/values.js';
import { defaultSettings } from '../../src/config/types.js';
import { formatDiagnostics, loadKeyFileText } from '../../src/desired/index.js';
import { exportKeyFile } from '../../src/export/export-keys.js';
import type { DesiredKey, ServerKey } from '../../src/model.js';
import { createPlan } from '../../src/plan/create-plan.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const OPTS = { quotaPerUsd: 500_000, now: NOW };

function load(body: string) {
  return loadKeyFileText(`version: 1\n${body}`, 'keys.yaml', OPTS);
}

function planOf(desired: DesiredKey[], server: ServerKey[]) {
  return createPlan({
    desired,
    server,
    settings: defaultSettings(),
    now: NOW,
    baseUrl: 'https://api.cometapi.com',
    userId: 1,
    toolVersion: 't',
  });
}

describe('auto_groups in a key file', () => {
  it('is absent from the key when not declared', () => {
    const r = load('keys:\n  - name: a\n    group: auto\n    unlimited_quota: true\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.keys[0]).not.toHaveProperty('auto_groups');
  });

  it('is read as a sorted set, from the key or from defaults', () => {
    const own = load(
      'keys:\n  - name: a\n    group: auto\n    unlimited_quota: true\n    auto_groups: [b, a]\n',
    );
    expect(own.diagnostics).toEqual([]);
    expect(own.keys[0]?.auto_groups).toEqual(['a', 'b']);
    const fromDefaults = load(
      'defaults:\n  group: auto\n  auto_groups: [x]\nkeys:\n  - name: a\n    unlimited_quota: true\n',
    );
    expect(fromDefaults.diagnostics).toEqual([]);
    expect(fromDefaults.keys[0]?.auto_groups).toEqual(['x']);
  });

  it('refuses duplicates, more than 5 groups, blank names, control characters, non-strings', () => {
    const key = (groups: string) =>
      text(
        `keys:\n  - name: a\n    group: auto\n    unlimited_quota: true\n    auto_groups: ${groups}\n`,
      );
    const text = (body: string) => formatDiagnostics(load(body).diagnostics);
    expect(key('[a, a]')).toMatch(/auto_groups\[1\]: "a" is listed twice \(also auto_groups\[0\],/);
    expect(key('[a, b, c, d, e, f]')).toMatch(/auto_groups: lists 6 groups; at most 5/);
    expect(key('["  "]')).toMatch(/auto_groups\[0\]: " {2}" is not a group name/);
    expect(key('["a\\tb"]')).toMatch(/auto_groups\[0\]: .* contains control characters/);
    expect(key('[1]')).toMatch(/error: keys\[0\]\.auto_groups\[0\]/);
    expect(
      load('keys:\n  - name: a\n    unlimited_quota: true\n    auto_groups: [a, a]\n').keys,
    ).toEqual([]);
  });

  it('warns when group is not auto', () => {
    const r = load(
      'keys:\n  - name: a\n    group: vip\n    unlimited_quota: true\n    auto_groups: [a]\n',
    );
    expect(formatDiagnostics(r.diagnostics)).toMatch(
      /warning: .*auto_groups is set but group is "vip", not "auto"/,
    );
    expect(r.keys).toHaveLength(1);
  });

  it('may be ignored', () => {
    const r = load(
      'keys:\n  - name: a\n    group: auto\n    unlimited_quota: true\n    auto_groups: [a]\n    ignore_changes: [auto_groups]\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.keys[0]).not.toHaveProperty('auto_groups');
    expect(r.keys[0]?.ignore_changes).toEqual(['auto_groups']);
  });
});

describe('auto_groups in a plan', () => {
  const server = (auto_groups: unknown) =>
    aServerKey({ id: 1, name: 'k', group: 'auto', auto_groups } as Partial<ServerKey>);

  it('is no change when not declared, whatever the server holds', () => {
    expect(planOf([aDesiredKey({ name: 'k', group: 'auto' })], [server(['x'])]).changes).toEqual(
      [],
    );
  });

  it('is compared as a set when declared; null = []', () => {
    const d = aDesiredKey({ name: 'k', group: 'auto', auto_groups: ['a', 'b'] });
    expect(planOf([d], [server(['b', 'a'])]).changes).toEqual([]);
    const empty = aDesiredKey({ name: 'k', group: 'auto', auto_groups: [] });
    expect(planOf([empty], [server(null)]).changes).toEqual([]);
    const [change] = planOf([d], [server(['a'])]).changes;
    expect(change?.fields).toEqual([{ field: 'auto_groups', before: ['a'], after: ['a', 'b'] }]);
    expect(change?.planned).toEqual({ auto_groups: ['a', 'b'] });
    expect(change?.precondition).toMatchObject({ values: { auto_groups: ['a'] } });
  });

  it('is observed by the precondition only when declared', () => {
    const d = aDesiredKey({ name: 'k', group: 'auto', expired_time: 1_900_000_000 });
    const [change] = planOf([d], [server(['a'])]).changes;
    expect(change?.precondition.kind).toBe('record');
    expect(change?.precondition).not.toHaveProperty('values.auto_groups');
  });

  it('is planned for a create only when declared', () => {
    const with_ = planOf([aDesiredKey({ name: 'n', group: 'auto', auto_groups: ['a'] })], []);
    expect(with_.changes[0]?.planned.auto_groups).toEqual(['a']);
    expect(with_.changes[0]?.fields).toContainEqual({
      field: 'auto_groups',
      before: null,
      after: ['a'],
    });
    const without = planOf([aDesiredKey({ name: 'n' })], []);
    expect(without.changes[0]?.planned).not.toHaveProperty('auto_groups');
    expect(without.changes[0]?.fields.map((f) => f.field)).not.toContain('auto_groups');
  });
});

describe('auto_groups in bodies', () => {
  const record = aServerKey({ id: 3, group: 'auto', auto_groups: ['a'] } as Partial<ServerKey>);

  it('is never sent when the plan does not set it (update, status call)', () => {
    const update = buildUpdateBody(record, buildUpdateValues({ name: 'new' }, record, false));
    expect(update).not.toHaveProperty('auto_groups');
    expect(buildStatusBody(record, 2)).not.toHaveProperty('auto_groups');
  });

  it('is sent when the plan sets it', () => {
    const body = buildUpdateBody(
      record,
      buildUpdateValues({ auto_groups: ['a', 'b'] }, record, false),
    );
    expect(body['auto_groups']).toEqual(['a', 'b']);
  });

  it('is in a create only when planned', () => {
    expect(buildCreateFields('n', { auto_groups: ['a'] }, false).auto_groups).toEqual(['a']);
    expect(buildCreateFields('n', {}, false)).not.toHaveProperty('auto_groups');
  });
});

describe('auto_groups in records', () => {
  const raw = (auto_groups: unknown) => ({ ...aServerKey({ id: 1 }), auto_groups });

  it('accepts null or a list of strings, and leaves an absent one absent', () => {
    expect(parseRecord(raw(null))).toMatchObject({ record: { auto_groups: null } });
    expect(parseRecord(raw(['a']))).toMatchObject({ record: { auto_groups: ['a'] } });
    const { auto_groups: _none, ...without } = raw(undefined);
    const parsed = parseRecord(without);
    expect('record' in parsed && 'auto_groups' in parsed.record).toBe(false);
  });

  it('refuses anything else', () => {
    expect(parseRecord(raw('a'))).toEqual({ problem: 'key 1 has a string for "auto_groups"' });
    expect(parseRecord(raw([1]))).toEqual({ problem: 'key 1 has an array for "auto_groups"' });
  });
});

describe('auto_groups in export', () => {
  it('writes a non-empty list, leaves null and [] out, and plans no change from it', () => {
    const server = [
      aServerKey({
        id: 1,
        name: 'a',
        group: 'auto',
        auto_groups: ['y', 'x'],
      } as Partial<ServerKey>),
      aServerKey({ id: 2, name: 'b', group: 'auto', auto_groups: null } as Partial<ServerKey>),
      aServerKey({ id: 3, name: 'c', group: 'auto', auto_groups: [] } as Partial<ServerKey>),
    ];
    const r = exportKeyFile(server, { quotaPerUsd: 500_000, unmanagedAction: 'ignore', now: NOW });
    expect(r.warnings).toEqual([]);
    const doc = YAML.parse(r.text) as { keys: Record<string, unknown>[] };
    expect(doc.keys.map((k) => k['auto_groups'])).toEqual([['x', 'y'], undefined, undefined]);
    expect(r.text).toContain('auto_groups: [x, y]');
    const loaded = loadKeyFileText(r.text, 'export.yaml', OPTS);
    expect(loaded.diagnostics).toEqual([]);
    expect(planOf(loaded.keys, server).changes).toEqual([]);
  });

  it('leaves a list the loader refuses out, in ignore_changes, with a warning', () => {
    const groups = ['a', 'b', 'c', 'd', 'e', 'f'];
    const server = [
      aServerKey({ id: 1, name: 'a', group: 'auto', auto_groups: groups } as Partial<ServerKey>),
    ];
    const r = exportKeyFile(server, { quotaPerUsd: 500_000, unmanagedAction: 'ignore', now: NOW });
    const doc = YAML.parse(r.text) as { keys: Record<string, unknown>[] };
    expect(doc.keys[0]).not.toHaveProperty('auto_groups');
    expect(doc.keys[0]?.['ignore_changes']).toEqual(['auto_groups']);
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(
      /stored auto_groups: lists 6 groups/,
    );
  });
});
