/**
 * Checks every write body the emulator logged: complete (every editable field present, no
 * read-only field), and each value either the key's value before the apply or the declared
 * one. An omitted or zeroed field would reset the key (cometapi-api.md "Update ... Full
 * replace"), so a value that is neither is a bug somewhere between the plan and the wire.
 */
import { EDITABLE_FIELDS } from '../../src/api/body.js';
import type { LoggedRequest, StoredKey } from '../../src/emulator/index.js';
import {
  parseAllowIps,
  parseModelLimits,
  READ_ONLY_FIELDS,
  type DesiredKey,
  type ManagedField,
} from '../../src/model.js';

const CREATE_FIELDS = EDITABLE_FIELDS.filter((f) => f !== 'status');

/** Wire values a key may hold, field by field (absent field = any value allowed). */
type Values = Partial<Record<(typeof EDITABLE_FIELDS)[number], unknown>>;

/** Field values a key will hold once its declaration is applied; ignored fields left out. */
export function declaredValues(d: DesiredKey, usedQuota: number): Values {
  const ignored = new Set<ManagedField>(d.ignore_changes);
  const v: Values = {};
  if (!ignored.has('name')) v.name = d.name;
  if (!ignored.has('status')) v.status = d.status;
  if (!ignored.has('expired_time')) v.expired_time = d.expired_time;
  if (!ignored.has('model_limits')) {
    v.model_limits_enabled = d.model_limits_enabled;
    v.model_limits = d.model_limits;
  }
  if (!ignored.has('allow_ips')) v.allow_ips = d.allow_ips;
  if (!ignored.has('group')) v.group = d.group;
  if (!ignored.has('cross_group_retry')) v.cross_group_retry = d.cross_group_retry;
  if (!ignored.has('remain_quota') && d.quota) {
    v.unlimited_quota = d.quota.kind === 'unlimited';
    if (d.quota.kind === 'budget') v.remain_quota = Math.max(0, d.quota.amount - usedQuota);
    if (d.quota.kind === 'remain') v.remain_quota = d.quota.amount;
  }
  return v;
}

function normalise(field: string, value: unknown): unknown {
  if (field === 'model_limits') {
    const list = Array.isArray(value) ? value : parseModelLimits(String(value ?? ''));
    return [...list].sort().join(',');
  }
  if (field === 'allow_ips') {
    const list = Array.isArray(value) ? value : parseAllowIps(value as string | null);
    return [...list].sort().join('\n');
  }
  return value;
}

function sameValue(field: string, a: unknown, b: unknown): boolean {
  return normalise(field, a) === normalise(field, b);
}

/** Where a key starts and where it should end, for judging its bodies. */
export interface KeyExpectation {
  before: Values;
  declared: Values;
  /** A key declared disabled and created: the inert create's values are allowed too. */
  inert?: boolean;
}

function allowed(field: string, value: unknown, exp: KeyExpectation): boolean {
  if (!(field in exp.declared)) return sameValue(field, value, exp.before[field as keyof Values]);
  if (sameValue(field, value, exp.before[field as keyof Values])) return true;
  if (sameValue(field, value, exp.declared[field as keyof Values])) return true;
  if (field === 'remain_quota' && value === 0) {
    // A limited key's negative remaining quota is sent as 0 (SPEC §7.2).
    const before = exp.before.remain_quota;
    return typeof before === 'number' && before < 0;
  }
  if (exp.inert && field === 'model_limits_enabled') return value === true;
  if (exp.inert && field === 'model_limits') return sameValue(field, value, '');
  return false;
}

/** The expectation of a stored key, before the apply, against its declaration. */
export function expectStored(before: StoredKey, d: DesiredKey): KeyExpectation {
  const { key: _secret, ...rest } = before;
  return { before: rest, declared: declaredValues(d, before.used_quota) };
}

/** The expectation of a key the apply creates from `d`. */
export function expectCreated(d: DesiredKey): KeyExpectation {
  const declared = declaredValues(d, 0);
  const inert = d.status === 2;
  // New keys start enabled; one declared disabled starts inert (SPEC §7.6).
  const before: Values = inert
    ? { ...declared, status: 1, model_limits_enabled: true, model_limits: '' }
    : { ...declared, status: 1 };
  return { before, declared, inert };
}

/**
 * Problems with the logged PUT/POST bodies; `expectationOf` gives a key's expectation by the
 * id (PUT) or name (POST) a body carries, or undefined when no write should touch that key.
 */
export function checkWriteBodies(
  requests: readonly LoggedRequest[],
  expectationOf: (by: { id?: number; name?: string }) => KeyExpectation | undefined,
): string[] {
  const problems: string[] = [];
  for (const r of requests) {
    if (r.path !== '/api/token/' || (r.method !== 'PUT' && r.method !== 'POST')) continue;
    const where = `#${r.seq} ${r.method} ${r.path}${r.query.status_only ? '?status_only=true' : ''}`;
    if (typeof r.body !== 'object' || r.body === null) {
      problems.push(`${where}: body is not a JSON object`);
      continue;
    }
    const body = r.body as Record<string, unknown>;
    const required = r.method === 'PUT' ? ['id', ...EDITABLE_FIELDS] : CREATE_FIELDS;
    const missing = required.filter((f) => body[f] === undefined);
    if (missing.length > 0)
      problems.push(`${where}: incomplete body, missing ${missing.join(', ')}`);
    const readOnly = READ_ONLY_FIELDS.filter((f) => f in body);
    if (readOnly.length > 0)
      problems.push(`${where}: read-only fields sent: ${readOnly.join(', ')}`);
    const exp =
      r.method === 'PUT'
        ? expectationOf({ id: body.id as number })
        : expectationOf({ name: body.name as string });
    if (!exp) {
      problems.push(
        `${where}: a write to a key no change targets (${String(body.id ?? body.name)})`,
      );
      continue;
    }
    for (const field of EDITABLE_FIELDS) {
      if (!(field in body)) continue;
      if (!allowed(field, body[field], exp)) {
        problems.push(
          `${where} key ${String(body.id ?? body.name)}: ${field} = ${JSON.stringify(body[field])} ` +
            `is neither the previous ${JSON.stringify(exp.before[field])} nor the declared ` +
            `${JSON.stringify(exp.declared[field])}`,
        );
      }
    }
  }
  return problems;
}
