/**
 * Hostile text in apply (SPEC §13): the ledger, its JSON form and the executor's warnings carry
 * no raw control or bidi character from a name, a server message or an unknown field name.
 */
import { describe, expect, it } from 'vitest';
import { applyPlan, summarizeEntries } from '../../src/apply/apply-plan.js';
import { renderApplyJson, renderApplyText } from '../../src/apply/render-result.js';
import type { LedgerEntry } from '../../src/apply/types.js';
import { CometApiError } from '../../src/api/errors.js';
import { aServerKey } from '../helpers/builders.js';
import { RAW_UNSAFE } from '../helpers/hostile.js';
import { FakeClient } from './fake-client.js';
import { declared, realPlan } from './real-plans.js';

const now = () => new Date('2026-11-26T12:00:00Z');

describe('the apply ledger', () => {
  const entries: LedgerEntry[] = [
    { name: 'evil\u001b[31m', id: 1, action: 'update', outcome: 'applied' },
    {
      name: '\u009b31m',
      id: 2,
      action: 'update',
      outcome: 'failed',
      detail: 'HTTP 200 success:false — group "vip\u001b[2J\u202e" is not available',
    },
    { name: 'c', id: 3, action: 'update', outcome: 'skipped', fields: ['x\u001b[2J'] },
  ];
  const result = { entries, summary: summarizeEntries(entries) };

  it('escapes names, details and field names in the text form', () => {
    const text = renderApplyText(result);
    expect(text).not.toMatch(RAW_UNSAFE);
    expect(text).toContain('evil\\u{1b}[31m (id 1) update: applied');
    expect(text).toContain('\\u{9b}31m (id 2) update: failed: ');
    expect(text).toContain('"vip\\u{1b}[2J\\u{202e}"');
    expect(text).toContain('(x\\u{1b}[2J)');
  });

  it('keeps the JSON form valid JSON with the same values, C1 and bidi escaped', () => {
    const json = renderApplyJson(result);
    expect(json).not.toMatch(RAW_UNSAFE);
    expect(JSON.parse(json).entries).toEqual(entries);
  });
});

describe('server messages in errors', () => {
  it('CometApiError escapes the message it builds, and keeps serverMessage verbatim', () => {
    const said = 'Token group vip\u001b[2J\u009b31m does not exist';
    const err = new CometApiError({
      method: 'PUT',
      path: '/api/token/',
      status: 200,
      kind: 'api',
      detail: `success:false — ${said}`,
      serverMessage: said,
    });
    expect(err.message).not.toMatch(RAW_UNSAFE);
    expect(err.message).toBe(
      '[PUT] /api/token/: HTTP 200 success:false — Token group vip\\u{1b}[2J\\u{9b}31m does not exist',
    );
    expect(err.serverMessage).toBe(said);
  });
});

describe('the executor', () => {
  it('escapes unknown field names in its warning', async () => {
    const record = { ...aServerKey({ name: 'a' }), 'x\u001b[2J\u009b': 1 };
    const client = new FakeClient({ mode: 'upstream', keys: [record] });
    const warnings: string[] = [];
    const result = await applyPlan({
      plan: realPlan([declared(record, { group: 'g' })], [record]),
      client,
      parallelism: 1,
      now,
      onWarning: (m) => warnings.push(m),
    });
    expect(result.summary.applied).toBe(1);
    expect(warnings.join('\n')).toContain('passed through unchanged: x\\u{1b}[2J\\u{9b}');
    expect(warnings.join('\n')).not.toMatch(RAW_UNSAFE);
  });
});
