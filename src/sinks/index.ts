/**
 * Sinks (docs/write-protocol.md#new-keys-secrets): deliver a revealed secret to a command or a
 * file. Apply hands new keys' secrets to them (src/apply/deliver-secrets.ts); this module is
 * self-contained.
 */
import { runCommandSink, type CommandSinkOptions } from './command.js';
import { writeFileSink } from './file.js';
import type { DeliveryKey, DeliveryResult, SinkConfig } from './types.js';

export * from './types.js';
export { checkSinks, resolveSinks, SINK_NAME } from './config.js';
export { runCommandSink, sinkEnvironment, MAX_SINK_OUTPUT_BYTES, TOKEN_ENV } from './command.js';
export type { CommandSinkOptions } from './command.js';
export { writeFileSink, fileContent, fileSinkPath } from './file.js';
export { fingerprintOf, redactSecret, expandPlaceholders, upperName } from './secret-text.js';

/** Delivers one key's secret to one sink. Never throws; the result never holds the secret. */
export function deliver(
  sink: SinkConfig,
  key: DeliveryKey,
  opts: CommandSinkOptions = {},
): Promise<DeliveryResult> {
  return 'command' in sink ? runCommandSink(sink, key, opts) : writeFileSink(sink, key);
}
