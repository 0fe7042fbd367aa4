/**
 * The help bin/cometkeys.js prints without loading the CLI (dist/cli/help.json, written by
 * scripts/build-help.mjs) is what commander prints: every command's help rendered through the
 * program here must equal the built file, and the built bin must print, on the same stream and
 * with the same exit code, what the program prints, at 80 columns (not a terminal) and on
 * terminals of other widths (faked by a preload), and run the CLI only where it must. Needs
 * `npm run build` first.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runProcess } from '../helpers/cli.js';
import { esmTrace } from '../helpers/loaded-modules.js';
import { REPO_ROOT, tempDirs } from '../helpers/temp.js';
import { commandNames } from '../../src/cli/main.js';
import {
  MAIN_HELP,
  prerenderHelp,
  renderCall,
  type PrerenderedHelp,
} from '../../src/cli/prerendered-help.js';

const newDir = tempDirs('prerendered-help');

const built = (): PrerenderedHelp =>
  JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'dist', 'cli', 'help.json'), 'utf8'),
  ) as PrerenderedHelp;

/** The canonical argv that prints the help of `name`. */
const helpArgv = (name: string): string[] => (name === MAIN_HELP ? ['help'] : ['help', name]);

describe('the pre-rendered help', () => {
  it('is what a build from the current source writes', async () => {
    expect(built()).toEqual(await prerenderHelp());
  });

  it("holds commander's help of the program and of every command, at 80 columns and wide", async () => {
    const file = built();
    const names = [MAIN_HELP, ...commandNames()];
    expect(Object.keys(file.help).sort()).toEqual([...names].sort());
    for (const name of names) {
      const entry = file.help[name]!;
      const at = async (width: number) => (await renderCall(helpArgv(name), width)).stdout;
      expect(await at(80), name).toBe(entry.text);
      expect(entry.text, name).toMatch(/^Usage: cometkeys /);
      // From wideFrom on commander prints the wide text at every width; one column less differs.
      for (let width = entry.wideFrom; width <= 240; width += 7) {
        expect(await at(width), `${name} at ${width}`).toBe(entry.wide);
      }
      expect(await at(entry.wideFrom - 1), name).not.toBe(entry.wide);
    }
  });

  it('answers only the help calls: no argument, --help, -h, help, help CMD, CMD --help, CMD -h', () => {
    const expected = [[], ['--help'], ['-h'], ['help']].map((a) => JSON.stringify(a));
    for (const name of commandNames()) {
      expected.push(
        ...[
          ['help', name],
          [name, '--help'],
          [name, '-h'],
        ].map((a) => JSON.stringify(a)),
      );
    }
    expect(Object.keys(built().calls).sort()).toEqual(expected.sort());
    expect(built().calls['[]']).toEqual({ help: MAIN_HELP, stream: 'stderr', code: 1 });
    expect(built().calls['["plan","--help"]']).toEqual({ help: 'plan', stream: 'stdout', code: 0 });
  });
});

/** A preload: stdout and stderr look like terminals FAKE_COLUMNS wide (unless 0). */
const PRELOAD = `
const columns = Number(process.env.FAKE_COLUMNS);
for (const stream of columns === 0 ? [] : [process.stdout, process.stderr]) {
  Object.defineProperty(stream, 'isTTY', { value: true });
  Object.defineProperty(stream, 'columns', { value: columns });
}
`;

/**
 * Runs the built bin with stdout and stderr faked as terminals `columns` wide (0: pipes); says
 * whether it ran the CLI (imported any ES module: the bin is CommonJS, the CLI's chunks are not).
 */
async function runBin(args: string[], columns: number) {
  const dir = newDir();
  const preload = path.join(dir, 'preload.cjs');
  writeFileSync(preload, PRELOAD);
  const esm = esmTrace(dir);
  const run = await runProcess(
    process.execPath,
    ['--require', preload, ...esm.nodeArgs, BIN, ...args],
    { env: { FAKE_COLUMNS: String(columns), ...esm.env } },
  );
  const cliLoaded = esm.urls().some((u) => u.startsWith('file:') && u.includes('/dist/'));
  return { ...run, cliLoaded };
}

describe('the built bin', () => {
  const cases: [string[], number, boolean][] = [
    [['--help'], 0, false],
    [['help', 'plan'], 0, false],
    [['plan', '--help'], 0, false],
    [[], 0, false],
    [['--help'], 80, false],
    [['--help'], 200, false],
    [['plan', '-h'], 120, false],
    // Widths at which commander's text was not rendered: the CLI itself answers.
    [['--help'], 90, true],
    [['emulator', '--help'], 120, true],
    [['help', 'plan'], 60, true],
    // Not a help call the file holds: the CLI itself answers (and fails as before).
    [['--help', 'extra'], 0, true],
    [['help', 'nope'], 0, true],
  ];
  it.each(cases)('%j at width %i prints what commander prints', async (args, columns, cli) => {
    const run = await runBin(args, columns);
    const expected = await renderCall(args, columns === 0 ? 80 : columns);
    expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual(expected);
    expect(run.cliLoaded).toBe(cli);
  });
});
