/**
 * Consolidated warnings (docs/commands.md#consolidated-warnings, like Terraform's "and N more
 * similar warnings"): of each kind only the first few instances are shown, then one line
 * counts the rest. Shared by the plan renderers and the key-file diagnostics on stderr.
 */

/** Instances of one kind shown before the rest are counted. */
export const SHOWN_PER_KIND = 3;

/** One entry of a consolidated list: an item shown, or the count of a kind's hidden rest. */
export type Consolidated<T> = { item: T } | { kind: string; more: number };

/**
 * Keeps the first `perKind` items of each kind, in their order, and puts after the last one
 * shown of a kind the number left out. Items of kind undefined (errors) are always kept.
 * `perKind` Infinity keeps everything (`--all-warnings`).
 */
export function consolidate<T>(
  items: readonly T[],
  kindOf: (item: T) => string | undefined,
  perKind: number = SHOWN_PER_KIND,
): Consolidated<T>[] {
  const total = new Map<string, number>();
  for (const it of items) {
    const kind = kindOf(it);
    if (kind !== undefined) total.set(kind, (total.get(kind) ?? 0) + 1);
  }
  const seen = new Map<string, number>();
  const out: Consolidated<T>[] = [];
  for (const it of items) {
    const kind = kindOf(it);
    if (kind === undefined) {
      out.push({ item: it });
      continue;
    }
    const n = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, n);
    if (n > perKind) continue;
    out.push({ item: it });
    const all = total.get(kind) ?? 0;
    if (n === perKind && all > perKind) out.push({ kind, more: all - perKind });
  }
  return out;
}

/** Counts by kind, most frequent first (then by kind), e.g. for a summary line. */
export function countKinds<T>(
  items: readonly T[],
  kindOf: (item: T) => string,
): [string, number][] {
  const total = new Map<string, number>();
  for (const it of items) total.set(kindOf(it), (total.get(kindOf(it)) ?? 0) + 1);
  return [...total].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The line that stands for a kind's hidden instances. */
export function moreLine(more: number): string {
  return `(and ${more} more like this; --all-warnings shows them)`;
}
