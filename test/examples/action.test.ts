/**
 * The GitHub Action (action.yml + action/index.mjs), run offline as a runner runs its step:
 * against the emulator for the CometAPI side and a stand-in GitHub API on 127.0.0.1 for the
 * plan comment. Outputs, exit status, one comment created then updated in place.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { offline } from '../helpers/offline.js';
import {
  GITHUB_TEST_TOKEN,
  startFakeGithubApi,
  type FakeComment,
  type FakeGithubApi,
} from './fake-github-api.js';
import { readAction, runAction, type ActionRun } from './run-action.js';
import { BIN, createWorkspace, type Workspace } from './run-line.js';

const TIMEOUT_MS = 120_000;
const MARKER = '<!-- cometkeys-plan -->';
const REPO = 'acme/keys';
const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const BROKEN_KEYS =
  'version: 1\nkeys:\n  - name: broken\n    status: maybe\n    unlimited_quota: true\n';

let emulator: Emulator | undefined;
let api: FakeGithubApi | undefined;
let workspace: Workspace | undefined;

offline();
afterEach(async () => {
  await emulator?.close();
  await api?.close();
  workspace?.cleanup();
  emulator = undefined;
  api = undefined;
  workspace = undefined;
});

async function setUp(opts: { keysYaml?: string; comments?: FakeComment[] } = {}) {
  if (!existsSync(BIN)) throw new Error('run `npm run build` first');
  workspace = createWorkspace({ 'keys.example.yaml': 'keys.yaml' });
  if (opts.keysYaml) writeFileSync(path.join(workspace.dir, 'keys.yaml'), opts.keysYaml);
  emulator = await startEmulator({ seed: [{ id: 1234, name: 'ci' }] });
  api = await startFakeGithubApi(REPO, opts.comments ?? []);
  const event = path.join(workspace.dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: SHA } } }));
  const ws = workspace;
  const emu = emulator;
  const gh = api;
  /** The environment a workflow gives the step on a pull request. */
  const stepEnv = (extra: Record<string, string> = {}) => ({
    COMETAPI_BASE_URL: emu.url,
    COMETAPI_ACCESS_TOKEN: emu.token,
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: REPO,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
    ...extra,
  });
  const run = (inputs: Record<string, string>, extra?: Record<string, string>) =>
    runAction(ws.dir, { 'github-token': GITHUB_TEST_TOKEN, ...inputs }, stepEnv(extra));
  return { ws, emu, gh, run };
}

const shown = (r: ActionRun) =>
  `status ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n--- outputs\n${JSON.stringify(r.outputs)}`;

/** Somebody else's comments: more than a page, one of a person quoting the marker. */
function otherComments(): FakeComment[] {
  return [
    { id: 1, body: `see ${MARKER}`, user: { type: 'User' } },
    ...Array.from({ length: 100 }, (_, i) => ({
      id: i + 2,
      body: `comment ${i + 2}`,
      user: { type: 'Bot' as const },
    })),
  ];
}

describe('the action: plan on a pull request', () => {
  it(
    'writes the outputs, creates one comment, and updates that comment on the next run',
    async () => {
      const { ws, emu, gh, run } = await setUp({ comments: otherComments() });
      const first = await run({ command: 'plan' });
      // Exit code 2 (changes) is not a failure of the step by default.
      expect(first.status, shown(first)).toBe(0);
      expect(first.outputs['exit-code']).toBe('2');
      expect(first.outputs['has-changes']).toBe('true');
      const jsonPlan = first.outputs['json-plan'] ?? '';
      const markdown = first.outputs['markdown-plan'] ?? '';
      expect(path.dirname(jsonPlan).startsWith(ws.dir)).toBe(true);
      expect(JSON.parse(readFileSync(jsonPlan, 'utf8'))).toMatchObject({ format_version: 1 });
      const report = readFileSync(markdown, 'utf8');
      expect(report).toContain('ci-runner');
      expect(emu.requests().every((r) => r.method === 'GET')).toBe(true);

      expect(gh.comments).toHaveLength(102);
      const ours = gh.comments[101];
      expect(ours?.body.startsWith(`${MARKER}\n${report.trim()}\n`)).toBe(true);
      expect(ours?.body).toContain(
        'Planned at abcdef0 in [this run](https://github.example/acme/keys/actions/runs/4242)',
      );
      expect(gh.log).toEqual([
        'GET /repos/acme/keys/issues/7/comments?per_page=100&page=1',
        'GET /repos/acme/keys/issues/7/comments?per_page=100&page=2',
        'POST /repos/acme/keys/issues/7/comments',
      ]);

      // Apply through the action, then plan again: the same comment now says in sync.
      const apply = await run({ command: 'apply', args: '--auto-approve --audit-log audit.jsonl' });
      expect(apply.status, shown(apply)).toBe(0);
      expect(apply.outputs).toEqual({
        'exit-code': '0',
        'has-changes': '',
        'json-plan': '',
        'markdown-plan': '',
      });
      expect(ws.read('audit.jsonl').trim().split('\n').length).toBeGreaterThan(0);
      gh.log.length = 0;
      const second = await run({ command: 'plan' });
      expect(second.status, shown(second)).toBe(0);
      expect(second.outputs['exit-code']).toBe('0');
      expect(second.outputs['has-changes']).toBe('false');
      expect(gh.comments).toHaveLength(102);
      expect(gh.log).toEqual([
        'GET /repos/acme/keys/issues/7/comments?per_page=100&page=1',
        'GET /repos/acme/keys/issues/7/comments?per_page=100&page=2',
        `PATCH /repos/acme/keys/issues/comments/${ours?.id}`,
      ]);
      const again = readFileSync(second.outputs['markdown-plan'] ?? '', 'utf8');
      expect(ours?.body.startsWith(`${MARKER}\n${again.trim()}\n`)).toBe(true);
      expect(gh.comments[0]?.body).toBe(`see ${MARKER}`);

      // Neither token reaches the API calls' bodies, the outputs or the files.
      const texts = [...gh.bodies, ...Object.values(ws.allFiles()), first.stdout, first.stderr];
      for (const t of texts) {
        expect(t.includes(emu.token)).toBe(false);
        expect(t.includes(GITHUB_TEST_TOKEN)).toBe(false);
      }
    },
    TIMEOUT_MS,
  );

  it(
    'posts the error of a failed plan and fails the step',
    async () => {
      const { emu, gh, run } = await setUp({ keysYaml: BROKEN_KEYS });
      const r = await run({ command: 'plan' });
      expect(r.status, shown(r)).toBe(1);
      expect(r.outputs).toEqual({
        'exit-code': '1',
        'has-changes': '',
        'json-plan': '',
        'markdown-plan': '',
      });
      expect(r.stderr).toContain('::error title=cometkeys::cometkeys plan exited with 1');
      expect(emu.requests()).toEqual([]);
      expect(gh.comments).toHaveLength(1);
      expect(gh.comments[0]?.body).toContain('### cometkeys plan failed at abcdef0 (exit code 1)');
      expect(gh.comments[0]?.body).toMatch(/keys\.yaml:4:\d+: error: /);
    },
    TIMEOUT_MS,
  );

  it(
    'fails the step when the comment cannot be posted',
    async () => {
      const { run } = await setUp();
      const refused = await run({ command: 'plan', 'github-token': 'wrong' });
      expect(refused.status, shown(refused)).toBe(1);
      expect(refused.outputs['exit-code']).toBe('2');
      expect(refused.stderr).toContain(
        'the plan comment: GET /repos/acme/keys/issues/7/comments: HTTP 401',
      );
    },
    TIMEOUT_MS,
  );
});

describe('the action: inputs', () => {
  it(
    'fail-on-changes makes changes fail the step; no comment outside pull requests',
    async () => {
      const { gh, run } = await setUp();
      const r = await run(
        { command: 'drift', 'fail-on-changes': 'true' },
        { GITHUB_EVENT_NAME: 'schedule', GITHUB_EVENT_PATH: '' },
      );
      expect(r.status, shown(r)).toBe(2);
      expect(r.outputs).toMatchObject({ 'exit-code': '2', 'has-changes': 'true', 'json-plan': '' });
      expect(readFileSync(r.outputs['markdown-plan'] ?? '', 'utf8')).toContain('ci-runner');
      expect(gh.log).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it(
    'passes files and extra args to the CLI, in the working directory',
    async () => {
      const { ws, gh, run } = await setUp();
      mkdirSync(path.join(ws.dir, 'sub'));
      writeFileSync(
        path.join(ws.dir, 'sub', 'only.yaml'),
        'version: 1\nkeys:\n  - name: solo\n    unlimited_quota: true\n  - name: spare\n    unlimited_quota: true\n',
      );
      const r = await run({
        command: 'plan',
        'working-directory': 'sub',
        files: 'only.yaml\n',
        args: "--target 'solo'",
        comment: 'false',
      });
      expect(r.status, shown(r)).toBe(0);
      const report = readFileSync(r.outputs['markdown-plan'] ?? '', 'utf8');
      expect(report).toContain('solo');
      expect(report).not.toContain('spare');
      expect(report).not.toContain('ci-runner');
      expect(gh.log).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it(
    'refuses a version other than its own, and an unknown command, before calling anything',
    async () => {
      const { emu, gh, run } = await setUp();
      const pkg = JSON.parse(readFileSync(path.join(readRoot(), 'package.json'), 'utf8')) as {
        version: string;
      };
      const same = await run({ command: 'drift', version: `v${pkg.version}` });
      expect(same.status, shown(same)).toBe(0);
      const calls = emu.requests().length;
      const other = await run({ command: 'plan', version: '9.9.9' });
      expect(other.status).toBe(1);
      expect(other.stderr).toContain(
        `input version is 9.9.9, but this action's ref is cometkeys ${pkg.version}`,
      );
      const unknown = await run({ command: 'destroy' });
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain('input command must be plan, apply or drift');
      expect(emu.requests()).toHaveLength(calls);
      expect(gh.log).toEqual([]);
    },
    TIMEOUT_MS,
  );
});

function readRoot(): string {
  return path.resolve(path.dirname(BIN), '..');
}

describe('action.yml', () => {
  const action = readAction();

  it('builds its own code in a step without secrets, then runs the entry script', () => {
    expect(action.runs.using).toBe('composite');
    const [build, runStep] = action.runs.steps;
    expect(build?.['working-directory']).toBe('${{ github.action_path }}');
    expect(build?.run).toContain('npm ci --ignore-scripts');
    expect(build?.run).toContain('npm run build');
    expect(build?.env).toMatchObject({ COMETAPI_ACCESS_TOKEN: '', GITHUB_TOKEN: '' });
    expect(runStep?.id).toBe('run');
    expect(runStep?.run).toBe('node "${{ github.action_path }}/action/index.mjs"');
  });

  it('passes every input to the entry script and maps every output from it', () => {
    const env = action.runs.steps.find((s) => s.id === 'run')?.env ?? {};
    expect(Object.keys(action.inputs).sort()).toEqual([
      'args',
      'command',
      'comment',
      'fail-on-changes',
      'files',
      'github-token',
      'version',
      'working-directory',
    ]);
    for (const name of Object.keys(action.inputs)) {
      if (name === 'working-directory') continue;
      const variable =
        name === 'github-token' ? 'GITHUB_TOKEN' : `INPUT_${name.toUpperCase().replace(/-/g, '_')}`;
      expect(env[variable], name).toBe(`\${{ inputs.${name} }}`);
    }
    const outputs = Object.fromEntries(
      Object.entries(action.outputs).map(([k, v]) => [k, v.value]),
    );
    expect(outputs).toEqual({
      'exit-code': '${{ steps.run.outputs.exit-code }}',
      'has-changes': '${{ steps.run.outputs.has-changes }}',
      'json-plan': '${{ steps.run.outputs.json-plan }}',
      'markdown-plan': '${{ steps.run.outputs.markdown-plan }}',
    });
  });
});
