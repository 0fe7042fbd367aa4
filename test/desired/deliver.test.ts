/** Unit tests of `deliver:` in key files (SPEC §11): merging with defaults, unknown sinks. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostics, loadKeyFileText } from '../../src/desired/index.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const SINKS = ['backend-ci', 'vault'];

function load(body: string, sinkNames: readonly string[] | null = SINKS) {
  return loadKeyFileText(`version: 1\n${body}`, 'keys.yaml', {
    quotaPerUsd: 500_000,
    now: NOW,
    ...(sinkNames ? { sinkNames } : {}),
  });
}

describe('deliver in key files', () => {
  it("takes the key's own list over the defaults', in the order written", () => {
    const r = load(
      [
        'defaults:',
        '  deliver: [vault]',
        '  unlimited_quota: true',
        'keys:',
        '  - name: a',
        '  - name: b',
        '    deliver: [vault, backend-ci]',
        '  - name: c',
        '    deliver: []',
        '',
      ].join('\n'),
    );
    expect(r.diagnostics).toEqual([]);
    const by = Object.fromEntries(r.keys.map((k) => [k.name, k.deliver]));
    expect(by).toEqual({ a: ['vault'], b: ['vault', 'backend-ci'], c: undefined });
  });

  it('refuses an unknown sink at its line, naming it and the defined ones', () => {
    const r = load('keys:\n  - name: a\n    unlimited_quota: true\n    deliver: [vault, vualt]\n');
    expect(r.keys).toEqual([]);
    expect(formatDiagnostics(r.diagnostics)).toContain(
      'keys.yaml:5:22: error: keys[0].deliver[1]: unknown sink "vualt" (defined: backend-ci, vault)',
    );
  });

  it('says so when the config defines no sinks, also for a default', () => {
    const r = load(
      'defaults:\n  deliver: [vault]\nkeys:\n  - name: a\n    unlimited_quota: true\n',
      [],
    );
    expect(formatDiagnostics(r.diagnostics)).toContain(
      'keys.yaml:3:13: error: defaults.deliver[0]: unknown sink "vault" (the config defines no sinks)',
    );
    expect(r.keys).toEqual([]);
  });

  it('refuses a duplicate and a non-list', () => {
    const dup = load(
      'keys:\n  - name: a\n    unlimited_quota: true\n    deliver: [vault, vault]\n',
    );
    expect(formatDiagnostics(dup.diagnostics)).toContain(
      '"vault" is listed twice (also deliver[0],',
    );
    const bad = load('keys:\n  - name: a\n    unlimited_quota: true\n    deliver: vault\n');
    expect(bad.keys).toEqual([]);
    expect(bad.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });

  it('does not check names when the caller gives no sink names', () => {
    const r = load('keys:\n  - name: a\n    unlimited_quota: true\n    deliver: [x]\n', null);
    expect(r.diagnostics).toEqual([]);
    expect(r.keys[0]?.deliver).toEqual(['x']);
  });
});
