/**
 * `cometkeys schema [--out FILE]` and where export's schema comment points
 * (docs/export.md#editor-support), in-process.
 */
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readKeysSchema } from '../../src/desired/schema-check.js';
import { exportKeyFile } from '../../src/export/export-keys.js';
import { packageSchemaFile, schemaReference } from '../../src/export/schema-ref.js';
import { aServerKey } from '../helpers/builders.js';
import { captureIo } from '../helpers/io.js';
import { REPO_ROOT, tempDirs } from '../helpers/temp.js';

const tempDir = tempDirs('schema');
const SHIPPED = path.join(REPO_ROOT, 'schemas/keys.schema.json');

async function run(argv: string[], cwd: string) {
  const io = captureIo({ cwd });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('cometkeys schema', () => {
  it('prints the shipped key-file schema on stdout, byte for byte', async () => {
    const r = await run(['schema'], tempDir());
    expect(r).toEqual({ code: 0, out: readFileSync(SHIPPED, 'utf8'), err: '' });
    expect(JSON.parse(r.out)).toEqual(readKeysSchema());
  });

  it('--out writes it (relative to the working directory), replacing a file', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'keys.schema.json'), 'old');
    const r = await run(['schema', '--out', 'keys.schema.json'], dir);
    expect(r).toEqual({
      code: 0,
      out: '',
      err: 'Wrote the key-file schema to keys.schema.json.\n',
    });
    expect(readFileSync(path.join(dir, 'keys.schema.json'), 'utf8')).toBe(
      readFileSync(SHIPPED, 'utf8'),
    );
    expect((await run(['--quiet', 'schema', '--out', 'keys.schema.json'], dir)).err).toBe('');
  });

  it('--out never writes through a symlink, and names the path and reason', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'target.txt'), 'keep');
    symlinkSync(path.join(dir, 'target.txt'), path.join(dir, 'link.json'));
    const r = await run(['schema', '--out', 'link.json'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: cannot write link.json: it is a symbolic link\n');
    expect(readFileSync(path.join(dir, 'target.txt'), 'utf8')).toBe('keep');
    const missing = await run(['schema', '--out', 'no/such/dir/s.json'], dir);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error: cannot write no\/such\/dir\/s\.json: /);
    expect(missing.err).not.toContain('internal error');
  });

  it('has examples in --help', async () => {
    const r = await run(['schema', '--help'], tempDir());
    expect(r.code).toBe(0);
    expect(r.out).toContain('cometkeys schema --out keys.schema.json');
  });
});

function install(root: string): void {
  const schemas = path.join(root, 'node_modules/cometkeys/schemas');
  mkdirSync(schemas, { recursive: true });
  copyFileSync(SHIPPED, path.join(schemas, 'keys.schema.json'));
}

describe('schemaReference: where the comment points from a directory', () => {
  it('a local install in the directory: ./node_modules/…', async () => {
    const dir = tempDir();
    install(dir);
    expect(await schemaReference(dir)).toBe('./node_modules/cometkeys/schemas/keys.schema.json');
  });

  it('a local install two levels up: ../../node_modules/…', async () => {
    const root = tempDir();
    install(root);
    const deep = path.join(root, 'keys/prod');
    mkdirSync(deep, { recursive: true });
    expect(await schemaReference(deep)).toBe(
      '../../node_modules/cometkeys/schemas/keys.schema.json',
    );
  });

  it('a local install wins over a copy beside the file', async () => {
    const dir = tempDir();
    install(dir);
    copyFileSync(SHIPPED, path.join(dir, 'keys.schema.json'));
    expect(await schemaReference(dir)).toBe('./node_modules/cometkeys/schemas/keys.schema.json');
  });

  it('a copy of this schema beside the file: ./keys.schema.json; another keys.schema.json is not', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'keys.schema.json'), '{"title": "some other schema"}');
    const fallback = pathToFileURL(packageSchemaFile()).href;
    expect(await schemaReference(dir)).toBe(fallback);
    copyFileSync(SHIPPED, path.join(dir, 'keys.schema.json'));
    expect(await schemaReference(dir)).toBe('./keys.schema.json');
  });

  it('otherwise the running package schema as a file URL that holds no white space', async () => {
    const dir = path.join(tempDir(), 'a dir with spaces\u202e');
    mkdirSync(dir);
    const ref = await schemaReference(dir);
    expect(ref).toBe(pathToFileURL(SHIPPED).href);
    expect(ref).not.toMatch(/\s/);
  });

  it('export writes the reference it is given as the first line, and refuses white space in it', () => {
    const server = [aServerKey({ id: 1, name: 'a' })];
    const opts = { quotaPerUsd: 500_000, unmanagedAction: 'ignore' as const, now: new Date() };
    const r = exportKeyFile(server, { ...opts, schemaRef: './keys.schema.json' });
    expect(r.text.split('\n')[0]).toBe('# yaml-language-server: $schema=./keys.schema.json');
    expect(() => exportKeyFile(server, { ...opts, schemaRef: './a b.json' })).toThrow(/unsafe/);
    expect(() => exportKeyFile(server, { ...opts, schemaRef: './a\nversion: 2' })).toThrow(
      /unsafe/,
    );
  });
});
