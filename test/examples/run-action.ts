/**
 * Runs the cometkeys GitHub Action (action.yml at the repository root) as a runner would run
 * its "Run cometkeys" step: the step's `run:` script in bash with the step's `env:`, the
 * `${{ inputs.* }}` and `${{ github.action_path }}` expressions translated (inputs not given
 * take their action.yml defaults), in the step's working directory. The build step is not run:
 * the tests use this repository's own build (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readYamlFile, REPO_ROOT, translateExpressions } from './workflow-files.js';

export interface ActionYaml {
  runs: { using: string; steps: ActionStep[] };
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
}

export interface ActionStep {
  id?: string;
  name?: string;
  run: string;
  shell: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

export function readAction(): ActionYaml {
  return readYamlFile('action.yml').data as unknown as ActionYaml;
}

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** What the step wrote to $GITHUB_OUTPUT, as name → value. */
  outputs: Record<string, string>;
}

/**
 * Runs the action with `inputs` (by input name) in `workspace`, with `env` as the environment
 * the workflow gives the step (secrets, the runner's GITHUB_* variables).
 */
export function runAction(
  workspace: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
): Promise<ActionRun> {
  const action = readAction();
  const step = action.runs.steps.find((s) => s.id === 'run');
  if (!step) throw new Error('action.yml has no step with id run');
  const values: Record<string, string> = { 'github.action_path': REPO_ROOT };
  for (const [name, spec] of Object.entries(action.inputs)) {
    const given = inputs[name];
    values[`inputs.${name}`] = given ?? (spec.default?.includes('${{') ? '' : (spec.default ?? ''));
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`);
  }
  const stepEnv = Object.fromEntries(
    Object.entries(step.env ?? {}).map(([k, v]) => [k, translateExpressions(String(v), values)]),
  );
  const cwd = path.resolve(
    workspace,
    translateExpressions(step['working-directory'] ?? '.', values),
  );
  const outputFile = path.join(workspace, '.github-output');
  writeFileSync(outputFile, '');
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', translateExpressions(step.run, values)],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: workspace,
          NO_COLOR: '1',
          RUNNER_TEMP: workspace,
          GITHUB_OUTPUT: outputFile,
          ...env,
          ...stepEnv,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => {
      const outputs: Record<string, string> = {};
      for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
      }
      resolve({ status, stdout, stderr, outputs });
    });
  });
}
