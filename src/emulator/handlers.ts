/**
 * The token endpoints, as new-api's controller/token.go behaves
 * (docs/write-protocol.md#server-facts): business errors are HTTP 200 with `success: false`,
 * creates answer without data, updates are full replaces, and `status` follows the configured
 * status mode (docs/write-protocol.md#status-updates-differ-between-servers).
 */
import { decodeTokenBody, type TokenBody } from './body.js';
import { listModels } from './models.js';
import { generateSecret, maskSecret } from './random.js';
import type { KeyStore } from './store.js';
import type { StatusMode, StoredKey } from './types.js';

/** The English messages new-api sends (relayed by clients, never matched exactly). */
export const MESSAGES = {
  notFound: 'record not found',
  nameTooLong: 'Token name is too long',
  quotaNegative: 'Quota value cannot be negative',
  quotaTooLarge: (max: number) => `Quota value exceeds valid range, maximum is ${max}`,
  expiredCannotEnable:
    'Token has expired and cannot be enabled. Please modify the expiration time or set it to never expire',
  exhaustedCannotEnable:
    'Token quota is exhausted and cannot be enabled. Please modify the remaining quota or set it to unlimited quota',
  keyCap: (max: number) => `已达到最大令牌数量限制 (${max})`,
  autoGroupsTooMany: (max: number) => `auto_groups can hold at most ${max} groups`,
  autoGroupsDuplicate: (group: string) =>
    `auto_groups lists the group ${JSON.stringify(group)} more than once`,
  autoGroupsUnavailable: (group: string) =>
    `auto_groups: the group ${JSON.stringify(group)} is not available to this user`,
  invalidParams: 'invalid parameters',
  tooManyIds: (max: number) => `at most ${max} ids per request`,
} as const;

/** new-api's limits: names in bytes, the largest limited quota (before 2026-08-10). */
export const MAX_NAME_BYTES = 50;
export const MAX_QUOTA_VALUE = 500_000_000_000_000;
/** new-api's largest limited quota since 2026-08-10 (int32). */
export const INT32_QUOTA_MAX = 2_147_483_647;
/** new-api's limit on `auto_groups` entries. */
export const MAX_AUTO_GROUPS = 5;
/** new-api's limit on the ids of one `POST /api/token/batch/keys`. */
export const MAX_REVEAL_IDS = 100;
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

/** What a handler answers; the server writes it. */
export interface Reply {
  status: number;
  json: unknown;
}

/** What the handlers need from the running emulator. */
export interface ApiContext {
  store: KeyStore;
  userId: number;
  nowSec(): number;
  statusMode: StatusMode;
  maskKeys: boolean;
  maxKeys: number;
  /** The largest `remain_quota` a limited key's body may carry. */
  quotaMax: number;
  /** Records carry `auto_groups` and bodies may set it. */
  autoGroups: boolean;
  /** Groups `auto_groups` entries must come from. */
  availableGroups: ReadonlySet<string>;
  /** Called after every committed write (persists the state file). */
  committed(): void;
}

const ok = (data?: unknown): Reply => ({
  status: 200,
  json: data === undefined ? { success: true, message: '' } : { success: true, message: '', data },
});
const fail = (message: string): Reply => ({ status: 200, json: { success: false, message } });

/** A record as the API shows it: new-api's field order, masked key, gorm's `DeletedAt`. */
export function presentRecord(r: StoredKey, maskKeys: boolean): Record<string, unknown> {
  return {
    id: r.id,
    user_id: r.user_id,
    key: maskKeys ? maskSecret(r.key) : r.key,
    status: r.status,
    name: r.name,
    created_time: r.created_time,
    accessed_time: r.accessed_time,
    expired_time: r.expired_time,
    remain_quota: r.remain_quota,
    unlimited_quota: r.unlimited_quota,
    model_limits_enabled: r.model_limits_enabled,
    model_limits: r.model_limits,
    allow_ips: r.allow_ips,
    used_quota: r.used_quota,
    group: r.group,
    cross_group_retry: r.cross_group_retry,
    // Only servers with auto_groups (the emulator's `autoGroups`) have the field at all.
    ...(r.auto_groups === undefined ? {} : { auto_groups: r.auto_groups }),
    DeletedAt: null,
  };
}

/** Go's strconv.Atoi, for query values: junk is 0 (new-api ignores the error). */
function atoiOrZero(text: string | undefined): number {
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : 0;
}

/** Parses a path id like Go's Atoi; the error text is what new-api relays. */
function parseId(text: string): number | { error: string } {
  if (/^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  return { error: `strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax` };
}

/**
 * Name length, quota range and a sent `auto_groups`, checked on the body before anything is
 * read (new-api order) — so a status-only call is checked too.
 */
function checkBody(ctx: ApiContext, body: TokenBody): string | undefined {
  if (Buffer.byteLength(body.name, 'utf8') > MAX_NAME_BYTES) return MESSAGES.nameTooLong;
  if (!body.unlimited_quota) {
    if (body.remain_quota < 0) return MESSAGES.quotaNegative;
    if (body.remain_quota > ctx.quotaMax) return MESSAGES.quotaTooLarge(ctx.quotaMax);
  }
  if (body.auto_groups) return checkAutoGroups(body.auto_groups, ctx.availableGroups);
  return undefined;
}

/** At most MAX_AUTO_GROUPS, no repeats, each available to the user. */
function checkAutoGroups(groups: string[], available: ReadonlySet<string>): string | undefined {
  if (groups.length > MAX_AUTO_GROUPS) return MESSAGES.autoGroupsTooMany(MAX_AUTO_GROUPS);
  const seen = new Set<string>();
  for (const group of groups) {
    if (seen.has(group)) return MESSAGES.autoGroupsDuplicate(group);
    seen.add(group);
    if (!available.has(group)) return MESSAGES.autoGroupsUnavailable(group);
  }
  return undefined;
}

/** `auto_groups` after a full write: the body's when sent, else what was stored. */
function nextAutoGroups(ctx: ApiContext, body: TokenBody, stored: StoredKey | undefined) {
  if (!ctx.autoGroups) return {};
  const sent =
    body.auto_groups === undefined ? undefined : body.auto_groups && [...body.auto_groups];
  return { auto_groups: sent === undefined ? (stored?.auto_groups ?? null) : sent };
}

/** The editable fields a full write stores, with the server's own rewrites applied. */
function editableFields(body: TokenBody) {
  return {
    name: body.name,
    expired_time: body.expired_time,
    remain_quota: body.remain_quota,
    unlimited_quota: body.unlimited_quota,
    model_limits_enabled: body.model_limits_enabled,
    model_limits: body.model_limits,
    // docs/write-protocol.md#the-key-record: commas inside a line are deleted by the server.
    allow_ips: body.allow_ips === null ? null : body.allow_ips.replace(/,/g, ''),
    group: body.group,
    // cross_group_retry only means something with group "auto"; the server forces false otherwise.
    cross_group_retry: body.group === 'auto' ? body.cross_group_retry : false,
  };
}

/** `GET /api/token/?p=&page_size=`: newest first, page from 1, size default 10, cap 100. */
export function listTokens(ctx: ApiContext, query: Record<string, string>): Reply {
  const page = Math.max(1, atoiOrZero(query.p));
  let size = atoiOrZero(query.page_size);
  if (size <= 0) size = DEFAULT_PAGE_SIZE;
  if (size > MAX_PAGE_SIZE) size = MAX_PAGE_SIZE;
  const all = ctx.store.listNewestFirst();
  const items = all
    .slice((page - 1) * size, page * size)
    .map((r) => presentRecord(r, ctx.maskKeys));
  return ok({ page, page_size: size, total: all.length, items });
}

/** `GET /api/token/{id}`. */
export function getToken(ctx: ApiContext, idText: string): Reply {
  const id = parseId(idText);
  if (typeof id !== 'number') return fail(id.error);
  const record = ctx.store.get(id);
  return record ? ok(presentRecord(record, ctx.maskKeys)) : fail(MESSAGES.notFound);
}

/** `POST /api/token/`: omitted fields are zero values, status is always 1, no data back. */
export function createToken(ctx: ApiContext, raw: string): Reply {
  const decoded = decodeTokenBody(raw, ctx);
  if (!decoded.ok) return fail(decoded.message);
  const problem = checkBody(ctx, decoded.body);
  if (problem) return fail(problem);
  if (ctx.store.size >= ctx.maxKeys) return fail(MESSAGES.keyCap(ctx.maxKeys));
  const now = ctx.nowSec();
  ctx.store.add((id) => ({
    id,
    user_id: ctx.userId,
    key: generateSecret(),
    status: 1,
    created_time: now,
    accessed_time: now,
    used_quota: 0,
    ...editableFields(decoded.body),
    ...nextAutoGroups(ctx, decoded.body, undefined),
  }));
  ctx.committed();
  return ok();
}

/** The enable guard: refuses status 1 for a stored expired or exhausted key. */
function enableGuard(stored: StoredKey, nowSec: number): string | undefined {
  if (stored.status === 3 && stored.expired_time !== -1 && stored.expired_time <= nowSec) {
    return MESSAGES.expiredCannotEnable;
  }
  if (stored.status === 4 && stored.remain_quota <= 0 && !stored.unlimited_quota) {
    return MESSAGES.exhaustedCannotEnable;
  }
  return undefined;
}

/** `PUT /api/token/[?status_only=...]`: full replace or status only, per status mode. */
export function updateToken(ctx: ApiContext, raw: string, query: Record<string, string>): Reply {
  const decoded = decodeTokenBody(raw, ctx);
  if (!decoded.ok) return fail(decoded.message);
  const body = decoded.body;
  const problem = checkBody(ctx, body);
  if (problem) return fail(problem);
  const stored = ctx.store.get(body.id);
  if (!stored) return fail(MESSAGES.notFound);
  if (body.status === 1) {
    const refused = enableGuard(stored, ctx.nowSec());
    if (refused) return fail(refused);
  }
  // new-api treats any non-empty status_only as set; a 'docs' server ignores the parameter.
  const statusOnly = ctx.statusMode === 'upstream' && (query.status_only ?? '') !== '';
  let next: StoredKey;
  if (statusOnly) {
    next = { ...stored, status: body.status };
  } else {
    next = { ...stored, ...editableFields(body), ...nextAutoGroups(ctx, body, stored) };
    if (ctx.statusMode === 'docs') next.status = body.status;
  }
  ctx.store.put(next);
  ctx.committed();
  return ok(presentRecord(next, ctx.maskKeys));
}

/** `DELETE /api/token/{id}`: soft delete; unknown or deleted ids are "record not found". */
export function deleteToken(ctx: ApiContext, idText: string): Reply {
  const id = parseId(idText);
  if (typeof id !== 'number') return fail(id.error);
  if (!ctx.store.delete(id)) return fail(MESSAGES.notFound);
  ctx.committed();
  return ok();
}

/**
 * A stored secret as the reveal routes answer it: new-api stores keys without `sk-` and reveals
 * them so (docs/write-protocol.md#server-facts); the emulator stores `sk-...`, so it drops it.
 */
function revealed(record: StoredKey): string {
  return record.key.startsWith('sk-') ? record.key.slice(3) : record.key;
}

/** `POST /api/token/{id}/key`: the whole secret of one of the user's keys. */
export function revealKey(ctx: ApiContext, idText: string): Reply {
  const id = parseId(idText);
  if (typeof id !== 'number') return fail(id.error);
  const record = ctx.store.get(id);
  if (!record || record.user_id !== ctx.userId) return fail(MESSAGES.notFound);
  return ok({ key: revealed(record) });
}

/**
 * `POST /api/token/batch/keys` `{"ids":[...]}`: at most MAX_REVEAL_IDS ids; `data.keys` maps
 * each found id to its secret, ids not found (or not the user's) are left out.
 */
export function revealKeys(ctx: ApiContext, raw: string): Reply {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return fail(MESSAGES.invalidParams);
  }
  const ids = (body as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => Number.isSafeInteger(i))) {
    return fail(MESSAGES.invalidParams);
  }
  if (ids.length > MAX_REVEAL_IDS) return fail(MESSAGES.tooManyIds(MAX_REVEAL_IDS));
  const keys: Record<string, string> = {};
  for (const id of ids as number[]) {
    const record = ctx.store.get(id);
    if (record && record.user_id === ctx.userId) keys[String(id)] = revealed(record);
  }
  return ok({ keys });
}

/** `GET /api/models` (public). */
export function getModels(): Reply {
  return ok(listModels());
}
