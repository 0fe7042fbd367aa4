/**
 * `npm run demo` (the README's first command) works offline on a fresh build: the emulator
 * starts, validate → plan → apply → plan runs, and the account ends in sync.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './helpers.js';

it('runs the whole workflow on the emulator and ends in sync', async () => {
  const { code, stdout, stderr } = await new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'demo.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  expect(code, stderr).toBe(0);
  expect(stdout).toContain('$ cometkeys apply -f keys.example.yaml --auto-approve');
  expect(stdout).toContain('Apply: 3 applied, 0 failed');
  expect(stdout).toContain('No changes. 3 keys match the key files.');
  expect(stdout).not.toContain('\x1b[');
}, 120_000);
