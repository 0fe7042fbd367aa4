/**
 * Two applies of the same plan at once (issue 7): the preconditions re-checked on a fresh read
 * just before each key's first write make the second apply skip, or write the same values
 * again; either way the account ends as declared, nothing fails, nothing is duplicated.
 */
import nock from 'nock';
import YAML from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { ApplyResult, LedgerEntry } from '../../src/apply/types.js';
import { startEmulator, type Emulator, type StoredKey } from '../../src/emulator/index.js';
import { exportKeyFile } from '../../src/export/export-keys.js';
import type { Plan } from '../../src/plan/model.js';
import {
  loadDesired,
  newTranscript,
  openClient,
  planFor,
  strippedRecords,
  suiteSettings,
} from './harness.js';
import { Signal } from '../helpers/wait.js';

const SEED_KEYS = 120;
/** Enough latency that the two applies really overlap. */
const LATENCY_MS = 20;

type Entry = Record<string, unknown> & { id?: number; name: string };

/** Updates, disables, enables and deletes of unmanaged keys; creates when asked. */
function editedKeyFile(records: StoredKey[], withCreates: boolean): string {
  const now = new Date();
  const text = exportKeyFile(strippedRecords(records), {
    quotaPerUsd: 500_000,
    unmanagedAction: 'delete',
    now,
  }).text;
  const doc = YAML.parse(text) as { keys: Entry[] };
  const nowSec = Math.floor(now.getTime() / 1000);
  const serving = (r: StoredKey) =>
    (r.expired_time === -1 || r.expired_time > nowSec) && (r.unlimited_quota || r.remain_quota > 0);
  const byId = new Map(doc.keys.map((k) => [k.id, k]));
  const plain = records.filter(
    (r) => r.status === 1 && serving(r) && !byId.get(r.id)?.ignore_changes,
  );
  const disabled = records.filter((r) => r.status === 2 && serving(r));
  for (const r of plain.slice(0, 15)) (byId.get(r.id) as Entry).allow_ips = ['192.0.2.44'];
  for (const r of plain.slice(15, 20)) (byId.get(r.id) as Entry).status = 'disabled';
  for (const r of disabled.slice(0, 4)) (byId.get(r.id) as Entry).status = 'enabled';
  const deleted = new Set(plain.slice(20, 23).map((r) => r.id));
  doc.keys = doc.keys.filter((k) => !deleted.has(k.id as number));
  if (withCreates) {
    doc.keys.push(
      { name: 'twice-new-1', quota_budget: 1_000_000, status: 'enabled' },
      { name: 'twice-new-2', unlimited_quota: true, status: 'enabled', allow_ips: ['192.0.2.1'] },
      { name: 'twice-new-3', quota_budget: 2_000_000, status: 'disabled' },
    );
  }
  return YAML.stringify(doc);
}

function outcomesByKey(results: ApplyResult[]): Map<string, LedgerEntry[]> {
  const map = new Map<string, LedgerEntry[]>();
  for (const r of results) {
    for (const e of r.entries) {
      const k = e.action === 'create' ? `create ${e.name}` : `${e.action} ${e.id}`;
      map.set(k, [...(map.get(k) ?? []), e]);
    }
  }
  return map;
}

// Both status behaviours of SPEC §7: in 'docs' mode a status call is a full update, so a late
// status call from the second apply rewrites every field, not just the status.
describe.each(['upstream', 'docs'] as const)(
  'two applies of the same plan at once (%s)',
  (statusMode) => {
    let emulator: Emulator;
    const requestFinished = new Signal();

    beforeEach(async () => {
      nock.disableNetConnect();
      nock.enableNetConnect('127.0.0.1');
      emulator = await startEmulator({
        seed: SEED_KEYS,
        seedRandom: 99,
        latencyMs: LATENCY_MS,
        statusMode,
        onRequest: requestFinished.notify,
      });
    });

    afterEach(async () => {
      await emulator.close();
      nock.enableNetConnect();
    });

    async function planOf(withCreates: boolean): Promise<{ plan: Plan; text: string }> {
      const text = editedKeyFile(emulator.records(), withCreates);
      const desired = loadDesired(text, new Date());
      const server = await openClient(emulator, newTranscript()).listKeys();
      return { plan: planFor(desired, server, suiteSettings([]), emulator.url), text };
    }

    function finalChanges(text: string): number {
      const desired = loadDesired(text, new Date());
      const server = strippedRecords(emulator.records());
      return planFor(desired, server, suiteSettings([]), emulator.url).changes.length;
    }

    const run = (plan: Plan) =>
      applyPlan({
        plan,
        client: openClient(emulator, newTranscript()),
        parallelism: 5,
        now: () => new Date(),
      });

    it('started together, end consistent: nothing fails, every key applied by at least one', async () => {
      // No creates here: two applies that list before either posts cannot see each other's
      // creates (the API has no uniqueness check), which is why SPEC §7.1 serialises applies.
      const { plan, text } = await planOf(false);
      expect(plan.changes.length).toBeGreaterThanOrEqual(25);
      const results = await Promise.all([run(plan), run(plan)]);

      expect(finalChanges(text)).toBe(0);
      for (const [key, entries] of outcomesByKey(results)) {
        const outcomes = entries.map((e) => e.outcome).sort();
        expect(outcomes, key).toHaveLength(2);
        const fine = outcomes.every((o) => o === 'applied' || o === 'skipped');
        expect(fine, `${key}: ${outcomes.join()}`).toBe(true);
        expect(outcomes, key).toContain('applied');
      }
    });

    it('the second, started once the first has written, skips what changed, finds what the first did done, and creates nothing twice', async () => {
      const { plan, text } = await planOf(true);
      const creates = plan.changes.filter((c) => c.action === 'create').length;
      expect(creates).toBe(3);
      const first = run(plan);
      // Start the second apply once the first one's creates and a few updates reached the server.
      await requestFinished.until(
        () => {
          const log = emulator.requests().filter((r) => r.success === true);
          const posts = log.filter((r) => r.method === 'POST').length;
          const puts = log.filter((r) => r.method === 'PUT').length;
          return posts >= creates && puts >= 5;
        },
        { timeoutMs: 20_000, what: `the first apply's ${creates} creates and 5 updates` },
      );
      const results = await Promise.all([first, run(plan)]);

      expect(finalChanges(text)).toBe(0);
      for (const name of ['twice-new-1', 'twice-new-2', 'twice-new-3']) {
        expect(
          emulator.records().filter((r) => r.name === name),
          name,
        ).toHaveLength(1);
      }
      const [, second] = results as [ApplyResult, ApplyResult];
      // A one-call create of the first is done when the second lists: that key, in the planned
      // state, so the second sends nothing for it (SPEC §4 "A saved plan is input, not
      // authority"). A disabled create may still be mid-sequence then: skipped.
      const alreadyDone = (e: { outcome: string; detail?: string }) =>
        e.outcome === 'applied' && e.detail === 'already in the planned state';
      const oneCall = new Set(
        plan.changes.filter((c) => c.sequence.join() === 'create').map((c) => c.name),
      );
      expect(oneCall.size).toBe(2);
      for (const e of second.entries.filter((x) => x.action === 'create')) {
        const ok = oneCall.has(e.name) ? alreadyDone(e) : alreadyDone(e) || e.outcome === 'skipped';
        expect(ok, `${e.name}: ${e.outcome} ${e.detail ?? ''}`).toBe(true);
      }
      expect(
        second.entries.filter((e) => e.outcome === 'skipped' || alreadyDone(e)).length,
      ).toBeGreaterThan(creates);
      for (const [key, entries] of outcomesByKey(results)) {
        const outcomes = entries.map((e) => e.outcome);
        expect(
          outcomes.every((o) => o === 'applied' || o === 'skipped'),
          `${key}: ${outcomes.join()}`,
        ).toBe(true);
        expect(outcomes, key).toContain('applied');
      }
    });
  },
);
