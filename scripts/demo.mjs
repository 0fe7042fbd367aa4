#!/usr/bin/env node
// `npm run demo`: the whole workflow on the embedded emulator, offline.
// Starts `cometkeys emulator` with a small seeded account, then runs validate → plan →
// apply --auto-approve → plan against it with keys.example.yaml, then shows one rotation (a key
// with `rotate:` and a file sink in a temporary directory, rotated now with --rotate), and stops
// the emulator.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'cometkeys.js');
const keyFile = 'keys.example.yaml';
const seed = path.join('examples', 'demo', 'seed.yaml');

function startEmulator() {
  const child = spawn(process.execPath, [bin, 'emulator', '--port', '0', '--seed', seed], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve({ child, ...JSON.parse(line) }));
    child.once('exit', (code) => reject(new Error(`the emulator exited early (${code})`)));
  });
}

const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (s) => `\x1b[1m${s}\x1b[0m` : (s) => s;

function run(title, args, env, expected) {
  process.stdout.write(`\n${bold(`$ cometkeys ${args.join(' ')}`)}   # ${title}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, stdio: 'inherit' });
  if (!expected.includes(r.status)) {
    throw new Error(`cometkeys ${args[0]} exited ${r.status}, expected ${expected.join(' or ')}`);
  }
  return r.status;
}

let scratch;
/** A key file with a rotating key and a config whose file sink writes into a temporary directory. */
function rotationFiles() {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'cometkeys-demo-'));
  const keys = path.join(scratch, 'rotation.yaml');
  const config = path.join(scratch, 'cometkeys.config.json');
  writeFileSync(
    keys,
    [
      'version: 1',
      'keys:',
      '  - name: demo-rotating',
      '    quota_budget: "$5"',
      '    deliver: [demo-file]',
      '    rotate: { after_days: 90, overlap_days: 7 }',
      '',
    ].join('\n'),
  );
  writeFileSync(
    config,
    JSON.stringify({ sinks: { 'demo-file': { file: 'secrets/{name}.env', format: 'dotenv' } } }),
  );
  return { keys, config };
}

const emulator = await startEmulator();
let failed = false;
try {
  const env = {
    ...process.env,
    COMETAPI_BASE_URL: emulator.url,
    COMETAPI_ACCESS_TOKEN: emulator.token,
  };
  console.log(`Emulator running at ${emulator.url} with a seeded demo account.`);
  run('check the key file offline', ['validate', '-f', keyFile], env, [0]);
  run('what would change', ['plan', '-f', keyFile, '--detailed-exitcode'], env, [0, 2]);
  run('make it so', ['apply', '-f', keyFile, '--auto-approve'], env, [0]);
  run('in sync now', ['plan', '-f', keyFile, '--detailed-exitcode'], env, [0]);
  console.log('\nThe account matches keys.example.yaml. Now one rotation:');
  const files = rotationFiles();
  const withRotation = ['-f', keyFile, '-f', files.keys, '--config', files.config];
  run('create a key that rotates', ['apply', ...withRotation, '--auto-approve'], env, [0]);
  run('rotate it now', ['plan', ...withRotation, '--rotate', 'demo-rotating'], env, [0]);
  run(
    'rename, create, deliver',
    ['apply', ...withRotation, '--rotate', 'demo-rotating', '--auto-approve'],
    env,
    [0],
  );
  run(
    'in sync: the predecessor serves until its overlap ends',
    ['plan', ...withRotation, '--detailed-exitcode'],
    env,
    [0],
  );
  console.log(
    '\nDemo finished: the account matches keys.example.yaml, and demo-rotating was rotated.',
  );
} catch (err) {
  failed = true;
  console.error(`demo failed: ${err.message}`);
} finally {
  emulator.child.kill('SIGTERM');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
