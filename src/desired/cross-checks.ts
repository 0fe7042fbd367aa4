/**
 * Rules across all keys of all files (docs/key-file.md#names): names unique among keys without
 * `id`, one key per pinned id, shared names among pinned keys a warning, previous names
 * unambiguous.
 */
import type { Diagnostic } from '../model.js';
import { errorAt, warningAt, type Located } from './diagnostics.js';
import type { LoadedEntry } from './load-text.js';
import { generationBases, matchesTarget } from '../values/index.js';

/** The value first recorded under `key`; records `value` when there is none yet. */
function seenBefore<K, V>(map: Map<K, V>, key: K, value: V): V | undefined {
  const first = map.get(key);
  if (first === undefined) map.set(key, value);
  return first;
}

function where(e: { file: string; at: Located }): string {
  return `${e.file}:${e.at.line}:${e.at.col}`;
}

/**
 * Checks keys in load order (files sorted, keys in file order); later duplicates are flagged.
 * `ignoreNames` (the config's `unmanaged.ignoreNames`) exempts server keys from name matching,
 * so a declared key of such a name (without a pinned id), or a previous name of that form,
 * would be created beside the live one: an error.
 */
export function checkAcrossKeys(
  entries: readonly LoadedEntry[],
  ignoreNames: readonly string[] = [],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (ignoreNames.length > 0) out.push(...checkIgnoredNames(entries, ignoreNames));
  out.push(...checkGenerationNames(entries));
  // The first entry of each name, id and previous name; positions are read only to report.
  const byName = new Map<string, LoadedEntry>();
  const byId = new Map<number, LoadedEntry>();
  const pinnedNames = new Map<string, LoadedEntry>();
  const previousOwner = new Map<string, { entry: LoadedEntry; at: () => Located }>();
  for (const e of entries) {
    const { key } = e;
    if (key.id === undefined) {
      const first = seenBefore(byName, key.name, e);
      if (first) {
        const why = `duplicate name ${JSON.stringify(key.name)}: also declared at ${where({ file: first.file, at: first.nameAt })}`;
        out.push(errorAt(e.file, e.nameAt, `${why} (names must be unique among keys without id)`));
      }
      continue;
    }
    const sameId = seenBefore(byId, key.id, e);
    if (sameId) {
      const who = `key ${JSON.stringify(sameId.key.name)} at ${where({ file: sameId.file, at: sameId.idAt })}`;
      out.push(errorAt(e.file, e.idAt, `id ${key.id} is also pinned by ${who}`));
    }
    // A nameless pinned key (name ignored) shares nothing with others.
    if (key.name === '') continue;
    const sameName = seenBefore(pinnedNames, key.name, e);
    if (sameName) {
      const other = `the key pinning id ${sameName.key.id} at ${where({ file: sameName.file, at: sameName.nameAt })}`;
      const why = `the server allows it, but people may confuse them`;
      out.push(
        warningAt(
          e.file,
          e.nameAt,
          `name ${JSON.stringify(key.name)} is also used by ${other}; ${why}`,
          'shared-name',
        ),
      );
    }
  }
  for (const e of entries) {
    for (const p of e.key.previous_names) {
      const at = () => e.previousAt.get(p) ?? e.nameAt;
      const prev = `previous name ${JSON.stringify(p)}`;
      const named = byName.get(p);
      if (named) {
        const there = where({ file: named.file, at: named.nameAt });
        out.push(errorAt(e.file, at(), `${prev} is the name of another key, declared at ${there}`));
        continue;
      }
      const owner = seenBefore(previousOwner, p, { entry: e, at });
      if (owner) {
        const who = `key ${JSON.stringify(owner.entry.key.name)} at ${where({ file: owner.entry.file, at: owner.at() })}`;
        out.push(errorAt(e.file, at(), `${prev} is also claimed by ${who}`));
      }
    }
  }
  return out;
}

/**
 * The names a key may be matched by, each with where it is written (looked up only when a
 * diagnostic needs it): its name, unless it pins its id (a key that pins its id is matched by id,
 * never by name), and its previous names.
 */
function namesMatchedBy(e: LoadedEntry): [string, () => Located][] {
  const names: [string, () => Located][] = [];
  if (e.key.id === undefined) names.push([e.key.name, () => e.nameAt]);
  for (const p of e.key.previous_names) names.push([p, () => e.previousAt.get(p) ?? e.nameAt]);
  return names;
}

function checkIgnoredNames(
  entries: readonly LoadedEntry[],
  ignoreNames: readonly string[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pattern = (name: string) =>
    ignoreNames.find((g) => g === name) ?? ignoreNames.find((g) => matchesTarget(name, [g]));
  for (const e of entries) {
    for (const [name, at] of namesMatchedBy(e)) {
      const g = pattern(name);
      if (g === undefined) continue;
      out.push(
        errorAt(
          e.file,
          at(),
          `${JSON.stringify(name)} matches unmanaged.ignoreNames ${JSON.stringify(g)}: keys of that name are never matched, so this would create a duplicate of a live key; remove the pattern or rename the key`,
        ),
      );
    }
  }
  return out;
}

/**
 * A name of the form `NAME~YYYYMMDD` (or `~N`) where NAME is a rotating key's: the planner takes
 * server keys so named as that key's generations (docs/rotation.md#generations), so another key
 * declared under such a name, or adopting one by previous name, would fight over it.
 */
function checkGenerationNames(entries: readonly LoadedEntry[]): Diagnostic[] {
  const rotating = new Map<string, { file: string; at: Located }>();
  for (const e of entries) {
    if (e.key.rotate && e.key.id === undefined) {
      rotating.set(e.key.name, { file: e.file, at: e.nameAt });
    }
  }
  if (rotating.size === 0) return [];
  const out: Diagnostic[] = [];
  for (const e of entries) {
    for (const [name, at] of namesMatchedBy(e)) {
      const base = generationBases(name).find((b) => rotating.has(b));
      const owner = base === undefined ? undefined : rotating.get(base);
      if (!owner) continue;
      out.push(
        errorAt(
          e.file,
          at(),
          `${JSON.stringify(name)} is a generation name of the rotating key ${JSON.stringify(base)} (declared at ${where(owner)}): server keys so named belong to it; choose a name without ~YYYYMMDD`,
        ),
      );
    }
  }
  return out;
}
