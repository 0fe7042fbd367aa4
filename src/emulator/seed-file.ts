/**
 * Seed records from a JSON or YAML file (an array of records, or `{ items: [...] }` as a list
 * response's `data` has it), checked field by field so a typo is a clear error, not a key with
 * a silently defaulted field.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { SeedRecord, StoredKey } from './types.js';

/** A seed file or seed record that cannot be used. */
export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

type FieldCheck = 'int' | 'string' | 'bool' | 'nullable-string';

const SEED_FIELDS: Record<keyof StoredKey, FieldCheck> = {
  id: 'int',
  user_id: 'int',
  key: 'string',
  status: 'int',
  name: 'string',
  created_time: 'int',
  accessed_time: 'int',
  expired_time: 'int',
  remain_quota: 'int',
  unlimited_quota: 'bool',
  model_limits_enabled: 'bool',
  model_limits: 'string',
  allow_ips: 'nullable-string',
  used_quota: 'int',
  group: 'string',
  cross_group_retry: 'bool',
};

/** Fields a record copied from an API response may carry and that a seed ignores. */
const IGNORED_FIELDS = new Set(['DeletedAt']);

function fits(check: FieldCheck, value: unknown): boolean {
  switch (check) {
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'nullable-string':
      return value === null || typeof value === 'string';
  }
}

const EXPECTED: Record<FieldCheck, string> = {
  int: 'an integer',
  bool: 'true or false',
  string: 'a string',
  'nullable-string': 'a string or null',
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

/** Reads and checks a JSON or YAML seed file (YAML is a superset of JSON). */
export function loadSeedFile(file: string): SeedRecord[] {
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
  return checkSeedRecords(data, `seed file ${file}`);
}
