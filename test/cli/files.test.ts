/** Files named on the command line (`plan --out`, `export --out`): replaced whole, never through a link. */
import { readFileSync, statSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNamedFile } from '../../src/cli/files.js';
import { tempDirs } from '../helpers/temp.js';

const workdir = tempDirs('named-file');

describe('writeNamedFile', () => {
  it('replaces an existing file with the new text and the mode asked for', async () => {
    const dir = workdir();
    writeFileSync(path.join(dir, 'plan.json'), 'old plan\n');
    await writeNamedFile(dir, 'plan.json', 'new plan\n', { mode: 0o600 });
    expect(readFileSync(path.join(dir, 'plan.json'), 'utf8')).toBe('new plan\n');
    expect(statSync(path.join(dir, 'plan.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['plan.json']);
  });

  it('refuses a symlink and leaves its target alone', async () => {
    const dir = workdir();
    const target = path.join(dir, 'precious.txt');
    writeFileSync(target, 'precious\n');
    symlinkSync(target, path.join(dir, 'plan.json'));
    await expect(writeNamedFile(dir, 'plan.json', 'new plan\n')).rejects.toThrow(
      'cannot write plan.json: it is a symbolic link',
    );
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });

  it('names a missing directory', async () => {
    const dir = workdir();
    await expect(writeNamedFile(dir, 'no/such/plan.json', 'x')).rejects.toThrow(
      'cannot write no/such/plan.json: its directory does not exist',
    );
  });
});
