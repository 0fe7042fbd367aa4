import { describe, expect, it } from 'vitest';
import { summarizeEntries } from '../../src/apply/apply-plan.js';
import { applyExitCode, renderApplyJson, renderApplyText } from '../../src/apply/render-result.js';
import type { LedgerEntry } from '../../src/apply/types.js';

const entries: LedgerEntry[] = [
  { name: 'a', id: 1, action: 'update', outcome: 'applied' },
  { name: 'b', id: null, action: 'create', outcome: 'failed', detail: 'create outcome unknown' },
  {
    name: 'c',
    id: 3,
    action: 'update',
    outcome: 'skipped',
    detail: 'changed since plan',
    fields: ['group'],
  },
  { name: 'd', id: 4, action: 'missing', outcome: 'missing', detail: 'id 4 not found' },
  { name: 'e', id: 5, action: 'update', outcome: 'did_not_converge', fields: ['name', 'group'] },
  { name: 'f', id: 6, action: 'delete', outcome: 'applied', detail: 'already deleted' },
];

describe('the apply result', () => {
  it('renders one line per key and the summary', () => {
    const result = { entries, summary: summarizeEntries(entries) };
    expect(renderApplyText(result)).toMatchInlineSnapshot(`
      "a (id 1) update: applied
      b (new) create: failed: create outcome unknown
      c (id 3) update: skipped: changed since plan (group)
      d (id 4) missing: missing (id 4 not found)
      e (id 5) update: did not converge: name, group
      f (id 6) delete: applied (already deleted)
      Apply: 2 applied, 1 failed, 1 skipped, 1 missing, 1 did not converge.
      "
    `);
  });

  it('renders the same ledger as JSON, without created keys', () => {
    const result = {
      entries,
      summary: summarizeEntries(entries),
      created: [{ id: 9, name: 'n', secret: 'sk-x' }],
    };
    const json = JSON.parse(renderApplyJson(result)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['entries', 'summary']);
    expect(json.entries).toEqual(entries);
    expect(renderApplyJson(result)).not.toContain('sk-x');
  });

  it('exits 0 only when every key applied, 3 otherwise', () => {
    const applied = entries.filter((e) => e.outcome === 'applied');
    expect(applyExitCode({ summary: summarizeEntries(applied) })).toBe(0);
    for (const e of entries.filter((x) => x.outcome !== 'applied')) {
      expect(applyExitCode({ summary: summarizeEntries([...applied, e]) })).toBe(3);
    }
  });
});
