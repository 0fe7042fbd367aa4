/**
 * Issue 11 through the built CLI: the `/v1` base URL form, the config boundary, and a key that
 * `unmanaged.ignoreNames` exempts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { tempWorkdir } from './helpers.js';

const KEYS = 'version: 1\nkeys:\n  - name: ops-x\n    quota_budget: 1\n';

describe('trust end to end', () => {
  let emu: Emulator;
  let work: ReturnType<typeof tempWorkdir>;
  beforeEach(async () => {
    work = tempWorkdir({ 'keys.yaml': KEYS, 'package.json': '{"name":"p"}\n' });
    emu = await startEmulator({ seed: 0 });
  });
  afterEach(async () => {
    await emu.close();
    work.cleanup();
  });
  const env = (extra: Record<string, string> = {}) => ({
    COMETAPI_BASE_URL: emu.url,
    COMETAPI_ACCESS_TOKEN: emu.token,
    ...extra,
  });

  it('COMETAPI_BASE_URL with /v1 plans against the origin, with a notice', async () => {
    const run = await runCli(['plan'], {
      cwd: work.dir,
      env: env({ COMETAPI_BASE_URL: `${emu.url}/v1` }),
    });
    expect(run.stderr).toContain(
      `notice: COMETAPI_BASE_URL: the path /v1 is dropped: the key API lives at the origin (${emu.url})`,
    );
    expect(run.stdout).toContain('Plan: 1 to create');
    expect(run.code).toBe(0);
    expect(emu.requests().every((r) => r.path.startsWith('/api/token/'))).toBe(true);
  });

  it('a config above the project is not used; one inside it is, and is named', async () => {
    const above = tempWorkdir({ '.cometkeysrc.json': '{"unmanaged":{"ignoreNames":["ops-*"]}}' });
    try {
      const project = path.join(above.dir, 'proj');
      mkdirSync(project);
      // A git work tree with no package.json: the old search went on up past it.
      mkdirSync(path.join(project, '.git'));
      writeFileSync(path.join(project, 'keys.yaml'), KEYS);
      const outside = await runCli(['validate'], { cwd: project, env: env() });
      expect(outside.stderr).not.toContain('cometkeysrc');
      expect(outside.code).toBe(0);
    } finally {
      above.cleanup();
    }
    const nested = path.join(work.dir, 'team');
    mkdirSync(nested);
    writeFileSync(path.join(nested, 'keys.yaml'), KEYS);
    writeFileSync(
      path.join(work.dir, '.cometkeysrc.json'),
      '{"unmanaged":{"ignoreNames":["ops-*"]}}',
    );
    const inside = await runCli(['validate', '-f', 'keys.yaml'], { cwd: nested, env: env() });
    expect(inside.stderr).toContain(
      `notice: using the config ${path.join(work.dir, '.cometkeysrc.json')}`,
    );
    expect(inside.stderr).toContain(
      'keys.yaml:3:11: error: keys[0].name: "ops-x" matches unmanaged.ignoreNames "ops-*"',
    );
    expect(inside.code).toBe(1);
  });

  it('plan refuses a key that ignoreNames exempts instead of planning a duplicate create', async () => {
    work.write('cometkeys.config.json', '{"unmanaged":{"ignoreNames":["*"]}}');
    const run = await runCli(['plan'], { cwd: work.dir, env: env() });
    expect(run.stderr).toContain('"ops-x" matches unmanaged.ignoreNames "*"');
    expect(run.stdout).not.toContain('to create');
    expect(run.code).toBe(1);
    expect(emu.requests().filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
