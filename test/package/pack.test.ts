/**
 * The published package, made the way a release is made: a fresh `git clone` of this
 * repository's HEAD (committed files only, no dist/), `npm ci --offline` there, `npm pack`
 * (whose `prepack` builds). The tarball must hold exactly what the package needs, install into
 * an empty project offline (from the cache `npm ci` filled), and its installed `cometkeys` must
 * print its version, validate a key file, plan against an emulator and run its own emulator.
 */
import { execFileSync } from 'node:child_process';
import { runProcess, startProcess } from '../helpers/cli.js';
import { bundledFiles, esmTrace } from '../helpers/loaded-modules.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCall } from '../../src/cli/prerendered-help.js';
import { startEmulator } from '../../src/emulator/index.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The bundled CLI's licence notices (scripts/bundle-cli.mjs). */
const NOTICES = 'THIRD-PARTY-NOTICES.md';

/** What the tarball holds at its top level: nothing else (no src/, test/, examples/, maps). */
const SHIPPED_TOP_LEVEL = [
  'LICENSE',
  'README.md',
  'bin',
  'dist',
  'docs',
  'keys.example.yaml',
  'package.json',
  'schemas',
];

/**
 * README links that point at repository-only material (contributor guide, CI recipes), which a
 * package user reads on the repository, not in node_modules. Every other relative link must
 * resolve inside the package.
 */
const REPOSITORY_ONLY_LINKS = [/^CONTRIBUTING\.md$/, /^examples\//];

let dir: string;
let clone: string;
let installed: string;
let bin: string;
let packedFiles: string[];

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  [field: string]: unknown;
}

interface PackageJson {
  version: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
  license: string;
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A lockfile for an app that depends on the tarball: the tarball itself plus the runtime
 * subset of the clone's lockfile. `npm ci --offline` then installs from the cache `npm ci`
 * filled (by integrity), without asking the registry for metadata — so this works on a machine
 * with no network, as a user's CI would install the package from its lockfile.
 */
function appLockfile(tarball: string): unknown {
  const lock = JSON.parse(readFileSync(path.join(clone, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const pkg = JSON.parse(readFileSync(path.join(clone, 'package.json'), 'utf8')) as PackageJson;
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
  dir = mkdtempSync(path.join(tmpdir(), 'cometkeys-pack-'));
  // HEAD of the repository this test runs in (a CI checkout or a developer's clone).
  const top = run('git', ['rev-parse', '--show-toplevel'], HERE).trim();
  clone = path.join(dir, 'clone');
  run('git', ['clone', '--quiet', top, clone], dir);
  expect(existsSync(path.join(clone, 'dist'))).toBe(false);
  run(npm, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], clone);
  // Not --ignore-scripts: prepack is what builds dist/.
  const out = run(npm, ['pack', '--json', '--pack-destination', dir], clone);
  const [packed] = JSON.parse(out.slice(out.search(/^\[/m))) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (!packed) throw new Error(`npm pack printed no file: ${out}`);
  packedFiles = packed.files.map((f) => f.path).sort();

  const tarball = `../${packed.filename}`;
  const app = path.join(dir, 'app');
  mkdirSync(app);
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
  run(npm, ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  installed = path.join(app, 'node_modules', 'cometkeys');
  bin = path.join(app, 'node_modules', '.bin', 'cometkeys');
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the tarball of a fresh clone', () => {
  it('holds exactly the package: built code with types, no source maps, tests or sources', () => {
    expect([...new Set(packedFiles.map((f) => f.split('/')[0]))].sort()).toEqual(SHIPPED_TOP_LEVEL);
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
    expect(packedFiles).toContain('dist/cli/main.js');
    expect(packedFiles).toContain('bin/cometkeys.js');
    // The bundled CLI that bin/ runs (scripts/bundle-cli.mjs), with its licence notices.
    expect(packedFiles).toContain('dist/cli-bundle/main.js');
    expect(packedFiles).toContain(`dist/cli-bundle/${NOTICES}`);
    expect(packedFiles.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(packedFiles.filter((f) => /\.test\.|(^|\/)test\//.test(f))).toEqual([]);
    // The schema validators the build writes (scripts/build-validators.mjs).
    expect(packedFiles).toContain('dist/validators/keys.generated.cjs');
    // The help the bin prints without loading the CLI (scripts/build-help.mjs).
    expect(packedFiles).toContain('dist/cli/help.json');
    expect(packedFiles).toContain('bin/package.json');
    // Every dist file comes from a file in the clone's src/ (nothing stale or foreign); a
    // generated validator from the table in src/validators/index.ts, the help from the program;
    // the bundle's chunks from scripts/bundle-cli.mjs.
    const bundle = packedFiles.filter((p) => p.startsWith('dist/cli-bundle/'));
    expect(
      bundle.filter((f) => !/^dist\/cli-bundle\/([\w-]+\.js|vendor\/[\w.-]+\.cjs)$/.test(f)),
    ).toEqual([`dist/cli-bundle/${NOTICES}`]);
    for (const f of packedFiles.filter((p) => p.startsWith('dist/') && !bundle.includes(p))) {
      const source = /^dist\/validators\/\w+\.generated\.cjs$/.test(f)
        ? 'src/validators/index.ts'
        : f === 'dist/cli/help.json'
          ? 'src/cli/prerendered-help.ts'
          : f.replace(/^dist\//, 'src/').replace(/\.d\.ts$|\.js$/, '.ts');
      expect(existsSync(path.join(clone, source)), f).toBe(true);
    }
  });

  it('ships the MIT LICENSE that package.json names', () => {
    const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
      license: string;
    };
    expect(pkg.license).toBe('MIT');
    const license = readFileSync(path.join(installed, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} cometkeys contributors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS"');
  });

  it('names each package bundled into the CLI in its notices, with version and licence text', () => {
    const chunks = packedFiles
      .filter((f) => f.startsWith('dist/cli-bundle/') && /\.c?js$/.test(f))
      .map((f) => path.join(installed, f));
    // Each bundled file's package: its directory below the last node_modules/, in the clone.
    const expected = new Set(
      bundledFiles(chunks).map((f) => {
        const at = f.lastIndexOf('node_modules/') + 'node_modules/'.length;
        const parts = f.slice(at).split('/');
        const dir = f.slice(0, at) + parts.slice(0, parts[0]?.startsWith('@') ? 2 : 1).join('/');
        const pkg = JSON.parse(readFileSync(path.join(clone, dir, 'package.json'), 'utf8')) as {
          name: string;
          version: string;
        };
        return `${pkg.name} ${pkg.version}`;
      }),
    );
    expect([...expected].some((p) => p.startsWith('commander '))).toBe(true);
    expect([...expected].some((p) => p.startsWith('typescript '))).toBe(false);
    const notices = readFileSync(path.join(installed, 'dist', 'cli-bundle', NOTICES), 'utf8');
    const sections = notices.split(/^## /m).slice(1);
    expect(new Set(sections.map((section) => section.split('\n')[0]))).toEqual(expected);
    for (const section of sections) {
      expect(section).toMatch(/\n\nLicense: \S+\n\n```text\n[^`]*\S[^`]*\n```\n/);
    }
  });

  it("resolves the README's relative links inside the package, but for repository-only ones", () => {
    const readme = readFileSync(path.join(installed, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1] ?? '')
      .filter((t) => !/^[a-z]+:/i.test(t));
    expect(targets.filter((t) => t.startsWith('docs/')).length).toBeGreaterThan(0);
    const broken = targets.filter(
      (t) =>
        !REPOSITORY_ONLY_LINKS.some((re) => re.test(t)) && !existsSync(path.join(installed, t)),
    );
    expect(broken).toEqual([]);
  });
});

describe('the installed CLI', () => {
  it('prints its version', async () => {
    const run = await runProcess(bin, ['--version'], { inheritEnv: true });
    expect(run.code, run.stderr).toBe(0);
    const version = run.stdout.trim();
    const pkg = JSON.parse(readFileSync(path.join(clone, 'package.json'), 'utf8')) as PackageJson;
    expect(version).toBe(pkg.version);
  });

  it("prints the help commander prints, from the tarball's pre-rendered file", async () => {
    for (const args of [['--help'], ['plan', '--help']]) {
      const run = await runProcess(bin, args, { inheritEnv: true });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe((await renderCall(args, 80)).stdout);
    }
  });

  it('validates the example key file it ships', async () => {
    expect(existsSync(path.join(installed, 'schemas', 'keys.schema.json'))).toBe(true);
    expect(existsSync(path.join(installed, 'schemas', 'plan.schema.json'))).toBe(true);
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

  it('runs the bundled CLI: a validate loads dist/cli-bundle/, no module of dist/cli/', async () => {
    const trace = esmTrace(dir);
    const run = await runProcess(
      process.execPath,
      [...trace.nodeArgs, bin, 'validate', '-f', path.join(installed, 'keys.example.yaml')],
      { env: trace.env },
    );
    expect(run.code, run.stderr).toBe(0);
    const urls = trace.urls().filter((u) => u.startsWith('file:'));
    const bundleDir = pathToFileURL(path.join(installed, 'dist', 'cli-bundle')).href;
    expect(urls).toContain(`${bundleDir}/main.js`);
    expect(urls.filter((u) => u.includes('/dist/cli/'))).toEqual([]);
  });

  it('plans the example key file against an emulator: changes, exit 2, only reads', async () => {
    const emu = await startEmulator({ seed: [{ id: 1234, name: 'ci' }] });
    try {
      const result = await runProcess(
        bin,
        ['plan', '--detailed-exitcode', '-f', path.join(installed, 'keys.example.yaml')],
        { cwd: dir, env: { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token } },
      );
      expect(result.code, result.stdout).toBe(2);
      expect(result.stdout).toContain('ci-runner');
      expect(emu.requests().length).toBeGreaterThan(0);
      expect(emu.requests().every((r) => r.method === 'GET')).toBe(true);
    } finally {
      await emu.close();
    }
  });

  it('runs its emulator, which answers an authenticated list', async () => {
    const emulator = await startProcess(bin, ['emulator', '--port', '0', '--seed', '3']);
    try {
      const { url, token } = JSON.parse(emulator.firstLine) as { url: string; token: string };
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
