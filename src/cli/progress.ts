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
  const startedAt = clock();
  let lastLineAt = startedAt;
  const line = (done: number, total: number, extra?: string) => {
    const pace = paceOf(done, total, clock() - startedAt);
    return `${label}: ${done}/${total}${pace ? `, ${pace}` : ''}${extra ? `, ${extra}` : ''}`;
  };
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

/** Below this much elapsed time a rate is noise: no rate, no estimate. */
const MIN_ELAPSED_FOR_RATE_MS = 1_000;

/**
 * The rate so far and the time left at that rate ("24/s, about 37 s left"), or undefined while
 * there is too little to go on (under a second, or nothing done yet).
 */
export function paceOf(done: number, total: number, elapsedMs: number): string | undefined {
  if (done <= 0 || elapsedMs < MIN_ELAPSED_FOR_RATE_MS) return undefined;
  const perSecond = (done * 1000) / elapsedMs;
  const rate = perSecond >= 10 ? `${Math.round(perSecond)}/s` : `${perSecond.toFixed(1)}/s`;
  if (done >= total) return rate;
  return `${rate}, about ${formatDuration(((total - done) / perSecond) * 1000)} left`;
}

function formatDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes < 60) return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}
