/**
 * export's warnings are consolidated like every other command's (docs/commands.md#consolidated-warnings):
 * 3 of a kind and a count, `--all-warnings` shows each, `--quiet` none; the file is the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { aSeedKey } from '../helpers/builders.js';
import { captureIo } from '../helpers/io.js';
import { offline } from '../helpers/offline.js';
import { makeTempDir } from '../helpers/temp.js';

offline();

let emu: Emulator;
let dir: string;
beforeAll(async () => {
  // Ten keys whose stored allow_ips the key file cannot hold, and one bad model id.
  const seed = [
    ...Array.from({ length: 10 }, (_, i) =>
      aSeedKey({ name: `ip-${i}`, allow_ips: `10.0.0.${i},10.0.1.${i}` }),
    ),
    aSeedKey({ name: 'model', model_limits_enabled: true, model_limits: 'gpt 4o' }),
  ];
  emu = await startEmulator({ seed });
  dir = makeTempDir('export-warnings');
});
afterAll(async () => {
  await emu.close();
});

async function exportWith(...flags: string[]) {
  const io = captureIo({
    cwd: dir,
    env: { NO_COLOR: '1', COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token },
  });
  const code = await runCli([...flags, 'export'], io);
  const warnings = io
    .err()
    .split('\n')
    .filter((l) => l.startsWith('warning:'));
  return { code, out: io.out(), warnings };
}

describe('export warnings', () => {
  it('show 3 of a kind, then a count, and every other kind', async () => {
    const { code, warnings } = await exportWith();
    expect(code).toBe(0);
    const ip = warnings.filter((w) => w.includes('allow_ips'));
    expect(ip).toHaveLength(3);
    expect(warnings).toContain('warning: (and 7 more like this; --all-warnings shows them)');
    expect(warnings.filter((w) => w.includes('model_limits'))).toHaveLength(1);
    expect(warnings).toHaveLength(5);
  });

  it('--all-warnings shows each one, --quiet none, and the file is the same', async () => {
    const normal = await exportWith();
    const all = await exportWith('--all-warnings');
    expect(all.warnings.filter((w) => w.includes('allow_ips'))).toHaveLength(10);
    expect(all.warnings.join('\n')).not.toContain('more like this');
    const quiet = await exportWith('--quiet');
    expect(quiet.warnings).toEqual([]);
    expect(all.out).toBe(normal.out);
    expect(quiet.out).toBe(normal.out);
  });
});
