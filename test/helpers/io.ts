import type { CliIo } from '../../src/cli/context.js';

/** A CliIo that records stdout and stderr, for in-process command tests. */
export function captureIo(overrides: Partial<CliIo> = {}): CliIo & {
  out(): string;
  err(): string;
} {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env: { NO_COLOR: '1' },
    cwd: process.cwd(),
    ...overrides,
    out: () => out,
    err: () => err,
  };
}
