/**
 * Secret handoff (docs/write-protocol.md#new-keys-secrets): the secrets of keys that
 * declare `deliver` are revealed in as few batch calls as possible (none for a secret the
 * create answer gave unmasked), then handed to each of the key's sinks in order. Never throws;
 * returns, per key id, why its secret did not reach every sink. No secret leaves this module
 * except into a sink.
 */
import { RevealUnavailableError } from '../api/reveal.js';
import type { CometClient } from '../api/types.js';
import {
  deliver,
  fingerprintOf,
  type CommandSinkOptions,
  type DeliveryResult,
  type SinkConfig,
} from '../sinks/index.js';
import { describeError } from './context.js';
import type { DeliveryAuditFields } from './types.js';

/** A key whose secret is to be delivered. `secret` null: it must be revealed. */
export interface DeliveryTarget {
  id: number;
  name: string;
  secret: string | null;
  /** Sink names, in order. */
  deliver: readonly string[];
}

/** What `deliverSecrets` takes. */
export interface DeliverSecretsInput {
  client: Pick<CometClient, 'revealKeys'>;
  sinks: Readonly<Record<string, SinkConfig>>;
  sinkOptions?: CommandSinkOptions;
  targets: readonly DeliveryTarget[];
  /** Records one delivery (time and git commit filled in by the caller). */
  audit: (record: DeliveryAuditFields) => Promise<void>;
  /** A command's output (the secret already redacted). */
  onSinkOutput?: (key: { id: number; name: string }, sink: string, output: string) => void;
}

/** Why one key's secret did not reach all its sinks; absent from the map when it did. */
export type DeliveryFailures = Map<number, string>;

const UNAVAILABLE = 'secret not available from this server (reveal it in the console)';

/** Reveals the missing secrets with one `revealKeys` call; failures by id. */
async function revealMissing(
  input: DeliverSecretsInput,
  failures: DeliveryFailures,
): Promise<Map<number, string>> {
  const secrets = new Map<number, string>();
  const wanted: number[] = [];
  for (const t of input.targets) {
    if (t.secret !== null) secrets.set(t.id, t.secret);
    else wanted.push(t.id);
  }
  if (wanted.length === 0) return secrets;
  try {
    const revealed = await input.client.revealKeys(wanted);
    for (const id of wanted) {
      const s = revealed.get(id);
      if (s !== undefined) secrets.set(id, s);
      else failures.set(id, 'secret not revealed: the server did not find the key');
    }
  } catch (err) {
    const why =
      err instanceof RevealUnavailableError
        ? UNAVAILABLE
        : `secret not revealed: ${describeError(err)}`;
    for (const id of wanted) failures.set(id, why);
  }
  return secrets;
}

/** Delivers every target's secret to its sinks; see the module comment. */
export async function deliverSecrets(input: DeliverSecretsInput): Promise<DeliveryFailures> {
  const failures: DeliveryFailures = new Map();
  const targets = input.targets.filter((t) => t.deliver.length > 0);
  if (targets.length === 0) return failures;
  const secrets = await revealMissing({ ...input, targets }, failures);
  for (const t of targets) {
    const secret = secrets.get(t.id);
    const record = (sink: string) => ({ id: t.id, name: t.name, sink });
    if (secret === undefined) {
      const why = failures.get(t.id) ?? UNAVAILABLE;
      for (const sink of t.deliver) {
        await input.audit({ ...record(sink), outcome: 'error', fingerprint: null, error: why });
      }
      failures.set(t.id, `created as id ${t.id}, ${why}`);
      continue;
    }
    const failed: string[] = [];
    for (const sink of t.deliver) {
      const config = input.sinks[sink];
      const result: DeliveryResult = config
        ? await deliver(config, { id: t.id, name: t.name, secret }, input.sinkOptions)
        : {
            ok: false as const,
            fingerprint: fingerprintOf(secret),
            reason: 'the config defines no such sink',
          };
      if (result.output) input.onSinkOutput?.(t, sink, result.output);
      await input.audit({
        ...record(sink),
        outcome: result.ok ? 'ok' : 'error',
        fingerprint: result.fingerprint,
        ...(result.ok ? {} : { error: result.reason }),
      });
      if (!result.ok) failed.push(`${sink}: ${result.reason}`);
    }
    if (failed.length > 0) {
      failures.set(t.id, `created as id ${t.id}, secret not delivered to ${failed.join('; ')}`);
    }
  }
  return failures;
}
