/**
 * Laws (fast-check): normalising twice changes nothing; any valid generated key file validates
 * without errors and loads to exactly the keys it declares.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { hasErrors, loadKeyFileText, normalizeDesiredKey } from '../../src/desired/index.js';
import { MANAGED_FIELDS, type DesiredKey, type ManagedField } from '../../src/model.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const ipv6 = fc.ipV6();
const ipEntry = fc.oneof(
  ipv4,
  ipv6,
  fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`),
  fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`),
);
const nameChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_ é数'.split(''));
const name = fc
  .array(nameChars, { minLength: 1, maxLength: 50 })
  .map((cs) => cs.join(''))
  .filter((s) => s === s.trim());
const modelId = fc.stringMatching(/^[a-z0-9][a-z0-9.:@/-]{0,30}$/);
const ignore = fc.uniqueArray(fc.constantFrom(...MANAGED_FIELDS), { maxLength: 8 });

const desiredKey: fc.Arbitrary<DesiredKey> = fc.record({
  name,
  previous_names: fc.array(name, { maxLength: 3 }),
  status: fc.constantFrom(1 as const, 2 as const),
  expired_time: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 4_000_000_000 })),
  quota: fc.oneof(
    fc.constant(null),
    fc.constant({ kind: 'unlimited' as const }),
    fc.record({ kind: fc.constant('budget' as const), amount: fc.nat() }),
    fc.record({ kind: fc.constant('remain' as const), amount: fc.nat() }),
  ),
  model_limits_enabled: fc.boolean(),
  model_limits: fc.array(modelId, { maxLength: 5 }),
  allow_ips: fc.array(fc.oneof(ipEntry, fc.string()), { maxLength: 5 }),
  group: fc.constantFrom('', 'default', 'auto'),
  cross_group_retry: fc.boolean(),
  ignore_changes: fc.array(fc.constantFrom(...MANAGED_FIELDS), { maxLength: 4 }),
  source: fc.record({ file: fc.constant('keys.yaml'), line: fc.nat(), col: fc.nat() }),
});

describe('normalizeDesiredKey', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(desiredKey, (k) => {
        const once = normalizeDesiredKey(k);
        expect(normalizeDesiredKey(once)).toEqual(once);
      }),
    );
  });

  it('does not change the key it is given', () => {
    fc.assert(
      fc.property(desiredKey, (k) => {
        const copy = structuredClone(k);
        normalizeDesiredKey(k);
        expect(k).toEqual(copy);
      }),
    );
  });
});

/** A key as a file declares it, plus the key the loader must produce from it. */
const declaredKey = fc.record({
  status: fc.option(fc.constantFrom('enabled', 'disabled'), { nil: undefined }),
  expiry: fc.option(
    fc.oneof(
      fc.constant<['never', number]>(['never', -1]),
      fc.constant<[number, number]>([-1, -1]),
      fc.integer({ min: NOW_S + 1, max: 4_000_000_000 }).map((s): [number, number] => [s, s]),
      fc.integer({ min: 0, max: 3000 }).map((d): [string, number] => {
        const s = NOW_S - (NOW_S % 86_400) + (d + 1) * 86_400;
        return [new Date(s * 1000).toISOString().slice(0, 10), s];
      }),
    ),
    { nil: undefined },
  ),
  quota: fc.oneof(
    fc.constant<[Record<string, unknown>, DesiredKey['quota']]>([
      { unlimited_quota: true },
      { kind: 'unlimited' },
    ]),
    fc
      .nat({ max: 10_000_000 })
      .map((n): [Record<string, unknown>, DesiredKey['quota']] => [
        { quota_budget: n },
        { kind: 'budget', amount: n },
      ]),
    fc
      .nat({ max: 100_000 })
      .map((cents): [Record<string, unknown>, DesiredKey['quota']] => [
        { remain_quota: `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}` },
        { kind: 'remain', amount: cents * 5000 },
      ]),
  ),
  models: fc.uniqueArray(modelId, { maxLength: 4 }),
  ips: fc.uniqueArray(ipv4, { maxLength: 4 }),
  group: fc.constantFrom('', 'default', 'auto'),
  retry: fc.boolean(),
  ignore: ignore.map((l) => l.filter((f): f is ManagedField => f !== 'name')),
});

describe('generated key files', () => {
  it('every valid generated file validates and loads to the declared keys', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 1, maxLength: 6 }),
        fc.array(declaredKey, { minLength: 6, maxLength: 6 }),
        (names, specs) => {
          const keys = names.map((n, i) => {
            const s = specs[i % specs.length]!;
            return {
              name: n,
              ...(s.status ? { status: s.status } : {}),
              ...(s.expiry ? { expired_time: s.expiry[0] } : {}),
              ...s.quota[0],
              model_limits: s.models,
              allow_ips: s.ips,
              group: s.group,
              cross_group_retry: s.retry,
              ignore_changes: s.ignore,
            };
          });
          const text = stringify({ version: 1, keys });
          const r = loadKeyFileText(text, 'gen.yaml', { quotaPerUsd: 500_000, now: NOW });
          expect(hasErrors(r.diagnostics), JSON.stringify(r.diagnostics)).toBe(false);
          expect(r.keys).toHaveLength(names.length);
          for (const [i, n] of names.entries()) {
            const s = specs[i % specs.length]!;
            const k = r.keys.find((x) => x.name === n)!;
            expect(k).toMatchObject({
              status: s.status === 'disabled' ? 2 : 1,
              expired_time: s.expiry ? s.expiry[1] : -1,
              quota: s.quota[1],
              model_limits: [...s.models].sort(),
              model_limits_enabled: s.models.length > 0,
              group: s.group,
              cross_group_retry: s.retry,
              ignore_changes: [...s.ignore].sort(),
            });
            expect(normalizeDesiredKey(k)).toEqual(k);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** Optional field values, as a file would declare them, with their loaded forms. */
const fieldValues = {
  status: fc.constantFrom<[string, number]>(['enabled', 1], ['disabled', 2]),
  group: fc.constantFrom<[string, string]>(['', ''], ['default', 'default'], ['auto', 'auto']),
  allow_ips: fc
    .uniqueArray(ipv4, { maxLength: 3 })
    .map((l): [string[], string[]] => [l, [...l].sort()]),
  model_limits: fc
    .uniqueArray(modelId, { maxLength: 3 })
    .map((l): [string[], string[]] => [l, [...l].sort()]),
};
const quotaForm = fc.oneof(
  fc.constant<[Record<string, unknown>, DesiredKey['quota']]>([
    { unlimited_quota: true },
    { kind: 'unlimited' },
  ]),
  fc
    .nat({ max: 1000 })
    .map((n): [Record<string, unknown>, DesiredKey['quota']] => [
      { quota_budget: n },
      { kind: 'budget', amount: n },
    ]),
  fc
    .nat({ max: 1000 })
    .map((n): [Record<string, unknown>, DesiredKey['quota']] => [
      { remain_quota: `$${n}` },
      { kind: 'remain', amount: n * 500_000 },
    ]),
);
const partial = fc.record(
  {
    status: fieldValues.status,
    group: fieldValues.group,
    allow_ips: fieldValues.allow_ips,
    model_limits: fieldValues.model_limits,
    quota: quotaForm,
  },
  { requiredKeys: [] },
);

function declare(p: Partial<Record<string, [unknown, unknown]>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, pair] of Object.entries(p)) {
    if (!pair) continue;
    if (field === 'quota') Object.assign(out, pair[0]);
    else out[field] = pair[0];
  }
  return out;
}

describe('defaults merging', () => {
  it("loads each field from the key, else from defaults, else the built-in default; the key's quota form replaces the defaults' form", () => {
    fc.assert(
      fc.property(partial, fc.array(partial, { minLength: 1, maxLength: 5 }), (defaults, keys) => {
        const file = {
          version: 1,
          defaults: declare(defaults),
          keys: keys.map((k, i) => ({ name: `k${i}`, ...declare(k) })),
        };
        const r = loadKeyFileText(stringify(file), 'gen.yaml', { quotaPerUsd: 500_000, now: NOW });
        keys.forEach((k, i) => {
          const loaded = r.keys.find((x) => x.name === `k${i}`);
          const quota = (k.quota ?? defaults.quota)?.[1];
          if (quota === undefined) {
            expect(loaded).toBeUndefined();
            expect(
              r.diagnostics.some((d) => d.message.includes(`key "k${i}" has no quota form`)),
            ).toBe(true);
            return;
          }
          const pick = <T>(f: keyof typeof fieldValues, fallback: T): T =>
            ((k[f] ?? defaults[f])?.[1] as T | undefined) ?? fallback;
          expect(loaded).toMatchObject({
            status: pick('status', 1),
            group: pick('group', ''),
            allow_ips: pick('allow_ips', []),
            model_limits: pick('model_limits', []),
            quota,
          });
        });
      }),
      { numRuns: 200 },
    );
  });
});
