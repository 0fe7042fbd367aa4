#!/usr/bin/env node
// The CLI's entry, CommonJS (bin/package.json) so that the answers below cost no ES module
// loader (docs/performance.md#start-up):
// - `--version` from package.json;
// - the help that `npm run build` rendered from the real commander program into
//   dist/cli/help.json (`--help`, `help CMD`, `CMD --help`, a bare `cometkeys`), when the stream
//   is not a terminal or the terminal's width is one at which commander prints that very text;
// - everything else by the CLI itself (dist/cli-bundle/main.js, the bundle of dist/cli/main.js).
'use strict';
const { readFileSync } = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);

/** The pre-rendered answer for these args: the text, its stream and exit code; or undefined. */
function prerendered() {
  // Every call the file holds has at most two arguments, one of them help, --help or -h (or none).
  const helpWords = ['help', '--help', '-h'];
  if (args.length > 2 || (args.length > 0 && !args.some((a) => helpWords.includes(a)))) {
    return undefined;
  }
  let file;
  try {
    file = JSON.parse(readFileSync(path.join(__dirname, '../dist/cli/help.json'), 'utf8'));
  } catch {
    return undefined; // not built: the CLI below reports it
  }
  const call = Object.hasOwn(file.calls, JSON.stringify(args))
    ? file.calls[JSON.stringify(args)]
    : undefined;
  if (call === undefined) return undefined;
  const stream = call.stream === 'stderr' ? process.stderr : process.stdout;
  // Commander wraps to the terminal's columns, and to 80 when the stream is not a terminal.
  const width = (stream.isTTY ? stream.columns : undefined) ?? 80;
  const help = file.help[call.help];
  const text = width === 80 ? help.text : width >= help.wideFrom ? help.wide : undefined;
  return text === undefined ? undefined : { text, stream, code: call.code };
}

const answer =
  args.length === 1 && args[0] === '--version'
    ? {
        text: `${JSON.parse(readFileSync(path.join(__dirname, '../package.json'), 'utf8')).version}\n`,
        stream: process.stdout,
        code: 0,
      }
    : prerendered();

if (answer !== undefined) {
  // A reader that stops early (`cometkeys --help | head`) closes the pipe: stop quietly.
  answer.stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(answer.code);
    throw err;
  });
  answer.stream.write(answer.text);
  process.exitCode = answer.code;
} else {
  // Node ≥ 22.1 can keep the compiled code of the modules loaded below on disk between runs
  // (NODE_COMPILE_CACHE chooses the directory, NODE_DISABLE_COMPILE_CACHE=1 turns it off);
  // older Node has no such function and starts as before (docs/performance.md#start-up).
  require('node:module').enableCompileCache?.();
  import('../dist/cli-bundle/main.js').then(({ runMain }) => runMain());
}
