/** The key-file JSON Schema: valid for editors, and in step with the model and the loader. */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { EDITOR_KEYWORDS, readKeysSchema } from '../../src/desired/schema-check.js';
import { MANAGED_FIELDS } from '../../src/model.js';

const schema = readKeysSchema() as {
  $schema: string;
  definitions: {
    keyFields: { properties: Record<string, { items?: { enum?: string[] } }> };
    key: { properties: Record<string, unknown> };
  };
};

describe('schemas/keys.schema.json', () => {
  it('is a valid draft-07 schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(ajv.validateSchema(schema)).toBe(true);
  });

  it('lists exactly the managed fields as ignore_changes values', () => {
    expect(schema.definitions.keyFields.properties.ignore_changes?.items?.enum).toEqual([
      ...MANAGED_FIELDS,
    ]);
  });

  it('gives keys every defaults field plus name, id, previous_names and rotate', () => {
    expect(Object.keys(schema.definitions.key.properties).sort()).toEqual(
      [
        ...Object.keys(schema.definitions.keyFields.properties),
        'name',
        'id',
        'previous_names',
        'rotate',
      ].sort(),
    );
  });

  it('is compiled in strict mode without complaint (no unknown keywords or type slips)', () => {
    // strictRequired would also demand `properties` beside the conditional `required` of then.
    const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true });
    // The editors' message keywords are the only ones outside JSON Schema.
    ajv.addVocabulary([...EDITOR_KEYWORDS]);
    expect(() => ajv.compile(schema)).not.toThrow();
  });
});
