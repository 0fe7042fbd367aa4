/**
 * Progress on stderr for long work (listing, apply): a live line on a TTY, a plain line every
 * few seconds otherwise, nothing with --quiet. Notices (rate limiting) always get their own line
 * unless quiet.
 */
import type { CommandContext } from './context.js';

export const PROGRESS_INTERVAL_MS = 5_000;

export interface Progress {
  /** Reports a count; `extra` is appended (e.g. "2 failed"). */
  update(done: number, total: number, extra?: string): void;
  /** A message on its own line (e.g. "rate limited, resuming in 12 s"). */
  notice(message: string): void;
  /** Ends the live line. */
  finish(): void;
}

/** Creates a progress reporter for `label` ("listing", "applying"). */
export function createProgress(
  ctx: CommandContext,
  label: string,
  clock: () => number = Date.now,
): Progress {
  const { stderr } = ctx.io;
  if (ctx.global.quiet) {
    return { update() {}, notice() {}, finish() {} };
  }
  const tty = stderr.isTTY === true;
  let live = false;
  let lastLineAt = clock();
  const line = (done: number, total: number, extra?: string) =>
    `${label}: ${done}/${total}${extra ? `, ${extra}` : ''}`;
  return {
    update(done, total, extra) {
      if (tty) {
        stderr.write(`\r\x1b[2K${line(done, total, extra)}`);
        live = true;
        return;
      }
      const now = clock();
      if (now - lastLineAt >= PROGRESS_INTERVAL_MS) {
        lastLineAt = now;
        stderr.write(`${line(done, total, extra)}\n`);
      }
    },
    notice(message) {
      if (live) {
        stderr.write('\r\x1b[2K');
        live = false;
      }
      stderr.write(`${message}\n`);
    },
    finish() {
      if (live) {
        stderr.write('\r\x1b[2K');
        live = false;
      }
    },
  };
}
