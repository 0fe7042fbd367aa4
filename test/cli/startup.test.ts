/**
 * What the built CLI loads before it answers (docs/performance.md#start-up): `--help` no package
 * and no ES module (the build's pre-rendered help), other usage only the bundle's main.js
 * (commander and the packages every run needs); `validate` no
 * ajv compiler (the build's validators), no API client libraries, cosmiconfig only when a config
 * file could be found, and evaluates yaml, ipaddr.js, tinyglobby and fastest-levenshtein only
 * when the key files need them. Checked on the packages a run loaded: the CommonJS ones (a
 * preload lists `require.cache` at exit) and those bundled into the files of dist/cli-bundle/ it
 * imported or required (main.js, vendor/*.cjs; test/helpers/loaded-modules.ts); needs
 * `npm run build` first.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, runProcess } from '../helpers/cli.js';
import { bundleChunks, bundledFiles, esmTrace } from '../helpers/loaded-modules.js';
import { REPO_ROOT, tempDirs } from '../helpers/temp.js';

const newDir = tempDirs('startup');

const PRELOAD = `
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  const loaded = Object.keys(require.cache)
    .map((f) => f.split('node_modules/').pop())
    .filter((f, i, all) => all.indexOf(f) === i);
  writeFileSync(process.env.LOADED_FILE, loaded.join('\\n'));
});
`;

const KEY_FILE = 'version: 1\nkeys:\n  - name: ci\n    quota_budget: "$5"\n';

/** What one run loaded: files required (require.cache) and node_modules files in its chunks. */
interface Loaded {
  required: string[];
  bundled: string[];
}

/** Runs `entry` (the built CLI) in `dir`; returns the module files (below node_modules/) it loaded. */
async function loadsOf(dir: string, args: string[], code = 0, entry = BIN): Promise<Loaded> {
  const preload = path.join(dir, 'preload.cjs');
  const listFile = path.join(dir, 'loaded.txt');
  writeFileSync(preload, PRELOAD);
  const esm = esmTrace(dir);
  const run = await runProcess(
    process.execPath,
    ['--require', preload, ...esm.nodeArgs, entry, ...args],
    { cwd: dir, env: { LOADED_FILE: listFile, ...esm.env } },
  );
  expect(run.code, run.stderr).toBe(code);
  const requiredFiles = readFileSync(listFile, 'utf8').split('\n');
  // The bundle's main.js (imported) and the files of its vendor/ the run required.
  const bundled = bundledFiles(bundleChunks(esm.urls(), requiredFiles)).map(
    (f) => f.split('node_modules/').pop() ?? f,
  );
  return { required: requiredFiles, bundled };
}

async function loadedBy(dir: string, args: string[], code = 0): Promise<string[]> {
  const { required, bundled } = await loadsOf(dir, args, code);
  return [...required, ...bundled];
}

/**
 * The packages loaded on first use sit in the bundle's chunks whether or not a run evaluates
 * them; the tsc output (dist/cli/main.js, run by this entry) requires them through
 * createRequire, so require.cache shows which a run evaluated.
 */
function tscEntry(dir: string): string {
  const entry = path.join(dir, 'tsc-entry.mjs');
  const main = pathToFileURL(path.join(REPO_ROOT, 'dist', 'cli', 'main.js')).href;
  writeFileSync(entry, `import { runMain } from ${JSON.stringify(main)};\nrunMain();\n`);
  return entry;
}

const LAZY_PACKAGES = ['yaml', 'ipaddr.js', 'fastest-levenshtein', 'tinyglobby', 'picomatch'];

const packagesOf = (files: string[]) =>
  new Set(files.filter((f) => !f.startsWith('/')).map((f) => f.split('/')[0]));

describe('start-up of the built CLI', () => {
  it('--help, help plan and plan --help load no package and none of dist/', async () => {
    for (const args of [['--help'], ['help', 'plan'], ['plan', '--help']]) {
      const files = await loadedBy(newDir(), args);
      expect(files.filter((f) => !f.startsWith('/') || f.includes('/dist/'))).toEqual([]);
    }
  });

  it("a usage error loads only the packages of the bundle's main.js, none of its vendor/", async () => {
    const files = await loadedBy(newDir(), ['help', 'nope'], 1);
    // main.js (scripts/bundle-cli.mjs) carries commander and what every key file needs.
    expect([...packagesOf(files)].sort()).toEqual([
      'commander',
      'js-yaml',
      'p-limit',
      'yocto-queue',
    ]);
    expect(files.filter((f) => f.includes('/vendor/'))).toEqual([]);
  });

  it('validate of a plain key file loads js-yaml and the built key-file validator, not yaml, ajv, cosmiconfig or the API', async () => {
    const dir = newDir();
    writeFileSync(path.join(dir, 'package.json'), '{"name":"project"}\n');
    writeFileSync(path.join(dir, 'keys.yaml'), KEY_FILE);
    const files = await loadedBy(dir, ['validate']);
    const packages = packagesOf(files);
    expect(packages.has('js-yaml')).toBe(true);
    expect(packages.has('yaml')).toBe(false);
    expect(files.some((f) => f.endsWith('keys.generated.cjs'))).toBe(true);
    // Of ajv only the small run-time helpers the generated code requires.
    expect(files.filter((f) => f.startsWith('ajv/') && !f.startsWith('ajv/dist/runtime/'))).toEqual(
      [],
    );
    for (const name of ['cosmiconfig', 'fast-json-patch', 'ajv-formats']) {
      expect(packages.has(name), name).toBe(false);
    }
  });

  it('validate of a plain key file evaluates none of the packages loaded on first use', async () => {
    const dir = newDir();
    writeFileSync(path.join(dir, 'package.json'), '{"name":"project"}\n');
    writeFileSync(path.join(dir, 'keys.yaml'), KEY_FILE);
    const { required } = await loadsOf(dir, ['validate'], 0, tscEntry(dir));
    expect(packagesOf(required).has('commander')).toBe(true);
    for (const name of LAZY_PACKAGES) expect(packagesOf(required).has(name), name).toBe(false);
  });

  it('validate evaluates each such package where the key files need it; the bundle carries them', async () => {
    const dir = newDir();
    writeFileSync(path.join(dir, 'package.json'), '{"name":"project"}\n');
    mkdirSync(path.join(dir, 'keys'));
    // An anchor is off the fast path (yaml), an allowed IP needs ipaddr.js, a glob tinyglobby.
    writeFileSync(
      path.join(dir, 'keys', 'a.yaml'),
      'version: 1\nkeys:\n  - name: ci\n    quota_budget: &b "$5"\n    allow_ips: ["10.0.0.1"]\n',
    );
    // A misspelt field is refused with a suggestion (fastest-levenshtein).
    writeFileSync(path.join(dir, 'typo.yaml'), KEY_FILE.replace('quota_budget', 'quota_budgt'));
    const globbed = await loadsOf(dir, ['validate', '-f', 'keys/*.yaml'], 0, tscEntry(dir));
    for (const name of ['yaml', 'ipaddr.js', 'tinyglobby', 'picomatch']) {
      expect(packagesOf(globbed.required).has(name), name).toBe(true);
    }
    expect(packagesOf(globbed.required).has('fastest-levenshtein')).toBe(false);
    const typo = await loadsOf(dir, ['validate', '-f', 'typo.yaml'], 1, tscEntry(dir));
    expect(packagesOf(typo.required).has('fastest-levenshtein')).toBe(true);
    // The bundled CLI requires them from its vendor/ files, never from node_modules/, and only
    // those the run needs.
    for (const args of [
      ['validate', '-f', 'keys/*.yaml'],
      ['validate', '-f', 'typo.yaml'],
    ]) {
      const typoRun = args[2] === 'typo.yaml';
      const bundled = await loadsOf(dir, args, typoRun ? 1 : 0);
      for (const name of LAZY_PACKAGES) {
        expect(packagesOf(bundled.required).has(name), name).toBe(false);
        const needed = typoRun ? name === 'fastest-levenshtein' : name !== 'fastest-levenshtein';
        expect(packagesOf(bundled.bundled).has(name), name).toBe(needed);
      }
    }
  });

  it('validate loads cosmiconfig when package.json carries a "cometkeys" setting', async () => {
    const dir = newDir();
    writeFileSync(path.join(dir, 'package.json'), '{"name":"p","cometkeys":{"retries":1}}\n');
    writeFileSync(path.join(dir, 'keys.yaml'), KEY_FILE);
    expect(packagesOf(await loadedBy(dir, ['validate'])).has('cosmiconfig')).toBe(true);
  });

  it('validate loads cosmiconfig when a config file is there', async () => {
    const dir = newDir();
    writeFileSync(path.join(dir, 'package.json'), '{"name":"project"}\n');
    writeFileSync(path.join(dir, '.cometkeysrc.yaml'), 'retries: 2\n');
    writeFileSync(path.join(dir, 'keys.yaml'), KEY_FILE);
    expect(packagesOf(await loadedBy(dir, ['validate'])).has('cosmiconfig')).toBe(true);
  });
});
