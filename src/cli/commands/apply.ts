/**
 * `cometkeys apply [PLAN]` (docs/commands.md, docs/plan-format.md#saved-plans,
 * docs/safety.md#safety-limits, docs/write-protocol.md): a saved plan, or a fresh plan shown and
 * confirmed; safety refusals before any write; the executor; the ledger.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { CometClient } from '../../api/types.js';
import { NEW_KEYS_SINK, applyPlan } from '../../apply/apply-plan.js';
import { openAuditLog, type AuditLog } from '../../apply/audit-log.js';
import {
  createNewKeysFile,
  describeFileError,
  type NewKeysFile,
} from '../../apply/new-keys-file.js';
import { applyExitCode, renderApplyJson, renderApplyText } from '../../apply/render-result.js';
import { checkSafety, parseForce } from '../../apply/safety.js';
import type { CreatedKey } from '../../apply/types.js';
import type { Settings } from '../../config/types.js';
import type { ServerKey } from '../../model.js';
import type { Plan } from '../../plan/model.js';
import { checkPlanAuthority } from '../../plan/plan-check.js';
import { evaluateSafety } from '../../plan/safety.js';
import { CliError, outputOptions, type CommandContext } from '../context.js';
import {
  accountUserId,
  listAccount,
  auditLogPath,
  openClient,
  preparePlan,
  readUndelivered,
  resolveSettings,
} from '../pipeline.js';
import { escapeText, quoteText } from '../../values/index.js';
import { readSavedPlanText } from '../plan-arg.js';
import { createProgress } from '../progress.js';

interface ApplyOptions {
  file?: string[];
  target?: string[];
  rotate?: string[];
  autoApprove?: boolean;
  force?: string | boolean;
  allowDelete?: boolean;
  auditLog?: string;
  newKeysOut?: string;
  format?: string;
  allowEmpty?: boolean;
}

/**
 * The current commit when run in a git work tree, else null (docs/write-protocol.md#the-audit-log).
 */
export function readGitCommit(cwd: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5_000 }, (err, stdout) => {
      const commit = String(stdout).trim();
      resolve(err || !/^[0-9a-f]{40,64}$/.test(commit) ? null : commit);
    });
  });
}

function sameOrigin(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** Reads one answer line; only `yes` approves (like Terraform). */
async function confirm(ctx: CommandContext): Promise<boolean> {
  const { stdin, stderr } = ctx.io;
  if (!stdin || stdin.isTTY !== true) {
    throw new CliError(
      'apply needs confirmation but stdin is not a terminal: pass --auto-approve to apply without asking',
    );
  }
  stderr.write("Apply these changes? Only 'yes' will be accepted: ");
  // node:readline at first need: an apply with --auto-approve never asks.
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: stdin, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/**
 * Loads a saved plan and refuses one made for another origin or account
 * (docs/plan-format.md#what-apply-checks-in-a-saved-plan).
 */
async function loadSavedPlan(
  ctx: CommandContext,
  file: string,
  auditLogFlag: string | undefined,
): Promise<{ plan: Plan; settings: Settings; client: CometClient; listing?: ServerKey[] }> {
  const text = await readSavedPlanText(ctx, file, 'apply');
  const { parsePlanFile } = await import('../../plan/plan-file.js');
  const plan = parsePlanFile(text, file);
  const settings = await resolveSettings(ctx);
  if (!sameOrigin(plan.base_url, settings.baseUrl)) {
    throw new CliError(
      `${file} was made for ${plan.base_url}, not ${settings.baseUrl}; re-run plan against this account`,
    );
  }
  const client = await openClient(ctx, settings);
  if (plan.changes.length === 0 && !plan.handoffs?.length) return { plan, settings, client };
  // The safety limits are evaluated against the account as it is now (docs/plan-format.md), and the
  // owner is known from COMETAPI_USER_ID or, failing that, from the account's keys.
  const listing = await listAccount(ctx, client);
  const current = accountUserId(ctx.io.env, listing);
  if (plan.account.user_id !== null && current !== null && current !== plan.account.user_id) {
    throw new CliError(
      `${file} was made for account ${plan.account.user_id}, not ${current}; re-run plan against this account`,
    );
  }
  const undelivered = await readUndelivered(auditLogPath(ctx, settings, auditLogFlag));
  refuseUnfoundedSecrets(plan, { listing, settings, undelivered }, file);
  return { plan, settings, client, listing };
}

/**
 * A saved plan hands secrets to sinks, so before anything is sent
 * (docs/plan-format.md#what-apply-checks-in-a-saved-plan) every sink it names (a create's, a
 * rotate's, a handoff's) must be one the config defines, and each handoff must name a key the
 * account holds under that name now whose secret the audit log shows not delivered: the only
 * keys the planner hands over again. Otherwise the plan is refused.
 */
function refuseUnfoundedSecrets(
  plan: Plan,
  now: { listing: ServerKey[]; settings: Settings; undelivered: ReadonlySet<number> },
  file: string,
): void {
  const byId = new Map(now.listing.map((k) => [k.id, k]));
  const problems: string[] = [];
  const checkSinks = (what: string, sinks: readonly string[]) => {
    for (const sink of sinks) {
      if (!Object.hasOwn(now.settings.sinks, sink)) {
        problems.push(`${what} names sink ${quoteText(sink)}, which the config does not define`);
      }
    }
  };
  for (const c of plan.changes) {
    if (c.action === 'create' || c.action === 'rotate') {
      checkSinks(`${c.action} of ${quoteText(c.name)}`, c.deliver ?? []);
    }
  }
  for (const h of plan.handoffs ?? []) {
    const what = `handoff of ${quoteText(h.name)}`;
    const key = byId.get(h.id);
    if (!key) problems.push(`${what} names id ${h.id}, which the account does not hold`);
    else if (key.name !== h.name) {
      problems.push(
        `handoff of id ${h.id} says ${quoteText(h.name)}, but the key is named ${quoteText(key.name)}`,
      );
    } else if (!now.undelivered.has(h.id)) {
      problems.push(`${what} (id ${h.id}): the audit log shows no undelivered secret for it`);
    }
    checkSinks(what, h.deliver);
  }
  if (problems.length > 0) {
    throw new CliError(
      `${file}: refusing the plan, nothing was sent:\n${problems.map((p) => `  ${p}`).join('\n')}\nRe-run plan.`,
    );
  }
}

/**
 * While the write phase runs, the first SIGINT/SIGTERM (what CI sends on cancel) aborts the
 * returned `signal`: no new key starts and the keys in progress finish. `graceSeconds` later
 * `graceOver` aborts too: the secret handoff of the keys already created starts nothing more
 * (docs/write-protocol.md#interruption). A second signal exits at once, after `lastWords` (what
 * is left undone). The handlers are removed by `dispose`.
 */
function trapSignals(
  ctx: CommandContext,
  graceSeconds: number,
  lastWords: () => string,
): { signal: AbortSignal; graceOver: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const grace = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // Running command sinks are stopped (their process groups killed) before the exit.
      grace.abort();
      ctx.io.stderr.write(
        `\n${name} again: exiting now; keys in progress may be half done.\n${lastWords()}`,
      );
      process.exit(3);
    }
    ctx.io.stderr.write(
      `\n${name}: no new key starts; finishing the keys in progress and handing the new keys' ` +
        `secrets to their sinks for up to ${graceSeconds} s (send it again to exit now).\n`,
    );
    controller.abort();
    timer = setTimeout(() => grace.abort(), graceSeconds * 1000);
    timer.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    graceOver: grace.signal,
    dispose: () => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** A name as a shell word: as it is when plain, else in single quotes. */
function shellWord(name: string): string {
  return /^[A-Za-z0-9._@%+=:,/-]+$/.test(name) ? name : `'${name.replace(/'/g, "'\\''")}'`;
}

/** The command that finishes the handoff of these keys, escaped for the terminal. */
function deliverCommand(names: readonly string[]): string {
  return escapeText(`cometkeys deliver ${[...new Set(names)].map(shellWord).join(' ')}`);
}

/**
 * The created keys whose secrets have not reached every sink yet: kept current while apply runs,
 * so a second signal can still say which secrets are not delivered.
 */
function trackHandoff(plan: Plan, newKeysOut: boolean) {
  const declared = new Map<string, readonly string[]>();
  for (const c of plan.changes) {
    // A rotate's successor is a new key too: its secret goes to the rotate's sinks.
    if (c.action === 'create' || c.action === 'rotate') declared.set(c.name, c.deliver ?? []);
  }
  const left = new Map<number, { name: string; sinks: Set<string> }>();
  return {
    created(key: CreatedKey) {
      const sinks = [...(newKeysOut ? [NEW_KEYS_SINK] : []), ...(declared.get(key.name) ?? [])];
      if (sinks.length > 0) left.set(key.id, { name: key.name, sinks: new Set(sinks) });
    },
    delivered(id: number, sink: string, ok: boolean) {
      const k = left.get(id);
      if (!ok || !k) return;
      k.sinks.delete(sink);
      if (k.sinks.size === 0) left.delete(id);
    },
    /** Lines naming each key whose secret is not delivered, and how to finish. */
    report(): string {
      if (left.size === 0) return '';
      const keys = [...left.entries()].sort((a, b) => a[0] - b[0]);
      const lines = keys.map(
        ([id, k]) =>
          `  ${escapeText(k.name)} (id ${id}): secret not delivered to ${[...k.sinks].join(', ')}\n`,
      );
      // `deliver` reruns configured sinks; the --new-keys-out file is this run's alone.
      const again = keys.filter(([, k]) => [...k.sinks].some((sink) => sink !== NEW_KEYS_SINK));
      if (again.length === 0) return lines.join('');
      return `${lines.join('')}Finish with: ${deliverCommand(again.map(([, k]) => k.name))}\n`;
    },
  };
}

/** Opens the audit log and the new-keys file before the first write; a failure sends nothing. */
async function openOutputs(
  auditFile: string | undefined,
  newKeysOut: { abs: string; shown: string } | undefined,
): Promise<{ audit?: AuditLog; newKeys?: NewKeysFile }> {
  let audit: AuditLog | undefined;
  if (auditFile) {
    try {
      audit = await openAuditLog(auditFile);
    } catch (err) {
      throw new CliError(
        `cannot open the audit log ${auditFile}: ${describeFileError(err)}; nothing was sent`,
      );
    }
  }
  if (!newKeysOut) return audit ? { audit } : {};
  try {
    return { ...(audit ? { audit } : {}), newKeys: await createNewKeysFile(newKeysOut.abs) };
  } catch (err) {
    await audit?.close().catch(() => {});
    throw new CliError(
      `cannot write --new-keys-out ${newKeysOut.shown}: ${describeFileError(err)}; nothing was sent`,
    );
  }
}

/** `cometkeys apply`; returns the exit code (docs/exit-codes.md#the-codes). */
export async function runApply(
  rawOpts: Record<string, unknown>,
  args: string[],
  ctx: CommandContext,
): Promise<number> {
  const opts = rawOpts as ApplyOptions;
  const planFile = args[0];
  const fixed = [opts.file, opts.target, opts.rotate].some((l) => (l?.length ?? 0) > 0);
  if (planFile !== undefined && fixed) {
    throw new CliError(
      'apply PLAN cannot be combined with -f/--file, --target or --rotate: the saved plan already fixes them',
    );
  }
  const force = parseForce(opts.force);
  const json = opts.format === 'json';
  const { stdout, stderr } = ctx.io;

  const prepared: {
    plan: Plan;
    settings: Settings;
    client: CometClient;
    listing?: ServerKey[];
    server?: ServerKey[];
  } = planFile
    ? await loadSavedPlan(ctx, planFile, opts.auditLog)
    : await preparePlan(ctx, {
        files: opts.file,
        targets: opts.target,
        ...(opts.rotate ? { rotate: opts.rotate } : {}),
        ...(opts.auditLog ? { auditLog: opts.auditLog } : {}),
        allowEmpty: opts.allowEmpty === true,
      });
  const { plan, settings, client } = prepared;
  // Either plan is input, not authority: checked as the planner would have written it
  // (docs/plan-format.md#how-a-plan-is-made).
  checkPlanAuthority(plan, {
    source: planFile ?? 'the plan',
    quotaPerUsd: settings.quotaPerUsd,
    quotaMaxUnits: settings.quotaMaxUnits,
  });

  if (!planFile) {
    const { renderPlan } = await import('../../render/index.js');
    const shown = renderPlan(plan, {
      format: 'text',
      ...outputOptions(ctx.global),
      quotaPerUsd: settings.quotaPerUsd,
    });
    // With --format json, stdout carries only the ledger.
    (json ? stderr : stdout).write(shown);
  }
  if (plan.changes.length === 0 && !plan.handoffs?.length) {
    if (json) stdout.write(renderApplyJson({ entries: [], summary: emptySummary() }));
    else if (planFile) stdout.write('No changes.\n');
    return 0;
  }

  // The limits afresh, on the current config and the account as listed in this run
  // (docs/plan-format.md).
  const account = prepared.listing ?? prepared.server ?? [];
  const fresh = evaluateSafety(
    plan.changes,
    account.length,
    settings.safety,
    new Map(account.map((k) => [k.id, k])),
  );
  checkSafety(plan, force, opts.allowDelete === true, fresh);
  if (!planFile && opts.autoApprove !== true && !(await confirm(ctx))) {
    stderr.write('Apply cancelled; nothing was written.\n');
    return 1;
  }

  const auditFile = auditLogPath(ctx, settings, opts.auditLog);
  const newKeysOut = opts.newKeysOut
    ? { abs: path.resolve(ctx.io.cwd, opts.newKeysOut), shown: opts.newKeysOut }
    : undefined;
  const outputs = await openOutputs(auditFile, newKeysOut);
  // A write of the new-keys file that fails: the keys exist, so the run does not succeed.
  let newKeysError: string | undefined;
  const saveNewKeys = (all: readonly CreatedKey[]) => {
    outputs.newKeys?.write(all).catch((err: unknown) => {
      newKeysError ??= describeFileError(err);
    });
  };

  const progress = createProgress(ctx, 'applying');
  const handoff = trackHandoff(plan, outputs.newKeys !== undefined);
  const trap = trapSignals(ctx, settings.timeoutSeconds, () => handoff.report());
  const result = await applyPlan({
    plan,
    client,
    parallelism: settings.parallelism,
    ...(outputs.audit ? { audit: outputs.audit } : {}),
    signal: trap.signal,
    deliveryStop: trap.graceOver,
    onCreated: (key, all) => {
      handoff.created(key);
      saveNewKeys(all);
    },
    onDelivered: (key, sink, ok) => handoff.delivered(key.id, sink, ok),
    ...(outputs.newKeys ? { newKeysOut: outputs.newKeys } : {}),
    onProgress: (p) =>
      progress.update(p.done, p.total, p.failed > 0 ? `${p.failed} not applied` : undefined),
    // Warnings are not progress: --quiet keeps them.
    onWarning: (m) =>
      ctx.global.quiet ? stderr.write(`warning: ${m}\n`) : progress.notice(`warning: ${m}`),
    now: () => ctx.io.now?.() ?? new Date(),
    gitCommit: auditFile ? await readGitCommit(ctx.io.cwd) : null,
    ...(prepared.listing ? { listing: prepared.listing } : {}),
    // Secret handoff (docs/write-protocol.md#new-keys-secrets): command sinks start from this
    // environment, minus the token.
    sinks: settings.sinks,
    sinkOptions: { env: ctx.io.env },
    onSinkOutput: (key, sink, output) => {
      const m = `${key.name} → ${sink}: ${output.trimEnd().replace(/\n/g, '\n  ')}`;
      if (ctx.global.quiet) stderr.write(`${m}\n`);
      else progress.notice(m);
    },
  });
  progress.finish();
  try {
    await outputs.audit?.close();
  } catch (err) {
    stderr.write(`warning: closing the audit log ${auditFile}: ${describeFileError(err)}\n`);
  }

  let newKeysLost = false;
  if (newKeysOut && outputs.newKeys) {
    try {
      await outputs.newKeys.write(result.created);
      await outputs.newKeys.close();
      if (newKeysError) throw new Error(newKeysError);
      if (result.created.length > 0 && !ctx.global.quiet) {
        stderr.write(
          `Wrote ${result.created.length} new key(s) to ${newKeysOut.shown} (mode 0600).\n`,
        );
      }
    } catch (err) {
      // The keys exist now: say which, without their secrets, and do not report success.
      newKeysLost = result.created.length > 0;
      const ids =
        result.created.map((k) => `${escapeText(k.name)} (id ${k.id})`).join(', ') || 'none';
      stderr.write(
        `error: cannot write ${newKeysOut.shown}: ${describeFileError(err)}; keys created: ${ids}\n`,
      );
    }
  }
  trap.dispose();
  if (result.stopped === 'interrupted') {
    stderr.write(
      result.writes > 0
        ? 'Interrupted: the keys not started are skipped; re-run apply to finish.\n'
        : 'Interrupted before any write: nothing was sent.\n',
    );
  }
  // A secret that did not reach a configured sink is never lost silently: say how to finish.
  const unfinished = result.entries.filter((e) =>
    e.undelivered?.some((sink) => sink !== NEW_KEYS_SINK),
  );
  if (unfinished.length > 0 && !ctx.global.quiet) {
    stderr.write(
      `${unfinished.length} new key(s) did not get their secret to every sink; once the cause ` +
        `is fixed, finish with: ${deliverCommand(unfinished.map((e) => e.name))}\n`,
    );
  }
  // A blank line parts the ledger from the plan shown above it.
  if (!json && !planFile) stdout.write('\n');
  stdout.write(json ? renderApplyJson(result) : renderApplyText(result));
  if (result.stopped === 'interrupted' && result.writes === 0) return 1;
  return newKeysLost ? 3 : applyExitCode(result);
}

function emptySummary() {
  return { applied: 0, failed: 0, skipped: 0, missing: 0, did_not_converge: 0 };
}
