/**
 * `cometkeys completion bash|zsh|fish` (docs/commands.md#shell-completion): the scripts are
 * generated from the same commander program as --help, so every option --help lists completes.
 * bash is on every machine and is driven for real; zsh and fish are checked where installed.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBash, runCli, runProcess } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

const COMMANDS = ['validate', 'plan', 'apply', 'deliver', 'show', 'drift', 'export', 'emulator'];

function installed(shell: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let dir: string;
let bashScript: string;
beforeAll(async () => {
  dir = makeTempDir('cometkeys-completion-');
  writeFileSync(path.join(dir, 'plan.json'), '{}');
  for (const shell of ['bash', 'zsh', 'fish']) {
    const run = await runCli(['completion', shell]);
    expect(run.code).toBe(0);
    writeFileSync(path.join(dir, `cometkeys.${shell}`), run.stdout);
  }
  bashScript = path.join(dir, 'cometkeys.bash');
});

/** What bash completes for the command line `words` (the last word is the one being typed). */
async function bashComplete(words: string[]): Promise<string[]> {
  const array = words.map((w) => `'${w}'`).join(' ');
  const run = await runBash(
    `source '${bashScript}'; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _cometkeys; printf '%s\\n' "\${COMPREPLY[@]}"`,
    { cwd: dir },
  );
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter((l) => l !== '');
}

/** The long options a command's --help lists. */
async function helpOptions(command: string): Promise<string[]> {
  const run = await runCli([command, '--help']);
  return [...run.stdout.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!);
}

describe('bash completion', () => {
  it('completes the command names', async () => {
    const words = await bashComplete(['cometkeys', '']);
    for (const c of [...COMMANDS, 'completion']) expect(words).toContain(c);
    expect(await bashComplete(['cometkeys', 'pl'])).toEqual(['plan']);
  });

  it.each(COMMANDS)('completes every option `%s --help` lists', async (command) => {
    const options = await helpOptions(command);
    expect(options.length).toBeGreaterThan(0);
    const words = await bashComplete(['cometkeys', command, '--']);
    for (const o of options) expect(words).toContain(o);
  });

  it('completes the values an option takes, per command', async () => {
    expect(await bashComplete(['cometkeys', 'plan', '--format', ''])).toEqual([
      'text',
      'json',
      'markdown',
    ]);
    expect(await bashComplete(['cometkeys', 'apply', '--format', ''])).toEqual(['text', 'json']);
    expect(await bashComplete(['cometkeys', 'completion', ''])).toEqual(
      expect.arrayContaining(['bash', 'zsh', 'fish']),
    );
  });

  it('finds the command after global options and their values', async () => {
    expect(await bashComplete(['cometkeys', '--config', 'x.json', 'plan', '--det'])).toEqual([
      '--detailed-exitcode',
    ]);
  });

  it('completes paths where a command takes a plan or a file', async () => {
    expect(await bashComplete(['cometkeys', 'apply', 'pla'])).toContain('plan.json');
    expect(await bashComplete(['cometkeys', 'plan', '--out', 'pla'])).toContain('plan.json');
  });
});

describe.skipIf(!installed('zsh'))('zsh completion', () => {
  it('loads in zsh and defines the completion function', async () => {
    const run = await runProcess(
      'zsh',
      ['-f', '-c', `source '${path.join(dir, 'cometkeys.zsh')}' && whence -w _cometkeys`],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('_cometkeys: function');
  });
});

describe.skipIf(!installed('fish'))('fish completion', () => {
  it('completes commands and options in fish', async () => {
    const complete = async (line: string) => {
      const run = await runProcess(
        'fish',
        [
          '--no-config',
          '-c',
          `source '${path.join(dir, 'cometkeys.fish')}'; complete -C '${line}'`,
        ],
        { cwd: dir },
      );
      expect(run.stderr).toBe('');
      return run.stdout.split('\n').map((l) => l.split('\t')[0]);
    };
    expect(await complete('cometkeys pl')).toContain('plan');
    expect(await complete('cometkeys plan --det')).toContain('--detailed-exitcode');
    expect(await complete('cometkeys apply --format ')).toEqual(
      expect.arrayContaining(['text', 'json']),
    );
  });
});
