/** Unit tests of `rotate:` in key files (docs/rotation.md#the-key-file). */
import { describe, expect, it } from 'vitest';
import { formatDiagnostics, loadKeyFileText } from '../../src/desired/index.js';

const NOW = new Date('2026-12-01T12:00:00Z');

function load(keys: string, defaults = '') {
  return loadKeyFileText(`version: 1\n${defaults}keys:\n${keys}`, 'keys.yaml', {
    quotaPerUsd: 500_000,
    now: NOW,
    sinkNames: ['local'],
  });
}

const errorsOf = (r: ReturnType<typeof load>) =>
  formatDiagnostics(r.diagnostics.filter((d) => d.severity === 'error'));

describe('rotate in key files', () => {
  it('keeps the schedule on the key, with deliver from defaults', () => {
    const r = load(
      [
        '  - name: backend-prod',
        '    quota_budget: "$100"',
        '    rotate: { after_days: 90, overlap_days: 7, delete_after_days: 30 }',
        '  - name: other',
        '    rotate: { after_days: 30, overlap_days: 2 }',
        '',
      ].join('\n'),
      'defaults:\n  unlimited_quota: true\n  deliver: [local]\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.keys.map((k) => [k.name, k.rotate])).toEqual([
      ['backend-prod', { after_days: 90, overlap_days: 7, delete_after_days: 30 }],
      ['other', { after_days: 30, overlap_days: 2 }],
    ]);
  });

  it('refuses rotate with an id pin, at the id', () => {
    const r = load(
      '  - name: a\n    id: 12\n    unlimited_quota: true\n    deliver: [local]\n    rotate: { after_days: 90, overlap_days: 7 }\n',
    );
    expect(r.keys).toEqual([]);
    expect(errorsOf(r)).toContain(
      'keys.yaml:4:9: error: keys[0].id: a key that declares rotate cannot pin id',
    );
  });

  it('refuses rotate without deliver, at the rotate block', () => {
    const r = load(
      '  - name: a\n    unlimited_quota: true\n    rotate:\n      after_days: 90\n      overlap_days: 7\n',
    );
    expect(r.keys).toEqual([]);
    expect(errorsOf(r)).toMatch(
      /keys\.yaml:6:7: error: keys\[0\]\.rotate: a key that declares rotate must declare deliver/,
    );
  });

  it('refuses a name longer than 41 characters, and takes one of exactly 41', () => {
    const long = 'x'.repeat(42);
    const r = load(
      `  - name: ${long}\n    unlimited_quota: true\n    deliver: [local]\n    rotate: { after_days: 9, overlap_days: 1 }\n`,
    );
    expect(errorsOf(r)).toContain(
      `keys.yaml:3:11: error: keys[0].name: is 42 characters; a key that declares rotate may have at most 41`,
    );
    const fits = load(
      `  - name: ${'x'.repeat(41)}\n    unlimited_quota: true\n    deliver: [local]\n    rotate: { after_days: 9, overlap_days: 1 }\n`,
    );
    expect(fits.diagnostics).toEqual([]);
  });

  it('refuses delete_after_days not above overlap_days, at that field', () => {
    const r = load(
      '  - name: a\n    unlimited_quota: true\n    deliver: [local]\n    rotate:\n      after_days: 90\n      overlap_days: 7\n      delete_after_days: 7\n',
    );
    expect(errorsOf(r)).toContain(
      'keys.yaml:9:26: error: keys[0].rotate.delete_after_days: 7 is not more than overlap_days (7)',
    );
  });

  it('refuses zero, fractions, missing and unknown fields through the schema', () => {
    for (const block of [
      '{ after_days: 0, overlap_days: 7 }',
      '{ after_days: 1.5, overlap_days: 7 }',
      '{ after_days: 90 }',
      '{ after_days: 90, overlap_days: 7, overlap: 3 }',
      '90',
    ]) {
      const r = load(
        `  - name: a\n    unlimited_quota: true\n    deliver: [local]\n    rotate: ${block}\n`,
      );
      expect(errorsOf(r), block).toContain('keys[0].rotate');
    }
  });

  it('refuses another key named like a generation of a rotating key, at its name', () => {
    const r = load(
      [
        '  - name: backend-prod',
        '    unlimited_quota: true',
        '    deliver: [local]',
        '    rotate: { after_days: 90, overlap_days: 7 }',
        '  - name: backend-prod~20261201',
        '    unlimited_quota: true',
        '  - name: other',
        '    unlimited_quota: true',
        '    previous_names: ["backend-prod~20261201~2"]',
        '  - name: backend-prod~notadate',
        '    unlimited_quota: true',
        '  - name: free~20261201',
        '    unlimited_quota: true',
        '',
      ].join('\n'),
    );
    const errors = errorsOf(r);
    expect(errors).toContain(
      'keys.yaml:7:11: error: keys[1].name: "backend-prod~20261201" is a generation name of the rotating key "backend-prod" (declared at keys.yaml:3:11)',
    );
    expect(errors).toContain(
      'keys.yaml:11:22: error: keys[2].previous_names[0]: "backend-prod~20261201~2" is a generation name',
    );
    expect(errors).not.toContain('notadate');
    expect(errors).not.toContain('free~');
  });
});
