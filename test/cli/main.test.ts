import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../helpers/io.js';

describe('runCli', () => {
  it('prints the package version', async () => {
    const io = captureIo();
    const code = await runCli(['--version'], io);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('suggests a command for a typo and exits 1', async () => {
    const io = captureIo();
    const code = await runCli(['plam'], io);
    expect(code).toBe(1);
    expect(io.err()).toContain('Did you mean plan?');
  });

  it('suggests an option for a typo and exits 1', async () => {
    const io = captureIo();
    const code = await runCli(['plan', '--detailed-exitcod'], io);
    expect(code).toBe(1);
    expect(io.err()).toContain('--detailed-exitcode');
  });
});
