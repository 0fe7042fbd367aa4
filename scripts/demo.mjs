#!/usr/bin/env node
// `npm run demo`: the whole workflow on the embedded emulator, offline.
// Starts `cometkeys emulator` with a small seeded account, then runs validate → plan →
// apply --auto-approve → plan against it with keys.example.yaml, and stops the emulator.
import { spawn, spawnSync } from 'node:child_process';
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
  console.log('\nDemo finished: the account matches keys.example.yaml.');
} catch (err) {
  failed = true;
  console.error(`demo failed: ${err.message}`);
} finally {
  emulator.child.kill('SIGTERM');
}
process.exitCode = failed ? 1 : 0;
