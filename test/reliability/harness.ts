/**
 * The reliability suite's moving parts: a client tuned to the faulty emulator, planning from a
 * listing or from the emulator's records, and one apply round that keeps every audit record
 * (in memory and in a real audit log file) and every notice and warning.
 */
import { createCometClient } from '../../src/api/client.js';
import type { CometClient } from '../../src/api/types.js';
import { openAuditLog } from '../../src/apply/audit-log.js';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { ApplyResult, AuditRecord } from '../../src/apply/types.js';
import { defaultSettings, type Settings } from '../../src/config/types.js';
import { loadKeyFileText } from '../../src/desired/index.js';
import type { Emulator, StoredKey } from '../../src/emulator/index.js';
import type { DesiredKey, ServerKey } from '../../src/model.js';
import { createPlan } from '../../src/plan/create-plan.js';
import type { Plan } from '../../src/plan/model.js';

/**
 * Per attempt: below the emulator's hang, so a hang is a timeout and stays short, with room for
 * a busy CI machine (a slow answer that times out would count as a fault the emulator never made).
 */
export const CLIENT_TIMEOUT_MS = 2_000;
export const EMULATOR_HANG_MS = 3_000;
export const PARALLELISM = 10;
const LISTING_ATTEMPTS = 3;

/** Everything the tool said to a person, for the secret check. */
export interface Transcript {
  notices: string[];
  warnings: string[];
  texts: string[];
}

export function newTranscript(): Transcript {
  return { notices: [], warnings: [], texts: [] };
}

/** A client with a short timeout (hangs become timeouts) and a generous 429 budget. */
export function openClient(emulator: Emulator, transcript: Transcript): CometClient {
  return createCometClient({
    baseUrl: emulator.url,
    token: emulator.token,
    timeoutMs: CLIENT_TIMEOUT_MS,
    retries: 4,
    parallelism: PARALLELISM,
    maxRateLimitWaitSeconds: 600,
    onNotice: (message) => transcript.notices.push(message),
  });
}

/** Settings for the suite: unmanaged keys are deleted unless their name is exempted. */
export function suiteSettings(ignoreNames: string[]): Settings {
  return { ...defaultSettings(), unmanaged: { action: 'delete', ignoreNames } };
}

/** Loads the key file; any error diagnostic fails loudly (the file is built by the suite). */
export function loadDesired(text: string, now: Date): DesiredKey[] {
  const loaded = loadKeyFileText(text, 'keys.yaml', { quotaPerUsd: 500_000, now });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`the suite's key file is invalid:\n${errors.map((e) => e.message).join('\n')}`);
  }
  return loaded.keys;
}

/** The emulator's live records as a listing would give them: secrets stripped. */
export function strippedRecords(records: readonly StoredKey[]): ServerKey[] {
  return records.map(({ key: _secret, ...rest }) => rest);
}

export function planFor(
  desired: DesiredKey[],
  server: ServerKey[],
  settings: Settings,
  baseUrl: string,
): Plan {
  return createPlan({
    desired,
    server,
    settings,
    now: new Date(),
    baseUrl,
    userId: 1,
    toolVersion: 'reliability',
  });
}

/**
 * Lists through the faulty network. A listing that fails writes nothing, so it is simply
 * tried again, as a person would re-run `plan`.
 */
export async function listThroughFaults(
  client: CometClient,
  transcript: Transcript,
): Promise<ServerKey[]> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= LISTING_ATTEMPTS; attempt++) {
    try {
      return await client.listKeys();
    } catch (err) {
      lastError = err;
      transcript.texts.push(String((err as Error).message));
    }
  }
  throw lastError;
}

export interface Round {
  plan: Plan;
  result: ApplyResult;
  /** The audit records of this round, in the order they were written. */
  audit: AuditRecord[];
  /** Emulator request sequence numbers of this round (first, last]. */
  seqFrom: number;
  seqTo: number;
}

/** One apply of `plan`, with an audit log written to `auditFile` and kept in memory too. */
export async function applyRound(
  plan: Plan,
  client: CometClient,
  emulator: Emulator,
  auditFile: string,
  transcript: Transcript,
): Promise<Round> {
  const audit: AuditRecord[] = [];
  const file = await openAuditLog(auditFile);
  const seqFrom = lastSeq(emulator);
  const result = await applyPlan({
    plan,
    client,
    parallelism: PARALLELISM,
    audit: {
      write(record) {
        audit.push(record);
        return file.write(record);
      },
    },
    onWarning: (message) => transcript.warnings.push(message),
    now: () => new Date(),
    gitCommit: null,
  });
  await file.close();
  return { plan, result, audit, seqFrom, seqTo: lastSeq(emulator) };
}

function lastSeq(emulator: Emulator): number {
  const log = emulator.requests();
  return log.length === 0 ? 0 : (log[log.length - 1]?.seq ?? 0);
}
