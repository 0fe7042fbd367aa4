/**
 * The CI examples as files: valid YAML, the triggers, jobs and plumbing each pipeline needs,
 * and cometkeys commands that use only commands and flags the CLI really has.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../helpers/io.js';
import {
  extractGithubCommands,
  extractGitlabCommands,
  GITLAB_FILE,
  gitlabJobs,
  listGithubWorkflows,
  readYamlFile,
  REPO_ROOT,
  resolveGitlabJob,
  type CometkeysCommand,
} from './workflow-files.js';

const SECRETS = {
  'secrets.COMETAPI_ACCESS_TOKEN': 'token-from-secrets',
  'secrets.COMETAPI_USER_ID': '1',
};

type Step = Record<string, unknown> & {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
};

function workflow(name: string): Record<string, unknown> {
  return readYamlFile(`examples/github/${name}`).data;
}

function stepsOf(wf: Record<string, unknown>): Step[] {
  const jobs = Object.values(wf.jobs as Record<string, { steps: Step[] }>);
  return jobs.flatMap((j) => j.steps);
}

function githubCommands(name: string): CometkeysCommand[] {
  return extractGithubCommands(`examples/github/${name}`, workflow(name), SECRETS);
}

function gitlabCommands(): CometkeysCommand[] {
  return extractGitlabCommands(GITLAB_FILE, readYamlFile(GITLAB_FILE).data);
}

function allCommands(): CometkeysCommand[] {
  return [
    ...listGithubWorkflows().flatMap((f) => githubCommands(path.basename(f))),
    ...gitlabCommands(),
  ];
}

describe('example pipelines: files', () => {
  it('finds the three GitHub workflows and the GitLab pipeline', () => {
    expect(listGithubWorkflows()).toEqual([
      'examples/github/apply.yml',
      'examples/github/drift.yml',
      'examples/github/plan.yml',
    ]);
  });

  it.each([...listGithubWorkflows(), GITLAB_FILE])('%s is valid YAML', (file) => {
    expect(readYamlFile(file).problems).toEqual([]);
  });

  it('pins every GitHub action to a major version', () => {
    const uses = listGithubWorkflows().flatMap((f) =>
      stepsOf(readYamlFile(f).data).flatMap((s) => (s.uses ? [s.uses] : [])),
    );
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  });

  it('installs the cometkeys release line of this package', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const gitlab = readYamlFile(GITLAB_FILE).data;
    const versions = [
      ...listGithubWorkflows().map((f) => readYamlFile(f).data.env as Record<string, string>),
      gitlab.variables as Record<string, string>,
    ].map((env) => env.COMETKEYS_VERSION);
    for (const v of versions) expect(`${pkg.version}.`.startsWith(`${v}.`)).toBe(true);
    const installs = [
      ...listGithubWorkflows().flatMap((f) =>
        stepsOf(readYamlFile(f).data).flatMap((s) =>
          s.run?.includes('npm install') ? [s.run] : [],
        ),
      ),
      ...[(gitlab['.cometkeys'] as { before_script: string[] }).before_script].flat(),
    ];
    expect(installs).toHaveLength(4);
    for (const i of installs)
      expect(i).toContain('npm install --global "cometkeys@${COMETKEYS_VERSION}"');
  });
});

describe('example pipelines: GitHub Actions', () => {
  it('plan.yml plans pull requests that touch key files and comments once', () => {
    const wf = workflow('plan.yml');
    const on = wf.on as { pull_request: { paths: string[] } };
    expect(on.pull_request.paths).toEqual(expect.arrayContaining(['keys.yaml', 'keys/**']));
    expect(wf.permissions).toMatchObject({ 'pull-requests': 'write' });
    expect(wf.concurrency).toMatchObject({ 'cancel-in-progress': true });
    const steps = stepsOf(wf);
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.name).toBe('cometkeys-plan-${{ github.event.pull_request.head.sha }}');
    expect(String(upload?.with?.path).split('\n')).toContain('plan.json');
    const script = steps.find((s) => s.uses?.startsWith('actions/github-script@'))?.with?.script;
    expect(script).toContain("const marker = '<!-- cometkeys-plan -->'");
    expect(script).toContain('updateComment');
    expect(githubCommands('plan.yml').map((c) => c.line)).toEqual([
      'cometkeys validate',
      'cometkeys plan --out plan.json --format markdown --detailed-exitcode > plan.md 2> plan.log',
    ]);
  });

  it('apply.yml applies on main, serialised, from the artifact plan.yml uploads', () => {
    const wf = workflow('apply.yml');
    expect((wf.on as { push: { branches: string[] } }).push.branches).toEqual(['main']);
    expect(wf.concurrency).toEqual({ group: 'cometkeys-apply', 'cancel-in-progress': false });
    // The artifact apply downloads is the one plan.yml uploads, from the workflow file name
    // plan.yml tells users to copy it to.
    const env = wf.env as Record<string, string>;
    const planText = readFileSync(path.join(REPO_ROOT, 'examples/github/plan.yml'), 'utf8');
    expect(planText).toContain(`.github/workflows/${env.PLAN_WORKFLOW}`);
    const find = stepsOf(wf).find((s) => s.id === 'saved');
    expect(find?.run).toContain('--name "cometkeys-plan-$head_sha" --dir saved-plan');
    expect(find?.run).toContain('saved-plan/plan-inputs.txt');
    expect(planText).toContain('> plan-inputs.txt');
    const audit = stepsOf(wf).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(audit).toMatchObject({ if: 'always()', with: { path: 'audit.jsonl' } });
    expect(githubCommands('apply.yml').map((c) => [c.condition, c.line])).toEqual([
      [
        "steps.saved.outputs.found == 'true'",
        'cometkeys apply saved-plan/plan.json --audit-log audit.jsonl',
      ],
      [
        "steps.saved.outputs.found != 'true'",
        'cometkeys apply --auto-approve --audit-log audit.jsonl',
      ],
      [undefined, 'cometkeys plan --detailed-exitcode --format markdown'],
    ]);
  });

  it('drift.yml runs on a schedule and by hand and keeps one labelled issue', () => {
    const wf = workflow('drift.yml');
    const on = wf.on as { schedule: { cron: string }[]; workflow_dispatch: unknown };
    expect(on.schedule).toHaveLength(1);
    expect(on.schedule[0]?.cron.split(' ')).toHaveLength(5);
    expect('workflow_dispatch' in on).toBe(true);
    expect(wf.permissions).toMatchObject({ issues: 'write' });
    const script = stepsOf(wf).find((s) => s.uses?.startsWith('actions/github-script@'))?.with
      ?.script;
    expect(script).toContain("const label = 'cometkeys-drift'");
    expect(githubCommands('drift.yml').map((c) => c.line)).toEqual([
      'cometkeys drift --format markdown > drift.md',
    ]);
  });

  it('gives every job that calls the API the token from secrets', () => {
    for (const f of listGithubWorkflows()) {
      for (const c of githubCommands(path.basename(f))) {
        if (c.args[0] === 'validate') continue;
        expect(c.env.COMETAPI_ACCESS_TOKEN, `${c.file} ${c.step}`).toBe('token-from-secrets');
        expect(c.env.COMETAPI_USER_ID, `${c.file} ${c.step}`).toBe('1');
      }
    }
  });

  it('has github-script blocks that compile', () => {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => unknown;
    const scripts = listGithubWorkflows().flatMap((f) =>
      stepsOf(readYamlFile(f).data).flatMap((s) =>
        s.uses?.startsWith('actions/github-script@') ? [String(s.with?.script)] : [],
      ),
    );
    expect(scripts).toHaveLength(2);
    for (const s of scripts)
      expect(() => new AsyncFunction('github', 'context', 'require', s)).not.toThrow();
  });
});

describe('example pipelines: GitLab CI', () => {
  const pipeline = readYamlFile(GITLAB_FILE).data;

  it('has the plan, apply and drift jobs in their stages', () => {
    const jobs = gitlabJobs(pipeline);
    expect(Object.keys(jobs)).toEqual(['cometkeys-plan', 'cometkeys-apply', 'cometkeys-drift']);
    const stages = pipeline.stages as string[];
    for (const name of Object.keys(jobs)) {
      expect(stages).toContain(resolveGitlabJob(pipeline, name).stage);
    }
  });

  it('applies the plan saved in the same pipeline, one apply at a time', () => {
    const plan = resolveGitlabJob(pipeline, 'cometkeys-plan');
    const apply = resolveGitlabJob(pipeline, 'cometkeys-apply');
    expect(apply.resource_group).toBe('cometkeys-apply');
    expect(apply.needs).toEqual([{ job: 'cometkeys-plan', artifacts: true }]);
    const applyCommand = gitlabCommands().find((c) => c.job === 'cometkeys-apply');
    expect(applyCommand?.args.slice(0, 2)).toEqual(['apply', 'plan.json']);
    expect((plan.artifacts as { paths: string[] }).paths).toContain('plan.json');
    expect((plan.artifacts as { paths: string[] }).paths).toContain('plan.md');
    const rules = (r: Record<string, unknown>) => (r.rules as { if: string }[]).map((x) => x.if);
    expect(rules(plan)).toContain('$CI_PIPELINE_SOURCE == "merge_request_event"');
    expect(rules(apply)).toEqual([
      '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
    ]);
    expect(String(plan.script)).toContain('<!-- cometkeys-plan -->');
  });

  it('runs drift on schedules and lets exit 2 pass as a warning', () => {
    const drift = resolveGitlabJob(pipeline, 'cometkeys-drift');
    expect((drift.rules as { if: string }[])[0]?.if).toContain('"schedule"');
    expect(drift.allow_failure).toEqual({ exit_codes: [2] });
  });

  it('has the commands of a plan, an apply and a drift check', () => {
    expect(gitlabCommands().map((c) => `${c.job}: ${c.line}`)).toEqual([
      'cometkeys-plan: cometkeys validate',
      'cometkeys-plan: cometkeys plan --out plan.json --format markdown --detailed-exitcode > plan.md',
      'cometkeys-apply: cometkeys apply plan.json --audit-log audit.jsonl',
      'cometkeys-drift: cometkeys drift --format markdown > drift.md',
    ]);
  });
});

describe('example pipelines: commands the CLI has', () => {
  it.each(allCommands().map((c) => [`${c.file} ${c.job}: ${c.line}`, c] as const))(
    '%s',
    async (_title, command) => {
      const [sub, ...rest] = command.args;
      const io = captureIo();
      expect(await runCli([String(sub), '--help'], io)).toBe(0);
      const help = io.out();
      for (const word of rest.filter((w) => w.startsWith('-'))) {
        const flag = (word.split('=')[0] ?? '').replace(/[-]/g, '\\-');
        expect(help, `${sub} ${word}`).toMatch(new RegExp(`(^|[\\s,])${flag}(?=[\\s,=<[]|$)`, 'm'));
      }
      const format = rest[rest.indexOf('--format') + 1];
      if (rest.includes('--format')) expect(help).toContain(`"${format}"`);
    },
  );
});
