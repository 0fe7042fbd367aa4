// Writes dist/cli/help.json (run by `npm run build`, after tsc): the help texts commander prints
// for `--help`, `help CMD`, `CMD --help` and a bare `cometkeys`, rendered from the built program,
// so that bin/cometkeys.js answers them without loading the CLI (docs/performance.md#start-up).
// Never edit the output: change the program or src/cli/help.ts and rebuild.
// `--check` writes nothing and exits 1 when a rebuild would change the file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { prerenderHelp } from '../dist/cli/prerendered-help.js';

const file = new URL('../dist/cli/help.json', import.meta.url);
const content = `${JSON.stringify(await prerenderHelp())}\n`;
if (!process.argv.includes('--check')) writeFileSync(file, content);
else if (!existsSync(file) || readFileSync(file, 'utf8') !== content) {
  process.stderr.write(`out of date (run npm run build): ${fileURLToPath(file)}\n`);
  process.exitCode = 1;
}
