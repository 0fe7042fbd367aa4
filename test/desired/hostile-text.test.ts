/**
 * Hostile text in key files (SPEC §13): control characters are refused in every string value,
 * named as \u{…}; invisible and bidi characters in names are warned about; diagnostics print
 * no raw control character, whatever the file name or message holds.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostics, loadKeyFileText } from '../../src/desired/index.js';
import { formatDiagnostic } from '../../src/model.js';
import { ESC } from '../helpers/hostile.js';

const OPTS = { quotaPerUsd: 500_000, now: new Date('2026-11-26T12:00:00Z') };

function text(yaml: string, file = 'keys.yaml'): string {
  return formatDiagnostics(loadKeyFileText(`version: 1\n${yaml}`, file, OPTS).diagnostics);
}

describe('control characters in key files', () => {
  it.each([
    ['group', 'keys:\n  - name: a\n    quota_budget: 5\n    group: "g\\e[2J"\n', 'keys[0].group'],
    [
      'a model id',
      'keys:\n  - name: a\n    quota_budget: 5\n    model_limits: ["m\\u009b1"]\n',
      'keys[0].model_limits[0]',
    ],
    [
      'an allow_ips entry',
      'keys:\n  - name: a\n    quota_budget: 5\n    allow_ips: ["10.0.0.1\\t"]\n',
      'keys[0].allow_ips[0]',
    ],
    [
      'a previous name',
      'keys:\n  - name: a\n    quota_budget: 5\n    previous_names: ["b\\x7f"]\n',
      'keys[0].previous_names[0]',
    ],
    ['a name', 'keys:\n  - name: "a\\nb"\n    quota_budget: 5\n', 'keys[0].name'],
    ['defaults.group', 'defaults:\n  group: "\\x85"\nkeys: []\n', 'defaults.group'],
  ])('refuses one in %s, at its position, naming the character', (_what, yaml, path) => {
    const out = text(yaml);
    expect(out).toMatch(
      new RegExp(
        `^keys\\.yaml:\\d+:\\d+: error: ${path.replace(/[[\].]/g, '\\$&')}: .* contains control characters: \\\\u\\{[0-9a-f]+\\}\\n$`,
      ),
    );
  });

  it('warns about zero-width and bidi characters in a name, and loads the key', () => {
    const r = loadKeyFileText(
      'version: 1\nkeys:\n  - name: "admin\\u200b"\n    quota_budget: 5\n  - name: "abc\\u202egnp"\n    quota_budget: 5\n',
      'keys.yaml',
      OPTS,
    );
    expect(r.keys.map((k) => k.name)).toEqual(['abc\u202egnp', 'admin\u200b']);
    const out = formatDiagnostics(r.diagnostics);
    expect(out).toContain(
      'keys.yaml:3:11: warning: keys[0].name: contains invisible or bidirectional characters (\\u{200b})',
    );
    expect(out).toContain(
      'keys.yaml:5:11: warning: keys[1].name: contains invisible or bidirectional characters (\\u{202e})',
    );
    expect(out).not.toMatch(/[\u200b\u202e]/);
  });
});

describe('formatDiagnostic', () => {
  it('escapes control characters in the file name, path and message', () => {
    const line = formatDiagnostic({
      severity: 'error',
      file: 'evil\u001b[31m.yaml',
      line: 1,
      col: 2,
      path: 'keys[0].x\u009b',
      message: 'unknown field "x\u009b\u202e"',
    });
    expect(line).toBe(
      'evil\\u{1b}[31m.yaml:1:2: error: keys[0].x\\u{9b}: unknown field "x\\u{9b}\\u{202e}"',
    );
  });

  it('an unknown field named with ESC is reported escaped', () => {
    const out = text('keys:\n  - name: a\n    quota_budget: 5\n    "x\\e[2J": 1\n');
    expect(out).toContain('unknown field "x\\u{1b}[2J"');
    expect(out).not.toMatch(ESC);
  });
});
