/** Unit tests of one file's rules: defaults merging, quota forms, warnings, normalised keys. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostics, loadKeyFileText } from '../../src/desired/index.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const OPTS = { quotaPerUsd: 500_000, now: NOW };

function load(body: string, head = 'version: 1\n') {
  return loadKeyFileText(head + body, 'keys.yaml', OPTS);
}

function text(body: string, head?: string): string {
  return formatDiagnostics(load(body, head).diagnostics);
}

describe('loadKeyFileText: the normalised key', () => {
  it('fills every built-in default and converts to API units', () => {
    const r = load('keys:\n  - name: a\n    quota_budget: "$2"\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toEqual(['keys.yaml']);
    expect(r.keys).toEqual([
      {
        name: 'a',
        previous_names: [],
        status: 1,
        expired_time: -1,
        quota: { kind: 'budget', amount: 1_000_000 },
        model_limits_enabled: false,
        model_limits: [],
        allow_ips: [],
        group: '',
        cross_group_retry: false,
        ignore_changes: [],
        source: { file: 'keys.yaml', line: 3, col: 5 },
      },
    ]);
  });

  it('sorts and canonicalises lists, and keeps id and previous names', () => {
    const r = load(
      [
        'keys:',
        '  - name: b',
        '    id: 9',
        '    previous_names: [z-old, a-old]',
        '    status: disabled',
        '    remain_quota: 10',
        '    expired_time: "2027-06-30"',
        '    model_limits: [m2, m1]',
        '    allow_ips: ["2001:DB8::1", 10.0.0.1]',
        '    group: auto',
        '    cross_group_retry: true',
        '    ignore_changes: [status, allow_ips]',
        '',
      ].join('\n'),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.keys[0]).toMatchObject({
      id: 9,
      previous_names: ['a-old', 'z-old'],
      status: 2,
      quota: { kind: 'remain', amount: 10 },
      expired_time: Date.UTC(2027, 5, 30) / 1000,
      model_limits_enabled: true,
      model_limits: ['m1', 'm2'],
      allow_ips: ['10.0.0.1', '2001:db8::1'],
      group: 'auto',
      cross_group_retry: true,
      ignore_changes: ['allow_ips', 'status'],
    });
  });

  it('returns keys sorted by name, then id', () => {
    const r = load(
      'keys:\n  - {name: b, quota_budget: 1}\n  - {name: a, id: 5, quota_budget: 1}\n  - {name: a, quota_budget: 1}\n',
    );
    expect(r.keys.map((k) => [k.name, k.id])).toEqual([
      ['a', 5],
      ['a', undefined],
      ['b', undefined],
    ]);
  });

  it('allows a missing quota form only when remain_quota is ignored', () => {
    const r = load('keys:\n  - name: a\n    ignore_changes: [remain_quota]\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.keys[0]?.quota).toBeNull();
  });

  it('lets model_limits_enabled: false keep a list that is ignored', () => {
    const r = load(
      'keys:\n  - {name: a, quota_budget: 1, model_limits: [m], model_limits_enabled: false}\n',
    );
    expect(r.keys[0]).toMatchObject({ model_limits_enabled: false, model_limits: ['m'] });
  });

  it('allows no name only on a pinned key that ignores its name (as export writes it)', () => {
    const r = load('keys:\n  - {id: 4, ignore_changes: [name], quota_budget: 1}\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.keys[0]).toMatchObject({ name: '', id: 4, ignore_changes: ['name'] });
    expect(text('keys:\n  - {id: 4, quota_budget: 1}\n')).toBe(
      'keys.yaml:3:5: error: keys[0]: missing required field "name"\n',
    );
    expect(text('keys:\n  - {ignore_changes: [name], quota_budget: 1}\n')).toContain(
      'keys[0]: missing required field "name"',
    );
  });

  it('treats unlimited_quota: false as no form', () => {
    expect(text('keys:\n  - {name: a, unlimited_quota: false}\n')).toContain('has no quota form');
    expect(
      load('keys:\n  - {name: a, unlimited_quota: false, quota_budget: 3}\n').keys[0]?.quota,
    ).toEqual({ kind: 'budget', amount: 3 });
  });
});

describe('loadKeyFileText: defaults', () => {
  const head = [
    'version: 1',
    'defaults:',
    '  group: default',
    '  allow_ips: [10.0.0.0/8]',
    '  unlimited_quota: true',
    '  ignore_changes: [status]',
    '',
  ].join('\n');

  it('merges defaults under each key; the key wins field by field', () => {
    const r = load(
      'keys:\n  - name: a\n  - name: b\n    group: ""\n    allow_ips: []\n    ignore_changes: []\n',
      head,
    );
    expect(r.diagnostics).toEqual([]);
    const [a, b] = r.keys;
    expect(a).toMatchObject({
      group: 'default',
      allow_ips: ['10.0.0.0/8'],
      quota: { kind: 'unlimited' },
      ignore_changes: ['status'],
    });
    expect(b).toMatchObject({ group: '', allow_ips: [], ignore_changes: [] });
  });

  it('keeps a budget from defaults under unlimited_quota: false, but not an unlimited one', () => {
    const budget = 'version: 1\ndefaults:\n  quota_budget: 7\n';
    expect(load('keys:\n  - {name: a, unlimited_quota: false}\n', budget).keys[0]?.quota).toEqual({
      kind: 'budget',
      amount: 7,
    });
    expect(
      formatDiagnostics(load('keys:\n  - {name: a, unlimited_quota: false}\n', head).diagnostics),
    ).toContain('key "a" has no quota form');
  });

  it("replaces the defaults' quota form with the key's own", () => {
    const r = load('keys:\n  - name: a\n    remain_quota: "$1"\n', head);
    expect(r.diagnostics).toEqual([]);
    expect(r.keys[0]?.quota).toEqual({ kind: 'remain', amount: 500_000 });
  });

  it('reports a bad default once, at the defaults, and builds no key from it', () => {
    const h = 'version: 1\ndefaults:\n  allow_ips: [10.0.0.300]\n  quota_budget: 1\n';
    const r = load('keys:\n  - name: a\n  - name: b\n', h);
    expect(formatDiagnostics(r.diagnostics)).toBe(
      'keys.yaml:3:15: error: defaults.allow_ips[0]: "10.0.0.300" is not an IPv4/IPv6 address or CIDR range\n',
    );
    expect(r.keys).toEqual([]);
  });

  it('points merged-key problems at the default that caused them', () => {
    const h = 'version: 1\ndefaults:\n  cross_group_retry: true\n  quota_budget: 1\n';
    expect(text('keys:\n  - name: a\n', h)).toBe(
      'keys.yaml:3:22: warning: defaults.cross_group_retry: cross_group_retry is true but group is "", not "auto": the server stores false, so it is treated as false\n',
    );
  });

  it('checks ignore_changes: [name] from defaults against each key', () => {
    const h = 'version: 1\ndefaults:\n  ignore_changes: [name]\n  quota_budget: 1\n';
    expect(text('keys:\n  - {name: a, id: 3}\n  - name: b\n', h)).toBe(
      'keys.yaml:3:19: error: defaults.ignore_changes: "name" may be in ignore_changes only on a key that pins id (key "b" does not)\n',
    );
  });
});

describe('loadKeyFileText: warnings', () => {
  it('warns about a past expiry on an enabled key only', () => {
    expect(text('keys:\n  - {name: a, quota_budget: 1, expired_time: "2026-01-01"}\n')).toBe(
      'keys.yaml:3:46: warning: keys[0].expired_time: enabled but expired on 2026-01-01: it cannot serve requests\n',
    );
    expect(
      text('keys:\n  - {name: a, status: disabled, quota_budget: 1, expired_time: "2026-01-01"}\n'),
    ).toBe('');
    expect(
      text(
        'keys:\n  - {name: a, quota_budget: 1, expired_time: 0, ignore_changes: [expired_time]}\n',
      ),
    ).toBe('');
  });

  it('does not warn about cross_group_retry with group auto, or when group is ignored', () => {
    expect(
      text('keys:\n  - {name: a, quota_budget: 1, group: auto, cross_group_retry: true}\n'),
    ).toBe('');
    expect(
      text(
        'keys:\n  - {name: a, quota_budget: 1, cross_group_retry: true, ignore_changes: [group]}\n',
      ),
    ).toBe('');
  });

  it('keeps warnings apart from errors and still returns the key', () => {
    const r = load('keys:\n  - {name: a, quota_budget: 1, allow_ips: [10.1.2.3/8]}\n');
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(r.keys).toHaveLength(1);
  });
});

describe('loadKeyFileText: problems', () => {
  it('reports every problem of the file in one run, in position order', () => {
    const out = text(
      'keys:\n  - {name: a, quota_budget: -1}\n  - {name: b, status: on, quota_budget: 1}\n  - {name: a, quota_budget: 1, grooup: x}\n',
    );
    expect(out.split('\n').filter(Boolean)).toEqual([
      'keys.yaml:3:29: error: keys[0].quota_budget: must be at least 0, got -1',
      'keys.yaml:4:23: error: keys[1].status: must be one of enabled, disabled; got "on"',
      'keys.yaml:5:32: error: keys[2].grooup: unknown field "grooup"; did you mean "group"?',
    ]);
  });

  it('checks name uniqueness within the file', () => {
    const out = text('keys:\n  - {name: a, quota_budget: 1}\n  - {name: a, quota_budget: 1}\n');
    expect(out).toContain(
      'keys.yaml:4:12: error: keys[1].name: duplicate name "a": also declared at keys.yaml:3:12',
    );
  });

  it('points at an empty value through its key', () => {
    expect(text('keys:\n  - name: a\n    quota_budget: 1\n    allow_ips:\n')).toBe(
      'keys.yaml:5:5: error: keys[0].allow_ips: must be a list, got nothing\n',
    );
  });

  it('follows aliases when pointing at a value', () => {
    const out = text(
      'x: &ips [10.0.0.300]\nkeys:\n  - {name: a, quota_budget: 1, allow_ips: *ips}\n',
    );
    expect(out).toContain(
      'keys.yaml:2:1: error: x: unknown field "x"; known fields: version, defaults, keys',
    );
    expect(out).toContain(
      'keys.yaml:2:10: error: keys[0].allow_ips[0]: "10.0.0.300" is not an IPv4',
    );
  });

  it('never throws on odd YAML', () => {
    for (const odd of [
      '? [a]\n: b\n',
      'keys: !!binary aGk=\n',
      '"\\u0000": 1\n',
      '[[[',
      '{a: ',
      '&a *a\n',
    ]) {
      const r = loadKeyFileText(odd, 'odd.yaml', OPTS);
      expect(r.diagnostics.length).toBeGreaterThan(0);
    }
  });
});

describe('numbers beyond 2^53', () => {
  it('are refused where they stand, never rounded (an id pin must not move to another key)', () => {
    const out = text('keys:\n  - name: a\n    id: 9007199254740993\n    quota_budget: 1\n');
    expect(out).toBe(
      'keys.yaml:4:9: error: 9007199254740993 is beyond 2^53 (9007199254740991) and cannot be read exactly\n',
    );
  });

  it('accept the largest safe integer as far as reading goes', () => {
    const out = text('keys:\n  - name: a\n    id: 9007199254740991\n    quota_budget: 1\n');
    expect(out).not.toContain('beyond 2^53');
  });
});

describe('loadKeyFileText: quotaMaxUnits (new-api since 2026-08-10 refuses more)', () => {
  const ABOUT = '(about $4,294.97; the server refuses more)';
  const FIX = 'lower it, or raise quotaMaxUnits for an older server';

  it('refuses a dollar budget above the default limit at its position, naming it', () => {
    const r = load('keys:\n  - name: a\n    quota_budget: "$5000"\n');
    expect(r.keys).toEqual([]);
    expect(formatDiagnostics(r.diagnostics)).toBe(
      `keys.yaml:4:19: error: keys[0].quota_budget: quota_budget "$5000" is 2500000000 units, above quotaMaxUnits 2147483647 ${ABOUT}: ${FIX}\n`,
    );
  });

  it('refuses units above the limit in defaults and keys; the limit itself is fine', () => {
    const out = text(
      'keys:\n  - {name: a, remain_quota: 2147483648}\n  - {name: b, remain_quota: 2147483647}\n',
      'version: 1\ndefaults:\n  quota_budget: 3000000000\n',
    );
    expect(out).toContain(
      `keys.yaml:3:17: error: defaults.quota_budget: quota_budget 3000000000 is above quotaMaxUnits 2147483647 ${ABOUT}: ${FIX}`,
    );
    expect(out).toContain('keys[0].remain_quota: remain_quota 2147483648 is above quotaMaxUnits');
    expect(out).not.toContain('keys[1]');
  });

  it('takes the limit from the options, for older servers', () => {
    const body = 'version: 1\nkeys:\n  - name: a\n    quota_budget: "$5000"\n';
    const r = loadKeyFileText(body, 'keys.yaml', { ...OPTS, quotaMaxUnits: 500_000_000_000_000 });
    expect(r.diagnostics).toEqual([]);
    expect(r.keys[0]?.quota).toEqual({ kind: 'budget', amount: 2_500_000_000 });
    const low = loadKeyFileText(body, 'keys.yaml', { ...OPTS, quotaMaxUnits: 1_000_000 });
    expect(formatDiagnostics(low.diagnostics)).toContain(
      'above quotaMaxUnits 1000000 (about $2.00; the server refuses more)',
    );
  });
});
