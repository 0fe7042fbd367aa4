/**
 * Runs the actions/github-script block of the GitHub drift example against an in-memory GitHub
 * (issues and comments), as the action would: drift opens, updates and closes one labelled
 * issue. (The plan comment is the cometkeys action's: test/examples/action.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { listGithubWorkflows, readYamlFile } from './workflow-files.js';

interface Comment {
  id: number;
  body: string;
  user: { type: string };
}

interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  pull_request?: object;
}

type Params = Record<string, unknown>;

/** A small GitHub: the REST calls the scripts make, over arrays the test inspects. */
function createFakeGithub() {
  const comments: Comment[] = [];
  const issues: Issue[] = [];
  const labels: string[] = [];
  const calls: string[] = [];
  let nextId = 100;
  const issue = (n: unknown): Issue => {
    const found = issues.find((i) => i.number === n);
    if (!found) throw Object.assign(new Error('Not Found'), { status: 404 });
    return found;
  };
  const rest = {
    issues: {
      listComments: async (_p: Params) => ({ data: comments.map((c) => ({ ...c })) }),
      createComment: async (p: Params) => {
        calls.push(`createComment #${String(p.issue_number)}`);
        comments.push({ id: nextId++, body: String(p.body), user: { type: 'Bot' } });
      },
      updateComment: async (p: Params) => {
        calls.push(`updateComment ${String(p.comment_id)}`);
        const c = comments.find((x) => x.id === p.comment_id);
        if (!c) throw Object.assign(new Error('Not Found'), { status: 404 });
        c.body = String(p.body);
      },
      listForRepo: async (p: Params) => ({
        data: issues.filter((i) => i.state === p.state && i.labels.includes(String(p.labels))),
      }),
      getLabel: async (p: Params) => {
        if (!labels.includes(String(p.name))) {
          throw Object.assign(new Error('Not Found'), { status: 404 });
        }
        return { data: { name: p.name } };
      },
      createLabel: async (p: Params) => {
        calls.push(`createLabel ${String(p.name)}`);
        labels.push(String(p.name));
      },
      create: async (p: Params) => {
        calls.push('create');
        issues.push({
          number: nextId++,
          title: String(p.title),
          body: String(p.body),
          state: 'open',
          labels: (p.labels as string[]) ?? [],
        });
      },
      update: async (p: Params) => {
        calls.push(`update #${String(p.issue_number)}${p.state ? ` ${String(p.state)}` : ''}`);
        const i = issue(p.issue_number);
        if (typeof p.body === 'string') i.body = p.body;
        if (p.state === 'closed' || p.state === 'open') i.state = p.state;
      },
    },
  };
  const github = {
    rest,
    paginate: async (fn: (p: Params) => Promise<{ data: unknown[] }>, p: Params) =>
      (await fn(p)).data,
  };
  return { github, comments, issues, labels, calls };
}

const CONTEXT = {
  repo: { owner: 'acme', repo: 'keys' },
  issue: { number: 7 },
  serverUrl: 'https://github.com',
  runId: 4242,
};

function scriptOf(file: string): string {
  const wf = readYamlFile(file).data as {
    jobs: Record<string, { steps: { uses?: string; with?: { script?: string } }[] }>;
  };
  const step = Object.values(wf.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.uses?.startsWith('actions/github-script@'));
  if (!step?.with?.script) throw new Error(`${file} has no github-script step`);
  return step.with.script;
}

/** Runs a github-script body with the arguments the action passes it. */
async function runScript(
  script: string,
  github: unknown,
  env: Record<string, string>,
  files: Record<string, string>,
): Promise<void> {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const fakeRequire = (id: string) => {
    if (id !== 'node:fs') throw new Error(`unexpected require(${id})`);
    return {
      readFileSync: (p: string) => {
        const text = files[p];
        if (text === undefined) throw new Error(`ENOENT: ${p}`);
        return text;
      },
    };
  };
  const fn = new AsyncFunction('github', 'context', 'require', 'process', script);
  await fn(github, CONTEXT, fakeRequire, { env });
}

const DRIFT_FILE = listGithubWorkflows().find((f) => f.endsWith('/drift.yml')) ?? '';

describe('drift.yml: the tracking issue', () => {
  const report = '## Drift: 1 to update\n';

  it('opens one labelled issue on drift, creating the label first', async () => {
    const gh = createFakeGithub();
    await runScript(
      scriptOf(DRIFT_FILE),
      gh.github,
      { DRIFT_EXIT_CODE: '2', DRIFT_REPORT: 'drift.md' },
      { 'drift.md': report },
    );
    expect(gh.calls).toEqual(['createLabel cometkeys-drift', 'create']);
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]).toMatchObject({ state: 'open', labels: ['cometkeys-drift'] });
    expect(gh.issues[0]?.body).toContain(report.trim());
  });

  it('updates the open issue on further drift instead of opening another', async () => {
    const gh = createFakeGithub();
    const script = scriptOf(DRIFT_FILE);
    await runScript(
      script,
      gh.github,
      { DRIFT_EXIT_CODE: '2', DRIFT_REPORT: 'drift.md' },
      { 'drift.md': report },
    );
    // An open pull request with the label is not the tracking issue.
    gh.issues.push({
      number: 1,
      title: 'pr',
      body: '',
      state: 'open',
      labels: ['cometkeys-drift'],
      pull_request: {},
    });
    await runScript(
      script,
      gh.github,
      { DRIFT_EXIT_CODE: '2', DRIFT_REPORT: 'drift.md' },
      { 'drift.md': '## Drift: 3\n' },
    );
    const tracking = gh.issues.filter((i) => !i.pull_request);
    expect(tracking).toHaveLength(1);
    expect(tracking[0]?.body).toContain('## Drift: 3');
    expect(gh.issues.find((i) => i.pull_request)?.body).toBe('');
  });

  it('closes the issue with a comment once in sync, and does nothing when none is open', async () => {
    const gh = createFakeGithub();
    const script = scriptOf(DRIFT_FILE);
    await runScript(
      script,
      gh.github,
      { DRIFT_EXIT_CODE: '2', DRIFT_REPORT: 'drift.md' },
      { 'drift.md': report },
    );
    const n = gh.issues[0]?.number;
    await runScript(
      script,
      gh.github,
      { DRIFT_EXIT_CODE: '0', DRIFT_REPORT: 'drift.md' },
      { 'drift.md': 'No drift.\n' },
    );
    expect(gh.issues[0]?.state).toBe('closed');
    expect(gh.calls.slice(-2)).toEqual([`createComment #${n}`, `update #${n} closed`]);
    const before = gh.calls.length;
    await runScript(
      script,
      gh.github,
      { DRIFT_EXIT_CODE: '0', DRIFT_REPORT: 'drift.md' },
      { 'drift.md': 'No drift.\n' },
    );
    expect(gh.calls).toHaveLength(before);
  });
});
