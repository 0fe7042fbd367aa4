/**
 * Quota amounts: whole quota units, or dollar strings (`"$12.50"`) converted exactly with
 * `quotaPerUsd` (docs/key-file.md#quota-amounts-and-dollars). Exact decimal arithmetic, so "$0.1"
 * never becomes 49999.99. Also how units are shown with their dollar value, in plans and in policy
 * messages.
 */
import type { Parsed } from './parsed.js';

/**
 * The largest remaining quota any server generation accepts on a limited key: older new-api's
 * limit (docs/write-protocol.md#server-facts). The `quotaMaxUnits` setting (the newest
 * server's lower limit) may be at most this.
 */
export const MAX_QUOTA_UNITS = 500_000_000_000_000;

const DOLLARS = /^\$(\d+)(?:\.(\d+))?$/;

/** True when a string has the `$N` or `$N.NN` form. */
export function isDollarString(value: string): boolean {
  return DOLLARS.test(value);
}

/**
 * Converts a quota amount to quota units: a non-negative integer as is, or a dollar string
 * times `quotaPerUsd`, which must give a whole number of units.
 */
export function parseQuotaAmount(value: unknown, quotaPerUsd: number): Parsed<number> {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      return {
        ok: false,
        message: `must be a non-negative whole number of quota units, got ${value}`,
      };
    }
    if (value > MAX_QUOTA_UNITS) {
      return {
        ok: false,
        message: `${value} is above the server's maximum of ${MAX_QUOTA_UNITS} quota units`,
      };
    }
    return { ok: true, value };
  }
  if (typeof value !== 'string') {
    return { ok: false, message: 'must be a whole number of quota units or a dollar string' };
  }
  const m = DOLLARS.exec(value);
  if (!m) {
    return {
      ok: false,
      message: `${JSON.stringify(value)} is not a quota amount: use a whole number of quota units or a dollar string such as "$12.50"`,
    };
  }
  const whole = m[1] ?? '0';
  const fraction = m[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(whole + fraction) * BigInt(quotaPerUsd);
  if (scaled % scale !== 0n) {
    return {
      ok: false,
      message: `${JSON.stringify(value)} is not a whole number of quota units at ${quotaPerUsd} units per dollar`,
    };
  }
  const units = scaled / scale;
  if (units > BigInt(MAX_QUOTA_UNITS)) {
    return {
      ok: false,
      message: `${JSON.stringify(value)} is ${units} quota units, above the server's maximum of ${MAX_QUOTA_UNITS}`,
    };
  }
  return { ok: true, value: Number(units) };
}

/**
 * The error of a quota amount above `quotaMaxUnits` (docs/key-file.md#quota-amounts-and-dollars),
 * naming the limit and the setting; undefined when it fits. `raw` is the value as the key file
 * wrote it.
 */
export function quotaAboveMax(
  field: string,
  raw: unknown,
  units: number,
  quotaMaxUnits: number,
  quotaPerUsd: number,
): string | undefined {
  if (units <= quotaMaxUnits) return undefined;
  const what =
    typeof raw === 'string'
      ? `${field} ${JSON.stringify(raw)} is ${units} units,`
      : `${field} ${units} is`;
  return (
    `${what} above quotaMaxUnits ${quotaMaxUnits} (about ${aboutDollars(quotaMaxUnits, quotaPerUsd)}; ` +
    'the server refuses more): lower it, or raise quotaMaxUnits for an older server'
  );
}

/** Units as dollars rounded to cents with thousands separators, e.g. `$4,294.97`. */
function aboutDollars(units: number, quotaPerUsd: number): string {
  const [whole = '0', cents = '00'] = (units / quotaPerUsd).toFixed(2).split('.');
  return `$${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents}`;
}

/**
 * How dollars are written: `cents` (plans, export comments) as `$12.50`, with more decimals
 * only when cents are not exact; `short` (policy messages) as `$12.5`, `$100`, at most six
 * decimals.
 */
export type DollarStyle = 'cents' | 'short';

/** Quota units as dollars, e.g. `$12.50` (`cents`) or `$12.5` (`short`). */
export function formatDollars(
  units: number,
  quotaPerUsd: number,
  style: DollarStyle = 'cents',
): string {
  const usd = units / quotaPerUsd;
  if (style === 'short') return `$${Number(usd.toFixed(6))}`;
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  let text = abs.toFixed(2);
  if (Number(text) !== abs) text = abs.toFixed(6).replace(/0+$/, '');
  return `${sign}$${text}`;
}

/**
 * Quota units with their dollar value: `5000000 ($10.00)` (`cents`) or `50000000 ($100)`
 * (`short`). A value that is not a number is shown as it is.
 */
export function formatQuota(
  units: unknown,
  quotaPerUsd: number,
  style: DollarStyle = 'cents',
): string {
  if (typeof units !== 'number') return String(units);
  return `${units} (${formatDollars(units, quotaPerUsd, style)})`;
}
