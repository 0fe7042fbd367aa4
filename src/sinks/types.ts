/**
 * Sinks (docs/write-protocol.md#new-keys-secrets): where a new key's secret goes. Named in the
 * config (`sinks`), chosen per key in the key file (`deliver:`); apply hands new keys to them
 * (src/apply/deliver-secrets.ts).
 */

/** A program run with argv (no shell); the secret on its stdin, nowhere else. */
export interface CommandSink {
  /** argv; `{name}`, `{NAME}` and `{id}` are expanded in every element. */
  command: string[];
  /** Killed (with its process group) after this long (default 30). */
  timeoutSeconds: number;
  /** Working directory (absolute once loaded: relative to the config file's directory). */
  cwd?: string;
}

/** The formats of a file sink. */
export type FileSinkFormat = 'raw' | 'dotenv' | 'json';

/** A file written with mode 0600, never through a symlink. */
export interface FileSink {
  /** The path; `{name}`, `{NAME}`, `{id}` expanded (absolute once loaded). */
  file: string;
  /** raw (`KEY\n`, the default), dotenv (`COMETAPI_KEY=KEY\n`), json (`{"id","name","key"}`). */
  format: FileSinkFormat;
}

export type SinkConfig = CommandSink | FileSink;

/** The key a delivery is for. */
export interface DeliveryKey {
  id: number;
  name: string;
  /** The secret as clients send it (`sk-...`). Never printed, logged or returned. */
  secret: string;
}

/**
 * The outcome of one delivery. Neither `reason` nor `output` ever contains the secret;
 * `fingerprint` is the first 12 hex digits of its SHA-256 (for the audit log).
 */
export type DeliveryResult =
  | { ok: true; fingerprint: string; output?: string }
  | { ok: false; fingerprint: string; reason: string; output?: string };

/** The default timeout of a command sink. */
export const DEFAULT_SINK_TIMEOUT_SECONDS = 30;
