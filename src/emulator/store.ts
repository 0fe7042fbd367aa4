/**
 * The emulator's key table: live records by id, the next id, and a cached newest-first view so that
 * listing 10,000 keys page by page stays cheap (docs/performance.md benchmarks run against it).
 */
import { generateSecret, type Random } from './random.js';
import type { StoredKey } from './types.js';

/** Quota a seeded or inserted key gets when its record does not say (1 USD in new-api units). */
export const DEFAULT_SEED_QUOTA = 500_000;

/** What a record without a field gets (seed files, `insert`). */
export function completeRecord(
  partial: Partial<StoredKey>,
  ctx: { id: number; userId: number; nowSec: number; random?: Random },
): StoredKey {
  const created = partial.created_time ?? ctx.nowSec;
  return {
    id: ctx.id,
    user_id: partial.user_id ?? ctx.userId,
    key: partial.key ?? generateSecret(ctx.random),
    status: partial.status ?? 1,
    name: partial.name ?? `key-${ctx.id}`,
    created_time: created,
    accessed_time: partial.accessed_time ?? created,
    expired_time: partial.expired_time ?? -1,
    remain_quota: partial.remain_quota ?? DEFAULT_SEED_QUOTA,
    unlimited_quota: partial.unlimited_quota ?? false,
    model_limits_enabled: partial.model_limits_enabled ?? false,
    model_limits: partial.model_limits ?? '',
    allow_ips: partial.allow_ips === undefined ? '' : partial.allow_ips,
    used_quota: partial.used_quota ?? 0,
    group: partial.group ?? '',
    cross_group_retry: partial.cross_group_retry ?? false,
    ...(partial.auto_groups === undefined ? {} : { auto_groups: partial.auto_groups }),
  };
}

/** The key table. Records handed out are copies; callers write through `put`. */
export class KeyStore {
  private readonly live = new Map<number, StoredKey>();
  private newestFirst: StoredKey[] | undefined;
  /** The id the next created key gets; never reused, like an auto-increment column. */
  nextId = 1;

  /** Number of live keys. */
  get size(): number {
    return this.live.size;
  }

  /** A copy of a live record. */
  get(id: number): StoredKey | undefined {
    const r = this.live.get(id);
    return r ? { ...r } : undefined;
  }

  /** Live records, id ascending (copies). */
  all(): StoredKey[] {
    return [...this.live.values()].sort((a, b) => a.id - b.id).map((r) => ({ ...r }));
  }

  /** Live records, id descending; the shared cache, do not mutate. */
  listNewestFirst(): readonly StoredKey[] {
    this.newestFirst ??= [...this.live.values()].sort((a, b) => b.id - a.id);
    return this.newestFirst;
  }

  /** Adds a record with the next id (or its own id when given and free). */
  add(build: (id: number) => StoredKey, wantedId?: number): StoredKey {
    let id = this.nextId;
    if (wantedId !== undefined) {
      if (this.live.has(wantedId)) throw new Error(`a key with id ${wantedId} already exists`);
      id = wantedId;
    }
    const record = build(id);
    this.live.set(id, record);
    this.nextId = Math.max(this.nextId, id + 1);
    this.newestFirst = undefined;
    return { ...record };
  }

  /** Replaces a live record (same id). */
  put(record: StoredKey): void {
    if (!this.live.has(record.id)) throw new Error(`no key with id ${record.id}`);
    this.live.set(record.id, { ...record });
    this.newestFirst = undefined;
  }

  /** Soft delete: the record leaves every view; its id is never reused. */
  delete(id: number): boolean {
    const had = this.live.delete(id);
    if (had) this.newestFirst = undefined;
    return had;
  }
}
