// Bundles the built CLI (dist/cli/main.js, tsc output) with its dependencies into
// dist/cli-bundle/ (run by `npm run build`, after tsc and the validators), which bin/cometkeys.js
// runs (docs/performance.md#bundle-shape):
// - main.js: one ES module, the CLI and the packages every run needs (commander, js-yaml, p-limit),
//   so that a run resolves and reads one file instead of a chunk per lazily imported module;
// - vendor/<package>.cjs: one CommonJS file per package only some runs need (yaml off the fast
//   path and for YAML configs, cosmiconfig, tinyglobby, fastest-levenshtein, ipaddr.js), required
//   on first use, so that the other runs neither resolve nor compile it.
// Not minified and without source maps: stack traces name the functions and point at readable
// lines, each module under a comment naming its dist/ or node_modules/ file.
//
// main.js sits two levels below the package root, as dist/cli/ and dist/validators/ do, so the
// paths the code resolves from import.meta.url (package.json, schemas/, dist/validators/) hold from
// both layouts. Also writes dist/cli-bundle/THIRD-PARTY-NOTICES.md: each bundled package's name,
// version, licence and licence text; the build fails when a bundled package has no licence file.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const OUT = path.join(ROOT, 'dist', 'cli-bundle');
const NOTICES = 'THIRD-PARTY-NOTICES.md';

// The bundled CommonJS packages (commander, cosmiconfig...) require Node's modules, and
// cosmiconfig requires typescript lazily (for a .ts config file): a real `require` serves them.
const BANNER =
  "import { createRequire as __cometkeysCreateRequire } from 'node:module';\n" +
  'const require = __cometkeysCreateRequire(import.meta.url);';

// commander requires node:child_process (with net and dgram) at load, for executable
// subcommands, which cometkeys has none of: the bundle requires it at its first spawn instead.
const COMMANDER_SPAWN = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(COMMANDER_SPAWN)) throw new Error(`${args.path}: no "${COMMANDER_SPAWN}"`);
      const lazy =
        "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: text.replace(COMMANDER_SPAWN, lazy), loader: 'js' };
    });
  },
};

const VENDOR_DIR = 'vendor';
/** The packages only some runs load (docs/performance.md#bundle-shape). */
const VENDORED = ['yaml', 'tinyglobby', 'fastest-levenshtein', 'ipaddr.js', 'cosmiconfig'];
const requireHere = createRequire(path.join(ROOT, 'package.json'));
const vendorFile = (name) => `./${VENDOR_DIR}/${name}.cjs`;

/**
 * A small module that requires `specifier` when it is evaluated and re-exports what `exportsOf`
 * (a package or Node module as this script loads it) exports: a require, not an import of a .cjs
 * file, which Node 20 would scan for its export names first.
 */
function requireShim(specifier, exportsOf) {
  const names = Object.keys(requireHere(exportsOf)).filter((n) => n !== 'default');
  return {
    contents:
      `const m = require(${JSON.stringify(specifier)});\n` +
      `export default m;\nexport const { ${names.join(', ')} } = m;\n`,
    loader: 'js',
  };
}

/**
 * The packages loaded on first use go to files of their own, required (CommonJS) from the bundle
 * only when a run needs them: neither resolved nor compiled otherwise. A `require(...)` of one
 * becomes a require of its file; an `import(...)` (cosmiconfig) or a static import (export, the
 * emulator) a small module that requires the file and re-exports its names (requireShim).
 */
const vendorPlugin = {
  name: 'vendor',
  setup(b) {
    const filter = new RegExp(`^(${VENDORED.map((n) => n.replace('.', '\\.')).join('|')})$`);
    b.onResolve({ filter: /^\.\/vendor\// }, (args) => ({ path: args.path, external: true }));
    b.onResolve({ filter }, (args) => {
      if (args.importer.includes('node_modules')) return undefined;
      if (args.kind === 'require-call') return { path: vendorFile(args.path), external: true };
      return { path: args.path, namespace: 'vendor-shim' };
    });
    b.onLoad({ filter: /.*/, namespace: 'vendor-shim' }, (args) =>
      requireShim(vendorFile(args.path), args.path),
    );
  },
};

/**
 * One file loads, at its start, every Node module that a module of it imports statically: an
 * import of a Node module that Node does not load anyway (node:http, node:https, node:zlib...) is
 * made a small module that requires it, evaluated with the module that imports it, so that a
 * lazily imported command loads its Node modules only when it runs, as its own chunk did.
 */
const EAGER_BUILTINS = new Set(['node:fs', 'node:path', 'node:url', 'node:module']);
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      if (args.kind !== 'import-statement' || args.importer.includes('node_modules')) {
        return undefined;
      }
      if (EAGER_BUILTINS.has(args.path)) return undefined;
      return { path: args.path, namespace: 'builtin-shim' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-shim' }, (args) =>
      requireShim(args.path, args.path),
    );
  },
};

rmSync(OUT, { recursive: true, force: true });
const vendorResult = await build({
  absWorkingDir: ROOT,
  entryPoints: Object.fromEntries(VENDORED.map((n) => [n, requireHere.resolve(n)])),
  outdir: path.join(OUT, VENDOR_DIR),
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.12',
  external: ['typescript'],
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: ['dist/cli/main.js'],
  outdir: OUT,
  entryNames: '[name]',
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20.12',
  // Not bundled: the user's own typescript (optional, for a .ts config file).
  external: ['typescript'],
  banner: { js: BANNER },
  plugins: [lazyChildProcess, vendorPlugin, lazyBuiltins],
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

/** The directory of the package that holds `file` (a path below node_modules/). */
function packageDirOf(file) {
  const parts = file.split('/');
  const at = parts.lastIndexOf('node_modules');
  const depth = parts[at + 1]?.startsWith('@') ? 3 : 2;
  return parts.slice(0, at + depth).join('/');
}

function licenceText(dir) {
  const file = readdirSync(path.join(ROOT, dir)).find((f) => /^(licen[cs]e|copying)/i.test(f));
  if (!file) throw new Error(`${dir}: no licence file to copy into ${NOTICES}`);
  return readFileSync(path.join(ROOT, dir, file), 'utf8').trim();
}

const dirs = [
  ...new Set(
    [...Object.keys(result.metafile.inputs), ...Object.keys(vendorResult.metafile.inputs)]
      .filter((f) => f.includes('node_modules/'))
      .map(packageDirOf),
  ),
];
const packages = dirs
  .map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
    return { name: pkg.name, version: pkg.version, license: pkg.license, text: licenceText(dir) };
  })
  .sort((a, b) => a.name.localeCompare(b.name));
const notices = [
  '# Third-party notices',
  '',
  'The files of dist/cli-bundle/ contain code of these packages, bundled by scripts/bundle-cli.mjs.',
  ...packages.flatMap((p) => [
    '',
    `## ${p.name} ${p.version}`,
    '',
    `License: ${p.license}`,
    '',
    '```text',
    p.text,
    '```',
  ]),
  '',
].join('\n');
writeFileSync(path.join(OUT, NOTICES), notices);
if (!existsSync(path.join(OUT, 'main.js'))) throw new Error('bundle: no main.js written');
