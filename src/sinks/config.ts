/**
 * The `sinks` setting (docs/write-protocol.md#new-keys-secrets): its checks, with messages naming
 * the sink and field, and its resolution (relative paths against the config file's directory).
 */
import path from 'node:path';
import { DEFAULT_SINK_TIMEOUT_SECONDS, type SinkConfig } from './types.js';

/** A sink name: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const SINK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const FORMATS = ['raw', 'dotenv', 'json'];
const COMMAND_FIELDS = new Set(['command', 'timeoutSeconds', 'cwd']);
const FILE_FIELDS = new Set(['file', 'format']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const shown = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

function checkCommand(where: string, s: Record<string, unknown>, out: string[]): void {
  const cmd = s['command'];
  if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((a) => typeof a === 'string')) {
    out.push(`${where}.command: must be a non-empty list of strings (argv, no shell)`);
  } else if (cmd[0] === '') {
    out.push(`${where}.command: the program (first element) must not be empty`);
  }
  const t = s['timeoutSeconds'];
  if (t !== undefined && !(typeof t === 'number' && Number.isFinite(t) && t > 0)) {
    out.push(`${where}.timeoutSeconds: must be a number of seconds above 0, got ${shown(t)}`);
  }
  const cwd = s['cwd'];
  if (cwd !== undefined && (typeof cwd !== 'string' || cwd === '')) {
    out.push(`${where}.cwd: must be a non-empty path, got ${shown(cwd)}`);
  }
}

function checkFile(where: string, s: Record<string, unknown>, out: string[]): void {
  const file = s['file'];
  if (typeof file !== 'string' || file === '') {
    out.push(`${where}.file: must be a non-empty path, got ${shown(file)}`);
  }
  const format = s['format'];
  if (format !== undefined && !FORMATS.includes(format as string)) {
    out.push(`${where}.format: must be raw, dotenv or json, got ${shown(format)}`);
  }
}

/** Problems of a raw `sinks` value as `sinks.NAME.field: message`; [] when it is right. */
export function checkSinks(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) return [`sinks: must be a mapping of sink names to sinks`];
  const out: string[] = [];
  for (const [name, sink] of Object.entries(raw)) {
    const where = `sinks.${name}`;
    if (!SINK_NAME.test(name)) {
      out.push(`${where}: a sink name may hold letters, digits, ".", "_" and "-" only`);
    }
    if (!isObject(sink)) {
      out.push(`${where}: must be a mapping with either "command" or "file"`);
      continue;
    }
    const isCommand = 'command' in sink;
    const isFile = 'file' in sink;
    if (isCommand === isFile) {
      out.push(`${where}: must have exactly one of "command" or "file"`);
      continue;
    }
    const allowed = isCommand ? COMMAND_FIELDS : FILE_FIELDS;
    for (const field of Object.keys(sink)) {
      if (!allowed.has(field)) {
        const kind = isCommand ? 'command' : 'file';
        out.push(`${where}.${field}: not a setting of a ${kind} sink (${[...allowed].join(', ')})`);
      }
    }
    if (isCommand) checkCommand(where, sink, out);
    else checkFile(where, sink, out);
  }
  return out;
}

/** A checked `sinks` value with defaults filled in and paths made absolute against `dir`. */
export function resolveSinks(raw: unknown, dir: string): Record<string, SinkConfig> {
  const out: Record<string, SinkConfig> = {};
  if (!isObject(raw)) return out;
  for (const [name, value] of Object.entries(raw)) {
    const s = value as Record<string, unknown>;
    if (Array.isArray(s['command'])) {
      out[name] = {
        command: [...(s['command'] as string[])],
        timeoutSeconds: (s['timeoutSeconds'] as number | undefined) ?? DEFAULT_SINK_TIMEOUT_SECONDS,
        ...(typeof s['cwd'] === 'string' ? { cwd: path.resolve(dir, s['cwd']) } : {}),
      };
    } else {
      out[name] = {
        file: path.resolve(dir, s['file'] as string),
        format: (s['format'] as 'raw' | 'dotenv' | 'json' | undefined) ?? 'raw',
      };
    }
  }
  return out;
}
