/**
 * examples/README.md's "Try them locally" section, run as a reader would: its two shell blocks,
 * line for line, with the emulator on a free port instead of 8787 and this repository's build
 * standing in for `npm install --global cometkeys`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runBash, startProcess, type StartedChild } from '../helpers/cli.js';
import { createWorkspace, type Workspace } from './run-line.js';
import { REPO_ROOT } from './workflow-files.js';

const REHEARSAL_TIMEOUT_MS = 120_000;
const README_PORT = '8787';

/** The ```sh blocks of the README section that starts with `heading`. */
function shellBlocks(heading: string): string[] {
  const text = readFileSync(path.join(REPO_ROOT, 'examples/README.md'), 'utf8');
  const start = text.indexOf(heading);
  if (start < 0) throw new Error(`no section ${heading}`);
  const rest = text.slice(start + heading.length);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

const PRELUDE = 'set -eo pipefail\ncometkeys() { node "$COMETKEYS_BIN" "$@"; }\n';

function runReadmeBash(script: string, ws: Workspace) {
  return runBash(PRELUDE + script, {
    cwd: ws.dir,
    env: { HOME: ws.dir, COMETKEYS_BIN: BIN },
    timeoutMs: REHEARSAL_TIMEOUT_MS - 20_000,
  });
}

/** Starts the README's emulator line (on port 0) and resolves with the URL it prints. */
async function startEmulatorLine(
  line: string,
  ws: Workspace,
): Promise<{ child: StartedChild; url: string }> {
  const args = line
    .replace(/\s+#.*$/, '')
    .replace(`--port ${README_PORT}`, '--port 0')
    .split(/\s+/)
    .slice(1);
  const child = await startProcess(process.execPath, [BIN, ...args], { cwd: ws.dir });
  return { child, url: (JSON.parse(child.firstLine) as { url: string }).url };
}

let emulator: StartedChild | undefined;
let workspace: Workspace | undefined;

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
  workspace?.cleanup();
  workspace = undefined;
});

describe('examples/README.md: try them locally', () => {
  it(
    'works as written: plan exits 2, apply applies 3 keys, drift exits 0',
    async () => {
      const [setup, jobs] = shellBlocks('## Try them locally against the emulator');
      expect(setup).toBeDefined();
      expect(jobs).toBeDefined();
      workspace = createWorkspace({});
      const ws = workspace;

      const setupLines = (setup ?? '').split('\n');
      const emulatorLine = setupLines.find((l) => l.startsWith('cometkeys emulator '));
      expect(emulatorLine).toBeDefined();
      // `npm install --global cometkeys` is what this repository's build stands in for, and
      // `$(npm root --global)/cometkeys` is then the repository itself.
      const before = setupLines
        .filter((l) => !l.startsWith('npm install') && l !== emulatorLine)
        .join('\n')
        .replaceAll('$(npm root --global)/cometkeys', REPO_ROOT);
      expect(await runReadmeBash(before, ws)).toMatchObject({ code: 0 });

      const started = await startEmulatorLine(emulatorLine ?? '', ws);
      emulator = started.child;
      const script = (jobs ?? '').replaceAll(`http://127.0.0.1:${README_PORT}`, started.url);
      expect(script).toContain(started.url);
      const run = await runReadmeBash(script, ws);
      const shown = `--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
      expect(run.code, shown).toBe(0);
      expect(run.stdout, shown).toContain('plan exited with 2');
      expect(ws.read('plan.md')).toContain('2 to create, 1 to update');
      expect(run.stdout, shown).toContain('Apply: 3 applied, 0 failed');
      expect(run.stdout, shown).toContain('drift exited with 0');
    },
    REHEARSAL_TIMEOUT_MS,
  );
});
