/**
 * The published package: `npm pack` makes a tarball that installs into an empty directory
 * (offline, from the npm cache that `npm ci` filled), ships the schemas, and whose `cometkeys
 * --version`, `validate` and `emulator` work there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, startProcess } from '../helpers/cli.js';
import { makeTempDir, removeDir, REPO_ROOT as ROOT } from '../helpers/temp.js';

let dir: string;
let bin: string;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Each npm call is killed after this (the hook allows 180 s for both). */
const NPM_TIMEOUT_MS = 80_000;

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  [field: string]: unknown;
}

/**
 * A lockfile for an app that depends on the tarball: the tarball itself plus the runtime
 * subset of our own lockfile. `npm ci --offline` then installs from the cache `npm ci` filled
 * (by integrity), without asking the registry for metadata — so this works on a fresh machine
 * with no network, as a user's CI would install the package from its lockfile.
 */
function appLockfile(tarball: string): unknown {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
    bin: Record<string, string>;
    engines: Record<string, string>;
    license: string;
  };
  const packages: Record<string, unknown> = {
    '': { name: 'app', version: '1.0.0', dependencies: { cometkeys: `file:${tarball}` } },
    'node_modules/cometkeys': {
      version: pkg.version,
      resolved: `file:${tarball}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || entry.dev || entry.devOptional) continue;
    packages[where] = entry;
  }
  return { name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

beforeAll(() => {
  dir = makeTempDir('pack');
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: NPM_TIMEOUT_MS,
  });
  const [packed] = JSON.parse(out) as { filename: string }[];
  if (!packed) throw new Error(`npm pack printed no file: ${out}`);
  const tarball = `../${packed.filename}`;
  const app = path.join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({
      name: 'app',
      version: '1.0.0',
      private: true,
      dependencies: { cometkeys: `file:${tarball}` },
    }),
  );
  writeFileSync(path.join(app, 'package-lock.json'), JSON.stringify(appLockfile(tarball)));
  execFileSync(npm, ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: app,
    stdio: 'pipe',
    timeout: NPM_TIMEOUT_MS,
  });
  bin = path.join(app, 'node_modules', '.bin', 'cometkeys');
}, 180_000);

afterAll(() => removeDir(dir));

describe('the packed package', () => {
  it('prints its version', async () => {
    const run = await runProcess(bin, ['--version'], { inheritEnv: true });
    expect(run.code, run.stderr).toBe(0);
    const version = run.stdout.trim();
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version).toBe(pkg.version);
  });

  it('ships the schemas and the example key file, and validates it', async () => {
    const installed = path.join(dir, 'app', 'node_modules', 'cometkeys');
    expect(existsSync(path.join(installed, 'schemas', 'keys.schema.json'))).toBe(true);
    expect(existsSync(path.join(installed, 'schemas', 'plan.schema.json'))).toBe(true);
    expect(existsSync(path.join(installed, 'test'))).toBe(false);
    const run = await runProcess(
      bin,
      ['validate', '-f', path.join(installed, 'keys.example.yaml')],
      {
        inheritEnv: true,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('valid');
  });

  it('runs the emulator, which answers an authenticated list', async () => {
    const emulator = await startProcess(bin, ['emulator', '--port', '0', '--seed', '3'], {
      inheritEnv: true,
    });
    try {
      const line = emulator.firstLine;
      const { url, token } = JSON.parse(line) as { url: string; token: string };
      const res = await fetch(`${url}/api/token/?p=1&page_size=100`, {
        headers: { Authorization: token },
      });
      const body = (await res.json()) as { success: boolean; data: { total: number } };
      expect(body.success).toBe(true);
      expect(body.data.total).toBe(3);
    } finally {
      await emulator.stop();
    }
  });
});
