/**
 * Runs one cometkeys line of a CI example for real: in bash with pipefail (as both CI systems
 * run scripts), with `cometkeys` bound to the built CLI of this repository, in a temporary
 * working directory that plays the CI checkout.
 */
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CometkeysCommand } from './workflow-files.js';
import { REPO_ROOT } from './workflow-files.js';
import { BIN, runBash } from '../helpers/cli.js';
import { makeTempDir, removeDir } from '../helpers/temp.js';

export { BIN };

/** A CI step against the emulator: generous, yet below the scenarios' 120 s. */
const SCRIPT_TIMEOUT_MS = 90_000;

/** What one line did. */
export interface LineRun {
  line: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temporary checkout: key files copied in, CI's output files, and cleanup. */
export interface Workspace {
  dir: string;
  /** The file `$GITHUB_OUTPUT` points at. */
  githubOutput: string;
  /** The file `$GITHUB_STEP_SUMMARY` points at. */
  stepSummary: string;
  read(name: string): string;
  copy(from: string, to: string): void;
  /** Every file in the workspace with its text, for leak checks. */
  allFiles(): Record<string, string>;
  cleanup(): void;
}

/** A workspace holding `files` (repository path → name in the workspace). */
export function createWorkspace(files: Record<string, string>): Workspace {
  const dir = makeTempDir('examples');
  for (const [from, to] of Object.entries(files)) {
    cpSync(path.join(REPO_ROOT, from), path.join(dir, to), { recursive: true });
  }
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => {
      const p = path.join(d, n);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  return {
    dir,
    githubOutput: path.join(dir, '.github-output'),
    stepSummary: path.join(dir, '.step-summary'),
    read: (name) => readFileSync(path.join(dir, name), 'utf8'),
    copy: (from, to) => {
      cpSync(path.join(dir, from), path.join(dir, to), { recursive: true });
    },
    allFiles: () =>
      Object.fromEntries(walk(dir).map((p) => [path.relative(dir, p), readFileSync(p, 'utf8')])),
    cleanup: () => removeDir(dir),
  };
}

/**
 * Runs `command.line` verbatim in bash. The only translation: `cometkeys` is a shell function
 * that runs `node <repo>/bin/cometkeys.js`, as `npm install --global cometkeys` would provide.
 * The environment is the one the CI file gives the line, plus `extraEnv` (the emulator's URL,
 * CI variables that live in project settings rather than in the file).
 */
export function runLine(
  command: CometkeysCommand,
  ws: Workspace,
  extraEnv: Record<string, string>,
): Promise<LineRun> {
  return runScript(command.line, ws, { ...command.env, ...extraEnv }, { errexit: false });
}

/**
 * Runs a whole step script in bash with pipefail, and with errexit as both CI systems run
 * scripts (GitHub's `shell: bash` is `bash -eo pipefail`; GitLab's runner sets `-eo pipefail`),
 * `cometkeys` bound to the built CLI.
 */
export function runScript(
  script: string,
  ws: Workspace,
  env: Record<string, string>,
  opts: { errexit: boolean },
): Promise<LineRun> {
  const full = [
    opts.errexit ? 'set -eo pipefail' : 'set -o pipefail',
    'cometkeys() { node "$COMETKEYS_BIN" "$@"; }',
    script,
  ].join('\n');
  return runBash(full, {
    cwd: ws.dir,
    env: {
      HOME: ws.dir,
      ...env,
      NO_COLOR: '1',
      GITHUB_OUTPUT: ws.githubOutput,
      GITHUB_STEP_SUMMARY: ws.stepSummary,
      COMETKEYS_BIN: BIN,
    },
    timeoutMs: SCRIPT_TIMEOUT_MS,
  }).then((run) => ({ line: script, ...run }));
}
