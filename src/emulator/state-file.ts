/**
 * `--state FILE`: the emulator's table as JSON `{ nextId, keys }`, loaded at start and rewritten
 * atomically (temp file + rename) after every write, so a crash never leaves half a file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { checkSeedGroups, checkSeedRecords, SeedError } from './seed-file.js';
import type { SeedRecord, StoredKey } from './types.js';

/** What the state file holds. */
export interface EmulatorState {
  nextId: number;
  keys: StoredKey[];
  /** The groups available to the user (absent in files written before it existed). */
  groups?: string[];
}

/** Loads the state file; undefined when it does not exist. Throws SeedError when invalid. */
export function loadState(
  file: string,
): { nextId: number; keys: SeedRecord[]; groups: string[] | undefined } | undefined {
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SeedError(`state file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const where = `state file ${file}`;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new SeedError(`${where}: expected { "nextId": N, "keys": [...] }`);
  }
  const { nextId, keys } = data as { nextId?: unknown; keys?: unknown };
  if (typeof nextId !== 'number' || !Number.isSafeInteger(nextId) || nextId < 1) {
    throw new SeedError(`${where}: nextId must be a positive integer`);
  }
  const records = checkSeedRecords(keys, where);
  records.forEach((r, i) => {
    if (r.id === undefined) throw new SeedError(`${where}: items[${i}]: missing id`);
  });
  return { nextId, keys: records, groups: checkSeedGroups(data, where) };
}

/** Writes the state atomically. */
export function saveState(file: string, state: EmulatorState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`);
  renameSync(tmp, file);
}
