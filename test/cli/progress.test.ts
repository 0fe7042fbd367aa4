import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cli/context.js';
import { createProgress, paceOf, PROGRESS_INTERVAL_MS } from '../../src/cli/progress.js';

function contextWith(isTTY: boolean, quiet = false): { ctx: CommandContext; out: string[] } {
  const out: string[] = [];
  const stream = { write: (s: string) => out.push(s), isTTY };
  const ctx: CommandContext = {
    io: { stdout: stream, stderr: stream, env: {}, cwd: '/' },
    global: { color: false, quiet, verbose: false, allWarnings: false },
    version: '0.0.0',
  };
  return { ctx, out };
}

describe('paceOf', () => {
  it('says nothing in the first second or before anything is done', () => {
    expect(paceOf(0, 100, 5_000)).toBeUndefined();
    expect(paceOf(10, 100, 999)).toBeUndefined();
  });

  it('gives the rate and the time left at that rate', () => {
    expect(paceOf(20, 100, 2_000)).toBe('10/s, about 8 s left');
    expect(paceOf(3, 100, 2_000)).toBe('1.5/s, about 1 min 5 s left');
    expect(paceOf(1, 10_000, 2_000)).toBe('0.5/s, about 5 h 33 min left');
    expect(paceOf(10, 130, 10_000)).toBe('1.0/s, about 2 min left');
  });

  it('gives only the rate when everything is done', () => {
    expect(paceOf(100, 100, 4_000)).toBe('25/s');
  });
});

describe('createProgress', () => {
  it('shows rate and time left on the live line of a terminal', () => {
    let now = 0;
    const { ctx, out } = contextWith(true);
    const progress = createProgress(ctx, 'applying', () => now);
    progress.update(0, 50);
    now = 2_000;
    progress.update(10, 50, '1 not applied');
    progress.finish();
    expect(out[0]).toBe('\r\x1b[2Kapplying: 0/50');
    expect(out[1]).toBe('\r\x1b[2Kapplying: 10/50, 5.0/s, about 8 s left, 1 not applied');
    expect(out[2]).toBe('\r\x1b[2K');
  });

  it('writes a plain line at most every interval when stderr is not a terminal', () => {
    let now = 0;
    const { ctx, out } = contextWith(false);
    const progress = createProgress(ctx, 'applying', () => now);
    now = 1_000;
    progress.update(1, 100);
    now = PROGRESS_INTERVAL_MS;
    progress.update(50, 100);
    now = PROGRESS_INTERVAL_MS + 1_000;
    progress.update(60, 100);
    expect(out).toEqual(['applying: 50/100, 10/s, about 5 s left\n']);
  });

  it('prints nothing with --quiet', () => {
    const { ctx, out } = contextWith(true, true);
    const progress = createProgress(ctx, 'applying', () => 5_000);
    progress.update(1, 2);
    progress.notice('rate limited');
    progress.finish();
    expect(out).toEqual([]);
  });
});
