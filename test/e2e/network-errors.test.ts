/**
 * A network failure through the built CLI names the host, the cause and the attempts
 * (docs/exit-codes.md#network-failures); the client's own tests (test/api/network-failures.test.ts)
 * cover each cause.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempWorkdir } from './helpers.js';
import { closedPort } from '../helpers/ports.js';

const TOKEN = 'tok-e2e-NetworkErrors-0123';
const work = tempWorkdir({
  'keys.yaml': 'version: 1\nkeys:\n  - {name: a, quota_budget: 1}\n',
  'cometkeys.config.json': JSON.stringify({ retries: 1 }),
});
afterAll(() => work.cleanup());

describe('a network failure, end to end', () => {
  it('connection refused: host and port, the cause, the attempts; exit 1, no token', async () => {
    const port = await closedPort();
    const r = await runCli(['plan'], {
      cwd: work.dir,
      env: { COMETAPI_BASE_URL: `http://127.0.0.1:${port}`, COMETAPI_ACCESS_TOKEN: TOKEN },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: \\[GET\\] /api/token/\\?p=1&page_size=100: connection refused by ` +
          `127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); gave up after 2 attempts over [\\d.]+ m?s\\n$`,
      ),
    );
    expect(r.stderr).not.toContain(TOKEN);
  });
});
