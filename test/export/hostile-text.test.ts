/**
 * Export of keys with hostile text (SPEC §8, §13): a stored name, group or model id with control
 * characters is left out with `ignore_changes`, so the exported file still loads and plans empty.
 */
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadKeyFileText } from '../../src/desired/index.js';
import { exportKeyFile } from '../../src/export/export-keys.js';
import { aServerKey } from '../helpers/builders.js';
import { planOf } from '../plan/helpers.js';

const NOW = new Date('2026-11-26T12:00:00Z');

describe('export of hostile text', () => {
  it('leaves out control characters in name, group and model ids; the file loads and plans empty', () => {
    const server = [
      aServerKey({
        id: 1,
        name: 'evil\u009b31m',
        group: 'vip\u001b[2J',
        model_limits_enabled: true,
        model_limits: 'gpt-4o,m\u0085',
      }),
    ];
    const r = exportKeyFile(server, { quotaPerUsd: 500_000, unmanagedAction: 'ignore', now: NOW });
    const doc = YAML.parse(r.text) as { keys: Record<string, unknown>[] };
    expect(doc.keys[0]?.ignore_changes).toEqual(['name', 'model_limits', 'group']);
    const loaded = loadKeyFileText(r.text, 'k.yaml', { quotaPerUsd: 500_000, now: NOW });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = planOf(loaded.keys, server);
    expect(plan.changes).toEqual([]);
  });
});
