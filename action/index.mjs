// The entry of the cometkeys GitHub Action (action.yml at the repository root): runs the
// built CLI of this repository (bin/cometkeys.js → dist/) for `plan`, `apply` or `drift`,
// writes the step outputs to $GITHUB_OUTPUT and, for plan on a pull request, creates or updates
// ONE comment found again by a hidden marker. Node built-ins only.
//
// Inputs come as INPUT_* variables (action.yml passes them), the GitHub context as the
// runner's GITHUB_* variables. Exit status: 0 on success, including exit code 2 (changes) of
// plan and drift unless INPUT_FAIL_ON_CHANGES is true; otherwise the CLI's exit code, or 1
// when the comment could not be posted.
/* global fetch */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'cometkeys.js');
const MARKER = '<!-- cometkeys-plan -->';
const COMMANDS = ['plan', 'apply', 'drift'];
/** GitHub refuses comments over 65,536 characters; the plan is cut well below that. */
const MAX_REPORT = 60_000;
const PER_PAGE = 100;

const env = process.env;

/** Splits extra arguments on whitespace; single or double quotes group words. */
function splitArgs(text) {
  const words = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

function lines(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

function bool(name, value) {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw new Error(`input ${name} must be true or false, not ${JSON.stringify(value)}`);
}

function fail(message) {
  process.stderr.write(`::error title=cometkeys::${message.replace(/\r?\n/g, ' ')}\n`);
}

/** Runs the CLI; stdout goes to `stdoutFile` (and the log), stderr to the log and `logFile`. */
function runCli(args, stdoutFile, logFile) {
  // The CLI needs neither the GitHub token nor the action's inputs.
  const childEnv = Object.fromEntries(
    Object.entries(env).filter(([k]) => k !== 'GITHUB_TOKEN' && !k.startsWith('INPUT_')),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => {
      stdout += s;
      process.stdout.write(s);
    });
    child.stderr.setEncoding('utf8').on('data', (s) => {
      stderr += s;
      process.stderr.write(s);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (stdoutFile) writeFileSync(stdoutFile, stdout);
      writeFileSync(logFile, stderr);
      resolve({ code: code ?? (signal ? 1 : 0), stderr });
    });
  });
}

async function github(method, url, token, body) {
  const res = await fetch(url, {
    method,
    headers: {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${token}`,
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': 'cometkeys-action',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${new URL(url).pathname}: HTTP ${res.status}`);
  return res.json();
}

/** Creates the plan comment, or updates ours (a bot's comment holding the marker). */
async function upsertComment(number, body) {
  const token = env.GITHUB_TOKEN ?? '';
  if (!token) throw new Error('no github-token: cannot post the plan comment');
  const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const issue = `${api}/repos/${env.GITHUB_REPOSITORY}/issues/${number}`;
  let ours;
  for (let page = 1; !ours; page++) {
    const batch = await github('GET', `${issue}/comments?per_page=${PER_PAGE}&page=${page}`, token);
    ours = batch.find((c) => c.user?.type === 'Bot' && (c.body ?? '').includes(MARKER));
    if (batch.length < PER_PAGE) break;
  }
  if (ours) {
    await github(
      'PATCH',
      `${api}/repos/${env.GITHUB_REPOSITORY}/issues/comments/${ours.id}`,
      token,
      {
        body,
      },
    );
    return `updated comment ${ours.id}`;
  }
  const created = await github('POST', `${issue}/comments`, token, { body });
  return `created comment ${created.id}`;
}

function commentBody(code, report, log, sha) {
  const short = sha ? sha.slice(0, 7) : 'this commit';
  const run =
    env.GITHUB_SERVER_URL && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : '';
  const where = run ? ` in [this run](${run})` : '';
  const cut = (text) =>
    text.length > MAX_REPORT ? `${text.slice(0, MAX_REPORT)}\n\n… (cut; see the run log)` : text;
  if (code === 0 || code === 2) {
    return [MARKER, cut(report.trim()), '', `<sub>Planned at ${short}${where}.</sub>`].join('\n');
  }
  // cometkeys' stderr never carries the token or a key's secret (docs/commands.md#output).
  return [
    MARKER,
    `### cometkeys plan failed at ${short} (exit code ${code})`,
    '',
    '```',
    log.trim().slice(-MAX_REPORT),
    '```',
    '',
    `<sub>Failed${where}.</sub>`,
  ].join('\n');
}

function pullRequest() {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
  const pr = event.pull_request;
  return pr && typeof pr.number === 'number' ? { number: pr.number, sha: pr.head?.sha } : undefined;
}

function writeOutputs(outputs) {
  const text = Object.entries(outputs)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, text);
  else process.stdout.write(text);
}

async function main() {
  const command = (env.INPUT_COMMAND || 'plan').trim();
  if (!COMMANDS.includes(command)) {
    throw new Error(`input command must be plan, apply or drift, not ${JSON.stringify(command)}`);
  }
  const failOnChanges = bool('fail-on-changes', env.INPUT_FAIL_ON_CHANGES);
  const comment = env.INPUT_COMMENT === undefined ? true : bool('comment', env.INPUT_COMMENT);
  const wanted = (env.INPUT_VERSION ?? '').trim().replace(/^v/, '');
  const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  if (wanted && wanted !== version) {
    throw new Error(`input version is ${wanted}, but this action's ref is cometkeys ${version}`);
  }

  const out = mkdtempSync(path.join(env.RUNNER_TEMP || tmpdir(), 'cometkeys-'));
  const jsonPlan = command === 'plan' ? path.join(out, 'plan.json') : '';
  const markdown = command === 'apply' ? '' : path.join(out, `${command}.md`);
  const log = path.join(out, `${command}.log`);
  const files = lines(env.INPUT_FILES ?? '').flatMap((f) => ['--file', f]);
  const extra = splitArgs(env.INPUT_ARGS ?? '');
  const args =
    command === 'plan'
      ? ['plan', '--out', jsonPlan, '--format', 'markdown', '--detailed-exitcode']
      : command === 'drift'
        ? ['drift', '--format', 'markdown']
        : ['apply'];
  const { code, stderr } = await runCli([...args, ...files, ...extra], markdown, log);
  const reports = code === 0 || code === 2;
  writeOutputs({
    'exit-code': code,
    'has-changes': command === 'apply' || !reports ? '' : String(code === 2),
    'json-plan': reports ? jsonPlan : '',
    'markdown-plan': reports ? markdown : '',
  });
  if (markdown && reports && env.GITHUB_STEP_SUMMARY) {
    appendFileSync(env.GITHUB_STEP_SUMMARY, `${readFileSync(markdown, 'utf8').trim()}\n`);
  }

  let status = code === 2 && command !== 'apply' ? (failOnChanges ? 2 : 0) : code;
  const pr = command === 'plan' && comment ? pullRequest() : undefined;
  if (pr) {
    // Also after a failed plan, so the error shows where reviewers look.
    const report = reports ? readFileSync(markdown, 'utf8') : '';
    try {
      process.stdout.write(
        `cometkeys: ${await upsertComment(pr.number, commentBody(code, report, stderr, pr.sha))} on #${pr.number}\n`,
      );
    } catch (err) {
      fail(`the plan comment: ${err.message}`);
      return status === 0 ? 1 : status;
    }
  }
  if (status !== 0) {
    fail(
      code === 2
        ? `${command} found changes (fail-on-changes is true)`
        : `cometkeys ${command} exited with ${code}`,
    );
  }
  return status;
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (err) => {
    fail(err.message);
    process.exitCode = 1;
  },
);
