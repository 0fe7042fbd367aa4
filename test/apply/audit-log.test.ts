import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatAuditLine, openAuditLog } from '../../src/apply/audit-log.js';
import type { AuditRecord } from '../../src/apply/types.js';
import { tempDirs } from '../helpers/temp.js';

const record = (id: number): AuditRecord => ({
  time: '2026-11-26T12:00:00.000Z',
  id,
  name: `k${id}`,
  action: 'update',
  step: 'update',
  fields: [{ field: 'group', before: '', after: 'x' }],
  outcome: 'ok',
  http_status: null,
  git_commit: null,
});

describe('the audit log', () => {
  let dir: string;
  const tempDir = tempDirs('audit');
  beforeEach(() => {
    dir = tempDir();
  });

  it('creates the file with mode 0600 and appends one JSON line per record, in order', async () => {
    const file = path.join(dir, 'audit.jsonl');
    const log = await openAuditLog(file);
    await Promise.all([1, 2, 3].map((id) => log.write(record(id))));
    await log.close();

    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as AuditRecord).id)).toEqual([1, 2, 3]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('appends to an existing file without truncating it', async () => {
    const file = path.join(dir, 'audit.jsonl');
    await writeFile(file, '{"earlier":true}\n');
    const log = await openAuditLog(file);
    await log.write(record(1));
    await log.close();
    expect((await readFile(file, 'utf8')).split('\n')[0]).toBe('{"earlier":true}');
  });

  it('cannot be opened through a symlink, and the target is untouched', async () => {
    const target = path.join(dir, 'elsewhere.txt');
    await writeFile(target, 'precious\n');
    const file = path.join(dir, 'audit.jsonl');
    await symlink(target, file);
    await expect(openAuditLog(file)).rejects.toMatchObject({ code: 'ELOOP' });
    expect(await readFile(target, 'utf8')).toBe('precious\n');
  });

  it('fails to open in a missing directory or a directory path', async () => {
    await expect(openAuditLog(path.join(dir, 'no/such/audit.jsonl'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await mkdir(path.join(dir, 'adir'));
    await expect(openAuditLog(path.join(dir, 'adir'))).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('leaves a secret field out even if one is recorded', () => {
    const line = formatAuditLine({
      ...record(1),
      fields: [{ field: 'key', before: 'sk-secret-1', after: 'sk-secret-2' }],
    });
    expect(line).not.toContain('sk-secret');
    expect(line.endsWith('\n')).toBe(true);
  });
});
