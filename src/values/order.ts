/**
 * The one order of keys in all output (docs/commands.md#output): by name in code-unit order, then
 * by id; a key without an id (a create, a key file entry that does not pin one) after the keys with
 * ids of the same name, as null sorts last.
 */

/** Something with a name and maybe an id: a desired key, a change, a ledger entry, a record. */
export interface NamedWithId {
  name?: string | undefined;
  id?: number | null | undefined;
}

/** Orders by name (code units), then id; without an id after keys with ids. */
export function compareNameId(a: NamedWithId, b: NamedWithId): number {
  const an = a.name ?? '';
  const bn = b.name ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  return (a.id ?? Number.MAX_SAFE_INTEGER) - (b.id ?? Number.MAX_SAFE_INTEGER);
}
