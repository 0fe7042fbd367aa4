/**
 * Field values of one mapping — `defaults` or a key's own fields — checked and converted to API
 * units. Runs after the shape check: a field that failed it is skipped here (already reported).
 */
import { FIELDS, KEY_FIELDS, type ExactKeys, type KeyField } from '../fields.js';
import type { DeclaredStatus, Diagnostic, ManagedField } from '../model.js';
import { errorAt, warningAt, type Located } from './diagnostics.js';
import {
  MAX_AUTO_GROUPS,
  checkGroupName,
  checkModelId,
  escapeText,
  parseExpiry,
  parseIpEntry,
  parseQuotaAmount,
  quotaAboveMax,
  quoteText,
} from '../values/index.js';
import { isBad, type SchemaCheck } from './schema-check.js';
import type { DocPath } from './yaml-source.js';

/** What checks need to know about the file being loaded. */
export interface FileContext {
  file: string;
  locate(path: DocPath, at?: 'value' | 'key'): Located;
  shape: SchemaCheck;
  quotaPerUsd: number;
  /** The largest quota amount the server accepts (the `quotaMaxUnits` setting). */
  quotaMaxUnits: number;
  diagnostics: Diagnostic[];
  /** The sink names the config defines; `deliver` names are checked against them when given. */
  sinkNames?: readonly string[];
}

/** The fields a key shares with `defaults`: every key field but its name. */
type SharedField = Exclude<KeyField, 'name'>;

/** The fields a key shares with `defaults`, converted; absent when not declared or invalid. */
export type ParsedFields = ExactKeys<ParsedValues, SharedField | 'ignore_changes' | 'deliver'> & {
  /** Fields present in the mapping (valid or not). */
  declared: Set<string>;
  /** Fields present but invalid (an error was reported). */
  invalid: Set<string>;
};

interface ParsedValues {
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
  auto_groups?: string[];
  ignore_changes?: ManagedField[];
  deliver?: string[];
}

/** The quota fields; declaring any of them on a key replaces the form from `defaults`. */
export const QUOTA_FIELDS = ['unlimited_quota', 'quota_budget', 'remain_quota'] as const;

/** The fields a mapping may share with `defaults`, in table order. */
export const SHARED_FIELDS = [
  ...KEY_FIELDS.filter((f): f is SharedField => f !== 'name'),
  'ignore_changes',
  'deliver',
] as const;

/**
 * Checks a `deliver` entry names a sink the config defines
 * (docs/write-protocol.md#new-keys-secrets).
 */
function sinkCheck(ctx: FileContext): (s: string) => string | undefined {
  return (s) => {
    const names = ctx.sinkNames;
    if (names === undefined || names.includes(s)) return undefined;
    const defined =
      names.length === 0 ? 'the config defines no sinks' : `defined: ${names.join(', ')}`;
    return `unknown sink ${JSON.stringify(s)} (${defined})`;
  };
}

/** Turns a document path into the JSON pointer ajv reports. */
export function toPointer(path: DocPath): string {
  let out = '';
  for (const s of path) {
    const seg = String(s);
    // Field names and indexes need no escaping: skip the replacements (a loader hot spot).
    out += `/${/[~/]/.test(seg) ? seg.replace(/~/g, '~0').replace(/\//g, '~1') : seg}`;
  }
  return out;
}

/**
 * The error of a list item that repeats an earlier one: names the value and where it was first
 * listed (and the canonical form, when only that is the same).
 */
function listedTwice(
  item: string,
  key: string,
  base: DocPath,
  first: { index: number; at: Located },
): string {
  const where = `${String(base[base.length - 1])}[${first.index}], at ${first.at.line}:${first.at.col}`;
  const same = key === item ? '' : `, the same as ${escapeText(key)} after canonicalisation`;
  return `${quoteText(item)} is listed twice (also ${where}${same})`;
}

function checkList<T>(
  items: string[],
  base: DocPath,
  ctx: FileContext,
  parse: (s: string, at: () => Located) => { key: string; value: T } | undefined,
): T[] | undefined {
  // Positions are looked up only for a diagnostic: most lists have none.
  const at = (i: number) => ctx.locate([...base, i]);
  const seen = new Map<string, number>();
  const out: T[] = [];
  let ok = true;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as string;
    const parsed = parse(item, () => at(i));
    if (!parsed) {
      ok = false;
      continue;
    }
    const first = seen.get(parsed.key);
    if (first !== undefined) {
      const twice = listedTwice(item, parsed.key, base, { index: first, at: at(first) });
      ctx.diagnostics.push(errorAt(ctx.file, at(i), twice));
      ok = false;
      continue;
    }
    seen.set(parsed.key, i);
    out.push(parsed.value);
  }
  return ok ? out : undefined;
}

/** A list entry kept as written when `check` finds nothing wrong with it. */
function plainEntry(ctx: FileContext, check: (s: string) => string | undefined) {
  return (s: string, at: () => Located) => {
    const why = check(s);
    if (why) ctx.diagnostics.push(errorAt(ctx.file, at(), why));
    return why ? undefined : { key: s, value: s };
  };
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
  // A file that passed the shape check has no bad pointers: no pointer need be built.
  const anyBad = ctx.shape.badPointers.size > 0;
  const values = out as unknown as Record<string, unknown>;
  for (const field of SHARED_FIELDS) {
    if (!Object.hasOwn(obj, field)) continue;
    out.declared.add(field);
    if (anyBad && isBad(ctx.shape, toPointer([...base, field]))) {
      out.invalid.add(field);
      continue;
    }
    const value = obj[field];
    if (field === 'ignore_changes') {
      const list = checkList(value as string[], [...base, field], ctx, (s) => ({
        key: s,
        value: s as ManagedField,
      }));
      if (list) out.ignore_changes = list;
      else out.invalid.add(field);
      continue;
    }
    if (field === 'deliver') {
      const list = checkList(
        value as string[],
        [...base, field],
        ctx,
        plainEntry(ctx, sinkCheck(ctx)),
      );
      if (list) out.deliver = list;
      else out.invalid.add(field);
      continue;
    }
    const setList = (list: string[] | undefined) => {
      if (list) values[field] = list;
      else out.invalid.add(field);
    };
    switch (FIELDS[field].keyFile) {
      case 'status':
        values[field] = value === 'disabled' ? 2 : 1;
        break;
      case 'expiry': {
        const p = parseExpiry(value);
        if (p.ok) values[field] = p.value;
        else fail(field, p.message);
        break;
      }
      case 'quota-amount': {
        const p = parseQuotaAmount(value, ctx.quotaPerUsd);
        if (!p.ok) {
          fail(field, p.message);
          break;
        }
        // The newest server refuses more, even in a later disable (docs/key-file.md#quota).
        const above = quotaAboveMax(field, value, p.value, ctx.quotaMaxUnits, ctx.quotaPerUsd);
        if (above === undefined) values[field] = p.value;
        else fail(field, above);
        break;
      }
      case 'boolean':
      case 'string':
        values[field] = value;
        break;
      case 'model-ids':
        setList(checkList(value as string[], [...base, field], ctx, plainEntry(ctx, checkModelId)));
        break;
      case 'group-names': {
        const names = value as string[];
        if (names.length > MAX_AUTO_GROUPS) {
          fail(field, `lists ${names.length} groups; at most ${MAX_AUTO_GROUPS} are allowed`);
          break;
        }
        setList(checkList(names, [...base, field], ctx, plainEntry(ctx, checkGroupName)));
        break;
      }
      case 'ip-list':
        setList(
          checkList(value as string[], [...base, field], ctx, (s, at) => {
            const p = parseIpEntry(s);
            if (!p.ok) {
              ctx.diagnostics.push(errorAt(ctx.file, at(), p.message));
              return undefined;
            }
            if (p.value.network) {
              ctx.diagnostics.push(
                warningAt(
                  ctx.file,
                  at(),
                  `${JSON.stringify(s)} has host bits set; the range is ${p.value.network}`,
                  'host-bits',
                ),
              );
            }
            return { key: p.value.canonical, value: p.value.canonical };
          }),
        );
        break;
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
