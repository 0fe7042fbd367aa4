/**
 * An in-memory CometClient that models the server the way cometapi-api.md describes it, in
 * both status modes (SPEC §9 `--status-mode`):
 * - `upstream` (new-api): a plain update ignores `status`; `?status_only=true` copies only it;
 * - `docs` (CometAPI's documentation): a plain update applies `status`; `status_only` is
 *   ignored, so a status call is a full update.
 * Updates are full replaces (an omitted field is zeroed, so an incomplete body shows up as a
 * lost field), the enable guard refuses status 1 on a stored expired/exhausted key, negative
 * quota is refused, and every call is recorded. Status calls are sent as the real client
 * sends them: `buildStatusBody(current, status)`.
 */
import { buildStatusBody } from '../../src/api/body.js';
import { CometApiError } from '../../src/api/errors.js';
import type { CometClient, CreateFields, CreateResult, UpdateBody } from '../../src/api/types.js';
import type { ServerKey } from '../../src/model.js';

export type StatusMode = 'upstream' | 'docs';

export interface FakeCall {
  method: 'list' | 'get' | 'create' | 'update' | 'status' | 'delete';
  id?: number;
  /** The body as sent (updates, status calls, creates). */
  body?: Record<string, unknown>;
}

/** A failure injected for the next matching call. */
export interface FakeFault {
  method: FakeCall['method'];
  id?: number;
  /** `before`: nothing happens on the server; `after`: the write lands, the answer is lost. */
  when: 'before' | 'after';
  error?: Error;
}

type StoredKey = ServerKey & { key: string; deleted?: boolean };

/** Fields a full-replace update writes; anything else a record has passes through the same way. */
const EDITABLE = [
  'name',
  'expired_time',
  'remain_quota',
  'unlimited_quota',
  'model_limits_enabled',
  'model_limits',
  'allow_ips',
  'group',
  'cross_group_retry',
] as const;
const SERVER_OWNED = new Set([
  'id',
  'key',
  'user_id',
  'used_quota',
  'created_time',
  'accessed_time',
  'status',
  'deleted',
]);

function zeroOf(value: unknown): unknown {
  if (typeof value === 'number') return 0;
  if (typeof value === 'boolean') return false;
  if (typeof value === 'string') return '';
  return null;
}

function apiError(method: string, path: string, message: string, kind: 'api' | 'not_found') {
  return new CometApiError({
    method,
    path,
    status: 200,
    kind,
    detail: `success:false — ${message}`,
    serverMessage: message,
  });
}

export interface FakeClientOptions {
  mode: StatusMode;
  keys?: ServerKey[];
  /** Unix seconds, for the enable guard. */
  nowSeconds?: number;
}

export class FakeClient implements CometClient {
  readonly calls: FakeCall[] = [];
  readonly faults: FakeFault[] = [];
  rateLimited = false;
  /** Fields the server silently keeps as they are (to provoke "did not converge"). */
  readonly stickyFields = new Set<string>();
  private readonly store = new Map<number, StoredKey>();
  private readonly mode: StatusMode;
  private readonly nowSeconds: number;
  private nextId = 1;

  constructor(opts: FakeClientOptions) {
    this.mode = opts.mode;
    this.nowSeconds = opts.nowSeconds ?? 1_800_000_000;
    for (const k of opts.keys ?? []) this.seed(k);
  }

  /** Puts a record on the server as is (with a secret). */
  seed(k: ServerKey): void {
    this.store.set(k.id, { ...structuredClone(k), key: `sk-secret-${k.id}` });
    this.nextId = Math.max(this.nextId, k.id + 1);
  }

  /** The stored record, secret stripped; undefined when absent or deleted. */
  record(id: number): ServerKey | undefined {
    const k = this.store.get(id);
    return k && !k.deleted ? this.strip(k) : undefined;
  }

  /** Every live key, by id. */
  records(): ServerKey[] {
    return [...this.store.values()]
      .filter((k) => !k.deleted)
      .map((k) => this.strip(k))
      .sort((a, b) => a.id - b.id);
  }

  /** Calls of one key that write. */
  writesTo(id: number): FakeCall[] {
    return this.calls.filter((c) => c.id === id && c.method !== 'get' && c.method !== 'list');
  }

  private strip(k: StoredKey): ServerKey {
    const { key: _key, deleted: _deleted, ...rest } = structuredClone(k);
    return rest;
  }

  private async fault<T>(method: FakeCall['method'], id: number | undefined, run: () => T) {
    const i = this.faults.findIndex(
      (f) => f.method === method && (f.id === undefined || f.id === id),
    );
    const fault = i >= 0 ? this.faults.splice(i, 1)[0] : undefined;
    const error =
      fault?.error ??
      new CometApiError({
        method: 'PUT',
        path: '/api/token/',
        status: 502,
        kind: 'http',
        detail: 'bad gateway',
      });
    if (fault?.when === 'before') throw error;
    const result = run();
    if (fault?.when === 'after') throw error;
    return result;
  }

  private live(id: number, method: string, path: string): StoredKey {
    const k = this.store.get(id);
    if (!k || k.deleted) throw apiError(method, path, 'record not found', 'not_found');
    return k;
  }

  async listKeys(): Promise<ServerKey[]> {
    this.calls.push({ method: 'list' });
    return this.fault('list', undefined, () => this.records().reverse());
  }

  async getKey(id: number): Promise<ServerKey> {
    this.calls.push({ method: 'get', id });
    return this.fault('get', id, () => this.strip(this.live(id, 'GET', `/api/token/${id}`)));
  }

  async createKey(fields: CreateFields, opts: { highestKnownId: number }): Promise<CreateResult> {
    const body = structuredClone(fields) as unknown as Record<string, unknown>;
    this.calls.push({ method: 'create', body });
    return this.fault('create', undefined, () => {
      this.validate('POST', body);
      const id = this.nextId++;
      const stored: StoredKey = {
        id,
        user_id: 1,
        key: `sk-secret-${id}`,
        status: 1,
        created_time: this.nowSeconds,
        accessed_time: 0,
        used_quota: 0,
        name: String(body.name ?? ''),
        expired_time: Number(body.expired_time ?? 0),
        remain_quota: Number(body.remain_quota ?? 0),
        unlimited_quota: body.unlimited_quota === true,
        model_limits_enabled: body.model_limits_enabled === true,
        model_limits: String(body.model_limits ?? ''),
        allow_ips: (body.allow_ips as string | null | undefined) ?? '',
        group: String(body.group ?? ''),
        cross_group_retry: body.group === 'auto' && body.cross_group_retry === true,
      };
      this.store.set(id, stored);
      if (id <= opts.highestKnownId) throw new Error('fake: id resolution would fail');
      return { record: this.strip(stored), secret: stored.key };
    });
  }

  async updateKey(body: UpdateBody, _before: ServerKey): Promise<ServerKey> {
    const sent = structuredClone({ ...body }) as Record<string, unknown>;
    this.calls.push({ method: 'update', id: body.id, body: sent });
    return this.fault('update', body.id, () => this.write(sent, false));
  }

  async setStatus(current: ServerKey, status: 1 | 2): Promise<ServerKey> {
    const sent = structuredClone({ ...buildStatusBody(current, status) }) as Record<
      string,
      unknown
    >;
    this.calls.push({ method: 'status', id: current.id, body: sent });
    return this.fault('status', current.id, () => this.write(sent, true));
  }

  async deleteKey(id: number): Promise<'deleted' | 'not_found'> {
    this.calls.push({ method: 'delete', id });
    return this.fault('delete', id, () => {
      const k = this.store.get(id);
      if (!k || k.deleted) return 'not_found' as const;
      k.deleted = true;
      return 'deleted' as const;
    });
  }

  /** Not used by apply yet (SPEC §11 integration is coming): the live keys' stored secrets. */
  async revealKeys(ids: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const id of ids) {
      const k = this.store.get(id);
      if (k && !k.deleted) out.set(id, k.key);
    }
    return out;
  }

  rateLimitExhausted(): boolean {
    return this.rateLimited;
  }

  private validate(method: string, body: Record<string, unknown>): void {
    if (body.unlimited_quota !== true && Number(body.remain_quota) < 0) {
      throw apiError(method, '/api/token/', 'Quota value cannot be negative', 'api');
    }
    if (typeof body.name === 'string' && Buffer.byteLength(body.name) > 50) {
      throw apiError(method, '/api/token/', 'Token name is too long', 'api');
    }
  }

  private write(body: Record<string, unknown>, statusOnly: boolean): ServerKey {
    const id = Number(body.id);
    const k = this.live(id, 'PUT', '/api/token/');
    this.validate('PUT', body);
    if (body.status === 1) {
      // The enable guard judges the stored key, not the body (cometapi-api.md "Update").
      const expired = k.status === 3 && k.expired_time !== -1 && k.expired_time <= this.nowSeconds;
      const exhausted = k.status === 4 && k.remain_quota <= 0 && !k.unlimited_quota;
      if (expired)
        throw apiError('PUT', '/api/token/', 'Token has expired and cannot be enabled', 'api');
      if (exhausted)
        throw apiError(
          'PUT',
          '/api/token/',
          'Token quota is exhausted and cannot be enabled',
          'api',
        );
    }
    if (statusOnly && this.mode === 'upstream') {
      k.status = Number(body.status);
      return this.strip(k);
    }
    // Full replace: every editable field comes from the body, an omitted one is zeroed.
    const extra = Object.keys(k).filter(
      (f) => !SERVER_OWNED.has(f) && !(EDITABLE as readonly string[]).includes(f),
    );
    for (const f of [...EDITABLE, ...extra]) {
      if (this.stickyFields.has(f)) continue;
      (k as Record<string, unknown>)[f] = f in body ? body[f] : zeroOf(k[f]);
    }
    if (k.group !== 'auto') k.cross_group_retry = false;
    if (this.mode === 'docs') k.status = Number(body.status ?? 0);
    return this.strip(k);
  }
}
