#!/usr/bin/env node
// `cometkeys --version` answers from package.json before loading the CLI, so scripts that
// probe the version pay only Node's own start-up.
const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // Node ≥ 22.1 can keep the compiled code of the modules loaded below on disk between runs
  // (NODE_COMPILE_CACHE chooses the directory, NODE_DISABLE_COMPILE_CACHE=1 turns it off);
  // older Node has no such function and starts as before (docs/performance.md#start-up).
  const { default: nodeModule } = await import('node:module');
  nodeModule.enableCompileCache?.();
  const { runMain } = await import('../dist/cli-bundle/main.js');
  runMain();
}
