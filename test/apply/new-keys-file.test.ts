import { readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createNewKeysFile, describeFileError } from '../../src/apply/new-keys-file.js';
import { tempDirs } from '../helpers/temp.js';

describe('the --new-keys-out file', () => {
  let dir: string;
  const tempDir = tempDirs('newkeys');
  beforeEach(() => {
    dir = tempDir();
  });

  it('is created with mode 0600 and rewritten as keys are created', async () => {
    const file = path.join(dir, 'new.json');
    const out = await createNewKeysFile(file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual([]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await out.write([{ id: 9, name: 'b', secret: null }]);
    await out.write([
      { id: 9, name: 'b', secret: null },
      { id: 4, name: 'a', secret: 'sk-x' },
    ]);
    await out.close();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual([
      { id: 4, name: 'a', secret: 'sk-x' },
      { id: 9, name: 'b', secret: null },
    ]);
  });

  it('refuses an existing file and leaves its content (earlier secrets) alone', async () => {
    const file = path.join(dir, 'new.json');
    await writeFile(file, '[{"id":1,"secret":"sk-earlier"}]\n');
    const err = await createNewKeysFile(file).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EEXIST' });
    expect(describeFileError(err)).toMatch(/already exists/);
    expect(await readFile(file, 'utf8')).toBe('[{"id":1,"secret":"sk-earlier"}]\n');
  });

  it('refuses a symlink, dangling or not, and never touches its target', async () => {
    const target = path.join(dir, 'target.txt');
    await writeFile(target, 'precious\n');
    await symlink(target, path.join(dir, 'link.json'));
    await symlink(path.join(dir, 'nowhere'), path.join(dir, 'dangling.json'));
    await expect(createNewKeysFile(path.join(dir, 'link.json'))).rejects.toBeTruthy();
    await expect(createNewKeysFile(path.join(dir, 'dangling.json'))).rejects.toBeTruthy();
    expect(await readFile(target, 'utf8')).toBe('precious\n');
    expect((await stat(target)).mode & 0o777).not.toBe(0o600);
    await expect(stat(path.join(dir, 'nowhere'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
