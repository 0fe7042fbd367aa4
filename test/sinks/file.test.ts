/** The file sink: mode 0600, formats, placeholders, symlink refusal, atomic replacement. */
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deliver,
  fileContent,
  fileSinkPath,
  fingerprintOf,
  writeFileSink,
  type DeliveryResult,
} from '../../src/sinks/index.js';

const SECRET = 'sk-' + 'FileSinkSecret0123456789'.repeat(2);
const KEY = { id: 7, name: 'backend-prod', secret: SECRET };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cometkeys-sink-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function expectNoSecret(result: DeliveryResult): void {
  expect(JSON.stringify(result)).not.toContain(SECRET.slice(3));
}

const modeOf = (file: string) => lstatSync(file).mode & 0o777;

describe('file sink', () => {
  it.each([
    ['raw', `${SECRET}\n`],
    ['dotenv', `COMETAPI_KEY=${SECRET}\n`],
    ['json', `{"id":7,"name":"backend-prod","key":"${SECRET}"}\n`],
  ] as const)('writes %s with mode 0600', async (format, content) => {
    const file = path.join(dir, 'out', '{name}.{id}.env');
    const result = await writeFileSink({ file, format }, KEY);
    expect(result).toEqual({ ok: true, fingerprint: fingerprintOf(SECRET) });
    const written = path.join(dir, 'out', 'backend-prod.7.env');
    expect(readFileSync(written, 'utf8')).toBe(content);
    expect(modeOf(written)).toBe(0o600);
    expect(fileContent(format, KEY)).toBe(content);
    // No temporary file is left behind.
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['backend-prod.7.env']);
  });

  it('replaces its own earlier file (a rotated key), still mode 0600', async () => {
    const file = path.join(dir, 'k.env');
    writeFileSync(file, 'old secret\n', { mode: 0o644 });
    const result = await deliver({ file, format: 'raw' }, KEY);
    expect(result.ok).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`${SECRET}\n`);
    expect(modeOf(file)).toBe(0o600);
  });

  it('refuses a target that is a symlink and leaves what it points to alone', async () => {
    const elsewhere = path.join(dir, 'elsewhere.txt');
    writeFileSync(elsewhere, 'precious\n');
    const link = path.join(dir, 'backend-prod.env');
    symlinkSync(elsewhere, link);
    const result = await writeFileSink({ file: path.join(dir, '{name}.env'), format: 'raw' }, KEY);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ reason: `${link} is a symbolic link (never written through)` });
    expect(readFileSync(elsewhere, 'utf8')).toBe('precious\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expectNoSecret(result);
  });

  it('refuses a dangling symlink too (it would create the file it points to)', async () => {
    const link = path.join(dir, 'k.env');
    symlinkSync(path.join(dir, 'not-yet'), link);
    const result = await writeFileSink({ file: link, format: 'raw' }, KEY);
    expect(result.ok).toBe(false);
    expect(readdirSync(dir)).toEqual(['k.env']);
  });

  it('refuses a directory and reports a write it cannot do, without the secret', async () => {
    mkdirSync(path.join(dir, 'd'));
    const isDir = await writeFileSink({ file: path.join(dir, 'd'), format: 'raw' }, KEY);
    expect(isDir).toMatchObject({
      ok: false,
      reason: `${path.join(dir, 'd')} exists and is not a regular file`,
    });
    writeFileSync(path.join(dir, 'blocker'), '');
    const blocked = await writeFileSink(
      { file: path.join(dir, 'blocker', 'x.env'), format: 'json' },
      KEY,
    );
    expect(blocked.ok).toBe(false);
    expect(blocked).toMatchObject({
      reason: expect.stringMatching(/^cannot write .*x\.env: E[A-Z]+$/),
    });
    expectNoSecret(isDir);
    expectNoSecret(blocked);
  });

  it('keeps a name inside the directory: separators and dot names become _', () => {
    const sink = { file: path.join(dir, 'keys', '{name}.env'), format: 'raw' as const };
    expect(fileSinkPath(sink, { id: 1, name: '../../etc/passwd' })).toBe(
      path.join(dir, 'keys', '.._.._etc_passwd.env'),
    );
    expect(fileSinkPath({ ...sink, file: path.join(dir, '{name}') }, { id: 1, name: '..' })).toBe(
      path.join(dir, '_'),
    );
    expect(
      fileSinkPath({ ...sink, file: path.join(dir, '{NAME}') }, { id: 1, name: 'a-b.c' }),
    ).toBe(path.join(dir, 'A_B_C'));
  });
});
