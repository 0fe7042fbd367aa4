/** Both JSON Schemas list exactly the fields of the table (src/fields.ts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIELDS, KEY_FIELDS, MANAGED_FIELDS } from '../../src/fields.js';

interface Property {
  type?: string | string[];
  items?: { enum?: string[] };
}

interface Schema {
  definitions: Record<string, { properties: Record<string, Property> }>;
}

function schema(name: string): Schema {
  const url = new URL(`../../schemas/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Schema;
}

function propertiesOf(s: Schema, definition: string): Record<string, Property> {
  const d = s.definitions[definition];
  if (!d) throw new Error(`no definition ${definition}`);
  return d.properties;
}

/**
 * Key-file fields besides the table's: the key's identity and its rotation schedule (never sent,
 * never diffed); ignore_changes and deliver are added below.
 */
const KEY_ONLY = ['id', 'previous_names', 'rotate'];

describe('the field table and the schemas', () => {
  const keys = schema('keys.schema.json');
  const plan = schema('plan.schema.json');

  it('keys.schema.json: defaults hold every key field but name, plus ignore_changes, deliver', () => {
    expect(Object.keys(propertiesOf(keys, 'keyFields'))).toEqual([
      ...KEY_FIELDS.filter((f) => f !== 'name'),
      'ignore_changes',
      'deliver',
    ]);
  });

  it('keys.schema.json: a key holds every key field, plus id, previous_names, ignore_changes, deliver', () => {
    expect(Object.keys(propertiesOf(keys, 'key')).sort()).toEqual(
      [...KEY_FIELDS, ...KEY_ONLY, 'ignore_changes', 'deliver'].sort(),
    );
  });

  it('keys.schema.json: ignore_changes allows exactly the ignore entries of the table', () => {
    const entries = new Set(KEY_FIELDS.map((f) => FIELDS[f].ignore));
    expect(propertiesOf(keys, 'keyFields')['ignore_changes']?.items?.enum).toEqual([...entries]);
    expect([...entries]).toEqual([...MANAGED_FIELDS]);
  });

  it('plan.schema.json: planned values are the key fields but status (its calls set it)', () => {
    expect(Object.keys(propertiesOf(plan, 'planned'))).toEqual(
      KEY_FIELDS.filter((f) => f !== 'status'),
    );
  });

  it('plan.schema.json: planned list fields are strings or arrays as the table says', () => {
    for (const f of KEY_FIELDS) {
      const row = FIELDS[f] as { list?: string };
      const type = propertiesOf(plan, 'planned')[f]?.type;
      if (row.list === 'array') expect(type, f).toBe('array');
      else if (row.list) expect(type, f).toBe('string');
    }
  });
});
