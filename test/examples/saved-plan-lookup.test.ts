/**
 * apply.yml's "Find the plan saved on the merged pull request" step, run for real in bash in a
 * git checkout, with a stand-in `gh` on PATH (no network): the saved plan is used only when the
 * merged key files are exactly the ones plan.yml fingerprinted.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBash } from '../helpers/cli.js';
import { createWorkspace, type Workspace } from './run-line.js';
import { readYamlFile, translateExpressions } from './workflow-files.js';

const HEAD_SHA = '1111111111111111111111111111111111111111';
const MERGE_SHA = '2222222222222222222222222222222222222222';
const RUN_ID = '987654';

interface Step {
  id?: string;
  name?: string;
  run?: string;
  env?: Record<string, string>;
}

function stepsOf(file: string): { env: Record<string, string>; steps: Step[] } {
  const wf = readYamlFile(file).data as {
    env: Record<string, string>;
    jobs: Record<string, { steps: Step[] }>;
  };
  return { env: wf.env, steps: Object.values(wf.jobs).flatMap((j) => j.steps) };
}

/** A `gh` that answers the three calls the step makes from files, and logs its arguments. */
const FAKE_GH = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_GH_LOG"
case "$1 $2" in
  "api repos/"*) printf '%s\\n' "$FAKE_HEAD_SHA" ;;
  "run list") printf '%s\\n' "$FAKE_RUN_ID" ;;
  "run download")
    shift 2
    while [ $# -gt 0 ]; do
      case "$1" in --name) name=$2; shift ;; --dir) dir=$2; shift ;; esac
      shift
    done
    if [ "$name" != "cometkeys-plan-$FAKE_HEAD_SHA" ] || [ ! -d "$FAKE_ARTIFACT" ]; then
      echo "no valid artifacts found to download" >&2; exit 1
    fi
    mkdir -p "$dir" && cp -R "$FAKE_ARTIFACT"/. "$dir"/ ;;
  *) echo "unexpected gh call: $*" >&2; exit 2 ;;
esac
`;

function bash(script: string, cwd: string, env: Record<string, string>) {
  return runBash(script, { cwd, env, flags: ['-eo', 'pipefail'] });
}

let workspace: Workspace | undefined;
afterEach(() => {
  workspace?.cleanup();
  workspace = undefined;
});

/**
 * A checkout (git repository with keys.yaml committed), an artifact made by plan.yml's own
 * fingerprint line in that checkout, and a runner for apply.yml's lookup step.
 */
async function setUp() {
  workspace = createWorkspace({ 'keys.example.yaml': 'repo/keys.yaml' });
  const ws = workspace;
  const repo = path.join(ws.dir, 'repo');
  const artifact = path.join(ws.dir, 'artifact');
  const bin = path.join(ws.dir, 'bin');
  mkdirSync(artifact);
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'gh'), FAKE_GH);
  chmodSync(path.join(bin, 'gh'), 0o755);
  const baseEnv = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: ws.dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  const git = await bash('git init -q && git add -A && git commit -qm keys', repo, baseEnv);
  expect(git.code, git.stderr).toBe(0);

  // plan.yml: the fingerprint line of its steps, run in the checkout, into the artifact.
  const fingerprint = stepsOf('examples/github/plan.yml')
    .steps.flatMap((s) => s.run?.split('\n') ?? [])
    .find((l) => l.startsWith('git ls-files'));
  expect(fingerprint).toBeDefined();
  const made = await bash(`${fingerprint ?? ''}\nmv plan-inputs.txt "${artifact}/"`, repo, baseEnv);
  expect(made.code, made.stderr).toBe(0);
  writeFileSync(path.join(artifact, 'plan.json'), '{"format_version":1}\n');

  const apply = stepsOf('examples/github/apply.yml');
  const lookup = apply.steps.find((s) => s.id === 'saved');
  const values = {
    'github.token': 'gh-token',
    'github.repository': 'acme/keys',
    'github.sha': MERGE_SHA,
  };
  const stepEnv = Object.fromEntries(
    Object.entries(lookup?.env ?? {}).map(([k, v]) => [k, translateExpressions(v, values)]),
  );
  const output = path.join(ws.dir, 'github-output');
  const log = path.join(ws.dir, 'gh-log');
  const runLookup = async (fake: { headSha: string }) => {
    writeFileSync(output, '');
    writeFileSync(log, '');
    const result = await bash(lookup?.run ?? 'exit 99', repo, {
      ...baseEnv,
      ...apply.env,
      ...stepEnv,
      GITHUB_OUTPUT: output,
      FAKE_GH_LOG: log,
      FAKE_HEAD_SHA: fake.headSha,
      FAKE_RUN_ID: RUN_ID,
      FAKE_ARTIFACT: artifact,
    });
    return {
      ...result,
      output: readFileSync(output, 'utf8'),
      ghCalls: readFileSync(log, 'utf8').trim().split('\n').filter(Boolean),
    };
  };
  return { repo, baseEnv, runLookup };
}

describe('apply.yml: finding the saved plan', () => {
  it('uses the pull request plan when the merged key files match its fingerprint', async () => {
    const { repo, runLookup } = await setUp();
    const r = await runLookup({ headSha: HEAD_SHA });
    expect(r.code, r.stderr).toBe(0);
    expect(r.output).toBe('found=true\n');
    expect(existsSync(path.join(repo, 'saved-plan/plan.json'))).toBe(true);
    expect(r.ghCalls).toEqual([
      `api repos/acme/keys/commits/${MERGE_SHA}/pulls --jq [.[] | select(.merged_at != null)][0].head.sha // empty`,
      `run list --repo acme/keys --workflow cometkeys-plan.yml --commit ${HEAD_SHA} --status success --limit 1 --json databaseId --jq .[0].databaseId // empty`,
      `run download ${RUN_ID} --repo acme/keys --name cometkeys-plan-${HEAD_SHA} --dir saved-plan`,
    ]);
  });

  it('plans afresh when another merge changed the key files since the plan', async () => {
    const { repo, baseEnv, runLookup } = await setUp();
    const edit = await bash(
      "sed -i 's/group: default/group: auto/' keys.yaml && git commit -qam 'other merge'",
      repo,
      baseEnv,
    );
    expect(edit.code, edit.stderr).toBe(0);
    const r = await runLookup({ headSha: HEAD_SHA });
    expect(r.code, r.stderr).toBe(0);
    expect(r.output).toBe('found=false\n');
    expect(r.stdout).toContain('The key files changed since the pull request');
  });

  it('plans afresh when the push was not a merged pull request', async () => {
    const { runLookup } = await setUp();
    const r = await runLookup({ headSha: '' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.output).toBe('found=false\n');
    expect(r.ghCalls).toHaveLength(1);
    expect(r.stdout).toContain('No usable saved plan; planning afresh.');
  });
});
