/**
 * Seed records from a JSON or YAML file (an array of records, or `{ items: [...] }` as a list
 * response's `data` has it), checked field by field so a typo is a clear error, not a key with
 * a silently defaulted field.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CometkeysError } from '../errors.js';
import {
  STORED_FIELD_TYPES,
  type SeedRecord,
  type StoredFieldType,
  type StoredKey,
} from './types.js';

/** A seed file or seed record that cannot be used. */
export class SeedError extends CometkeysError {}

type FieldCheck = StoredFieldType;
const SEED_FIELDS = STORED_FIELD_TYPES;

/** Fields a record copied from an API response may carry and that a seed ignores. */
const IGNORED_FIELDS = new Set(['DeletedAt']);

function fits(check: FieldCheck, value: unknown): boolean {
  switch (check) {
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'count':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'nullable-string':
      return value === null || typeof value === 'string';
    case 'string-list':
      return value === null || isStringList(value);
  }
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

const EXPECTED: Record<FieldCheck, string> = {
  int: 'an integer',
  count: 'an integer >= 0',
  bool: 'true or false',
  string: 'a string',
  'nullable-string': 'a string or null',
  'string-list': 'a list of strings or null',
};

/**
 * Checks seed records; returns them as SeedRecords. `where` names the source in messages.
 * Throws SeedError naming the record index and field.
 */
export function checkSeedRecords(data: unknown, where: string): SeedRecord[] {
  const items =
    data !== null && typeof data === 'object' && !Array.isArray(data) && 'items' in data
      ? (data as { items: unknown }).items
      : data;
  if (!Array.isArray(items)) {
    throw new SeedError(`${where}: expected an array of key records or { "items": [...] }`);
  }
  const seenIds = new Set<number>();
  return items.map((item: unknown, index) => {
    const at = `${where}: items[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new SeedError(`${at}: expected an object (a key record)`);
    }
    const record: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(item as Record<string, unknown>)) {
      if (IGNORED_FIELDS.has(field)) continue;
      const check = SEED_FIELDS[field as keyof StoredKey];
      if (check === undefined) {
        throw new SeedError(
          `${at}: unknown field "${field}" (known: ${Object.keys(SEED_FIELDS).join(', ')})`,
        );
      }
      if (!fits(check, value)) {
        throw new SeedError(
          `${at}.${field}: expected ${EXPECTED[check]}, got ${JSON.stringify(value)}`,
        );
      }
      record[field] = value;
    }
    const id = record.id as number | undefined;
    if (id !== undefined) {
      if (id < 1) throw new SeedError(`${at}.id: expected a positive integer, got ${id}`);
      if (seenIds.has(id)) throw new SeedError(`${at}.id: duplicate id ${id}`);
      seenIds.add(id);
    }
    return record as SeedRecord;
  });
}

/**
 * The optional `groups` of a `{ items, groups }` seed: the group names available to the user
 * (non-empty strings). Undefined when the seed has none.
 */
export function checkSeedGroups(data: unknown, where: string): string[] | undefined {
  if (data === null || typeof data !== 'object' || !('groups' in data)) return undefined;
  const groups = (data as { groups: unknown }).groups;
  if (!isStringList(groups) || groups.some((g) => g === '')) {
    throw new SeedError(`${where}: groups: expected a list of non-empty group names`);
  }
  return groups;
}

/** Reads and checks a JSON or YAML seed file (YAML is a superset of JSON). */
export function loadSeedFile(file: string): SeedRecord[] {
  return loadSeedFileWithGroups(file).records;
}

/** Like loadSeedFile, with the file's `groups` list when it has one. */
export function loadSeedFileWithGroups(file: string): {
  records: SeedRecord[];
  groups: string[] | undefined;
} {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SeedError(
      `cannot read seed file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new SeedError(`seed file ${file} is not valid JSON or YAML: ${(err as Error).message}`);
  }
  const where = `seed file ${file}`;
  return { records: checkSeedRecords(data, where), groups: checkSeedGroups(data, where) };
}
