/**
 * Rules across all keys of all files (SPEC §2 "Names"): names unique among keys without `id`,
 * one key per pinned id, shared names among pinned keys a warning, previous names unambiguous.
 */
import type { Diagnostic } from '../model.js';
import { errorAt, warningAt, type Located } from './diagnostics.js';
import type { LoadedEntry } from './load-text.js';
import { matchesTarget } from '../values/index.js';

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
  const byName = new Map<string, { file: string; at: Located }>();
  const byId = new Map<number, { file: string; at: Located; name: string }>();
  const pinnedNames = new Map<string, { file: string; at: Located; id: number }>();
  const previousOwner = new Map<string, { file: string; at: Located; name: string }>();
  for (const e of entries) {
    const { key } = e;
    if (key.id === undefined) {
      const first = byName.get(key.name);
      if (first) {
        out.push(
          errorAt(
            e.file,
            e.nameAt,
            `duplicate name ${JSON.stringify(key.name)}: also declared at ${where(first)} (names must be unique among keys without id)`,
          ),
        );
      } else byName.set(key.name, { file: e.file, at: e.nameAt });
      continue;
    }
    const sameId = byId.get(key.id);
    if (sameId) {
      out.push(
        errorAt(
          e.file,
          e.idAt,
          `id ${key.id} is also pinned by key ${JSON.stringify(sameId.name)} at ${where(sameId)}`,
        ),
      );
    } else byId.set(key.id, { file: e.file, at: e.idAt, name: key.name });
    // A nameless pinned key (name ignored) shares nothing with others.
    const sameName = key.name === '' ? undefined : pinnedNames.get(key.name);
    if (sameName) {
      out.push(
        warningAt(
          e.file,
          e.nameAt,
          `name ${JSON.stringify(key.name)} is also used by the key pinning id ${sameName.id} at ${where(sameName)}; the server allows it, but people may confuse them`,
        ),
      );
    } else if (key.name !== '')
      pinnedNames.set(key.name, { file: e.file, at: e.nameAt, id: key.id });
  }
  for (const e of entries) {
    for (const p of e.key.previous_names) {
      const at = e.previousAt.get(p) ?? e.nameAt;
      const named = byName.get(p);
      if (named) {
        out.push(
          errorAt(
            e.file,
            at,
            `previous name ${JSON.stringify(p)} is the name of another key, declared at ${where(named)}`,
          ),
        );
        continue;
      }
      const owner = previousOwner.get(p);
      if (owner) {
        out.push(
          errorAt(
            e.file,
            at,
            `previous name ${JSON.stringify(p)} is also claimed by key ${JSON.stringify(owner.name)} at ${where(owner)}`,
          ),
        );
      } else previousOwner.set(p, { file: e.file, at, name: e.key.name });
    }
  }
  return out;
}

function checkIgnoredNames(
  entries: readonly LoadedEntry[],
  ignoreNames: readonly string[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pattern = (name: string) =>
    ignoreNames.find((g) => g === name) ?? ignoreNames.find((g) => matchesTarget(name, [g]));
  for (const e of entries) {
    const names: [string, Located][] = [];
    // A key that pins its id is matched by id, never by name: no duplicate can come of it.
    if (e.key.id === undefined) names.push([e.key.name, e.nameAt]);
    for (const p of e.key.previous_names) names.push([p, e.previousAt.get(p) ?? e.nameAt]);
    for (const [name, at] of names) {
      const g = pattern(name);
      if (g === undefined) continue;
      out.push(
        errorAt(
          e.file,
          at,
          `${JSON.stringify(name)} matches unmanaged.ignoreNames ${JSON.stringify(g)}: keys of that name are never matched, so this would create a duplicate of a live key; remove the pattern or rename the key`,
        ),
      );
    }
  }
  return out;
}
