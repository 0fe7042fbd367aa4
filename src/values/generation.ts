/**
 * Generation names of rotated keys (docs/rotation.md#generations): a predecessor is renamed
 * `NAME~YYYYMMDD` (the UTC date of the rotation), `NAME~YYYYMMDD~2` … on a second rotation that
 * day. Ages are never read from these names, only from the server's records.
 */
import { countCodePoints, MAX_NAME_CHARS } from './text.js';

/** The longest name a key that declares `rotate` may have: `~YYYYMMDD` must still fit. */
export const MAX_ROTATING_NAME_CHARS = MAX_NAME_CHARS - '~YYYYMMDD'.length;

const SUFFIX = /^(\d{4})(\d{2})(\d{2})(?:~([1-9]\d*))?$/;

/** A generation suffix read: the day and the counter (1, 2, …). */
export interface ParsedGeneration {
  /** `YYYYMMDD`. */
  date: string;
  /** 1 for `NAME~YYYYMMDD`, N for `NAME~YYYYMMDD~N` (N ≥ 2). */
  n: number;
}

/** Reads what follows `NAME~`: `YYYYMMDD` (a real calendar day) or `YYYYMMDD~N` with N ≥ 2. */
function parseSuffix(rest: string): ParsedGeneration | undefined {
  const m = SUFFIX.exec(rest);
  if (!m) return undefined;
  const [, y, mo, d, n] = m as unknown as [string, string, string, string, string?];
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return undefined;
  const count = n === undefined ? 1 : Number(n);
  if (n !== undefined && count < 2) return undefined;
  return { date: `${y}${mo}${d}`, n: count };
}

/** `name` read as a generation of the declared key `declared`, or undefined. */
export function parseGeneration(name: string, declared: string): ParsedGeneration | undefined {
  if (!name.startsWith(`${declared}~`)) return undefined;
  return parseSuffix(name.slice(declared.length + 1));
}

/** True when `name` is a generation name of the declared key `declared`. */
export function isGenerationOf(name: string, declared: string): boolean {
  return parseGeneration(name, declared) !== undefined;
}

/**
 * The declared names `name` could be a generation of (`a~20261201~20261202` is one of
 * `a~20261201` and, as its 20261202nd that day, of `a`), longest first.
 */
export function generationBases(name: string): string[] {
  const out: string[] = [];
  for (let i = name.lastIndexOf('~'); i > 0; i = name.lastIndexOf('~', i - 1)) {
    const base = name.slice(0, i);
    if (parseSuffix(name.slice(i + 1))) out.push(base);
  }
  return out;
}

/** `YYYYMMDD` of a time, in UTC. */
export function generationDate(now: Date): string {
  return now.toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * The name a rotation on `now`'s UTC day gives the predecessor: the first of `NAME~YYYYMMDD`,
 * `NAME~YYYYMMDD~2`, … that no key in `taken` has, or undefined when that name would be longer
 * than the server's 50 characters.
 */
export function nextGenerationName(
  declared: string,
  now: Date,
  taken: ReadonlySet<string>,
): string | undefined {
  const stem = `${declared}~${generationDate(now)}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? stem : `${stem}~${n}`;
    if (countCodePoints(name) > MAX_NAME_CHARS) return undefined;
    if (!taken.has(name)) return name;
  }
}
