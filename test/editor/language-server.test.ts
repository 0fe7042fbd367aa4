/**
 * The editor check with the real `yaml-language-server` over stdio: the schema comment that
 * `export` writes resolves for a project-local install, for a copy written by `cometkeys schema
 * --out`, and for a global install (the running package's own schema), and the editor then flags
 * the same six faults `validate` finds — and nothing in a valid file. Offline: no schema store, and
 * a guard in the server process refuses any connection. docs/export.md#editor-support
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadKeyFileText } from '../../src/desired/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { aSeedKey } from '../helpers/builders.js';
import { captureIo } from '../helpers/io.js';
import { offline } from '../helpers/offline.js';
import { REPO_ROOT, tempDirs } from '../helpers/temp.js';
import { YamlLanguageServer, type LspDiagnostic } from './lsp-client.js';

offline();

const NOW = new Date('2026-11-26T12:00:00Z');
const tempDir = tempDirs('editor', 'all');
let emu: Emulator;
const servers: YamlLanguageServer[] = [];

beforeAll(async () => {
  emu = await startEmulator({
    seed: [
      aSeedKey({ id: 1, name: 'backend-prod', allow_ips: '10.0.0.0/8', model_limits: 'gpt-4o' }),
      aSeedKey({ id: 2, name: 'ci-runner', unlimited_quota: true, expired_time: 1_830_297_600 }),
    ],
  });
});
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await emu.close();
});

async function cli(cwd: string, argv: string[]) {
  const io = captureIo({
    cwd,
    now: () => NOW,
    env: { NO_COLOR: '1', COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token },
  });
  const code = await runCli(argv, io);
  expect(code, io.err()).toBe(0);
  return io;
}

/** The language server for a workspace, shut down after the file's tests. */
async function languageServer(root: string): Promise<YamlLanguageServer> {
  const server = await YamlLanguageServer.start(root);
  servers.push(server);
  return server;
}

/** A key with the six faults of issue 14, appended to an exported file's keys. */
const BAD_KEY = [
  '  - name: " padded "',
  '    status: enabeld',
  '    expired_time: 90d',
  '    quota_budget: 5',
  '    remain_quota: 5',
  '    model_limits: [gpt 4o]',
  '    allow_ips: [10.0.0.300]',
];

const ONE_FORM =
  'one quota form only: quota_budget, remain_quota and unlimited_quota: true exclude each other (unlimited_quota: false is not a form)';

/** The editor's diagnostics for BAD_KEY, by the line of the file they are on. */
function expectedFor(firstLine: number): [number, string][] {
  return [
    [firstLine, 'a name has no leading or trailing white space'],
    [firstLine + 1, 'Value is not accepted. Valid values: "enabled", "disabled".'],
    [
      firstLine + 2,
      'not a time: use never, -1, a date such as 2027-06-30, a date-time with a zone such as 2027-06-30T12:00:00Z, or unix seconds; relative forms such as 90d are refused because they drift daily',
    ],
    [firstLine + 3, ONE_FORM],
    [firstLine + 4, ONE_FORM],
    [
      firstLine + 5,
      'not a model id: model ids have no commas or white space (write one id per list item)',
    ],
    [
      firstLine + 6,
      'not an IPv4/IPv6 address or CIDR range (write one address or range per list item, no zone, prefix at most /32 or /128)',
    ],
  ];
}

function byLine(diagnostics: LspDiagnostic[]): [number, string][] {
  return diagnostics
    .map((d): [number, string] => [d.range.start.line + 1, d.message])
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

/**
 * Opens the exported file (no diagnostics) and the same file with BAD_KEY appended (exactly the
 * expected ones, on the lines where validate reports its errors).
 */
async function checkInEditor(root: string, file: string): Promise<void> {
  const server = await languageServer(root);
  const text = readFileSync(file, 'utf8');
  expect(await server.diagnose(file, text)).toEqual([]);

  const bad = `${text}${BAD_KEY.join('\n')}\n`;
  const badFile = path.join(path.dirname(file), 'bad.yaml');
  writeFileSync(badFile, bad);
  const firstLine = text.split('\n').length;
  const got = byLine(await server.diagnose(badFile, bad));
  expect(got).toEqual(expectedFor(firstLine));

  // validate finds the same six faults, on lines the editor marks.
  const cli = loadKeyFileText(bad, 'bad.yaml', { quotaPerUsd: 500_000, now: NOW }).diagnostics;
  expect(cli.filter((d) => d.severity === 'error')).toHaveLength(6);
  const marked = new Set(got.map(([line]) => line));
  for (const d of cli) expect(marked, `${d.line}: ${d.message}`).toContain(d.line);
  expect(server.errors()).not.toContain('network attempt refused');
}

function schemaLine(file: string): string {
  return readFileSync(file, 'utf8').split('\n')[0] ?? '';
}

// Each test starts a language server; every wait inside is bounded by the client's timeouts.
describe(
  'the schema comment export writes, in the real yaml-language-server',
  { timeout: 90_000 },
  () => {
    it('a project-local install: a relative path into node_modules, from a subdirectory', async () => {
      const project = tempDir();
      writeFileSync(path.join(project, 'package.json'), '{"name":"team-keys"}\n');
      const installed = path.join(project, 'node_modules/cometkeys');
      mkdirSync(path.join(installed, 'schemas'), { recursive: true });
      copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(installed, 'package.json'));
      copyFileSync(
        path.join(REPO_ROOT, 'schemas/keys.schema.json'),
        path.join(installed, 'schemas/keys.schema.json'),
      );
      mkdirSync(path.join(project, 'keys'));
      await cli(project, ['export', '--out', 'keys/prod.yaml']);
      const file = path.join(project, 'keys/prod.yaml');
      expect(schemaLine(file)).toBe(
        '# yaml-language-server: $schema=../node_modules/cometkeys/schemas/keys.schema.json',
      );
      await checkInEditor(project, file);
    });

    it('no local install (a global one): the running package schema, as a file URL', async () => {
      const dir = tempDir();
      await cli(dir, ['export', '--out', 'keys.yaml']);
      const file = path.join(dir, 'keys.yaml');
      const url = pathToFileURL(path.join(REPO_ROOT, 'schemas/keys.schema.json')).href;
      expect(schemaLine(file)).toBe(`# yaml-language-server: $schema=${url}`);
      await checkInEditor(dir, file);
    });

    it('a copy written by cometkeys schema --out beside the file: ./keys.schema.json', async () => {
      const dir = tempDir();
      const wrote = await cli(dir, ['schema', '--out', 'keys.schema.json']);
      expect(wrote.err()).toBe('Wrote the key-file schema to keys.schema.json.\n');
      expect(readFileSync(path.join(dir, 'keys.schema.json'), 'utf8')).toBe(
        readFileSync(path.join(REPO_ROOT, 'schemas/keys.schema.json'), 'utf8'),
      );
      await cli(dir, ['export', '--out', 'keys.yaml']);
      const file = path.join(dir, 'keys.yaml');
      expect(schemaLine(file)).toBe('# yaml-language-server: $schema=./keys.schema.json');
      await checkInEditor(dir, file);
    });

    it('control: the old fixed node_modules path does not resolve without a local install', async () => {
      const dir = tempDir();
      const server = await languageServer(dir);
      const file = path.join(dir, 'keys.yaml');
      const text = [
        '# yaml-language-server: $schema=./node_modules/cometkeys/schemas/keys.schema.json',
        'version: 1',
        'keys:',
        ...BAD_KEY,
        '',
      ].join('\n');
      writeFileSync(file, text);
      // No schema, no checks: none of the six faults is flagged.
      const got = byLine(await server.diagnose(file, text));
      expect(got.map(([, m]) => m)).not.toContain(ONE_FORM);
      expect(got.filter(([line]) => line > 3)).toEqual([]);
    });
  },
);
