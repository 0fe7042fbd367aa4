/**
 * Times as people read them in plans, messages and exported key files: UTC, a bare date at
 * midnight.
 */

/** Seconds in a (UTC) day. */
export const SECONDS_PER_DAY = 86_400;

/** `never` for -1, `2027-06-30` at midnight UTC, else `2027-06-30T12:34:56Z`. */
export function formatUnixTime(seconds: number): string {
  if (seconds === -1) return 'never';
  const ms = seconds * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(seconds);
  const iso = new Date(ms).toISOString();
  if (seconds % SECONDS_PER_DAY === 0) return iso.slice(0, 10);
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

/** The date part only, for messages like "expires in 6 days (2026-12-02)". */
export function formatUnixDate(seconds: number): string {
  const ms = seconds * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(seconds);
  return new Date(ms).toISOString().slice(0, 10);
}

/** `now` in unix seconds (floor). */
export function unixSeconds(now: Date): number {
  return Math.floor(now.getTime() / 1000);
}

/** A past duration for people: `12 min ago`, `3 h ago`, `5 days ago`. */
export function formatAgo(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 3600) return `${Math.max(1, Math.floor(s / 60))} min ago`;
  if (s < 2 * SECONDS_PER_DAY) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / SECONDS_PER_DAY)} days ago`;
}
