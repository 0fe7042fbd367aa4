/**
 * `cometkeys apply [PLAN]` (SPEC §1, §4 "Saved plans", §6, §7): a saved plan, or a fresh plan
 * shown and confirmed; safety refusals before any write; the executor; the ledger.
 */
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { CometClient } from '../../api/types.js';
import { applyPlan } from '../../apply/apply-plan.js';
import { createAuditLog } from '../../apply/audit-log.js';
import { applyExitCode, renderApplyJson, renderApplyText } from '../../apply/render-result.js';
import { checkSafety, parseForce, type ForceOption } from '../../apply/safety.js';
import type { CreatedKey } from '../../apply/types.js';
import type { Settings } from '../../config/types.js';
import type { ServerKey } from '../../model.js';
import type { Plan } from '../../plan/model.js';
import { CliError, type CommandContext } from '../context.js';
import {
  accountUserId,
  listAccount,
  openClient,
  preparePlan,
  resolveSettings,
} from '../pipeline.js';
import { createProgress } from '../progress.js';

interface ApplyOptions {
  file?: string[];
  target?: string[];
  autoApprove?: boolean;
  force?: string | boolean;
  allowDelete?: boolean;
  auditLog?: string;
  newKeysOut?: string;
  format?: string;
  allowEmpty?: boolean;
}

/** The current commit when run in a git work tree, else null (SPEC §7 "Audit log"). */
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

/** Loads a saved plan and refuses one made for another origin or account (SPEC §4). */
async function loadSavedPlan(
  ctx: CommandContext,
  file: string,
): Promise<{ plan: Plan; settings: Settings; client: CometClient; listing?: ServerKey[] }> {
  let text: string;
  try {
    text = await readFile(path.resolve(ctx.io.cwd, file), 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read the plan ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  const { parsePlanFile } = await import('../../plan/plan-file.js');
  const plan = parsePlanFile(text, file);
  const settings = await resolveSettings(ctx);
  if (!sameOrigin(plan.base_url, settings.baseUrl)) {
    throw new CliError(
      `${file} was made for ${plan.base_url}, not ${settings.baseUrl}; re-run plan against this account`,
    );
  }
  const client = await openClient(ctx, settings);
  if (plan.account.user_id === null || plan.changes.length === 0) return { plan, settings, client };
  // The owner is known from COMETAPI_USER_ID or, failing that, from the account's keys.
  const fromEnv = accountUserId(ctx.io.env, []);
  const listing = fromEnv === null ? await listAccount(ctx, client) : undefined;
  const current = fromEnv ?? accountUserId(ctx.io.env, listing ?? []);
  if (current !== null && current !== plan.account.user_id) {
    throw new CliError(
      `${file} was made for account ${plan.account.user_id}, not ${current}; re-run plan against this account`,
    );
  }
  return { plan, settings, client, ...(listing ? { listing } : {}) };
}

function forceOf(value: unknown): ForceOption {
  try {
    return parseForce(value);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** Makes sure the secrets file can be written before anything is created. */
async function writeNewKeys(file: string, keys: CreatedKey[]): Promise<void> {
  await writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  // `mode` only applies to a new file; an existing one is narrowed too.
  await chmod(file, 0o600);
}

/** `cometkeys apply`; returns the exit code (SPEC §1). */
export async function runApply(
  rawOpts: Record<string, unknown>,
  args: string[],
  ctx: CommandContext,
): Promise<number> {
  const opts = rawOpts as ApplyOptions;
  const planFile = args[0];
  if (planFile !== undefined && ((opts.file?.length ?? 0) > 0 || (opts.target?.length ?? 0) > 0)) {
    throw new CliError(
      'apply PLAN cannot be combined with -f/--file or --target: the saved plan already fixes both',
    );
  }
  const force = forceOf(opts.force);
  const json = opts.format === 'json';
  const { stdout, stderr } = ctx.io;

  const prepared: {
    plan: Plan;
    settings: Settings;
    client: CometClient;
    listing?: ServerKey[];
  } = planFile
    ? await loadSavedPlan(ctx, planFile)
    : await preparePlan(ctx, {
        files: opts.file,
        targets: opts.target,
        allowEmpty: opts.allowEmpty === true,
      });
  const { plan, settings, client } = prepared;

  if (!planFile) {
    const { renderPlan } = await import('../../render/index.js');
    const shown = renderPlan(plan, {
      format: 'text',
      color: ctx.global.color,
      quotaPerUsd: settings.quotaPerUsd,
    });
    // With --format json, stdout carries only the ledger.
    (json ? stderr : stdout).write(shown);
  }
  if (plan.changes.length === 0) {
    if (json) stdout.write(renderApplyJson({ entries: [], summary: emptySummary() }));
    else if (planFile) stdout.write('No changes.\n');
    return 0;
  }

  checkSafety(plan, force, opts.allowDelete === true);
  if (!planFile && opts.autoApprove !== true && !(await confirm(ctx))) {
    stderr.write('Apply cancelled; nothing was written.\n');
    return 1;
  }

  const newKeysOut = opts.newKeysOut ? path.resolve(ctx.io.cwd, opts.newKeysOut) : undefined;
  if (newKeysOut) {
    try {
      await writeNewKeys(newKeysOut, []);
    } catch (err) {
      throw new CliError(`cannot write ${opts.newKeysOut}: ${(err as Error).message}`);
    }
  }
  const auditFile = opts.auditLog
    ? path.resolve(ctx.io.cwd, opts.auditLog)
    : settings.auditLog
      ? path.resolve(
          settings.configFile ? path.dirname(settings.configFile) : ctx.io.cwd,
          settings.auditLog,
        )
      : undefined;

  const progress = createProgress(ctx, 'applying');
  const result = await applyPlan({
    plan,
    client,
    parallelism: settings.parallelism,
    maxRequestsPerSecond: settings.maxRequestsPerSecond,
    ...(auditFile ? { audit: createAuditLog(auditFile) } : {}),
    onProgress: (p) =>
      progress.update(p.done, p.total, p.failed > 0 ? `${p.failed} not applied` : undefined),
    // Warnings are not progress: --quiet keeps them.
    onWarning: (m) =>
      ctx.global.quiet ? stderr.write(`warning: ${m}\n`) : progress.notice(`warning: ${m}`),
    now: () => ctx.io.now?.() ?? new Date(),
    gitCommit: auditFile ? await readGitCommit(ctx.io.cwd) : null,
    ...(prepared.listing ? { listing: prepared.listing } : {}),
  });
  progress.finish();

  let newKeysLost = false;
  if (newKeysOut) {
    try {
      await writeNewKeys(newKeysOut, result.created);
      if (result.created.length > 0 && !ctx.global.quiet) {
        stderr.write(
          `Wrote ${result.created.length} new key(s) to ${opts.newKeysOut} (mode 0600).\n`,
        );
      }
    } catch (err) {
      // The keys exist now: say which, without their secrets, and do not report success.
      newKeysLost = result.created.length > 0;
      const ids = result.created.map((k) => `${k.name} (id ${k.id})`).join(', ') || 'none';
      stderr.write(
        `error: cannot write ${opts.newKeysOut}: ${(err as Error).message}; keys created: ${ids}\n`,
      );
    }
  }
  // A blank line parts the ledger from the plan shown above it.
  if (!json && !planFile) stdout.write('\n');
  stdout.write(json ? renderApplyJson(result) : renderApplyText(result));
  return newKeysLost ? 3 : applyExitCode(result);
}

function emptySummary() {
  return { applied: 0, failed: 0, skipped: 0, missing: 0, did_not_converge: 0 };
}
