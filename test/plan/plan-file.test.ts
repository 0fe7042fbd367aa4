import { describe, expect, it } from 'vitest';
import { parsePlanFile, serializePlan, validatePlanObject } from '../../src/plan/plan-file.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { planOf } from './helpers.js';

function samplePlan() {
  return planOf(
    [
      aDesiredKey({ name: 'a', group: 'g' }),
      aDesiredKey({ name: 'new', status: 2 }),
      aDesiredKey({ name: 'gone', id: 5 }),
    ],
    [aServerKey({ id: 1, name: 'a' }), aServerKey({ id: 2, name: 'stray' })],
    { action: 'delete' },
  );
}

describe('plan files', () => {
  it('round-trips through serializePlan and parsePlanFile', () => {
    const plan = samplePlan();
    const text = serializePlan(plan);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "format_version": 1,');
    expect(parsePlanFile(text, 'plan.json')).toEqual(plan);
  });

  it('produces plans valid against the schema', () => {
    expect(validatePlanObject(JSON.parse(serializePlan(samplePlan())))).toEqual([]);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parsePlanFile('{nope', 'p.json')).toThrow(
      expect.objectContaining({
        name: 'PlanFileError',
        message: expect.stringContaining('p.json: not a JSON plan'),
      }),
    );
  });

  it('refuses another format_version', () => {
    const obj = { ...JSON.parse(serializePlan(samplePlan())), format_version: 2 };
    expect(() => parsePlanFile(JSON.stringify(obj), 'p.json')).toThrow(
      /format_version 2 is not supported/,
    );
  });

  it('refuses a plan of the wrong shape, naming the path', () => {
    const obj = JSON.parse(serializePlan(samplePlan()));
    obj.changes[0].sequence = ['explode'];
    delete obj.account;
    expect(() => parsePlanFile(JSON.stringify(obj), 'p.json')).toThrow(
      /\/changes\/0\/sequence\/0[\s\S]*account|account[\s\S]*\/changes\/0\/sequence/,
    );
  });

  it('refuses an update without an id', () => {
    const obj = JSON.parse(serializePlan(samplePlan()));
    const upd = obj.changes.find((c: { action: string }) => c.action === 'update');
    upd.id = null;
    expect(() => parsePlanFile(JSON.stringify(obj), 'p.json')).toThrow(
      /not a valid cometkeys plan/,
    );
  });
});
