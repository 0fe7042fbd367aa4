/** The plan shows, per create, where its secret will go (SPEC §11). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { validatePlanObject } from '../../src/plan/plan-file.js';
import { SINK_NAME } from '../../src/sinks/index.js';
import { renderPlan } from '../../src/render/index.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { planOf } from './helpers.js';

const Q = 500_000;

function plan() {
  return planOf(
    [
      aDesiredKey({ name: 'new-a', deliver: ['backend-ci', 'vault'] }),
      aDesiredKey({ name: 'new-b' }),
      aDesiredKey({ name: 'old', deliver: ['vault'], group: 'auto' }),
    ],
    [aServerKey({ id: 5, name: 'old' })],
  );
}

describe('deliver in the plan', () => {
  it('puts deliver on creates only, as the key file lists it', () => {
    const p = plan();
    const by = Object.fromEntries(p.changes.map((c) => [c.name, c]));
    expect(by['new-a']).toMatchObject({ action: 'create', deliver: ['backend-ci', 'vault'] });
    expect(by['new-b']).not.toHaveProperty('deliver');
    expect(by['old']).toMatchObject({ action: 'update' });
    expect(by['old']).not.toHaveProperty('deliver');
  });

  it('shows a "secret →" line under the create in text and markdown', () => {
    const p = plan();
    const text = renderPlan(p, { format: 'text', color: false, quotaPerUsd: Q });
    const block = text.split('\n\n').find((b) => b.includes('"new-a"')) ?? '';
    expect(block).toContain('        secret → backend-ci, vault');
    expect(text.match(/secret →/g)).toHaveLength(1);
    const md = renderPlan(p, { format: 'markdown', color: false, quotaPerUsd: Q });
    expect(md).toContain('secret → backend-ci, vault');
  });

  it('keeps deliver in the JSON plan, which the schema accepts', () => {
    const json = JSON.parse(renderPlan(plan(), { format: 'json', color: false, quotaPerUsd: Q }));
    const create = json.changes.find((c: { name: string }) => c.name === 'new-a');
    expect(create.deliver).toEqual(['backend-ci', 'vault']);
    expect(validatePlanObject(json)).toEqual([]);
    expect(validatePlanObject({ ...json, changes: [{ ...create, deliver: [1] }] })).not.toEqual([]);
  });

  it("refuses a saved plan whose sink names are not the config's kind (they are printed as they are)", () => {
    const json = JSON.parse(renderPlan(plan(), { format: 'json', color: false, quotaPerUsd: Q }));
    const create = json.changes.find((c: { name: string }) => c.name === 'new-a');
    const hostile = 'vault\u001b[2J\nFAKE: all good';
    expect(
      validatePlanObject({ ...json, changes: [{ ...create, deliver: [hostile] }] }),
    ).not.toEqual([]);
    const handoff = { id: 5, name: 'old', deliver: [hostile] };
    expect(validatePlanObject({ ...json, handoffs: [handoff] })).not.toEqual([]);
    expect(validatePlanObject({ ...json, handoffs: [{ ...handoff, deliver: ['vault'] }] })).toEqual(
      [],
    );
  });

  it("holds sink names in the plan schema to the config's rule", () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8'),
    );
    expect(schema.definitions.sinkName.pattern).toBe(SINK_NAME.source);
  });
});
