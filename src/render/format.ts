/**
 * Shared pieces of the text and markdown renderers: values as people read them (UTC times,
 * quota with dollars, status names) and a change as signed lines. Strings from the server or a
 * file are quoted with their control characters escaped (docs/commands.md#hostile-text).
 */
import { isListField } from '../fields.js';
import type { FieldChange, KeyChange, Plan, RotateChange } from '../plan/model.js';
import { escapeText, formatQuota, formatUnixTime, quoteText, statusName } from '../values/index.js';
import { unmanagedSummary } from './sections.js';

/** One line of a change block: `+` added, `-` removed, `~` changed, ` ` context. */
export interface ChangeLine {
  sign: ChangeSign | ' ';
  text: string;
}

/** A scalar field value for display. */
export function formatValue(field: string, value: unknown, quotaPerUsd: number): string {
  if (value === null || value === undefined) return 'null';
  switch (field) {
    case 'status':
      return statusName(value);
    case 'expired_time':
      return typeof value === 'number' ? formatUnixTime(value) : String(value);
    case 'remain_quota':
    case 'quota_budget':
      return formatQuota(value, quotaPerUsd);
    default:
      return typeof value === 'string' ? quoteText(value) : escapeText(String(value));
  }
}

/** A list entry as shown: quoted when it holds control characters (no terminal escapes). */
function shownEntry(x: string): string {
  return escapeText(x) === x ? x : quoteText(x);
}

function asList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** The lines of one field change. */
export function fieldLines(f: FieldChange, create: boolean, quotaPerUsd: number): ChangeLine[] {
  if (isListField(f.field)) {
    const before = asList(f.before);
    const after = asList(f.after);
    if (create && after.length === 0) return [{ sign: '+', text: `${f.field}: []` }];
    const removed = before.filter((x) => !after.includes(x));
    const added = after.filter((x) => !before.includes(x));
    return [
      { sign: create ? '+' : '~', text: `${f.field}:` },
      ...added.map((x): ChangeLine => ({ sign: '+', text: `    ${shownEntry(x)}` })),
      ...removed.map((x): ChangeLine => ({ sign: '-', text: `    ${shownEntry(x)}` })),
    ];
  }
  if (create)
    return [{ sign: '+', text: `${f.field}: ${formatValue(f.field, f.after, quotaPerUsd)}` }];
  if (f.field === 'quota_budget' && typeof f.after === 'number') {
    const used = f.used_quota;
    const stored =
      f.remain_quota !== undefined && used !== undefined
        ? `${f.remain_quota}+${used} = ${formatQuota(f.before, quotaPerUsd)}`
        : formatQuota(f.before, quotaPerUsd);
    const remain =
      used !== undefined
        ? `; apply sets remain_quota to ${formatQuota(Math.max(0, f.after - used), quotaPerUsd)}`
        : '';
    return [
      {
        sign: '~',
        text: `quota_budget: ${stored} → ${formatQuota(f.after, quotaPerUsd)}${remain}`,
      },
    ];
  }
  const why = f.reason === 'server_maximum' ? ' (server maximum)' : '';
  return [
    {
      sign: '~',
      text: `${f.field}: ${formatValue(f.field, f.before, quotaPerUsd)} → ${formatValue(f.field, f.after, quotaPerUsd)}${why}`,
    },
  ];
}

/** The sign of a change's header: `+` create, `~` update, `-` delete, `↻` rotate. */
export type ChangeSign = '+' | '~' | '-' | '↻';

/** The steps of a rotation (docs/rotation.md#the-plan), the successor's fields under its create. */
function rotationLines(c: RotateChange, quotaPerUsd: number): ChangeLine[] {
  const r = c.rotation;
  const fields = c.fields.flatMap((f) => fieldLines(f, true, quotaPerUsd));
  return [
    {
      sign: '~',
      text: `rename id ${c.id} → ${quoteText(r.rename_to)} (the predecessor: stays enabled for the overlap)`,
    },
    { sign: '+', text: `create ${quoteText(c.name)} (the successor):` },
    ...fields.map((l): ChangeLine => ({ sign: l.sign, text: `    ${l.text}` })),
    { sign: ' ', text: `reveal its secret, deliver → ${c.deliver.join(', ')}` },
  ];
}

/** All lines of a change's fields. */
export function changeLines(c: KeyChange, quotaPerUsd: number): ChangeLine[] {
  if (c.action === 'rotate') return rotationLines(c, quotaPerUsd);
  const lines = c.fields.flatMap((f) => fieldLines(f, c.action === 'create', quotaPerUsd));
  // Where a new key's secret will go (docs/write-protocol.md#new-keys-secrets); sink names are
  // plain (SINK_NAME).
  if (c.action === 'create' && c.deliver && c.deliver.length > 0) {
    lines.push({ sign: ' ', text: `secret → ${c.deliver.join(', ')}` });
  }
  return lines;
}

const VERBS = { create: 'create', update: 'update', delete: 'delete', rotate: 'rotate' } as const;
const SIGNS = { create: '+', update: '~', delete: '-', rotate: '↻' } as const;

/** The sign of a change's header. */
export function changeSign(c: KeyChange): ChangeSign {
  return SIGNS[c.action];
}

const RETIREMENT = {
  overlap_ended: 'overlap ended',
  delete_after_days: 'delete_after_days passed',
} as const;

/** `(id 12, 93 days old)`, `(id 12, forced by --rotate)` for a rotate's title. */
function rotateSuffix(c: RotateChange): string {
  const r = c.rotation;
  const age =
    r.age_days === null ? 'age unknown' : `${r.age_days} day${r.age_days === 1 ? '' : 's'} old`;
  return ` (id ${c.id}, ${age}${r.forced ? ', --rotate' : ''})`;
}

/**
 * `update "name" (id 7) (matched by name)`; `showName` formats the name (the markdown renderer
 * puts it in a code span).
 */
export function changeTitle(c: KeyChange, showName: (name: string) => string = quoteText): string {
  if (c.action === 'rotate') return `rotate ${showName(c.name)}${rotateSuffix(c)}`;
  const id = c.id === null ? '' : ` (id ${c.id})`;
  const how =
    c.matched_by === 'name'
      ? ' (matched by name)'
      : c.matched_by === 'previous_name'
        ? ' (matched by previous name)'
        : c.matched_by === 'unmanaged'
          ? ` (unmanaged: ${c.action === 'delete' ? 'delete' : 'disable'})`
          : c.retirement
            ? ` (predecessor: ${RETIREMENT[c.retirement.reason]})`
            : '';
  return `${VERBS[c.action]} ${showName(c.name)}${id}${how}`;
}

/**
 * The summary line of docs/plan-format.md#text-format; it says what happens to unmanaged keys
 * (§13).
 */
export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const handoffs = plan.handoffs?.length ?? 0;
  const again =
    handoffs > 0 ? ` ${handoffs} secret${handoffs === 1 ? '' : 's'} to deliver again.` : '';
  if (plan.changes.length === 0) {
    const rest = (s.unmanaged > 0 ? ` ${unmanagedSummary(plan)}.` : '') + again;
    return `No changes. ${s.unchanged} key${s.unchanged === 1 ? '' : 's'} match${s.unchanged === 1 ? 'es' : ''} the key files.${rest}`;
  }
  const rotate = s.rotate ? `, ${s.rotate} to rotate` : '';
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete${rotate}; ${s.unchanged} unchanged, ${unmanagedSummary(plan)}.${again}`;
}

/** Who a warning is about: `"name" (id 7)`. */
export function subject(w: { name?: string; id?: number }): string {
  const name = w.name !== undefined ? quoteText(w.name) : '';
  const id = w.id !== undefined ? `(id ${w.id})` : '';
  return [name, id].filter(Boolean).join(' ');
}

/** The `--force=` value that lifts a safety limit. */
export function forceFlag(limit: string): string {
  return `--force=${limit}`;
}
