/**
 * One key file from text: YAML with positions → shape check (ajv) → field rules → merged,
 * normalised keys. Every problem of the file is collected; nothing throws.
 */
import { DEFAULT_QUOTA_MAX_UNITS, type PolicySettings } from '../config/types.js';
import type { Diagnostic, DesiredKey } from '../model.js';
import { buildKey } from './build-key.js';
import { errorAt, type Located } from './diagnostics.js';
import { parseFields, type FileContext, type ParsedFields } from './parse-fields.js';
import { checkKeyFileShape } from './schema-check.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/** Options shared by the loaders. */
export interface LoadTextOptions {
  /** Quota units per US dollar, for `"$12.50"` amounts. */
  quotaPerUsd: number;
  /**
   * The largest quota amount a key file may declare (the `quotaMaxUnits` setting; default
   * 2147483647, the newest server's limit): a larger one is an error.
   */
  quotaMaxUnits?: number;
  /** Organisation rules (docs/safety.md#policy); violations are errors. */
  policy?: PolicySettings;
  /** The time to judge past expiry and maxExpiryDays against. */
  now: Date;
  /** The sink names the config defines (`sinks`); absent = `deliver` names are not checked. */
  sinkNames?: readonly string[];
}

/**
 * A key with where it was declared, for checks across keys and files. The positions are looked
 * up when first read: only a diagnostic reads them.
 */
export interface LoadedEntry {
  readonly key: DesiredKey;
  readonly file: string;
  /** Where its `name` is. */
  readonly nameAt: Located;
  /** Where its `id` is (its name when it has none). */
  readonly idAt: Located;
  /** Where each of its previous names is, by name. */
  readonly previousAt: ReadonlyMap<string, Located>;
}

/** The entry of the key at `keys[i]`, built from `raw`, whose positions `locate` finds. */
function loadedEntry(
  key: DesiredKey,
  file: string,
  raw: { previous_names?: string[] },
  i: number,
  locate: YamlSource['locate'],
): LoadedEntry {
  let nameAt: Located | undefined;
  let idAt: Located | undefined;
  let previousAt: Map<string, Located> | undefined;
  const name = () => (nameAt ??= locate(['keys', i, 'name']));
  return {
    key,
    file,
    get nameAt() {
      return name();
    },
    get idAt() {
      return key.id === undefined ? name() : (idAt ??= locate(['keys', i, 'id']));
    },
    get previousAt() {
      if (!previousAt) {
        const map = new Map<string, Located>();
        raw.previous_names?.forEach((p, j) => {
          if (!map.has(p)) map.set(p, locate(['keys', i, 'previous_names', j]));
        });
        previousAt = map;
      }
      return previousAt;
    },
  };
}

/** The keys and diagnostics of one file, before checks across files. */
export interface FileLoad {
  entries: LoadedEntry[];
  diagnostics: Diagnostic[];
  /** The entries under `keys:`, valid or not (`entries` holds the valid ones). */
  declared: number;
}

const EXPECTED = 'a key file starts with "version: 1" and lists its keys under "keys:"';

/**
 * Loads one key file from its text; `file` is the name used in diagnostics. `parse` reads the
 * YAML (the differential test passes the slow path alone).
 */
export function loadFileEntries(
  text: string,
  file: string,
  opts: LoadTextOptions,
  parse: (text: string) => YamlSource = parseYamlSource,
): FileLoad {
  const diagnostics: Diagnostic[] = [];
  const src = parse(text);
  for (const p of src.problems) {
    diagnostics.push({
      severity: p.severity,
      file,
      line: p.line,
      col: p.col,
      path: '',
      message: p.message,
    });
  }
  if (src.empty) {
    const what = text.trim() === '' ? 'the file is empty' : 'the file holds only comments';
    diagnostics.push(errorAt(file, { path: '', line: 1, col: 1 }, `${what}: ${EXPECTED}`));
    return { entries: [], diagnostics, declared: 0 };
  }
  if (src.value === undefined) return { entries: [], diagnostics, declared: 0 };
  const shape = checkKeyFileShape(src.value);
  for (const e of shape.errors) {
    diagnostics.push(errorAt(file, src.locate(e.path, e.atKey ? 'key' : 'value'), e.message));
  }
  const root = src.value;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return { entries: [], diagnostics, declared: 0 };
  }
  const doc = root as Record<string, unknown>;
  const declared = Array.isArray(doc.keys) ? doc.keys.length : 0;
  const ctx: FileContext = {
    file,
    locate: src.locate,
    shape,
    quotaPerUsd: opts.quotaPerUsd,
    quotaMaxUnits: opts.quotaMaxUnits ?? DEFAULT_QUOTA_MAX_UNITS,
    diagnostics,
    ...(opts.sinkNames ? { sinkNames: opts.sinkNames } : {}),
  };
  let defaults: ParsedFields = { declared: new Set(), invalid: new Set() };
  if (Object.hasOwn(doc, 'defaults')) {
    const d = doc.defaults;
    if (d === null || typeof d !== 'object' || Array.isArray(d)) {
      // Already reported by the shape check; without usable defaults no key can be trusted.
      return { entries: [], diagnostics, declared };
    }
    defaults = parseFields(d as Record<string, unknown>, ['defaults'], ctx);
  }
  const entries: LoadedEntry[] = [];
  if (Array.isArray(doc.keys)) {
    doc.keys.forEach((raw, i) => {
      const key = buildKey(raw, i, defaults, ctx, opts);
      if (key) entries.push(loadedEntry(key, file, raw as object, i, src.locate));
    });
  }
  return { entries, diagnostics, declared };
}
