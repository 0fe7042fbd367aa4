/**
 * `npm run demo` (the README's first command) works offline on a fresh build: the emulator
 * starts, validate → plan → apply → plan runs, the account ends in sync, and one key is rotated.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { runProcess } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/temp.js';

const DEMO_TIMEOUT_MS = 120_000;

it(
  'runs the whole workflow on the emulator and ends in sync',
  async () => {
    const { code, stdout, stderr } = await runProcess(
      process.execPath,
      [path.join(REPO_ROOT, 'scripts', 'demo.mjs')],
      { timeoutMs: DEMO_TIMEOUT_MS - 5_000 },
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('$ cometkeys apply -f keys.example.yaml --auto-approve');
    expect(stdout).toContain('Apply: 3 applied, 0 failed');
    expect(stdout).toContain('No changes. 3 keys match the key files.');
    // One rotation: a key created with rotate:, then rotated now with --rotate.
    expect(stdout).toContain('↻ rotate "demo-rotating"');
    expect(stdout).toMatch(
      /demo-rotating \(id \d+\) rotate: applied \(id \d+ renamed "demo-rotating~\d{8}"\)/,
    );
    expect(stdout).toContain('No changes. 4 keys match the key files.');
    expect(stdout).not.toContain('\x1b[');
  },
  DEMO_TIMEOUT_MS,
);
