/** Key files on disk: globs and plain paths, emptiness, hostile files, checks across files. */
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  formatDiagnostics,
  hasErrors,
  loadKeyFiles,
  MAX_KEY_FILE_BYTES,
  type LoadFilesOptions,
} from '../../src/desired/index.js';
import { tempDirs } from '../helpers/temp.js';

let dir: string;
const tempDir = tempDirs('files');
const NOW = new Date('2026-11-26T12:00:00Z');

beforeEach(() => {
  dir = tempDir();
});

function write(rel: string, text: string | Buffer): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

function load(patterns: string[], extra: Partial<LoadFilesOptions> = {}) {
  return loadKeyFiles({ patterns, cwd: dir, quotaPerUsd: 500_000, now: NOW, ...extra });
}

const key = (name: string) => `version: 1\nkeys:\n  - name: ${name}\n    quota_budget: 1\n`;

describe('loadKeyFiles: finding files', () => {
  it('expands globs, de-duplicates and sorts the files', async () => {
    write('keys/b.yaml', key('b'));
    write('keys/a.yaml', key('a'));
    write('keys/notes.txt', 'not yaml');
    const r = await load(['keys/*.yaml', 'keys/a.yaml']);
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toEqual(['keys/a.yaml', 'keys/b.yaml']);
    expect(r.keys.map((k) => k.name)).toEqual(['a', 'b']);
  });

  it('takes an existing path literally even with glob characters in it', async () => {
    write('odd[1].yaml', key('odd'));
    const r = await load(['odd[1].yaml']);
    expect(r.files).toEqual(['odd[1].yaml']);
    expect(r.keys).toHaveLength(1);
  });

  it('shows files outside the working directory by absolute path', async () => {
    write('outside/k.yaml', key('k'));
    mkdirSync(path.join(dir, 'work'));
    const r = await loadKeyFiles({
      patterns: ['../outside/k.yaml'],
      cwd: path.join(dir, 'work'),
      quotaPerUsd: 500_000,
      now: NOW,
    });
    expect(r.files).toEqual([path.join(dir, 'outside/k.yaml')]);
  });

  it('refuses a glob that matches nothing, or a missing file, unless allowEmpty', async () => {
    const r = await load(['keys/*.yaml', 'keys.yaml']);
    expect(formatDiagnostics(r.diagnostics)).toBe(
      'keys.yaml: error: file not found\nkeys/*.yaml: error: no file matches this pattern\n',
    );
    const relaxed = await load(['keys/*.yaml', 'keys.yaml'], { allowEmpty: true });
    expect(hasErrors(relaxed.diagnostics)).toBe(false);
    expect(relaxed.diagnostics.map((d) => d.severity)).toEqual(['warning', 'warning']);
    expect(relaxed.keys).toEqual([]);
  });

  it('refuses files that declare no keys at all, unless allowEmpty', async () => {
    write('a.yaml', 'version: 1\nkeys: []\n');
    write('b.yaml', 'version: 1\ndefaults: {group: x}\nkeys: []\n');
    const r = await load(['*.yaml']);
    expect(formatDiagnostics(r.diagnostics)).toBe(
      'a.yaml: error: the key files declare no keys; an empty desired state must be deliberate (pass --allow-empty)\n',
    );
    expect((await load(['*.yaml'], { allowEmpty: true })).diagnostics).toEqual([]);
  });

  it('keeps going past a bad file and reports all files in one run', async () => {
    write('a.yaml', 'version: 1\nkeys:\n  - name: a\n    quota_budget: x\n');
    write('b.yaml', 'version: 1\nkeys:\n  - name: b\n    status: maybe\n    quota_budget: 1\n');
    write('c.yaml', key('c'));
    const r = await load(['*.yaml']);
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}`)).toEqual([
      'a.yaml:4:19',
      'b.yaml:4:13',
    ]);
    expect(r.keys.map((k) => k.name)).toEqual(['c']);
  });
});

describe('loadKeyFiles: hostile files', () => {
  it('refuses a directory passed as a file', async () => {
    mkdirSync(path.join(dir, 'keys.yaml'));
    const r = await load(['keys.yaml']);
    expect(formatDiagnostics(r.diagnostics)).toBe(
      'keys.yaml: error: is a directory; pass a key file, or a glob such as "dir/*.yaml"\n',
    );
  });

  it('refuses a file over 50 MB before reading it', async () => {
    write('huge.yaml', '');
    // A sparse file: the size is real to stat, but nothing is written or read.
    truncateSync(path.join(dir, 'huge.yaml'), MAX_KEY_FILE_BYTES + 1);
    const r = await load(['huge.yaml']);
    expect(formatDiagnostics(r.diagnostics)).toBe(
      'huge.yaml: error: is 50.0 MB; key files larger than 50 MB are refused\n',
    );
  });

  it('accepts a file of exactly 50 MB as far as size goes', async () => {
    write('big.yaml', '');
    truncateSync(path.join(dir, 'big.yaml'), MAX_KEY_FILE_BYTES);
    const r = await load(['big.yaml']);
    // Zero bytes are NULs: refused as binary, not as too large.
    expect(r.diagnostics[0]?.message).toContain('binary');
  });

  it('strips a UTF-8 byte order mark', async () => {
    write('bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(key('bom'))]));
    const r = await load(['bom.yaml']);
    expect(r.diagnostics).toEqual([]);
    expect(r.keys[0]?.name).toBe('bom');
  });
});

describe('loadKeyFiles: across files', () => {
  it('checks name uniqueness across files, naming the first declaration', async () => {
    write('a.yaml', key('shared'));
    write('b.yaml', key('shared'));
    const r = await load(['a.yaml', 'b.yaml']);
    expect(formatDiagnostics(r.diagnostics)).toBe(
      'b.yaml:3:11: error: keys[0].name: duplicate name "shared": also declared at a.yaml:3:11 (names must be unique among keys without id)\n',
    );
  });

  it('lets an unpinned and a pinned key share a name', async () => {
    write('a.yaml', key('shared'));
    write('b.yaml', 'version: 1\nkeys:\n  - {name: shared, id: 4, quota_budget: 1}\n');
    const r = await load(['*.yaml']);
    expect(r.diagnostics).toEqual([]);
    expect(r.keys).toHaveLength(2);
  });

  it('refuses one id pinned in two files, and a previous name claimed twice', async () => {
    write(
      'a.yaml',
      'version: 1\nkeys:\n  - {name: a, id: 4, previous_names: [old], quota_budget: 1}\n',
    );
    write(
      'b.yaml',
      'version: 1\nkeys:\n  - {name: b, id: 4, previous_names: [old], quota_budget: 1}\n',
    );
    const out = formatDiagnostics((await load(['*.yaml'])).diagnostics);
    expect(out).toBe(
      [
        'b.yaml:3:19: error: keys[0].id: id 4 is also pinned by key "a" at a.yaml:3:19',
        'b.yaml:3:39: error: keys[0].previous_names[0]: previous name "old" is also claimed by key "a" at a.yaml:3:39',
        '',
      ].join('\n'),
    );
  });

  it('applies policy to every file', async () => {
    write('a.yaml', key('a'));
    write('b.yaml', 'version: 1\nkeys:\n  - {name: b, unlimited_quota: true}\n');
    const r = await load(['*.yaml'], { policy: { forbidUnlimitedQuota: true } });
    expect(formatDiagnostics(r.diagnostics)).toBe(
      'b.yaml:3:32: error: keys[0].unlimited_quota: policy forbidUnlimitedQuota: key "b" has unlimited_quota: true\n',
    );
  });
});

describe('loadKeyFiles: unmanaged.ignoreNames', () => {
  it('refuses a declared key or previous name that ignoreNames exempts, at its line', async () => {
    write(
      'keys.yaml',
      'version: 1\nkeys:\n  - name: ops-x\n    quota_budget: 1\n  - name: b\n    previous_names: [ops-y]\n    quota_budget: 1\n  - name: ops-z\n    id: 7\n    quota_budget: 1\n',
    );
    const r = await load(['keys.yaml'], { ignoreNames: ['ops-*'] });
    expect(
      r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`),
    ).toEqual([
      'keys.yaml:3:11: error: "ops-x" matches unmanaged.ignoreNames "ops-*": keys of that name are never matched, so this would create a duplicate of a live key; remove the pattern or rename the key',
      'keys.yaml:6:22: error: "ops-y" matches unmanaged.ignoreNames "ops-*": keys of that name are never matched, so this would create a duplicate of a live key; remove the pattern or rename the key',
    ]);
  });
});

describe('loadKeyFiles: size', () => {
  it('loads a 130,000-key file without overflowing the stack', async () => {
    const lines = ['version: 1', 'defaults:', '  quota_budget: 1', 'keys:'];
    for (let i = 0; i < 130_000; i++) lines.push(`  - name: k${i}`);
    write('big.yaml', `${lines.join('\n')}\n`);
    const r = await load(['big.yaml']);
    expect(r.diagnostics).toEqual([]);
    expect(r.keys).toHaveLength(130_000);
  }, 120_000);
});
