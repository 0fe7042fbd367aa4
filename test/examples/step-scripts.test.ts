/**
 * Whole steps of the CI examples, plumbing included, run as the CI systems run them (bash -eo
 * pipefail) against the emulator: the exit code each step records, and whether the step passes
 * or fails, for changes, for no changes and for errors.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createWorkspace, runScript, type LineRun, type Workspace } from './run-line.js';
import {
  findGithubStep,
  readGitlabPipeline,
  resolveGitlabJob,
  type ExpressionValues,
} from './workflow-files.js';
import { offline } from '../helpers/offline.js';

const STEP_TIMEOUT_MS = 120_000;
const BROKEN_KEYS =
  'version: 1\nkeys:\n  - name: broken\n    status: maybe\n    unlimited_quota: true\n';

let emulator: Emulator | undefined;
let workspace: Workspace | undefined;

offline();
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  workspace?.cleanup();
  workspace = undefined;
});

/** A CI checkout (a git work tree, as actions/checkout leaves it) and an empty account. */
async function setUp(keysYaml?: string): Promise<{ ws: Workspace; emu: Emulator }> {
  workspace = createWorkspace({ 'keys.example.yaml': 'keys.yaml' });
  if (keysYaml !== undefined) writeFileSync(path.join(workspace.dir, 'keys.yaml'), keysYaml);
  const git = spawnSync('git', ['init', '-q'], { cwd: workspace.dir });
  expect(git.status).toBe(0);
  spawnSync('git', ['add', 'keys.yaml'], { cwd: workspace.dir });
  emulator = await startEmulator({ seed: [{ id: 1234, name: 'ci' }] });
  return { ws: workspace, emu: emulator };
}

const shown = (r: LineRun) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

describe('plan.yml: the Keep the plan step', () => {
  it('copies the plan the action saved and fingerprints the key files', async () => {
    const { ws } = await setUp();
    const saved = path.join(ws.dir, 'runner-temp-plan.json');
    writeFileSync(saved, '{"format_version":1}\n');
    const values: ExpressionValues = { 'steps.plan.outputs.json-plan': saved };
    const step = findGithubStep('examples/github/plan.yml', 'keep', values);
    const r = await runScript(step.run, ws, step.env, { errexit: true });
    expect(r.code, shown(r)).toBe(0);
    expect(ws.read('plan.json')).toBe('{"format_version":1}\n');
    expect(ws.read('plan-inputs.txt')).toMatch(/^100644 [0-9a-f]{40} 0\tkeys\.yaml\n$/);
  });
});

describe('.gitlab-ci.yml: whole job scripts', () => {
  const pipeline = readGitlabPipeline();
  const script = (job: string) =>
    [resolveGitlabJob(pipeline, job).script].flat().map(String).join('\n');
  const ciVariables = (emu: Emulator) => ({
    ...(pipeline.variables as Record<string, string>),
    COMETAPI_BASE_URL: emu.url,
    COMETAPI_ACCESS_TOKEN: emu.token,
  });

  it(
    'cometkeys-plan passes on changes and keeps the plan; cometkeys-drift exits 2 on drift',
    async () => {
      const { ws, emu } = await setUp();
      const plan = await runScript(script('cometkeys-plan'), ws, ciVariables(emu), {
        errexit: true,
      });
      expect(plan.code, shown(plan)).toBe(0);
      expect(plan.stdout).toContain('cometkeys plan exited with 2');
      expect(JSON.parse(ws.read('plan.json'))).toMatchObject({ format_version: 1 });
      // allow_failure: exit_codes: [2] turns this into a warning, not a failed pipeline.
      const drift = await runScript(script('cometkeys-drift'), ws, ciVariables(emu), {
        errexit: true,
      });
      expect(drift.code, shown(drift)).toBe(2);
      expect(resolveGitlabJob(pipeline, 'cometkeys-drift').allow_failure).toEqual({
        exit_codes: [drift.code],
      });
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'cometkeys-plan fails on an invalid key file before calling the API',
    async () => {
      const { ws, emu } = await setUp(BROKEN_KEYS);
      const plan = await runScript(script('cometkeys-plan'), ws, ciVariables(emu), {
        errexit: true,
      });
      expect(plan.code, shown(plan)).toBe(1);
      expect(plan.stderr).toContain('error');
      expect(emu.requests()).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
});
