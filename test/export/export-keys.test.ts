import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { defaultSettings } from '../../src/config/types.js';
import { loadKeyFileText } from '../../src/desired/index.js';
import { createPlan } from '../../src/plan/create-plan.js';
import { exportEntry, type ExportWarning } from '../../src/export/export-entry.js';
import { exportKeyFile, fixEntries, type ExportOptions } from '../../src/export/export-keys.js';
import type { ServerKey } from '../../src/model.js';
import { aServerKey } from '../helpers/builders.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const NOW_SEC = NOW.getTime() / 1000;
const OPTS: ExportOptions = { quotaPerUsd: 500_000, unmanagedAction: 'ignore', now: NOW };

type Entry = Record<string, unknown>;

function exported(server: ServerKey[], opts: Partial<ExportOptions> = {}) {
  const r = exportKeyFile(server, { ...OPTS, ...opts });
  const doc = YAML.parse(r.text) as { version: number; defaults?: Entry; keys: Entry[] };
  return { ...r, doc };
}

/** The entry of one exported key, beside two keys that differ in every field (no defaults). */
function entryOf(s: Partial<ServerKey>): Entry {
  const { doc } = exported([
    aServerKey({ id: 1, name: 'k', ...s }),
    aServerKey({
      id: 3,
      name: 'y',
      model_limits_enabled: true,
      model_limits: 'm',
      group: 'auto',
      cross_group_retry: true,
      expired_time: 1,
    }),
    aServerKey({
      id: 2,
      name: 'z',
      status: 2,
      expired_time: 0,
      unlimited_quota: true,
      model_limits_enabled: true,
      allow_ips: '9.9.9.9',
      group: 'other',
    }),
  ]);
  return doc.keys.find((k) => k.id === 1) as Entry;
}

describe('exportKeyFile (SPEC §8)', () => {
  it('writes a complete, commented key file', () => {
    const r = exportKeyFile(
      [
        aServerKey({
          id: 5,
          name: 'backend-prod',
          remain_quota: 3_000_000,
          used_quota: 2_000_000,
          expired_time: Date.UTC(2027, 5, 30) / 1000,
          allow_ips: '203.0.113.0/24\n198.51.100.10',
          model_limits_enabled: true,
          model_limits: 'gpt-4o-mini,claude-sonnet-4-5',
        }),
        aServerKey({
          id: 9,
          name: 'ci-runner',
          unlimited_quota: true,
          remain_quota: -40,
          group: 'auto',
          cross_group_retry: true,
          expired_time: Date.UTC(2027, 0, 1, 12, 30) / 1000,
        }),
      ],
      OPTS,
    );
    expect(r.count).toBe(2);
    expect(r.warnings).toEqual([]);
    expect(r.text).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=./node_modules/cometkeys/schemas/keys.schema.json

      version: 1
      keys:
        - name: backend-prod
          id: 5
          expired_time: 2027-06-30
          quota_budget: 5000000 # $10.00
          model_limits: [claude-sonnet-4-5, gpt-4o-mini]
          allow_ips: [198.51.100.10, 203.0.113.0/24]
        - name: ci-runner
          id: 9
          expired_time: 2027-01-01T12:30:00Z
          unlimited_quota: true
          group: auto
          cross_group_retry: true
      "
    `);
  });

  it('pins every id and sorts by (name, id); duplicate names are fine', () => {
    const { doc } = exported([
      aServerKey({ id: 9, name: 'b' }),
      aServerKey({ id: 3, name: 'a' }),
      aServerKey({ id: 2, name: 'b' }),
    ]);
    expect(doc.keys.map((k) => [k.name, k.id])).toEqual([
      ['a', 3],
      ['b', 2],
      ['b', 9],
    ]);
  });

  it('writes limited quota as quota_budget = remain + used', () => {
    expect(entryOf({ remain_quota: 30, used_quota: 70 }).quota_budget).toBe(100);
  });

  it('writes unlimited keys as unlimited_quota: true, whatever their remain', () => {
    const e = entryOf({ unlimited_quota: true, remain_quota: -99 });
    expect(e.unlimited_quota).toBe(true);
    expect(e.quota_budget).toBeUndefined();
  });

  it('ignores remain_quota with a warning when remain + used is negative', () => {
    const r = exported([aServerKey({ id: 1, name: 'k', remain_quota: -10, used_quota: 3 })]);
    expect(r.doc.keys[0]?.ignore_changes).toEqual(['remain_quota']);
    expect(r.doc.keys[0]?.quota_budget).toBeUndefined();
    expect(r.warnings[0]).toEqual({
      kind: 'left-out-remain_quota',
      message: expect.stringMatching(/"k" \(id 1\).*-7.*ignore_changes/),
    });
  });

  it('writes expired_time as a date at midnight, else a UTC date-time; never is the default', () => {
    expect(entryOf({ expired_time: Date.UTC(2027, 5, 30) / 1000 }).expired_time).toBe('2027-06-30');
    expect(entryOf({ expired_time: Date.UTC(2027, 5, 30, 1, 2, 3) / 1000 }).expired_time).toBe(
      '2027-06-30T01:02:03Z',
    );
    expect(entryOf({ expired_time: -1 }).expired_time).toBeUndefined();
  });

  it('writes model_limits as a list; enabled with an empty list explicitly', () => {
    expect(entryOf({ model_limits_enabled: true, model_limits: 'b,a' }).model_limits).toEqual([
      'a',
      'b',
    ]);
    const empty = entryOf({ model_limits_enabled: true, model_limits: '' });
    expect(empty.model_limits_enabled).toBe(true);
    expect(empty.model_limits).toBeUndefined();
  });

  it('writes model_limits_enabled: false when off with a stored list', () => {
    const e = entryOf({ model_limits_enabled: false, model_limits: 'a' });
    expect(e).toMatchObject({ model_limits_enabled: false, model_limits: ['a'] });
  });

  it('writes allow_ips as a canonical list', () => {
    expect(entryOf({ allow_ips: '2001:DB8::1\n10.0.0.1' }).allow_ips).toEqual([
      '10.0.0.1',
      '2001:db8::1',
    ]);
  });

  it('writes a stored 3/4 key disabled when it could serve, enabled (the default) otherwise', () => {
    expect(entryOf({ status: 3, expired_time: NOW_SEC + 86_400 }).status).toBe('disabled');
    expect(entryOf({ status: 4, remain_quota: 10 }).status).toBe('disabled');
    expect(entryOf({ status: 3, expired_time: NOW_SEC - 86_400 }).status).toBeUndefined();
    expect(entryOf({ status: 4, remain_quota: 0 }).status).toBeUndefined();
    expect(entryOf({ status: 2 }).status).toBe('disabled');
  });

  it('writes cross_group_retry only where the server keeps it (group auto)', () => {
    expect(entryOf({ group: 'auto', cross_group_retry: true }).cross_group_retry).toBe(true);
    expect(entryOf({ group: 'vip', cross_group_retry: true }).cross_group_retry).toBeUndefined();
  });

  it('leaves out values the validator would reject, with ignore_changes and a warning', () => {
    const r = exported([
      aServerKey({
        id: 1,
        name: ' pad ',
        allow_ips: '1.2.3.4,5.6.7.8',
        model_limits_enabled: true,
        model_limits: 'gpt 4o',
        status: 9,
      }),
    ]);
    const k = r.doc.keys[0] as Entry;
    expect(k.ignore_changes).toEqual(['name', 'status', 'model_limits', 'allow_ips']);
    expect(k.name).toBeUndefined();
    expect(k.allow_ips).toBeUndefined();
    expect(k.model_limits).toBeUndefined();
    expect(r.warnings).toHaveLength(4);
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(
      /white space[\s\S]*status 9[\s\S]*gpt 4o[\s\S]*1\.2\.3\.4,5\.6\.7\.8/,
    );
  });

  it('plans a nameless pinned key by the name it has', () => {
    const server = [aServerKey({ id: 4, name: ' padded ', group: 'g' })];
    const r = exported(server);
    expect(r.doc.keys[0]).toMatchObject({ id: 4, ignore_changes: ['name'] });
    expect(r.doc.keys[0]).not.toHaveProperty('name');
    const desired = loadKeyFileText(r.text, 'k.yaml', { quotaPerUsd: 500_000, now: NOW }).keys;
    const plan = createPlan({
      desired: desired.map((d) => ({ ...d, group: 'h' })),
      server,
      settings: defaultSettings(),
      now: NOW,
      baseUrl: 'x',
      userId: 1,
      toolVersion: 't',
    });
    expect(plan.changes.map((c) => c.name)).toEqual([' padded ']);
  });

  it('factors out values every key shares into defaults', () => {
    const { doc } = exported([
      aServerKey({ id: 1, name: 'a', group: 'vip', allow_ips: '10.0.0.1' }),
      aServerKey({ id: 2, name: 'b', group: 'vip', allow_ips: '10.0.0.2' }),
    ]);
    expect(doc.defaults).toEqual({ quota_budget: 5_000_000, group: 'vip' });
    expect(doc.keys[0]).toEqual({ name: 'a', id: 1, allow_ips: ['10.0.0.1'] });
  });

  it('with --target exports only matching keys and warns about the others, naming the action', () => {
    const r = exported(
      [
        aServerKey({ id: 1, name: 'ci-a' }),
        aServerKey({ id: 2, name: 'web' }),
        aServerKey({ id: 3, name: 'db' }),
      ],
      {
        targets: ['ci-*'],
        unmanagedAction: 'delete',
      },
    );
    expect(r.count).toBe(1);
    expect(r.doc.keys.map((k) => k.name)).toEqual(['ci-a']);
    expect(r.warnings).toEqual([
      {
        message: expect.stringMatching(
          /left out 2 keys.*unmanaged.*deleted by apply \(unmanaged.action: delete\)/,
        ),
      },
    ]);
  });

  it('starts with the schema comment and version 1, and validates', () => {
    const r = exportKeyFile([aServerKey({ id: 1, name: 'a' })], OPTS);
    expect(r.text.startsWith('# yaml-language-server: $schema=')).toBe(true);
    expect(r.text).toMatch(/^version: 1$/m);
    expect(
      loadKeyFileText(r.text, 'k.yaml', { quotaPerUsd: 500_000, now: NOW }).diagnostics,
    ).toEqual([]);
  });

  it('never writes a key secret', () => {
    const r = exportKeyFile([aServerKey({ id: 1, name: 'a', key: 'sk-LEAKED-123' })], OPTS);
    expect(r.text).not.toContain('sk-LEAKED-123');
  });
});

describe('fixEntries', () => {
  it('leaves out a value the loader refuses that the export rules let through', () => {
    const warnings: ExportWarning[] = [];
    const entries = [exportEntry(aServerKey({ id: 1, name: 'a' }), NOW_SEC, warnings)];
    entries[0]?.fields.set('group', 42);
    fixEntries(entries, OPTS, warnings);
    expect(entries[0]?.fields.has('group')).toBe(false);
    expect([...(entries[0]?.ignore ?? [])]).toEqual(['group']);
    expect(warnings).toEqual([
      {
        kind: 'left-out-group',
        message: expect.stringMatching(/"a" \(id 1\): stored group: .*ignore_changes/),
      },
    ]);
  });
});

describe('exportKeyFile: quotaMaxUnits', () => {
  it('leaves out a budget above quotaMaxUnits (validate would refuse it) and still validates', () => {
    const big = aServerKey({ id: 3, name: 'big', remain_quota: 5_000_000_000, used_quota: 0 });
    const result = exportKeyFile([big], { ...OPTS, quotaMaxUnits: 2_147_483_647 });
    const text = result.text;
    expect(text).not.toContain('5000000000');
    expect(result.warnings.map((w) => w.message).join('\n')).toContain('"big" (id 3)');
    const loaded = loadKeyFileText(text, 'export.yaml', {
      quotaPerUsd: 500_000,
      now: NOW,
      quotaMaxUnits: 2_147_483_647,
    });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.keys[0]?.ignore_changes).toContain('remain_quota');
  });
});

describe('export of rotated keys', () => {
  const server = [
    aServerKey({ id: 12, name: 'backend-prod~20261101', status: 2 }),
    aServerKey({ id: 20, name: 'backend-prod~20261101~2', created_time: NOW_SEC - 2 * 86_400 }),
    aServerKey({ id: 40, name: 'backend-prod', created_time: NOW_SEC - 86_400 }),
    aServerKey({ id: 41, name: 'lonely~20261101' }),
  ];

  it('writes a rotated key once under its name and leaves its generations out, with a warning', () => {
    const { doc, warnings } = exported(server);
    expect(doc.keys.map((k) => [k.name, k.id])).toEqual([
      ['backend-prod', 40],
      // No key of its base name: not a generation, written as any key.
      ['lonely~20261101', 41],
    ]);
    expect(warnings.map((w) => w.message)).toContain(
      'left out 2 generations of rotated keys ("backend-prod~20261101" (id 12), "backend-prod~20261101~2" (id 20)): ' +
        'declare rotate (and remove id) on the rotated key so that plans treat them as its predecessors; ' +
        'until then a plan reports them as unmanaged',
    );
  });

  it('gives a file that, with rotate declared, plans no changes', () => {
    const { text } = exported(server);
    const withRotate = text
      .replace(/(- name: backend-prod\n)\s+id: 40\n/, '$1')
      .replace(
        '- name: backend-prod\n',
        '- name: backend-prod\n    deliver: [local]\n    rotate: { after_days: 90, overlap_days: 7 }\n',
      );
    expect(withRotate).toContain('rotate:');
    expect(withRotate).not.toContain('id: 40');
    const loaded = loadKeyFileText(withRotate, 'keys.yaml', { quotaPerUsd: 500_000, now: NOW });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = createPlan({
      desired: loaded.keys,
      server,
      settings: defaultSettings(),
      now: NOW,
      baseUrl: 'https://api.cometapi.com',
      userId: 1,
      toolVersion: '0',
    });
    expect(plan.changes).toEqual([]);
    expect(plan.unmanaged).toEqual([]);
  });
});
