/**
 * The fixture corpus: every file under test/fixtures/invalid/ must give exactly the
 * diagnostics in its sibling `.expected` file (message and position); every valid fixture, the
 * example key file and every key file in examples/ must validate without errors.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostics, hasErrors, loadKeyFiles } from '../../src/desired/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INVALID = path.join(ROOT, 'test/fixtures/invalid');
const VALID = path.join(ROOT, 'test/fixtures/valid');
const NOW = new Date('2026-11-26T12:00:00Z');

const invalidFiles = readdirSync(INVALID)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('invalid fixtures', () => {
  it('has at least 40 fixtures, each with an .expected file', () => {
    expect(invalidFiles.length).toBeGreaterThanOrEqual(40);
    for (const f of invalidFiles) {
      expect(existsSync(path.join(INVALID, f.replace(/\.yaml$/, '.expected'))), f).toBe(true);
    }
  });

  it.each(invalidFiles)('%s gives exactly its expected diagnostics', async (file) => {
    const expected = readFileSync(path.join(INVALID, file.replace(/\.yaml$/, '.expected')), 'utf8');
    const result = await loadKeyFiles({
      patterns: [file],
      cwd: INVALID,
      quotaPerUsd: 500_000,
      now: NOW,
    });
    expect(formatDiagnostics(result.diagnostics)).toBe(expected);
    expect(hasErrors(result.diagnostics)).toBe(true);
  });
});

const validFiles = [
  'keys.example.yaml',
  ...readdirSync(path.join(ROOT, 'examples/keys')).map((f) => `examples/keys/${f}`),
  ...readdirSync(VALID).map((f) => `test/fixtures/valid/${f}`),
].filter((f) => f.endsWith('.yaml'));

describe('valid files', () => {
  it('covers the example file and every key file in examples/', () => {
    expect(validFiles).toContain('keys.example.yaml');
    expect(validFiles.filter((f) => f.startsWith('examples/keys/')).length).toBeGreaterThanOrEqual(
      2,
    );
  });

  it.each(validFiles)('%s validates without errors', async (file) => {
    const result = await loadKeyFiles({
      patterns: [file],
      cwd: ROOT,
      quotaPerUsd: 500_000,
      now: NOW,
      allowEmpty: true,
    });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.files).toEqual([file]);
  });

  it('the multi-file example validates as one set (names unique across files)', async () => {
    const result = await loadKeyFiles({
      patterns: ['examples/keys/*.yaml'],
      cwd: ROOT,
      quotaPerUsd: 500_000,
      now: NOW,
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.keys.map((k) => k.name)).toEqual([
      'billing-worker',
      'checkout-api',
      'e2e-tests',
      'load-test',
      'search-api',
      'staging-api',
    ]);
  });
});
