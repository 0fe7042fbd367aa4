/**
 * Secret handoff (docs/write-protocol.md#new-keys-secrets): the secrets of keys that
 * declare `deliver` are revealed in as few batch calls as possible (none for a secret the
 * create answer gave unmasked), then handed to each of the key's sinks in order. Never throws;
 * returns, per key id, why its secret did not reach every sink and which sinks it missed. No
 * secret leaves this module except into a sink. After an interruption (`stop` aborted: the
 * grace time ran out) nothing new starts: the reveal is given up and a running command is
 * stopped, and every sink not reached is reported, so no secret is lost silently.
 */
import { RevealUnavailableError, secretOf } from '../api/reveal.js';
import type { CometClient } from '../api/types.js';
import {
  deliver,
  fingerprintOf,
  type CommandSinkOptions,
  type DeliveryKey,
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

/** A sink built in code rather than configured (the `--new-keys-out` file). Never throws. */
export type SinkWriter = (key: DeliveryKey) => Promise<DeliveryResult>;

/** What `deliverSecrets` takes. */
export interface DeliverSecretsInput {
  client: Pick<CometClient, 'revealKeys'>;
  sinks: Readonly<Record<string, SinkConfig | SinkWriter>>;
  sinkOptions?: CommandSinkOptions;
  targets: readonly DeliveryTarget[];
  /** Records one delivery (time and git commit filled in by the caller). */
  audit: (record: DeliveryAuditFields) => Promise<void>;
  /** A command's output (the secret already redacted). */
  onSinkOutput?: (key: { id: number; name: string }, sink: string, output: string) => void;
  /** Aborted when the grace time after an interruption has run out: nothing new starts. */
  stop?: AbortSignal;
  /** Called after each sink of a key ran (or was given up). */
  onDelivered?: (key: { id: number; name: string }, sink: string, ok: boolean) => void;
}

/** Why one key's secret did not reach all its sinks, and the sinks it missed. */
export interface DeliveryFailure {
  detail: string;
  sinks: string[];
}

/** Per key id; absent from the map when the secret reached every sink. */
export type DeliveryFailures = Map<number, DeliveryFailure>;

/** Why a step after an interruption was not run. */
export const INTERRUPTED = 'interrupted: the grace time after the signal ran out';

/** Settles with `work`, or with `undefined` once `stop` aborts (`work` is then left to itself). */
function unlessStopped<T>(work: Promise<T>, stop: AbortSignal | undefined): Promise<T | undefined> {
  if (!stop) return work;
  work.catch(() => undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onStop = () => resolve(undefined);
    stop.addEventListener('abort', onStop, { once: true });
    if (stop.aborted) onStop();
    const done = () => stop.removeEventListener('abort', onStop);
    work.then(
      (v) => {
        done();
        resolve(v);
      },
      (err: unknown) => {
        done();
        reject(err);
      },
    );
  });
}

const UNAVAILABLE = 'secret not available from this server (reveal it in the console)';

/** Reveals the missing secrets with one `revealKeys` call; why each failed, by id. */
async function revealMissing(
  input: DeliverSecretsInput,
  unrevealed: Map<number, string>,
): Promise<Map<number, string>> {
  const secrets = new Map<number, string>();
  const wanted: number[] = [];
  for (const t of input.targets) {
    if (t.secret !== null) secrets.set(t.id, secretOf(t.secret));
    else wanted.push(t.id);
  }
  if (wanted.length === 0) return secrets;
  try {
    // Past the grace time the reveal is not even sent.
    const revealed = input.stop?.aborted
      ? undefined
      : await unlessStopped(input.client.revealKeys(wanted), input.stop);
    for (const id of wanted) {
      const s = revealed?.get(id);
      if (s !== undefined) secrets.set(id, s);
      else if (revealed === undefined) unrevealed.set(id, `secret not revealed: ${INTERRUPTED}`);
      else unrevealed.set(id, 'secret not revealed: the server did not find the key');
    }
  } catch (err) {
    const why =
      err instanceof RevealUnavailableError
        ? UNAVAILABLE
        : `secret not revealed: ${describeError(err)}`;
    for (const id of wanted) unrevealed.set(id, why);
  }
  return secrets;
}

/** Runs one sink; a sink the config does not define, or one after the grace time, fails. */
async function runSink(
  input: DeliverSecretsInput,
  sink: string,
  key: DeliveryKey,
): Promise<DeliveryResult> {
  const fingerprint = fingerprintOf(key.secret);
  if (input.stop?.aborted) return { ok: false, fingerprint, reason: `not run: ${INTERRUPTED}` };
  const config = Object.hasOwn(input.sinks, sink) ? input.sinks[sink] : undefined;
  if (config === undefined) {
    return { ok: false, fingerprint, reason: 'the config defines no such sink' };
  }
  if (typeof config === 'function') return config(key);
  const opts = { ...input.sinkOptions, ...(input.stop ? { signal: input.stop } : {}) };
  return deliver(config, key, opts);
}

/** Delivers every target's secret to its sinks; see the module comment. */
export async function deliverSecrets(input: DeliverSecretsInput): Promise<DeliveryFailures> {
  const failures: DeliveryFailures = new Map();
  const targets = input.targets.filter((t) => t.deliver.length > 0);
  if (targets.length === 0) return failures;
  const unrevealed = new Map<number, string>();
  const secrets = await revealMissing({ ...input, targets }, unrevealed);
  for (const t of targets) {
    const secret = secrets.get(t.id);
    const record = (sink: string) => ({ id: t.id, name: t.name, sink });
    if (secret === undefined) {
      const why = unrevealed.get(t.id) ?? UNAVAILABLE;
      for (const sink of t.deliver) {
        await input.audit({ ...record(sink), outcome: 'error', fingerprint: null, error: why });
        input.onDelivered?.(t, sink, false);
      }
      failures.set(t.id, { detail: `created as id ${t.id}, ${why}`, sinks: [...t.deliver] });
      continue;
    }
    const failed: string[] = [];
    const missed: string[] = [];
    for (const sink of t.deliver) {
      const result = await runSink(input, sink, { id: t.id, name: t.name, secret });
      if (result.output) input.onSinkOutput?.(t, sink, result.output);
      await input.audit({
        ...record(sink),
        outcome: result.ok ? 'ok' : 'error',
        fingerprint: result.fingerprint,
        ...(result.ok ? {} : { error: result.reason }),
      });
      input.onDelivered?.(t, sink, result.ok);
      if (!result.ok) {
        failed.push(`${sink}: ${result.reason}`);
        missed.push(sink);
      }
    }
    if (failed.length > 0) {
      failures.set(t.id, {
        detail: `created as id ${t.id}, secret not delivered to ${failed.join('; ')}`,
        sinks: missed,
      });
    }
  }
  return failures;
}
