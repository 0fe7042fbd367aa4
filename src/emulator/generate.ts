/**
 * Generated accounts: N keys covering every shape a real account holds
 * (docs/write-protocol.md#the-key-record, #server-owned-changes), deterministic for a given PRNG.
 * Shapes rotate with the index, so any N ≥ SHAPE_COUNT contains each of them.
 */
import { MODEL_CATALOGUE } from './models.js';
import { generateSecret, pick, randomInt, type Random } from './random.js';
import type { StoredKey } from './types.js';

const DAY_S = 86_400;
const QUOTA_PER_USD = 500_000;

const BASE_NAMES = [
  'backend-prod',
  'backend-staging',
  'ci-runner',
  'data-pipeline',
  'mobile-app',
  'web-frontend',
  'analytics',
  'batch-jobs',
  'support-bot',
  'research',
  'partner-acme',
  'evals',
];

const UNICODE_NAMES = ['équipe-données', '研究团队', 'チーム-ベータ', 'café-bot', 'ключ-тест'];

const NAMED_GROUPS = ['default', 'vip', 'svip'];

/** One key shape: changes laid over the base record of index i. */
type Shape = (ctx: ShapeContext) => Partial<StoredKey>;

interface ShapeContext {
  i: number;
  random: Random;
  nowSec: number;
  /** Names of the keys generated before this one. */
  names: readonly string[];
}

function models(random: Random, count: number): string {
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(pick(random, MODEL_CATALOGUE));
  return [...chosen].join(',');
}

const pastExpiry = (c: ShapeContext) => c.nowSec - randomInt(c.random, 1, 60) * DAY_S;

/** The shapes, in rotation order (names are for reading only). */
const SHAPES: Array<[string, Shape]> = [
  ['plain', () => ({})],
  ['disabled', () => ({ status: 2 })],
  ['expired', (c) => ({ status: 3, expired_time: pastExpiry(c) })],
  ['expired-unflipped', (c) => ({ status: 1, expired_time: pastExpiry(c) })],
  [
    'exhausted',
    (c) => ({
      status: 4,
      remain_quota: -randomInt(c.random, 0, 3) * 100,
      used_quota: randomInt(c.random, 1, 20) * QUOTA_PER_USD,
    }),
  ],
  [
    'unlimited',
    (c) => {
      const used = randomInt(c.random, 1_000, 5_000_000);
      return { unlimited_quota: true, remain_quota: -used, used_quota: used };
    },
  ],
  [
    'budget-used',
    (c) => ({
      remain_quota: randomInt(c.random, 1, 50) * 10_000,
      used_quota: randomInt(c.random, 1, 50) * 10_000,
      expired_time: c.nowSec + randomInt(c.random, 7, 365) * DAY_S,
    }),
  ],
  ['models-on', (c) => ({ model_limits_enabled: true, model_limits: models(c.random, 2) })],
  ['models-on-empty', () => ({ model_limits_enabled: true, model_limits: '' })],
  [
    'models-off-listed',
    (c) => ({ model_limits_enabled: false, model_limits: models(c.random, 1) }),
  ],
  ['ip-single', (c) => ({ allow_ips: `203.0.113.${randomInt(c.random, 1, 254)}` })],
  ['ip-multi', () => ({ allow_ips: '198.51.100.10\n2001:db8::1\n10.0.0.0/8\n2001:db8:abcd::/48' })],
  ['ip-null', () => ({ allow_ips: null })],
  ['group-auto', () => ({ group: 'auto', cross_group_retry: true })],
  ['group-named', (c) => ({ group: pick(c.random, NAMED_GROUPS) })],
  ['duplicate-name', (c) => ({ name: c.names[c.i - 1 - (c.i % 5)] ?? c.names[0] })],
  ['unicode-name', (c) => ({ name: `${pick(c.random, UNICODE_NAMES)}-${c.i + 1}` })],
];

/** How many shapes rotate; N ≥ this holds every one. */
export const SHAPE_COUNT = SHAPES.length;

/**
 * Garbage a real account can hold but a key file cannot declare
 * (docs/export.md#values-a-key-file-cannot-hold).
 */
const GARBAGE: Array<(k: StoredKey) => Partial<StoredKey>> = [
  () => ({ allow_ips: '198.51.100.1,198.51.100.2' }),
  () => ({ model_limits_enabled: true, model_limits: 'gpt-4o, gpt-4o-mini' }),
  (k) => ({ name: ` ${k.name}` }),
];
const GARBAGE_EVERY = 12;
const GARBAGE_OFFSET = 7;

/** Options of `generateKeys`. */
export interface GenerateOptions {
  /** The PRNG; the same sequence gives the same keys. */
  random: Random;
  /** Also store a few values a validator rejects (comma IP list, model id with a space, padded name). */
  garbage?: boolean;
  /** The clock, ms (a number or a clock function). */
  now: number | (() => number);
  /** Owner of the keys (default 1). */
  userId?: number;
}

/** Generates `n` keys with ids 1..n, oldest first, covering every shape (see SHAPE_COUNT). */
export function generateKeys(n: number, opts: GenerateOptions): StoredKey[] {
  const nowMs = typeof opts.now === 'function' ? opts.now() : opts.now;
  const nowSec = Math.floor(nowMs / 1000);
  const { random } = opts;
  const names: string[] = [];
  const keys: StoredKey[] = [];
  for (let i = 0; i < n; i++) {
    const created = nowSec - (n - i) * 600 - randomInt(random, 0, 599);
    const base: StoredKey = {
      id: i + 1,
      user_id: opts.userId ?? 1,
      key: generateSecret(random),
      status: 1,
      name: `${pick(random, BASE_NAMES)}-${i + 1}`,
      created_time: created,
      accessed_time: created + randomInt(random, 0, nowSec - created),
      expired_time: random() < 0.5 ? -1 : nowSec + randomInt(random, 7, 365) * DAY_S,
      remain_quota: randomInt(random, 1, 200) * 50_000,
      unlimited_quota: false,
      model_limits_enabled: false,
      model_limits: '',
      allow_ips: '',
      used_quota: random() < 0.5 ? 0 : randomInt(random, 1, 100) * 1_000,
      group: '',
      cross_group_retry: false,
    };
    const shape = SHAPES[i % SHAPES.length]?.[1] ?? (() => ({}));
    let key: StoredKey = { ...base, ...shape({ i, random, nowSec, names }) };
    if (opts.garbage && i % GARBAGE_EVERY === GARBAGE_OFFSET) {
      const defect = GARBAGE[Math.floor(i / GARBAGE_EVERY) % GARBAGE.length];
      if (defect) key = { ...key, ...defect(key) };
    }
    names.push(key.name);
    keys.push(key);
  }
  return keys;
}
