/**
 * Reliability at scale (issue 7): a seeded account of 1,000 keys, about 300 planned changes of
 * every kind, and an emulator that fails 20% of requests in every way it can (5xx, HTML pages,
 * resets, hangs past the client's timeout, truncated JSON, writes committed before the
 * connection dies) behind a tight rate limit. Apply is re-planned and re-run until the account
 * converges, at most three times; then the account, every logged body, the ledger, the audit
 * log and everything printed are checked. No timing assertions: only outcomes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderApplyJson, renderApplyText } from '../../src/apply/render-result.js';
import { runCli } from '../../src/cli/main.js';
import {
  startEmulator,
  FAULT_KINDS,
  type Emulator,
  type StoredKey,
} from '../../src/emulator/index.js';
import { exportKeyFile } from '../../src/export/export-keys.js';
import type { DesiredKey } from '../../src/model.js';
import { renderPlan } from '../../src/render/index.js';
import { editAccount, type EditedAccount } from './account-edits.js';
import {
  checkWriteBodies,
  expectCreated,
  expectStored,
  type KeyExpectation,
} from './body-check.js';
import {
  EMULATOR_HANG_MS,
  applyRound,
  listThroughFaults,
  loadDesired,
  newTranscript,
  openClient,
  planFor,
  strippedRecords,
  suiteSettings,
  type Round,
} from './harness.js';
import { checkRound } from './ledger-check.js';
import { captureIo } from '../helpers/io.js';
import { makeTempDir, removeDir } from '../helpers/temp.js';
import { Signal } from '../helpers/wait.js';

const SEED_KEYS = 1_000;
const MAX_RUNS = 3;
const FAIL_RATE = 0.2;
/** Tight enough that parallel work meets 429 bursts. */
const RATE_LIMIT = { requests: 40, windowSeconds: 1 };
const SUITE_TIMEOUT_MS = 10 * 60_000;

describe('apply under 20% faults and 429 bursts, 1,000 keys', () => {
  let emulator: Emulator;
  let workDir: string;
  let initial: StoredKey[];
  let edited: EditedAccount;
  let desired: DesiredKey[];
  const transcript = newTranscript();
  const rounds: Round[] = [];
  let finalPlanChanges = -1;
  let cliPlanExit = -1;
  let cliOutput = '';
  /** Requests the emulator has answered, reset or dropped, by sequence number. */
  const finished = new Set<number>();
  const requestFinished = new Signal();

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    workDir = makeTempDir('reliability');
    emulator = await startEmulator({
      seed: SEED_KEYS,
      seedRandom: 2026,
      maxKeys: 2 * SEED_KEYS,
      hangMs: EMULATOR_HANG_MS,
      // Whole secrets in every answer, as older servers send them: the client must strip them.
      maskKeys: false,
      onRequest: (entry) => {
        finished.add(entry.seq);
        requestFinished.notify();
      },
    });
    initial = emulator.records();
    const now = new Date();
    const exported = exportKeyFile(strippedRecords(initial), {
      quotaPerUsd: 500_000,
      unmanagedAction: 'delete',
      now,
    });
    edited = editAccount(exported.text, initial, now);
    desired = loadDesired(edited.text, now);
    const settings = suiteSettings(edited.ignoreNames);

    // The faults start now; the desired state was built from a clean read of the seed.
    emulator.set({ failRate: FAIL_RATE, rateLimit: RATE_LIMIT });
    const client = openClient(emulator, transcript);
    const auditFile = path.join(workDir, 'audit.jsonl');
    for (let run = 1; run <= MAX_RUNS; run++) {
      const server = await listThroughFaults(client, transcript);
      const plan = planFor(desired, server, settings, emulator.url);
      transcript.texts.push(
        renderPlan(plan, { format: 'text', color: false, quotaPerUsd: 500_000 }),
        renderPlan(plan, { format: 'json', color: false, quotaPerUsd: 500_000 }),
      );
      if (plan.changes.length === 0) break;
      const round = await applyRound(plan, client, emulator, auditFile, transcript);
      rounds.push(round);
      transcript.texts.push(renderApplyText(round.result), renderApplyJson(round.result));
    }
    // Let hung requests end so the log is complete, then judge the state without faults.
    await requestFinished.until(() => emulator.requests().every((r) => finished.has(r.seq)), {
      timeoutMs: EMULATOR_HANG_MS + 30_000,
      what: 'every request the emulator logged to end (hangs included)',
    });
    emulator.set({ failRate: 0 });
    const finalPlan = planFor(desired, strippedRecords(emulator.records()), settings, emulator.url);
    finalPlanChanges = finalPlan.changes.length;
    transcript.texts.push(readFileSync(auditFile, 'utf8'));

    // The CLI, as a person runs it, on the converged account: the same desired state and settings.
    writeFileSync(path.join(workDir, 'keys.yaml'), edited.text);
    writeFileSync(
      path.join(workDir, 'cometkeys.config.json'),
      JSON.stringify({ unmanaged: { action: 'delete', ignoreNames: edited.ignoreNames } }),
    );
    const io = captureIo({
      cwd: workDir,
      env: {
        NO_COLOR: '1',
        COMETAPI_BASE_URL: emulator.url,
        COMETAPI_ACCESS_TOKEN: emulator.token,
      },
    });
    cliPlanExit = await runCli(['plan', '--detailed-exitcode'], io);
    cliOutput = io.out();
    transcript.texts.push(io.out(), io.err());
  }, SUITE_TIMEOUT_MS);

  afterAll(async () => {
    await emulator?.close();
    if (workDir) removeDir(workDir);
    nock.enableNetConnect();
  });

  it('plans about 300 changes of every kind in the first run', () => {
    const first = rounds[0]?.plan;
    expect(first).toBeDefined();
    const changes = first?.changes ?? [];
    expect(changes.length).toBeGreaterThanOrEqual(250);
    const sequences = new Set(changes.map((c) => c.sequence.join(',')));
    for (const s of [
      'update',
      'disable',
      'disable,update',
      'update,enable',
      'create',
      'create_inert,disable,update',
      'delete',
    ]) {
      expect(sequences, `a change with the sequence ${s}`).toContain(s);
    }
    const fields = new Set(changes.flatMap((c) => c.fields.map((f) => f.field)));
    for (const f of [
      'name',
      'status',
      'expired_time',
      'quota_budget',
      'remain_quota',
      'unlimited_quota',
      'model_limits',
      'allow_ips',
      'group',
      'cross_group_retry',
    ]) {
      expect(fields, `a change of ${f}`).toContain(f);
    }
  });

  it('met every fault kind and 429s on the way', () => {
    const log = emulator.requests();
    const faults = new Set(log.map((r) => r.fault).filter(Boolean));
    for (const kind of FAULT_KINDS) expect(faults, `a ${kind} fault`).toContain(kind);
    expect(log.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  });

  it('converges within three runs: a fresh plan has zero changes', () => {
    expect(rounds.length).toBeLessThanOrEqual(MAX_RUNS);
    expect(finalPlanChanges).toBe(0);
  });

  it('the CLI agrees: `plan --detailed-exitcode` finds nothing to do', () => {
    expect(cliOutput).toMatch(/^No changes\./m);
    expect(cliPlanExit).toBe(0);
  });

  it('leaves the exempted unmanaged keys untouched and deletes the others', () => {
    const byId = new Map(emulator.records().map((r) => [r.id, r]));
    for (const id of edited.keptUnmanaged) {
      expect(byId.get(id)).toEqual(initial.find((r) => r.id === id));
    }
    for (const id of edited.deleted) expect(byId.has(id)).toBe(false);
    const touched = emulator
      .requests()
      .filter((r) => r.method !== 'GET')
      .filter((r) =>
        edited.keptUnmanaged.some(
          (id) => r.path.endsWith(`/${id}`) || (r.body as { id?: number })?.id === id,
        ),
      );
    expect(touched).toEqual([]);
  });

  it('never sent an incomplete body or a value that is neither the old nor the declared one', () => {
    const initialById = new Map(initial.map((r) => [r.id, r]));
    const desiredById = new Map(desired.filter((d) => d.id !== undefined).map((d) => [d.id, d]));
    const createsByName = new Map(
      desired.filter((d) => d.id === undefined).map((d) => [d.name, d]),
    );
    const finalById = new Map(emulator.records().map((r) => [r.id, r]));
    const expectationOf = (by: { id?: number; name?: string }): KeyExpectation | undefined => {
      if (by.name !== undefined) {
        const d = createsByName.get(by.name);
        return d && expectCreated(d);
      }
      const before = by.id === undefined ? undefined : initialById.get(by.id);
      if (before) {
        const d = desiredById.get(before.id);
        return d && expectStored(before, d);
      }
      // A key this suite created: judged against its create.
      const created = by.id === undefined ? undefined : finalById.get(by.id);
      const d = created && createsByName.get(created.name);
      return d && expectCreated(d);
    };
    expect(checkWriteBodies(emulator.requests(), expectationOf)).toEqual([]);
  });

  it('accounts for every failure in the ledger and the audit log', () => {
    const log = emulator.requests();
    const problems = rounds.flatMap((round, i) =>
      checkRound(round, log).map((p) => `run ${i + 1}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('never shows a secret or the token anywhere', () => {
    const secrets = [
      emulator.token,
      ...initial.map((r) => r.key),
      ...emulator.records().map((r) => r.key),
    ];
    const texts = [
      ...transcript.texts,
      ...transcript.notices,
      ...transcript.warnings,
      ...rounds.map((r) => JSON.stringify(r.audit)),
      ...rounds.map((r) => JSON.stringify(r.result.entries)),
    ];
    const leaks = secrets.filter((s) => texts.some((t) => t.includes(s)));
    expect(leaks).toEqual([]);
    expect(texts.join('').length).toBeGreaterThan(0);
  });
});
