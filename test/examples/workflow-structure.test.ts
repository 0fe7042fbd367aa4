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
  actionRef,
  extractActionUses,
  extractGitlabCommands,
  GITLAB_FILE,
  GITLAB_TEMPLATE,
  packageVersion,
  readGitlabPipeline,
  type ActionUse,
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
  'secrets.COMETKEYS_GH_TOKEN': 'gh-token-from-secrets',
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

function actionUses(name: string): ActionUse[] {
  return extractActionUses(`examples/github/${name}`, workflow(name), SECRETS);
}

/** What an action step runs: `cometkeys <command> <args>` (the action adds its own flags). */
function asCommand(use: ActionUse): CometkeysCommand {
  const args = [use.inputs.command ?? 'plan', ...(use.inputs.args ?? '').split(/\s+/)].filter(
    Boolean,
  );
  return { ...use, line: `cometkeys ${args.join(' ')}`, args };
}

function gitlabCommands(): CometkeysCommand[] {
  return extractGitlabCommands(GITLAB_FILE, readGitlabPipeline());
}

function allCommands(): CometkeysCommand[] {
  return [
    ...listGithubWorkflows().flatMap((f) => actionUses(path.basename(f)).map(asCommand)),
    ...gitlabCommands(),
  ];
}

/** Every recipe file, as text. */
function recipeTexts(): [string, string][] {
  return [...listGithubWorkflows(), GITLAB_FILE, GITLAB_TEMPLATE].map((f) => [
    f,
    readFileSync(path.join(REPO_ROOT, f), 'utf8'),
  ]);
}

const TOKEN_NAMES = ['COMETAPI_ACCESS_TOKEN', 'COMETAPI_USER_ID'];

describe('example pipelines: files', () => {
  it('finds the three GitHub workflows and the GitLab pipeline', () => {
    expect(listGithubWorkflows()).toEqual([
      'examples/github/apply.yml',
      'examples/github/drift.yml',
      'examples/github/plan.yml',
    ]);
  });

  it.each([...listGithubWorkflows(), GITLAB_FILE, GITLAB_TEMPLATE])('%s is valid YAML', (file) => {
    expect(readYamlFile(file).problems).toEqual([]);
  });

  it('pins other actions to a major version and the cometkeys action to this release', () => {
    const uses = listGithubWorkflows().flatMap((f) =>
      stepsOf(readYamlFile(f).data).flatMap((s) => (s.uses ? [s.uses] : [])),
    );
    expect(uses.filter((u) => u.includes('/cometkeys@')).length).toBe(5);
    for (const u of uses) {
      if (u.includes('/cometkeys@')) expect(u).toBe(actionRef());
      else expect(u).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    }
  });

  it('names cometkeys only at the exact version of this package, never a range', () => {
    const version = packageVersion();
    const atVersion = (file: string, text: string) =>
      [...text.matchAll(/cometkeys@([^\s"'/`]*)/g)].map((m) => {
        expect([version, `v${version}`], `${file}: ${m[0]}`).toContain(m[1]);
        return m[0];
      });
    let found = 0;
    for (const [file, text] of recipeTexts()) {
      found += atVersion(file, text).length;
      expect(text, file).not.toMatch(/COMETKEYS_VERSION/);
    }
    // Five action steps in the GitHub recipes, the install line of the GitLab template.
    expect(found).toBe(6);
    for (const file of ['README.md', 'examples/README.md']) {
      expect(
        atVersion(file, readFileSync(path.join(REPO_ROOT, file), 'utf8')).length,
      ).toBeGreaterThan(0);
    }
  });

  it('installs from the registry only in GitLab, the exact release with install scripts off', () => {
    // GitHub: the action builds its own ref; no step installs cometkeys.
    for (const f of listGithubWorkflows()) {
      for (const s of stepsOf(readYamlFile(f).data)) {
        expect(s.run ?? '', `${f} ${String(s.name)}`).not.toMatch(/\b(npm|npx|yarn|pnpm)\b/);
      }
    }
    const pipeline = readGitlabPipeline();
    const installs = Object.keys(pipeline).flatMap((name) =>
      [resolveGitlabJob(pipeline, name).before_script ?? []]
        .flat()
        .map(String)
        .filter((l) => /\b(npm|npx)\b/.test(l)),
    );
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) {
      expect(line).toMatch(/\bnpm install\b/);
      expect(line).toContain('--ignore-scripts');
      expect(line).toMatch(new RegExp(`\\scometkeys@${packageVersion().replace(/\./g, '\\.')}$`));
      // GitLab gives CI/CD variables to the whole job: the install runs without the tokens.
      for (const name of [...TOKEN_NAMES, 'COMETKEYS_GITLAB_TOKEN']) {
        expect(line).toContain(`-u ${name} `);
      }
      expect(line.startsWith('env ')).toBe(true);
    }
  });
});

describe('example pipelines: GitHub Actions', () => {
  it('plan.yml plans pull requests that touch key files, with the comment by the action', () => {
    const wf = workflow('plan.yml');
    const on = wf.on as { pull_request: { paths: string[] } };
    expect(on.pull_request.paths).toEqual(expect.arrayContaining(['keys.yaml', 'keys/**']));
    expect(wf.permissions).toMatchObject({ 'pull-requests': 'write' });
    expect(wf.concurrency).toMatchObject({ 'cancel-in-progress': true });
    const steps = stepsOf(wf);
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.name).toBe('cometkeys-plan-${{ github.event.pull_request.head.sha }}');
    expect(String(upload?.with?.path).split('\n')).toContain('plan.json');
    expect(actionUses('plan.yml').map((u) => [u.id, u.inputs])).toEqual([
      ['plan', { command: 'plan' }],
    ]);
    const keep = steps.find((s) => s.name === 'Keep the plan for apply');
    expect(keep?.env).toEqual({ JSON_PLAN: '${{ steps.plan.outputs.json-plan }}' });
    expect(keep?.run).toContain('cp "$JSON_PLAN" plan.json');
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
    expect(actionUses('apply.yml').map((u) => [u.condition, u.inputs])).toEqual([
      [
        "steps.saved.outputs.found == 'true'",
        { command: 'apply', args: 'saved-plan/plan.json --audit-log audit.jsonl' },
      ],
      [
        "steps.saved.outputs.found != 'true'",
        { command: 'apply', args: '--auto-approve --audit-log audit.jsonl' },
      ],
      [undefined, { command: 'drift', 'fail-on-changes': 'true' }],
    ]);
  });

  it('drift.yml runs on a schedule and by hand and keeps one labelled issue', () => {
    const wf = workflow('drift.yml');
    const on = wf.on as { schedule: { cron: string }[]; workflow_dispatch: unknown };
    expect(on.schedule).toHaveLength(1);
    expect(on.schedule[0]?.cron.split(' ')).toHaveLength(5);
    expect('workflow_dispatch' in on).toBe(true);
    expect(wf.permissions).toMatchObject({ issues: 'write' });
    const script = stepsOf(wf).find((s) => s.uses?.startsWith('actions/github-script@'));
    expect(script?.with?.script).toContain("const label = 'cometkeys-drift'");
    expect(script?.env).toMatchObject({
      DRIFT_EXIT_CODE: '${{ steps.drift.outputs.exit-code }}',
      DRIFT_REPORT: '${{ steps.drift.outputs.markdown-plan }}',
    });
    expect(actionUses('drift.yml').map((u) => [u.id, u.inputs])).toEqual([
      ['drift', { command: 'drift' }],
    ]);
  });

  it('gives the token only to the steps that call the API, never to a job or workflow', () => {
    for (const f of listGithubWorkflows()) {
      const wf = readYamlFile(f).data as {
        env?: Record<string, string>;
        jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
      };
      const levels = [wf.env ?? {}, ...Object.values(wf.jobs).map((j) => j.env ?? {})];
      for (const env of levels) {
        for (const name of TOKEN_NAMES) expect(env, `${f}: ${name}`).not.toHaveProperty(name);
        expect(JSON.stringify(env), f).not.toContain('secrets.');
      }
      for (const s of stepsOf(wf)) {
        const stepEnv = JSON.stringify((s as { env?: unknown }).env ?? {});
        const calls = s.uses?.includes('/cometkeys@') ?? false;
        expect(stepEnv.includes('secrets.COMETAPI_ACCESS_TOKEN'), `${f} ${String(s.name)}`).toBe(
          calls,
        );
      }
      for (const u of actionUses(path.basename(f))) {
        expect(u.env.COMETAPI_ACCESS_TOKEN, `${f} ${u.step}`).toBe('token-from-secrets');
        expect(u.env.COMETAPI_USER_ID, `${f} ${u.step}`).toBe('1');
        // The GitHub token for `gh secret set` sinks goes to the apply steps only.
        expect(u.env.GH_TOKEN, `${f} ${u.step}`).toBe(
          u.inputs.command === 'apply' ? 'gh-token-from-secrets' : undefined,
        );
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
    expect(scripts).toHaveLength(1);
    for (const s of scripts)
      expect(() => new AsyncFunction('github', 'context', 'require', s)).not.toThrow();
  });
});

describe('example pipelines: GitLab CI', () => {
  const pipeline = readGitlabPipeline();

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
