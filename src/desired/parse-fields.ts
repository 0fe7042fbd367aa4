/**
 * Field values of one mapping — `defaults` or a key's own fields — checked and converted to API
 * units. Runs after the shape check: a field that failed it is skipped here (already reported).
 */
import type { DeclaredStatus, Diagnostic, ManagedField } from '../model.js';
import { errorAt, warningAt, type Located } from './diagnostics.js';
import { checkModelId, parseExpiry, parseIpEntry, parseQuotaAmount } from '../values/index.js';
import { isBad, type SchemaCheck } from './schema-check.js';
import type { DocPath } from './yaml-source.js';

/** What checks need to know about the file being loaded. */
export interface FileContext {
  file: string;
  locate(path: DocPath, at?: 'value' | 'key'): Located;
  shape: SchemaCheck;
  quotaPerUsd: number;
  diagnostics: Diagnostic[];
}

/** The fields a key shares with `defaults`, converted; absent when not declared or invalid. */
export interface ParsedFields {
  status?: DeclaredStatus;
  expired_time?: number;
  unlimited_quota?: boolean;
  quota_budget?: number;
  remain_quota?: number;
  model_limits_enabled?: boolean;
  model_limits?: string[];
  allow_ips?: string[];
  group?: string;
  cross_group_retry?: boolean;
  ignore_changes?: ManagedField[];
  /** Fields present in the mapping (valid or not). */
  declared: Set<string>;
  /** Fields present but invalid (an error was reported). */
  invalid: Set<string>;
}

/** The quota fields; declaring any of them on a key replaces the form from `defaults`. */
export const QUOTA_FIELDS = ['unlimited_quota', 'quota_budget', 'remain_quota'] as const;

const SHARED_FIELDS = [
  'status',
  'expired_time',
  ...QUOTA_FIELDS,
  'model_limits_enabled',
  'model_limits',
  'allow_ips',
  'group',
  'cross_group_retry',
  'ignore_changes',
] as const;

/** Turns a document path into the JSON pointer ajv reports. */
export function toPointer(path: DocPath): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function checkList<T>(
  items: string[],
  base: DocPath,
  ctx: FileContext,
  parse: (s: string, at: Located) => { key: string; value: T } | undefined,
): T[] | undefined {
  const seen = new Map<string, number>();
  const out: T[] = [];
  let ok = true;
  items.forEach((item, i) => {
    const at = ctx.locate([...base, i]);
    const parsed = parse(item, at);
    if (!parsed) {
      ok = false;
      return;
    }
    const first = seen.get(parsed.key);
    if (first !== undefined) {
      const same = parsed.key === item ? '' : ` (${parsed.key} after canonicalisation)`;
      ctx.diagnostics.push(
        errorAt(ctx.file, at, `duplicate of ${String(base[base.length - 1])}[${first}]${same}`),
      );
      ok = false;
      return;
    }
    seen.set(parsed.key, i);
    out.push(parsed.value);
  });
  return ok ? out : undefined;
}

/** Checks and converts the shared fields of one mapping at `base`. */
export function parseFields(
  obj: Record<string, unknown>,
  base: DocPath,
  ctx: FileContext,
): ParsedFields {
  const out: ParsedFields = { declared: new Set(), invalid: new Set() };
  const fail = (field: string, message: string) => {
    out.invalid.add(field);
    ctx.diagnostics.push(errorAt(ctx.file, ctx.locate([...base, field]), message));
  };
  for (const field of SHARED_FIELDS) {
    if (!Object.hasOwn(obj, field)) continue;
    out.declared.add(field);
    if (isBad(ctx.shape, toPointer([...base, field]))) {
      out.invalid.add(field);
      continue;
    }
    const value = obj[field];
    switch (field) {
      case 'status':
        out.status = value === 'disabled' ? 2 : 1;
        break;
      case 'expired_time': {
        const p = parseExpiry(value);
        if (p.ok) out.expired_time = p.value;
        else fail(field, p.message);
        break;
      }
      case 'quota_budget':
      case 'remain_quota': {
        const p = parseQuotaAmount(value, ctx.quotaPerUsd);
        if (p.ok) out[field] = p.value;
        else fail(field, p.message);
        break;
      }
      case 'unlimited_quota':
      case 'model_limits_enabled':
      case 'cross_group_retry':
        out[field] = value as boolean;
        break;
      case 'group':
        out.group = value as string;
        break;
      case 'model_limits': {
        const list = checkList(value as string[], [...base, field], ctx, (s, at) => {
          const why = checkModelId(s);
          if (why) ctx.diagnostics.push(errorAt(ctx.file, at, why));
          return why ? undefined : { key: s, value: s };
        });
        if (list) out.model_limits = list;
        else out.invalid.add(field);
        break;
      }
      case 'allow_ips': {
        const list = checkList(value as string[], [...base, field], ctx, (s, at) => {
          const p = parseIpEntry(s);
          if (!p.ok) {
            ctx.diagnostics.push(errorAt(ctx.file, at, p.message));
            return undefined;
          }
          if (p.value.network) {
            ctx.diagnostics.push(
              warningAt(
                ctx.file,
                at,
                `${JSON.stringify(s)} has host bits set; the range is ${p.value.network}`,
              ),
            );
          }
          return { key: p.value.canonical, value: p.value.canonical };
        });
        if (list) out.allow_ips = list;
        else out.invalid.add(field);
        break;
      }
      case 'ignore_changes': {
        const list = checkList(value as string[], [...base, field], ctx, (s) => ({
          key: s,
          value: s as ManagedField,
        }));
        if (list) out.ignore_changes = list;
        else out.invalid.add(field);
        break;
      }
    }
  }
  const forms = QUOTA_FIELDS.filter(
    (f) => out.declared.has(f) && !(f === 'unlimited_quota' && obj[f] === false),
  );
  if (forms.length > 1) {
    fail(
      forms[1] as string,
      `declares more than one quota form (${forms.join(', ')}); keep exactly one`,
    );
  }
  return out;
}
