/**
 * `export` (docs/export.md): the account's keys as a key file that validates and plans with zero
 * changes. Pure: the CLI lists the keys and writes the text.
 */
import YAML, { isScalar, isSeq, Pair, Scalar } from 'yaml';
import type { UnmanagedAction } from '../config/types.js';
import { loadKeyFileText } from '../desired/index.js';
import { fieldsIgnoredBy, ignoreEntryOf, LIST_FIELDS, MANAGED_FIELDS } from '../fields.js';
import type { Diagnostic, ServerKey } from '../model.js';
import { InternalError } from '../plan/errors.js';
import {
  compareNameId,
  formatDollars,
  generationBases,
  matchesTarget,
  unixSeconds,
} from '../values/index.js';
import {
  exportEntry,
  ignoreList,
  leaveOut,
  type ExportEntry,
  type ExportWarning,
} from './export-entry.js';
import { LOCAL_INSTALL_SCHEMA } from './schema-ref.js';

/** The schema comment editors read (yaml-language-server); `ref` holds no white space. */
function schemaComment(ref: string): string {
  if (/[\s\p{Cc}]/u.test(ref))
    throw new InternalError(`unsafe schema reference ${JSON.stringify(ref)}`);
  return ` yaml-language-server: $schema=${ref}`;
}

export interface ExportOptions {
  /** Quota units per US dollar (for the dollar comments and validation). */
  quotaPerUsd: number;
  /** `--target`: only keys whose name matches. */
  targets?: string[];
  /** The configured unmanaged action, named in the `--target` warning. */
  unmanagedAction: UnmanagedAction;
  /** The time server-owned states (3/4) are judged at. */
  now: Date;
  /** The largest quota a key file may declare (a budget above it is left out, with a warning). */
  quotaMaxUnits?: number;
  /**
   * Where the schema comment points (`schemaReference` of the file's directory); default
   * `./node_modules/cometkeys/schemas/keys.schema.json`.
   */
  schemaRef?: string;
}

export interface ExportResult {
  /** The key file (YAML). */
  text: string;
  /** Values left out, keys left out by --target. */
  warnings: ExportWarning[];
  /** Keys written. */
  count: number;
}

/**
 * Fields factored into `defaults` when every key writes the same value
 * (docs/export.md#what-the-file-holds).
 */
const DEFAULTABLE: string[][] = MANAGED_FIELDS.filter((m) => m !== 'name').map(fieldsIgnoredBy);

/** Fields written as flow lists: `allow_ips: [10.0.0.0/8]`. */
const FLOW_LISTS: readonly string[] = [...LIST_FIELDS, 'ignore_changes'];

function entryObject(e: ExportEntry, skip: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of e.fields) if (!skip.has(k)) out[k] = v;
  const ignore = ignoreList(e);
  if (ignore.length > 0) out['ignore_changes'] = ignore;
  return out;
}

function factorDefaults(entries: ExportEntry[]): {
  defaults: Record<string, unknown>;
  skip: Set<string>;
} {
  const defaults: Record<string, unknown> = {};
  const skip = new Set<string>();
  if (entries.length < 2) return { defaults, skip };
  for (const group of DEFAULTABLE) {
    const valueOf = (e: ExportEntry): string =>
      JSON.stringify(group.map((f) => (e.fields.has(f) ? e.fields.get(f) : null)));
    const first = entries[0];
    if (!first || !group.some((f) => first.fields.has(f))) continue;
    const v = valueOf(first);
    if (!entries.every((e) => valueOf(e) === v)) continue;
    for (const f of group) {
      if (first.fields.has(f)) {
        defaults[f] = first.fields.get(f);
        skip.add(f);
      }
    }
  }
  return { defaults, skip };
}

function toYaml(body: Record<string, unknown>, quotaPerUsd: number, schemaRef: string): string {
  const doc = new YAML.Document(body);
  doc.commentBefore = schemaComment(schemaRef);
  YAML.visit(doc, {
    Pair(_, pair: Pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      // Short lists read best inline: `allow_ips: [10.0.0.0/8]`.
      if (isSeq(pair.value) && FLOW_LISTS.includes(key)) {
        pair.value.flow = true;
      }
      if (
        key === 'quota_budget' &&
        pair.value instanceof Scalar &&
        typeof pair.value.value === 'number'
      ) {
        pair.value.comment = ` ${formatDollars(pair.value.value, quotaPerUsd)}`;
      }
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function render(
  entries: ExportEntry[],
  quotaPerUsd: number,
  factor: boolean,
  schemaRef = `./${LOCAL_INSTALL_SCHEMA}`,
): string {
  const { defaults, skip } = factor
    ? factorDefaults(entries)
    : { defaults: {}, skip: new Set<string>() };
  const body: Record<string, unknown> = { version: 1 };
  if (Object.keys(defaults).length > 0) body['defaults'] = defaults;
  body['keys'] = entries.map((e) => entryObject(e, skip));
  return toYaml(body, quotaPerUsd, schemaRef);
}

const KEY_PATH = /^keys\[(\d+)\](?:\.([a-z_]+))?/;
const MAX_FIX_ROUNDS = 3;

function errorsOf(text: string, opts: ExportOptions): Diagnostic[] {
  return loadKeyFileText(text, 'export.yaml', {
    quotaPerUsd: opts.quotaPerUsd,
    now: opts.now,
    ...(opts.quotaMaxUnits !== undefined ? { quotaMaxUnits: opts.quotaMaxUnits } : {}),
  }).diagnostics.filter((d) => d.severity === 'error');
}

/**
 * Leaves out every value the loader refuses, checking the file without `defaults` so each
 * diagnostic points at one key's own field.
 */
export function fixEntries(
  entries: ExportEntry[],
  opts: ExportOptions,
  warnings: ExportWarning[],
): void {
  for (let round = 0; ; round++) {
    const errors = errorsOf(render(entries, opts.quotaPerUsd, false), opts);
    if (errors.length === 0) return;
    let fixed = false;
    for (const d of errors) {
      const m = KEY_PATH.exec(d.path);
      const e = m ? entries[Number(m[1])] : undefined;
      const field = m?.[2] ? ignoreEntryOf(m[2]) : undefined;
      if (!e || !field || e.ignore.has(field) || round >= MAX_FIX_ROUNDS) continue;
      leaveOut(e, field, `stored ${field}: ${d.message}`, warnings);
      fixed = true;
    }
    if (!fixed) {
      throw new InternalError(
        `export produced an invalid key file: ${errors.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      );
    }
  }
}

/** What the left-out generations become until their key declares `rotate`. */
function generationWarning(generations: readonly ServerKey[], action: UnmanagedAction): string {
  const shown = generations
    .slice(0, 3)
    .map((g) => `${JSON.stringify(g.name)} (id ${g.id})`)
    .join(', ');
  const more = generations.length > 3 ? ` and ${generations.length - 3} more` : '';
  const n = generations.length;
  const fate =
    action === 'ignore'
      ? 'reports them as unmanaged'
      : `${action === 'disable' ? 'disables' : 'deletes'} them as unmanaged keys (unmanaged.action: ${action})`;
  return (
    `left out ${n} generation${n === 1 ? '' : 's'} of rotated keys (${shown}${more}): declare ` +
    `rotate (and remove id) on the rotated key so that plans treat them as its predecessors; until then a plan ${fate}`
  );
}

/** Exports the listed keys as a key file (docs/export.md); validates its own output. */
export function exportKeyFile(server: ServerKey[], opts: ExportOptions): ExportResult {
  const warnings: ExportWarning[] = [];
  const nowSec = unixSeconds(opts.now);
  const targets = opts.targets && opts.targets.length > 0 ? opts.targets : undefined;
  const targeted = targets
    ? server.filter((s) => matchesTarget(String(s.name), targets))
    : [...server];
  // A rotated key is written once, under its name; its generations are left out
  // (docs/export.md#rotated-keys).
  const names = new Set(server.map((s) => String(s.name)));
  const isGeneration = (s: ServerKey) =>
    generationBases(String(s.name)).some((base) => names.has(base));
  const generations = targeted.filter(isGeneration);
  const chosen = targeted.filter((s) => !isGeneration(s)).sort(compareNameId);
  if (generations.length > 0) {
    warnings.push({ message: generationWarning(generations, opts.unmanagedAction) });
  }
  const entries = chosen.map((s) => exportEntry(s, nowSec, warnings));

  // The loader is the judge of what a key file may hold: a value it refuses that the rules
  // above let through is left out the same way, rather than written broken. Usually the first
  // check passes, so the file is loaded once (loading is the costly part at 10,000 keys).
  let text = render(entries, opts.quotaPerUsd, true, opts.schemaRef);
  if (errorsOf(text, opts).length > 0) {
    fixEntries(entries, opts, warnings);
    text = render(entries, opts.quotaPerUsd, true, opts.schemaRef);
    const errors = errorsOf(text, opts);
    if (errors.length > 0) {
      throw new InternalError(
        `export's defaults broke the key file: ${errors.map((d) => d.message).join('; ')}`,
      );
    }
  }

  if (targets) {
    const left = server.length - chosen.length - generations.length;
    if (left > 0) {
      const fate =
        opts.unmanagedAction === 'ignore'
          ? 'left alone (unmanaged.action: ignore)'
          : `${opts.unmanagedAction === 'disable' ? 'disabled' : 'deleted'} by apply (unmanaged.action: ${opts.unmanagedAction})`;
      warnings.push({
        message:
          `--target left out ${left} key${left === 1 ? '' : 's'}: a plan over this file alone treats ` +
          `them as unmanaged, and they would be ${fate}`,
      });
    }
  }
  return { text, warnings, count: entries.length };
}
