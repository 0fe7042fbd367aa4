/**
 * Reads the CI examples (examples/github/*.yml, examples/gitlab/.gitlab-ci.yml) and pulls out
 * the shell commands that invoke cometkeys, with the environment each one would run with, so
 * the tests can check them and run them for real against the emulator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';

import { REPO_ROOT } from '../helpers/temp.js';

export { REPO_ROOT };

/** The GitLab pipeline example, relative to the repository root. */
export const GITLAB_FILE = 'examples/gitlab/.gitlab-ci.yml';

/** The GitLab include template the example includes, relative to the repository root. */
export const GITLAB_TEMPLATE = 'templates/cometkeys.gitlab-ci.yml';

/** The version of this package (package.json), which the recipes pin exactly. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** How the GitHub recipes refer to the action at the root of this repository. */
export function actionRef(): string {
  return `cometkeys/cometkeys@v${packageVersion()}`;
}

/** Every GitHub Actions workflow in examples/github/, relative to the repository root. */
export function listGithubWorkflows(): string[] {
  return readdirSync(path.join(REPO_ROOT, 'examples/github'))
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => `examples/github/${f}`);
}

/** A parsed YAML file with every parse error and warning (none are acceptable). */
export interface ParsedYaml {
  data: Record<string, unknown>;
  problems: string[];
}

/** Parses one example file strictly (duplicate keys and bad syntax are problems). */
export function readYamlFile(file: string): ParsedYaml {
  const doc = parseDocument(readFileSync(path.join(REPO_ROOT, file), 'utf8'), {
    uniqueKeys: true,
  });
  const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
  // GitHub reads `on` as a string key; YAML 1.2 (the yaml package's default) does too.
  const data = (doc.toJS() ?? {}) as Record<string, unknown>;
  return { data, problems };
}

/** One cometkeys invocation found in a `run:` or `script:` block. */
export interface CometkeysCommand {
  /** The example file, relative to the repository root. */
  file: string;
  /** Job id (GitHub) or job name (GitLab). */
  job: string;
  /** Step name (GitHub) or `script` (GitLab). */
  step: string;
  /** The step's `if:` condition (GitHub), if any. */
  condition?: string;
  /** The command as written, up to the first unquoted `||`, `&&` or `;` (redirections kept). */
  line: string;
  /** The words after `cometkeys`, before any redirection or pipe: subcommand, flags, values. */
  args: string[];
  /** The environment the file gives this command, `${{ }}` expressions already translated. */
  env: Record<string, string>;
}

/** Values for the `${{ ... }}` expressions that may appear in env or commands. */
export type ExpressionValues = Record<string, string>;

const EXPRESSION = /\$\{\{\s*(.+?)\s*\}\}/g;

/**
 * Replaces each `${{ expr }}` with its value. An expression without a value is an error, so a
 * workflow cannot grow an expression the test silently runs with a wrong value.
 */
export function translateExpressions(text: string, values: ExpressionValues): string {
  return text.replace(EXPRESSION, (_match, expr: string) => {
    const value = values[expr];
    if (value === undefined) throw new Error(`no translation for the expression \${{ ${expr} }}`);
    return value;
  });
}

// A command line that starts (after optional VAR=value assignments) with `cometkeys`.
const COMMAND_START = /^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*cometkeys(?=\s|$)/;

/**
 * The cometkeys commands of a shell script: one per line that starts with `cometkeys`, joined
 * across backslash continuations and cut at the first unquoted `||`, `&&` or `;` (what follows
 * is the script's own plumbing, such as `|| code=$?`).
 */
export function findCometkeysLines(script: string): string[] {
  const joined = script.replace(/\\\n\s*/g, ' ');
  const found: string[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!COMMAND_START.test(line)) continue;
    found.push(cutAtListOperator(line));
  }
  return found;
}

function cutAtListOperator(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === ';' || (c === '|' && line[i + 1] === '|') || (c === '&' && line[i + 1] === '&'))
      return line.slice(0, i).trim();
  }
  return line;
}

/** Splits a command into shell words (quotes removed), stopping at a redirection or pipe. */
export function commandArgs(line: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.replace(COMMAND_START, '').matchAll(pattern)) {
    const bare = m[3];
    if (bare !== undefined && /^(?:\d?>>?|<|\||&>)/.test(bare)) break;
    words.push(m[1] ?? m[2] ?? bare ?? '');
  }
  return words;
}

function isHash(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isHash(value) ? value : {};
}

function stringEnv(value: unknown, values: ExpressionValues): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value))) {
    env[k] = translateExpressions(String(v), values);
  }
  return env;
}

/**
 * The cometkeys commands of a GitHub Actions workflow, each with the environment of its
 * workflow, job and step (`env:` at each level, expressions translated with `values`).
 */
export function extractGithubCommands(
  file: string,
  workflow: Record<string, unknown>,
  values: ExpressionValues,
): CometkeysCommand[] {
  const out: CometkeysCommand[] = [];
  for (const [jobId, jobValue] of Object.entries(asRecord(workflow.jobs))) {
    const job = asRecord(jobValue);
    const steps = Array.isArray(job.steps) ? job.steps : [];
    steps.forEach((stepValue, index) => {
      const step = asRecord(stepValue);
      if (typeof step.run !== 'string') return;
      const lines = findCometkeysLines(step.run);
      if (lines.length === 0) return;
      const env = {
        ...stringEnv(workflow.env, values),
        ...stringEnv(job.env, values),
        ...stringEnv(step.env, values),
      };
      for (const line of lines) {
        const text = translateExpressions(line, values);
        out.push({
          file,
          job: jobId,
          step: typeof step.name === 'string' ? step.name : `steps[${index}]`,
          condition: typeof step.if === 'string' ? step.if : undefined,
          line: text,
          args: commandArgs(text),
          env,
        });
      }
    });
  }
  return out;
}

/**
 * The GitLab example as GitLab sees it: the include template's keys, then the example's own
 * (which win), the `include:` resolved to templates/ of this repository. The include must be
 * the template at this package's release tag.
 */
export function readGitlabPipeline(): Record<string, unknown> {
  const example = readYamlFile(GITLAB_FILE).data;
  const { include, ...own } = example;
  const remotes = [include ?? []].flat().map((i) => String(asRecord(i).remote));
  const wanted = `/-/raw/v${packageVersion()}/${GITLAB_TEMPLATE}`;
  if (remotes.length !== 1 || !remotes[0]?.endsWith(wanted)) {
    throw new Error(`${GITLAB_FILE} must include one remote ending ${wanted}: ${remotes.join()}`);
  }
  return { ...readYamlFile(GITLAB_TEMPLATE).data, ...own };
}

/** One step of a GitHub workflow that uses the cometkeys action. */
export interface ActionUse {
  file: string;
  job: string;
  /** The step's name (or `steps[i]`). */
  step: string;
  id?: string;
  condition?: string;
  /** The `uses:` reference, as written. */
  uses: string;
  /** The `with:` inputs, as strings, expressions translated. */
  inputs: Record<string, string>;
  /** The environment of workflow, job and step, expressions translated. */
  env: Record<string, string>;
}

/** The steps of a workflow that use the cometkeys action (`uses: <owner>/cometkeys@...`). */
export function extractActionUses(
  file: string,
  workflow: Record<string, unknown>,
  values: ExpressionValues,
): ActionUse[] {
  const out: ActionUse[] = [];
  for (const [jobId, jobValue] of Object.entries(asRecord(workflow.jobs))) {
    const job = asRecord(jobValue);
    const steps = Array.isArray(job.steps) ? job.steps : [];
    steps.forEach((stepValue, index) => {
      const step = asRecord(stepValue);
      if (typeof step.uses !== 'string' || !/^[\w-]+\/cometkeys@/.test(step.uses)) return;
      out.push({
        file,
        job: jobId,
        step: typeof step.name === 'string' ? step.name : `steps[${index}]`,
        id: typeof step.id === 'string' ? step.id : undefined,
        condition: typeof step.if === 'string' ? step.if : undefined,
        uses: step.uses,
        inputs: stringEnv(step.with, values),
        env: {
          ...stringEnv(workflow.env, values),
          ...stringEnv(job.env, values),
          ...stringEnv(step.env, values),
        },
      });
    });
  }
  return out;
}

/** Top-level keys of .gitlab-ci.yml that are not jobs. */
const GITLAB_RESERVED = new Set([
  'stages',
  'variables',
  'default',
  'include',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
]);

/** The jobs of a GitLab pipeline (hidden `.templates` and reserved keys left out). */
export function gitlabJobs(
  pipeline: Record<string, unknown>,
): Record<string, Record<string, unknown>> {
  const jobs: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(pipeline)) {
    if (name.startsWith('.') || GITLAB_RESERVED.has(name)) continue;
    jobs[name] = asRecord(value);
  }
  return jobs;
}

/**
 * Resolves one job's `extends` chain (single or list, hidden templates included) into one
 * record, the job's own keys winning, as GitLab merges them (deeply for hashes).
 */
export function resolveGitlabJob(
  pipeline: Record<string, unknown>,
  name: string,
  seen: Set<string> = new Set(),
): Record<string, unknown> {
  if (seen.has(name)) throw new Error(`extends loop at ${name}`);
  seen.add(name);
  const job = asRecord(pipeline[name]);
  const parents = job.extends === undefined ? [] : [job.extends].flat().map(String);
  let merged: Record<string, unknown> = {};
  for (const parent of parents) {
    if (!(parent in pipeline)) throw new Error(`${name} extends unknown ${parent}`);
    merged = mergeDeep(merged, resolveGitlabJob(pipeline, parent, new Set(seen)));
  }
  const { extends: _extends, ...own } = job;
  return mergeDeep(merged, own);
}

function mergeDeep(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isHash(prev) && isHash(v) ? mergeDeep(prev, v) : v;
  }
  return out;
}

/**
 * The cometkeys commands of a GitLab pipeline's `script:` lines (before_script is install
 * plumbing), with the pipeline's and the job's `variables:`. CI/CD variables set in the
 * project's settings (the token) are not in the file; the caller adds them.
 */
export function extractGitlabCommands(
  file: string,
  pipeline: Record<string, unknown>,
): CometkeysCommand[] {
  const out: CometkeysCommand[] = [];
  for (const name of Object.keys(gitlabJobs(pipeline))) {
    const job = resolveGitlabJob(pipeline, name);
    const script = [job.script ?? []].flat().map(String);
    const env = { ...stringEnv(pipeline.variables, {}), ...stringEnv(job.variables, {}) };
    for (const entry of script) {
      for (const line of findCometkeysLines(entry)) {
        out.push({ file, job: name, step: 'script', line, args: commandArgs(line), env });
      }
    }
  }
  return out;
}

/** One GitHub step's script and the environment its workflow, job and step give it. */
export function findGithubStep(
  file: string,
  stepId: string,
  values: ExpressionValues,
): { run: string; env: Record<string, string> } {
  const workflow = readYamlFile(file).data;
  for (const jobValue of Object.values(asRecord(workflow.jobs))) {
    const job = asRecord(jobValue);
    for (const stepValue of Array.isArray(job.steps) ? job.steps : []) {
      const step = asRecord(stepValue);
      if (step.id !== stepId || typeof step.run !== 'string') continue;
      const env = {
        ...stringEnv(workflow.env, values),
        ...stringEnv(job.env, values),
        ...stringEnv(step.env, values),
      };
      return { run: translateExpressions(step.run, values), env };
    }
  }
  throw new Error(`${file} has no step with id ${stepId} and a run script`);
}
