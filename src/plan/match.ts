/**
 * Matching desired keys to server keys in three passes (docs/plan-format.md#matching): pinned ids,
 * then exact names among unmatched server keys, then `previous_names`. Linear in the number of
 * keys.
 */
import type { DesiredKey, ServerKey } from '../model.js';
import { matchesTarget } from '../values/index.js';
import { InternalError, PlanError } from './errors.js';
import type { MatchedBy } from './model.js';

export interface MatchedPair {
  desired: DesiredKey;
  server: ServerKey;
  matchedBy: Exclude<MatchedBy, 'unmanaged' | 'new' | 'generation'>;
}

export interface MatchResult {
  pairs: MatchedPair[];
  /** Desired keys that pin an id the account does not hold. */
  missing: DesiredKey[];
  /** Desired keys with no server key: to be created. */
  unmatchedDesired: DesiredKey[];
  /** Server keys no desired key claims. */
  unmatchedServer: ServerKey[];
}

function ambiguity(d: DesiredKey, name: string, keys: ServerKey[]): PlanError {
  const ids = keys.map((k) => k.id).sort((a, b) => a - b);
  return new PlanError(
    `${d.source.file}:${d.source.line}:${d.source.col}: key "${d.name}": ${ids.length} server keys ` +
      `are named "${name}" (ids ${ids.join(', ')}); pin the one you mean with \`id\``,
  );
}

/** Matches desired to server keys; throws PlanError when a name is ambiguous. */
export function matchKeys(
  desired: readonly DesiredKey[],
  server: readonly ServerKey[],
  ignoreNames: readonly string[],
): MatchResult {
  const byId = new Map<number, ServerKey>();
  for (const s of server) {
    if (byId.has(s.id)) throw new InternalError(`server id ${s.id} listed twice`);
    byId.set(s.id, s);
  }
  const claimed = new Set<number>();
  const pairs: MatchedPair[] = [];
  const missing: DesiredKey[] = [];
  const rest: DesiredKey[] = [];

  // Pass (a): pinned ids.
  for (const d of desired) {
    if (d.id === undefined) {
      rest.push(d);
      continue;
    }
    const s = byId.get(d.id);
    if (s === undefined) {
      missing.push(d);
      continue;
    }
    if (claimed.has(s.id)) throw new PlanError(`id ${s.id} is pinned by more than one key`);
    claimed.add(s.id);
    pairs.push({ desired: d, server: s, matchedBy: 'id' });
  }

  // A key matched by name that `ignoreNames` exempts would be created beside the live one
  // (the loader reports it at its line; this guards library callers).
  if (ignoreNames.length > 0) {
    const clash = rest.filter((d) =>
      [d.name, ...d.previous_names].some((n) => matchesTarget(n, ignoreNames)),
    );
    if (clash.length > 0) {
      const names = clash.map((d) => JSON.stringify(d.name)).join(', ');
      throw new PlanError(
        `${names} ${clash.length === 1 ? 'matches' : 'match'} unmanaged.ignoreNames: ` +
          'keys of such names are never matched, so the plan would create duplicates of live keys',
      );
    }
  }

  // Candidates by name: unclaimed and not exempt by `ignoreNames`.
  const byName = new Map<string, ServerKey[]>();
  for (const s of server) {
    if (claimed.has(s.id)) continue;
    if (ignoreNames.length > 0 && matchesTarget(s.name, ignoreNames)) continue;
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }
  const available = (name: string): ServerKey[] =>
    (byName.get(name) ?? []).filter((s) => !claimed.has(s.id));

  // Pass (b): exact names.
  const afterNames: DesiredKey[] = [];
  // Claims the one candidate; several are ambiguous, none leaves `d` for the next pass.
  const claimOne = (
    d: DesiredKey,
    asked: string,
    found: ServerKey[],
    matchedBy: 'name' | 'previous_name',
    unmatched: DesiredKey[],
  ): void => {
    if (found.length > 1) throw ambiguity(d, asked, found);
    const s = found[0];
    if (s === undefined) {
      unmatched.push(d);
      return;
    }
    claimed.add(s.id);
    pairs.push({ desired: d, server: s, matchedBy });
  };
  for (const d of rest) claimOne(d, d.name, available(d.name), 'name', afterNames);

  // Pass (c): previous names; several candidates across them are as ambiguous as (b).
  const unmatchedDesired: DesiredKey[] = [];
  for (const d of afterNames) {
    const found: ServerKey[] = [];
    for (const prev of d.previous_names) {
      for (const s of available(prev)) if (!found.includes(s)) found.push(s);
    }
    claimOne(d, d.previous_names.join('" or "'), found, 'previous_name', unmatchedDesired);
  }

  const unmatchedServer = server.filter((s) => !claimed.has(s.id));
  return { pairs, missing, unmatchedDesired, unmatchedServer };
}
