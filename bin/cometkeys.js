#!/usr/bin/env node
// `cometkeys --version` answers from package.json before loading the CLI, so scripts that
// probe the version pay only Node's own start-up.
const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { runMain } = await import('../dist/cli/main.js');
  runMain();
}
