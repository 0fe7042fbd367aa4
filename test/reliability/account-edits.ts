/**
 * The reliability suite's desired state: the export of a seeded account (which plans with zero
 * changes), edited in code so that the plan holds changes of every kind — each managed field,
 * disables and enables, revivals of expired and exhausted keys, budgets, quota forms, renames,
 * creates (some disabled), deletes of unmanaged keys, and unmanaged keys exempted by name.
 */
import YAML from 'yaml';
import type { StoredKey } from '../../src/emulator/index.js';

/** A key entry of a key file, as YAML parses it. */
type KeyEntry = Record<string, unknown> & { name: string; id?: number };

/** What the edited key file is expected to do, by category, for the assertions. */
export interface EditedAccount {
  text: string;
  /** Server ids per edit category (creates are by name). */
  ids: Record<string, number[]>;
  /** Names of the keys the file creates. */
  createdNames: string[];
  /** Unmanaged keys exempted by `unmanaged.ignoreNames`: must stay untouched. */
  keptUnmanaged: number[];
  /** Names for `unmanaged.ignoreNames`. */
  ignoreNames: string[];
  /** Unmanaged keys the `delete` action removes. */
  deleted: number[];
}

const MODEL_A = 'gpt-4o-mini';
const MODEL_B = 'claude-sonnet-4-5';
const FAR_EXPIRY = '2031-06-30';
const QUOTA_STEP = 1_000_000;
const CREATES = 3;

function canServe(r: StoredKey, nowSec: number): boolean {
  const timeOk = r.expired_time === -1 || r.expired_time > nowSec;
  return timeOk && (r.unlimited_quota || r.remain_quota > 0);
}

function setQuota(entry: KeyEntry, form: Record<string, unknown>): void {
  delete entry.quota_budget;
  delete entry.remain_quota;
  delete entry.unlimited_quota;
  Object.assign(entry, form);
}

/**
 * Edits `exportedText` (exportKeyFile over `records`) into a desired state with about 300
 * changes. Keys are picked by their stored shape, each key in at most one category.
 */
export function editAccount(
  exportedText: string,
  records: readonly StoredKey[],
  now: Date,
): EditedAccount {
  const doc = YAML.parse(exportedText) as { keys: KeyEntry[]; defaults?: Record<string, unknown> };
  const nowSec = Math.floor(now.getTime() / 1000);
  const entryById = new Map<number, KeyEntry>();
  for (const entry of doc.keys) if (typeof entry.id === 'number') entryById.set(entry.id, entry);
  const nameCount = new Map<string, number>();
  for (const r of records) nameCount.set(r.name, (nameCount.get(r.name) ?? 0) + 1);

  const used = new Set<number>();
  const ids: Record<string, number[]> = {};
  const pick = (category: string, n: number, pred: (r: StoredKey) => boolean): StoredKey[] => {
    const chosen = records.filter((r) => {
      const entry = entryById.get(r.id);
      // Keys with values the file cannot declare keep them in ignore_changes: leave them be.
      return !used.has(r.id) && entry && !entry.ignore_changes && pred(r);
    });
    const out = chosen.slice(0, n);
    if (out.length < n) throw new Error(`the seed has too few keys for "${category}"`);
    for (const r of out) used.add(r.id);
    ids[category] = out.map((r) => r.id);
    return out;
  };
  const entry = (r: StoredKey): KeyEntry => entryById.get(r.id) as KeyEntry;
  const serving = (r: StoredKey) => r.status === 1 && canServe(r, nowSec);
  const limited = (r: StoredKey) => !r.unlimited_quota;
  const unique = (r: StoredKey) => nameCount.get(r.name) === 1;

  for (const r of pick('expiry', 30, serving)) entry(r).expired_time = FAR_EXPIRY;
  for (const r of pick('models', 25, (k) => serving(k) && !k.model_limits_enabled)) {
    entry(r).model_limits = [MODEL_A, MODEL_B];
    delete entry(r).model_limits_enabled;
  }
  for (const r of pick('models_off', 10, (k) => k.model_limits_enabled && k.model_limits !== '')) {
    entry(r).model_limits = [];
    delete entry(r).model_limits_enabled;
  }
  for (const r of pick('allow_ips', 25, serving))
    entry(r).allow_ips = ['192.0.2.10', '2001:db8::7'];
  for (const r of pick('group', 15, (k) => serving(k) && k.group === '')) entry(r).group = 'vip';
  for (const r of pick('cross_group_retry', 10, (k) => k.group === 'auto' && k.cross_group_retry)) {
    entry(r).cross_group_retry = false;
  }
  for (const r of pick('budget', 25, (k) => serving(k) && limited(k))) {
    setQuota(entry(r), { quota_budget: r.remain_quota + r.used_quota + QUOTA_STEP });
  }
  for (const r of pick('remain_form', 10, (k) => serving(k) && limited(k))) {
    setQuota(entry(r), { remain_quota: 2 * QUOTA_STEP });
  }
  for (const r of pick('to_unlimited', 10, (k) => serving(k) && limited(k))) {
    setQuota(entry(r), { unlimited_quota: true });
  }
  for (const r of pick('to_limited', 10, (k) => k.status === 1 && k.unlimited_quota)) {
    setQuota(entry(r), { quota_budget: r.used_quota + 5 * QUOTA_STEP });
  }
  const disabled = pick('disable', 25, serving);
  for (const [i, r] of disabled.entries()) {
    entry(r).status = 'disabled';
    if (i % 2 === 0) entry(r).allow_ips = ['198.51.100.0/24'];
  }
  const enabled = pick('enable', 25, (k) => k.status === 2 && canServe(k, nowSec));
  for (const [i, r] of enabled.entries()) {
    entry(r).status = 'enabled';
    if (i % 2 === 0) entry(r).group = 'svip';
  }
  for (const r of pick(
    'revive_expired',
    10,
    (k) => k.status === 3 && limited(k) && k.remain_quota > 0,
  )) {
    Object.assign(entry(r), { status: 'enabled', expired_time: FAR_EXPIRY });
  }
  for (const r of pick('revive_exhausted', 10, (k) => k.status === 4 && k.expired_time === -1)) {
    Object.assign(entry(r), { status: 'enabled' });
    setQuota(entry(r), { quota_budget: r.used_quota + 3 * QUOTA_STEP });
  }
  for (const r of pick('rename', 10, (k) => serving(k) && unique(k))) {
    entry(r).name = `${r.name}-renamed`;
  }

  const deleted = pick('delete', 15, unique).map((r) => r.id);
  const kept = pick('kept_unmanaged', 10, unique);
  const removed = new Set([...deleted, ...kept.map((r) => r.id)]);
  doc.keys = doc.keys.filter((k) => typeof k.id !== 'number' || !removed.has(k.id));

  // Few creates: under 20% faults a POST that dies uncommitted may not be sent again in the
  // same run (SPEC §7.9), so each create fails a run with probability ~1/6 whatever the client
  // does; three keep the chance that one is still missing after three runs near 1.4%.
  const createdNames: string[] = [];
  for (let i = 1; i <= CREATES; i++) {
    const name = `reliability-new-${i}`;
    createdNames.push(name);
    const key: KeyEntry = {
      name,
      quota_budget: i * QUOTA_STEP,
      expired_time: i % 2 === 0 ? 'never' : FAR_EXPIRY,
      model_limits: i === 1 ? [MODEL_A] : [],
      allow_ips: i === 2 ? ['203.0.113.0/24'] : [],
      group: i === 2 ? 'auto' : '',
      cross_group_retry: i === 2,
      // The last is created disabled: inert first, then disabled, then given its fields.
      status: i === CREATES ? 'disabled' : 'enabled',
    };
    doc.keys.push(key);
  }
  return {
    text: YAML.stringify(doc),
    ids,
    createdNames,
    keptUnmanaged: kept.map((r) => r.id),
    ignoreNames: kept.map((r) => r.name),
    deleted,
  };
}
