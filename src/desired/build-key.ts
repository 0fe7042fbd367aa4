/**
 * One key entry → a normalised DesiredKey: its own fields merged over `defaults` (the key's
 * own fields win; its quota form replaces the defaults' form), then the rules that need the
 * merged key (quota form, past expiry, cross_group_retry, policy).
 */
import type { PolicySettings } from '../config/types.js';
import type { DesiredKey, QuotaSpec, RotateSpec } from '../model.js';
import { errorAt, warningAt, type Located } from './diagnostics.js';
import { normalizeDesiredKey } from './normalize.js';
import {
  parseFields,
  QUOTA_FIELDS,
  SHARED_FIELDS,
  toPointer,
  type FileContext,
  type ParsedFields,
} from './parse-fields.js';
import { checkPolicy } from './policy.js';
import { rotateProblems, rotateSpec } from './rotate-rules.js';
import { isBad } from './schema-check.js';
import type { DocPath } from './yaml-source.js';
import { checkName, formatUnixTime, nameWarnings } from '../values/index.js';

/** Options for building keys. */
export interface BuildOptions {
  policy?: PolicySettings;
  now: Date;
}

type Merged = Omit<ParsedFields, 'declared' | 'invalid'>;

const IS_QUOTA: ReadonlySet<string> = new Set(QUOTA_FIELDS);

type SharedField = (typeof SHARED_FIELDS)[number];

function quotaOf(f: Merged): QuotaSpec | null {
  if (f.unlimited_quota === true) return { kind: 'unlimited' };
  if (f.quota_budget !== undefined) return { kind: 'budget', amount: f.quota_budget };
  if (f.remain_quota !== undefined) return { kind: 'remain', amount: f.remain_quota };
  return null;
}

/** Builds the key at `keys[index]`; undefined when it has errors (they are reported). */
export function buildKey(
  raw: unknown,
  index: number,
  defaults: ParsedFields,
  ctx: FileContext,
  opts: BuildOptions,
): DesiredKey | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const obj = raw as Record<string, unknown>;
  const base = ['keys', index] as const;
  const diagnosticsBefore = ctx.diagnostics.length;
  const err = (at: Located, message: string) =>
    ctx.diagnostics.push(errorAt(ctx.file, at, message));
  const warn = (at: Located, message: string, kind: string) =>
    ctx.diagnostics.push(warningAt(ctx.file, at, message, kind));
  // A file that passed the shape check has no bad pointers: no pointer need be built.
  const anyBad = ctx.shape.badPointers.size > 0;
  const bad = (path: DocPath) => anyBad && isBad(ctx.shape, toPointer(path));
  // (Tested first: no path array is built for a file that passed.)
  const ok = (field: string) => Object.hasOwn(obj, field) && !(anyBad && bad([...base, field]));

  const own = parseFields(obj, base, ctx);
  // No name is allowed only on a pinned key whose name is ignored (the schema's if/then).
  const nameless = !Object.hasOwn(obj, 'name') && !bad(base);
  let broken = (!ok('name') && !nameless) || (Object.hasOwn(obj, 'id') && !ok('id'));
  const name = ok('name') ? (obj.name as string) : '';
  if (ok('name')) {
    const why = checkName(name);
    if (why) err(ctx.locate([...base, 'name']), why);
    if (!why) {
      for (const w of nameWarnings(name)) warn(ctx.locate([...base, 'name']), w.message, w.kind);
    }
  }
  const id = ok('id') ? (obj.id as number) : undefined;
  const previous: string[] = [];
  if (Object.hasOwn(obj, 'previous_names')) {
    if (!ok('previous_names')) broken = true;
    else {
      (obj.previous_names as string[]).forEach((p, i) => {
        const at = ctx.locate([...base, 'previous_names', i]);
        const why = checkName(p);
        if (why) err(at, why);
        else if (p === name) err(at, `${JSON.stringify(p)} is the key's own name`);
        else if (previous.includes(p)) err(at, `duplicate previous name ${JSON.stringify(p)}`);
        else previous.push(p);
      });
    }
  }

  // Merge: a field the key declares wins; a declared-but-invalid one breaks the key.
  const merged: Merged = {};
  // `unlimited_quota: false` is not a form: it keeps a budget from defaults, but it does turn
  // off an unlimited default (then the key has no form left, which is an error).
  const ownQuota = QUOTA_FIELDS.some(
    (f) => own.declared.has(f) && !(f === 'unlimited_quota' && own.unlimited_quota === false),
  );
  const fromDefaults = new Set<string>();
  const into = merged as Record<string, unknown>;
  if (defaults.declared.size === 0) {
    // No defaults (an exported file): only the key's own fields count.
    for (const field of own.declared) {
      if (IS_QUOTA.has(field) && !ownQuota) continue;
      if (own.invalid.has(field)) broken = true;
      const value = own[field as SharedField];
      if (value !== undefined) into[field] = value;
    }
  } else {
    for (const field of SHARED_FIELDS) {
      const source = (IS_QUOTA.has(field) ? ownQuota : own.declared.has(field)) ? own : defaults;
      if (source.invalid.has(field)) broken = true;
      if (source[field] !== undefined) {
        into[field] = source[field];
        if (source === defaults) fromDefaults.add(field);
      }
    }
  }
  if (!ownQuota && own.unlimited_quota === false) {
    merged.unlimited_quota = false;
    fromDefaults.delete('unlimited_quota');
  }
  const at = (field: string): Located => {
    if (own.declared.has(field)) return ctx.locate([...base, field]);
    if (fromDefaults.has(field)) return ctx.locate(['defaults', field]);
    return ctx.locate(base);
  };
  // Only messages name the key: quote it when one is written.
  const who = () => JSON.stringify(name);
  const ignore = merged.ignore_changes ?? [];
  if (ignore.includes('name') && id === undefined) {
    const field = 'ignore_changes';
    const where = at(field);
    err(
      where,
      `"name" may be in ignore_changes only on a key that pins id (key ${who()} does not)`,
    );
  }
  const quota = quotaOf(merged);
  if (quota === null && !ignore.includes('remain_quota') && !broken) {
    const formsInvalid =
      QUOTA_FIELDS.some((f) => own.invalid.has(f)) ||
      QUOTA_FIELDS.some((f) => defaults.invalid.has(f));
    if (!formsInvalid) {
      err(
        ctx.locate(base),
        `key ${who()} has no quota form: declare unlimited_quota: true, quota_budget or remain_quota (on the key or in defaults)`,
      );
    }
  }
  const status = merged.status ?? 1;
  const expired = merged.expired_time ?? -1;
  const nowSeconds = Math.floor(opts.now.getTime() / 1000);
  if (status === 1 && expired !== -1 && expired <= nowSeconds && !ignore.includes('expired_time')) {
    warn(
      at('expired_time'),
      // 0 is a real time, not "never" as in some other APIs (docs/key-file.md#expiry).
      `enabled but expired on ${formatUnixTime(expired)}${expired === 0 ? ' (0 is the start of 1970, not never: write never or -1 for no expiry)' : ''}: it cannot serve requests`,
      'expired-enabled',
    );
  }
  const models = merged.model_limits ?? [];
  const modelsOn = merged.model_limits_enabled ?? models.length > 0;
  if (modelsOn && models.length === 0 && !ignore.includes('model_limits')) {
    warn(
      at('model_limits_enabled'),
      'model_limits_enabled is true with no models: this key may use no model at all',
      'no-models',
    );
  }
  const group = merged.group ?? '';
  const retry = merged.cross_group_retry ?? false;
  if (
    retry &&
    group !== 'auto' &&
    !ignore.includes('group') &&
    !ignore.includes('cross_group_retry')
  ) {
    warn(
      at('cross_group_retry'),
      `cross_group_retry is true but group is ${JSON.stringify(group)}, not "auto": the server stores false, so it is treated as false`,
      'retry-not-auto',
    );
  }
  if (
    merged.auto_groups !== undefined &&
    group !== 'auto' &&
    !ignore.includes('group') &&
    !ignore.includes('auto_groups')
  ) {
    warn(
      at('auto_groups'),
      `auto_groups is set but group is ${JSON.stringify(group)}, not "auto": the server only uses it with group "auto"`,
      'auto-groups-not-auto',
    );
  }
  const rotate = ok('rotate') ? (obj.rotate as RotateSpec) : undefined;
  if (Object.hasOwn(obj, 'rotate') && !rotate) broken = true;
  if (rotate) {
    const problems = rotateProblems(rotate, { name, id, deliver: merged.deliver });
    for (const p of problems) err(ctx.locate([...base, ...p.at]), p.message);
  }
  let newErrors = false;
  for (let i = diagnosticsBefore; i < ctx.diagnostics.length && !newErrors; i++) {
    newErrors = ctx.diagnostics[i]?.severity === 'error';
  }
  if (broken || newErrors) return undefined;

  const declaredAt = ctx.locate(base);
  const key = normalizeDesiredKey({
    name,
    ...(id !== undefined ? { id } : {}),
    previous_names: previous,
    status,
    expired_time: expired,
    quota,
    model_limits_enabled: modelsOn,
    model_limits: models,
    allow_ips: merged.allow_ips ?? [],
    group,
    cross_group_retry: retry,
    ...(merged.auto_groups !== undefined && !ignore.includes('auto_groups')
      ? { auto_groups: merged.auto_groups }
      : {}),
    ignore_changes: ignore,
    ...(merged.deliver && merged.deliver.length > 0 ? { deliver: merged.deliver } : {}),
    ...(rotate ? { rotate: rotateSpec(rotate) } : {}),
    source: { file: ctx.file, line: declaredAt.line, col: declaredAt.col },
  });
  const violations = checkPolicy(key, opts.policy, opts.now, ctx.quotaPerUsd);
  for (const v of violations) err(at(v.field), v.message);
  return violations.length > 0 ? undefined : key;
}
