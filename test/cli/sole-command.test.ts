/**
 * Only the command that runs is built (docs/performance.md#start-up): for an argv that certainly
 * runs one command, runCli builds that command alone, and what it prints and returns is exactly
 * what the whole program gives; help, completion, unknown commands and mistakes before the
 * command get the whole program.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandNames, commandsBuiltFor, runCli } from '../../src/cli/main.js';
import { captureIo } from '../helpers/io.js';
import { offline } from '../helpers/offline.js';

offline();

const dir = mkdtempSync(path.join(tmpdir(), 'cometkeys-sole-command-'));
writeFileSync(path.join(dir, 'package.json'), '{"name":"fixture"}\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], wholeProgram: boolean) {
  const io = captureIo({ cwd: dir, env: { NO_COLOR: '1' } });
  const code = await runCli(argv, io, { wholeProgram });
  return { code, out: io.out(), err: io.err() };
}

describe('the sole-command build', () => {
  it.each([
    [['plan', '-f', 'k.yaml'], 'plan'],
    [['--config', 'c.yaml', '--quiet', 'apply', 'p.json'], 'apply'],
    [['--parallelism=3', '--no-color', 'validate'], 'validate'],
    [['--base-url', 'plan', 'drift'], 'drift'],
    [['emulator', '--port', '0'], 'emulator'],
  ])('%j builds only %s', (argv, name) => {
    expect(commandsBuiltFor(argv)).toEqual([name]);
  });

  it.each([
    [[]],
    [['help', 'plan']],
    [['plan', '--help']],
    [['plan', '-h']],
    [['validate', '-fh']],
    [['completion', 'bash']],
    [['plam']],
    [['--version']],
    [['--version', 'plan']],
    [['-quiet', 'plan']],
    [['--quiet=1', 'plan']],
    [['--colour', 'plan']],
    [['--', 'plan']],
    [['--config']],
  ])('%j builds every command', (argv) => {
    expect(commandsBuiltFor(argv)).toEqual(commandNames());
  });

  it.each([
    [['plan', '--detailed-exitcod']],
    [['plan', '--bogus']],
    [['plan', '-out', 'x.json']],
    [['--config', 'c.yaml', 'plan', '-file', 'k.yaml']],
    [['--parallelism', '0', 'plan']],
    [['--parallelism=abc', 'validate']],
    [['validate', '--format', 'yaml']],
    [['validate', '-f']],
    [['validate', 'extra']],
    [['validate', '-f', 'missing.yaml']],
    [['--quiet', 'validate', '-f', 'missing.yaml', '--format', 'json']],
    [['apply', 'a.json', 'b.json']],
    [['apply', '--force']],
    [['show']],
    [['deliver']],
    [['drift', '--targ', 'x']],
    [['report', '--format', 'xml']],
    [['export', '--out']],
    [['schema', '--bogus']],
    [['emulator', '--status-mode', 'x']],
    [['plam']],
  ])('%j: the same output and exit code as the whole program', async (argv) => {
    const sole = await run(argv, false);
    expect(sole).toEqual(await run(argv, true));
    expect(sole.code).not.toBe(0);
  });
});
