/**
 * `expired_time` forms (docs/key-file.md#expiry): never/-1, an ISO date (midnight UTC), an ISO
 * date-time with a zone, or unix seconds. Relative forms are refused: they drift daily.
 * Times are written back with `formatUnixTime` (./time.ts).
 */
import type { Parsed } from './parsed.js';

/** 9999-12-31T23:59:59Z: beyond this a "unix seconds" value is almost surely milliseconds. */
export const MAX_EXPIRY_SECONDS = 253_402_300_799;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;
const RELATIVE =
  /^[+-]?\d+(\.\d+)?\s*(s|sec|m|min|h|d|w|mo|y|days?|weeks?|months?|years?|hours?)$|^P[\dT]|\bago\b|^now\b|^in\s/i;

const FORMS =
  'use never, -1, a date such as 2027-06-30, a date-time with a zone such as 2027-06-30T12:00:00Z, or unix seconds';

function validDate(y: number, mo: number, d: number): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** The number written by `n` ASCII digits of `s` from `at`, or -1 when one is not a digit. */
function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * `2027-06-30T12:00:00Z`, the form export writes, read without the regular expressions: its
 * unix seconds, or undefined for anything else (and for an impossible date or time, which the
 * general path words).
 */
function exportedDateTime(s: string): Parsed<number> | undefined {
  if (s.length !== 20 || s.charCodeAt(10) !== 84 || s.charCodeAt(19) !== 90) return undefined;
  if (s[4] !== '-' || s[7] !== '-' || s[13] !== ':' || s[16] !== ':') return undefined;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const h = digitsAt(s, 11, 2);
  const mi = digitsAt(s, 14, 2);
  const sec = digitsAt(s, 17, 2);
  if (y < 0 || mo < 0 || day < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) {
    return undefined;
  }
  if (!validDate(y, mo, day)) return undefined;
  return fromSeconds(Math.floor(Date.UTC(y, mo - 1, day, h, mi, sec) / 1000));
}

function fromSeconds(n: number): Parsed<number> {
  if (n === -1) return { ok: true, value: -1 };
  if (!Number.isSafeInteger(n) || n < 0) {
    return { ok: false, message: `${n} is not a time: ${FORMS}` };
  }
  if (n > MAX_EXPIRY_SECONDS) {
    return { ok: false, message: `${n} is after the year 9999 (milliseconds instead of seconds?)` };
  }
  return { ok: true, value: n };
}

/** Parses an `expired_time` value to unix seconds (-1 = never). */
export function parseExpiry(value: unknown): Parsed<number> {
  if (typeof value === 'number') return fromSeconds(value);
  if (typeof value !== 'string') return { ok: false, message: FORMS };
  const s = value.trim();
  if (s === 'never' || s === '-1') return { ok: true, value: -1 };
  const exported = exportedDateTime(s);
  if (exported) return exported;
  if (/^\d+$/.test(s)) return fromSeconds(Number(s));
  const d = DATE.exec(s);
  if (d) {
    const [y, mo, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    if (!validDate(y, mo, day))
      return { ok: false, message: `${JSON.stringify(value)} is not a real date` };
    return { ok: true, value: Date.UTC(y, mo - 1, day) / 1000 };
  }
  const t = DATE_TIME.exec(s);
  if (t) {
    const [y, mo, day, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(t[i] ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (!validDate(y, mo, day) || h > 23 || mi > 59 || sec > 59) {
      return { ok: false, message: `${JSON.stringify(value)} is not a real date and time` };
    }
    if (!t[8] && !t[9]) {
      return {
        ok: false,
        message: `${JSON.stringify(value)} has no time zone: add Z (UTC) or an offset such as +02:00`,
      };
    }
    let offsetMin = 0;
    if (t[9]) {
      const oh = Number(t[10]);
      const om = Number(t[11]);
      if (oh > 23 || om > 59)
        return {
          ok: false,
          message: `${JSON.stringify(value)} has an impossible time zone offset`,
        };
      offsetMin = (t[9] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    const ms = Date.UTC(y, mo - 1, day, h, mi, sec) - offsetMin * 60_000;
    return fromSeconds(Math.floor(ms / 1000));
  }
  if (RELATIVE.test(s)) {
    return {
      ok: false,
      message: `${JSON.stringify(value)} is a relative time; relative forms are refused because they drift daily: write a date such as 2027-06-30`,
    };
  }
  return { ok: false, message: `${JSON.stringify(value)} is not a time: ${FORMS}` };
}
