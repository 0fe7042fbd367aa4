/**
 * The CI examples' cometkeys commands, run for real: every `cometkeys` line of the GitHub
 * workflows and the GitLab pipeline, verbatim in bash, against an emulator on 127.0.0.1, in the
 * order a merge goes through them — plan on the pull request, apply the saved plan, then the
 * scheduled drift check — from a checkout holding keys.example.yaml as keys.yaml.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { parse } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type SeedRecord } from '../../src/emulator/index.js';
import { BIN, createWorkspace, runLine, type LineRun, type Workspace } from './run-line.js';
import { runAction, type ActionRun } from './run-action.js';
import {
  extractActionUses,
  extractGitlabCommands,
  GITLAB_FILE,
  readGitlabPipeline,
  readYamlFile,
  type ActionUse,
  REPO_ROOT,
  type CometkeysCommand,
} from './workflow-files.js';

const SCENARIO_TIMEOUT_MS = 120_000;
/** A server key no file declares: the default `unmanaged: ignore` reports it, never drift. */
const UNMANAGED_NAME = 'legacy-intern-laptop';

let emulator: Emulator | undefined;
let workspace: Workspace | undefined;

beforeAll(() => {
  if (!existsSync(path.join(REPO_ROOT, 'dist/cli-bundle/main.js')) || !existsSync(BIN)) {
    throw new Error('the built CLI is missing: run `npm run build` (npm test does it first)');
  }
  // The CLI runs in child processes; this process only hosts the emulator on 127.0.0.1.
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterAll(() => {
  nock.enableNetConnect();
});

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  workspace?.cleanup();
  workspace = undefined;
});

interface DeclaredKey {
  name: string;
  id?: number;
  previous_names?: string[];
  ignore_changes?: string[];
}

function declaredKeys(ws: Workspace): DeclaredKey[] {
  return (parse(ws.read('keys.yaml')) as { keys: DeclaredKey[] }).keys;
}

/**
 * A checkout with keys.example.yaml as keys.yaml, and an account that holds the keys it pins by
 * id (under a previous name and with other values, so the plan renames and updates them), plus
 * one key no file declares.
 */
async function setUp(): Promise<{ ws: Workspace; emu: Emulator }> {
  workspace = createWorkspace({ 'keys.example.yaml': 'keys.yaml' });
  const declared = declaredKeys(workspace);
  expect(declared.map((k) => k.name)).not.toContain(UNMANAGED_NAME);
  const seed: SeedRecord[] = [
    ...declared.flatMap((k) =>
      k.id === undefined
        ? []
        : [{ id: k.id, name: k.previous_names?.[0] ?? k.name, group: 'stale-group' }],
    ),
    { name: UNMANAGED_NAME },
  ];
  emulator = await startEmulator({ seed });
  return { ws: workspace, emu: emulator };
}

function actionUses(file: string, emu: Emulator): ActionUse[] {
  return extractActionUses(
    `examples/github/${file}`,
    readYamlFile(`examples/github/${file}`).data,
    {
      'secrets.COMETAPI_ACCESS_TOKEN': emu.token,
      'secrets.COMETAPI_USER_ID': String(emu.userId),
      // Only `gh secret set` sinks use it; the keys the workflows apply deliver nowhere.
      'secrets.COMETKEYS_GH_TOKEN': 'gh-token-for-sinks',
    },
  );
}

function onlyUse(uses: ActionUse[], predicate: (u: ActionUse) => boolean): ActionUse {
  const found = uses.filter(predicate);
  if (found.length !== 1) throw new Error(`expected one matching step, found ${found.length}`);
  return found[0] as ActionUse;
}

/** Runs a recipe's cometkeys action step and checks the status and exit-code it ends with. */
async function expectAction(
  use: ActionUse,
  ws: Workspace,
  emu: Emulator,
  expected: { status: number; exitCode: string },
  runs: LineRun[],
): Promise<ActionRun> {
  const run = await runAction(ws.dir, use.inputs, { ...use.env, COMETAPI_BASE_URL: emu.url });
  runs.push({ line: use.step, code: run.status, stdout: run.stdout, stderr: run.stderr });
  const shown = `${use.file} ${use.step}: status ${run.status}\n${JSON.stringify(run.outputs)}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
  expect(run.status, shown).toBe(expected.status);
  expect(run.outputs['exit-code'], shown).toBe(expected.exitCode);
  return run;
}

function only(commands: CometkeysCommand[], predicate: (c: CometkeysCommand) => boolean) {
  const found = commands.filter(predicate);
  if (found.length !== 1) {
    throw new Error(`expected one matching command, found ${found.map((c) => c.line).join(' | ')}`);
  }
  return found[0] as CometkeysCommand;
}

/** Runs a line and checks its exit code, showing what it printed when it differs. */
async function expectExit(
  command: CometkeysCommand,
  ws: Workspace,
  env: Record<string, string>,
  codes: number[],
  runs: LineRun[],
): Promise<LineRun> {
  const run = await runLine(command, ws, env);
  runs.push(run);
  const shown = `${command.file} ${command.job}/${command.step}: ${run.line}\nexit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
  expect(codes, shown).toContain(run.code);
  return run;
}

/** No output, log or file of the run holds the access token or a key's secret. */
function expectNoSecrets(emu: Emulator, ws: Workspace, runs: LineRun[]): void {
  const texts = [...runs.flatMap((r) => [r.stdout, r.stderr]), ...Object.values(ws.allFiles())];
  const secrets = [emu.token, ...emu.records().map((r) => r.key)];
  for (const secret of secrets) {
    for (const t of texts) expect(t.includes(secret), 'a secret leaked').toBe(false);
  }
}

/** Every declared key now exists on the server under its name. */
function expectAccountHasDeclaredKeys(emu: Emulator, ws: Workspace): void {
  const names = new Set(emu.records().map((r) => r.name));
  for (const k of declaredKeys(ws)) expect(names, k.name).toContain(k.name);
  expect(names).toContain(UNMANAGED_NAME);
}

describe('GitHub examples, run against the emulator', () => {
  it(
    'plans the pull request, applies the saved plan on merge, then finds no drift',
    async () => {
      const { ws, emu } = await setUp();
      const runs: LineRun[] = [];
      const plan = actionUses('plan.yml', emu);
      const apply = actionUses('apply.yml', emu);
      const drift = actionUses('drift.yml', emu);

      // The account differs from the files, so the plan has changes: exit code 2, step passes.
      const planned = await expectAction(only1(plan), ws, emu, { status: 0, exitCode: '2' }, runs);
      expect(emu.requests().every((r) => r.method === 'GET')).toBe(true);
      const md = readFileSync(planned.outputs['markdown-plan'] ?? '', 'utf8');
      for (const k of declaredKeys(ws)) expect(md).toContain(k.name);
      const jsonPlan = planned.outputs['json-plan'] ?? '';
      const saved = JSON.parse(readFileSync(jsonPlan, 'utf8')) as {
        format_version: number;
        changes: [];
      };
      expect(saved.format_version).toBe(1);
      expect(saved.changes.length).toBeGreaterThan(0);

      // The artifact: the action's saved plan is what apply.yml's saved-plan step reads.
      const applySaved = onlyUse(
        apply,
        (u) => u.condition === "steps.saved.outputs.found == 'true'",
      );
      const planArg = (applySaved.inputs.args ?? '').split(' ')[0] ?? '';
      mkdirSync(path.join(ws.dir, path.dirname(planArg)), { recursive: true });
      copyFileSync(jsonPlan, path.join(ws.dir, planArg));
      await expectAction(applySaved, ws, emu, { status: 0, exitCode: '0' }, runs);
      const audit = ws.read('audit.jsonl').trim().split('\n');
      expect(audit.length).toBeGreaterThanOrEqual(saved.changes.length);
      for (const line of audit) expect(() => JSON.parse(line) as unknown).not.toThrow();
      expectAccountHasDeclaredKeys(emu, ws);

      const check = onlyUse(apply, (u) => u.inputs.command === 'drift');
      await expectAction(check, ws, emu, { status: 0, exitCode: '0' }, runs);
      const inSync = await expectAction(only1(drift), ws, emu, { status: 0, exitCode: '0' }, runs);
      expect(readFileSync(inSync.outputs['markdown-plan'] ?? '', 'utf8').length).toBeGreaterThan(0);
      expectNoSecrets(emu, ws, runs);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'applies afresh when no saved plan is usable, and drift then reports a key edited by hand',
    async () => {
      const { ws, emu } = await setUp();
      const runs: LineRun[] = [];
      const apply = actionUses('apply.yml', emu);
      const drift = only1(actionUses('drift.yml', emu));
      const check = onlyUse(apply, (u) => u.inputs.command === 'drift');

      const fresh = onlyUse(apply, (u) => (u.inputs.args ?? '').includes('--auto-approve'));
      await expectAction(fresh, ws, emu, { status: 0, exitCode: '0' }, runs);
      expectAccountHasDeclaredKeys(emu, ws);
      await expectAction(drift, ws, emu, { status: 0, exitCode: '0' }, runs);

      // Someone changes a managed key in the console: the scheduled check must see it.
      const target = declaredKeys(ws).find((k) => !(k.ignore_changes ?? []).includes('group'));
      const record = emu.records().find((r) => r.name === target?.name);
      expect(record).toBeDefined();
      emu.edit(record?.id as number, { group: 'edited-by-hand' });
      const drifted = await expectAction(drift, ws, emu, { status: 0, exitCode: '2' }, runs);
      expect(drifted.outputs['has-changes']).toBe('true');
      expect(readFileSync(drifted.outputs['markdown-plan'] ?? '', 'utf8')).toContain(target?.name);
      // apply.yml's check after an apply fails the job on any difference.
      await expectAction(check, ws, emu, { status: 2, exitCode: '2' }, runs);
      expectNoSecrets(emu, ws, runs);
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe('GitHub examples with the multi-file layout', () => {
  it(
    'find the key files through the config, as the workflows pass no files',
    async () => {
      workspace = createWorkspace({
        'examples/cometkeys.config.yaml': 'cometkeys.config.yaml',
        'examples/keys': 'keys',
      });
      const ws = workspace;
      emulator = await startEmulator();
      const emu = emulator;
      const runs: LineRun[] = [];
      const plan = only1(actionUses('plan.yml', emu));
      expect(plan.inputs.files).toBeUndefined();
      const r = await expectAction(plan, ws, emu, { status: 0, exitCode: '2' }, runs);
      const names = ['keys/production.yaml', 'keys/staging.yaml'].flatMap((f) =>
        (parse(ws.read(f)) as { keys: DeclaredKey[] }).keys.map((k) => k.name),
      );
      expect(names.length).toBeGreaterThan(1);
      const md = readFileSync(r.outputs['markdown-plan'] ?? '', 'utf8');
      for (const name of names) expect(md).toContain(name);
      expectNoSecrets(emu, ws, runs);
    },
    SCENARIO_TIMEOUT_MS,
  );
});

function only1(uses: ActionUse[]): ActionUse {
  return onlyUse(uses, () => true);
}

describe('GitLab example, run against the emulator', () => {
  it(
    'plans, applies the plan saved in the same pipeline, then finds no drift',
    async () => {
      const { ws, emu } = await setUp();
      const commands = extractGitlabCommands(GITLAB_FILE, readGitlabPipeline());
      // CI/CD variables live in the project's settings, not in the file.
      const env = {
        COMETAPI_BASE_URL: emu.url,
        COMETAPI_ACCESS_TOKEN: emu.token,
        COMETAPI_USER_ID: String(emu.userId),
      };
      const runs: LineRun[] = [];
      const inJob = (job: string, name: string) => (c: CometkeysCommand) =>
        c.job === job && c.args[0] === name;

      await expectExit(only(commands, inJob('cometkeys-plan', 'validate')), ws, env, [0], runs);
      await expectExit(only(commands, inJob('cometkeys-plan', 'plan')), ws, env, [2], runs);
      const saved = JSON.parse(ws.read('plan.json')) as { changes: [] };
      expect(saved.changes.length).toBeGreaterThan(0);
      await expectExit(only(commands, inJob('cometkeys-apply', 'apply')), ws, env, [0], runs);
      expect(ws.read('audit.jsonl').trim().split('\n').length).toBeGreaterThan(0);
      expectAccountHasDeclaredKeys(emu, ws);
      await expectExit(only(commands, inJob('cometkeys-drift', 'drift')), ws, env, [0], runs);
      expectNoSecrets(emu, ws, runs);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
