import { describe, expect, it } from 'vitest';
import { parseEmulatorOptions } from '../../src/cli/commands/emulator.js';

describe('emulator flags for rehearsing other server versions', () => {
  it('passes --user-id, --require-user-id, --max-keys and --no-mask through', () => {
    const opts = parseEmulatorOptions(
      { userId: '5678', requireUserId: true, maxKeys: '20000', mask: false },
      '/tmp',
    );
    expect(opts.userId).toBe(5678);
    expect(opts.requireUserIdHeader).toBe(true);
    expect(opts.maxKeys).toBe(20000);
    expect(opts.maskKeys).toBe(false);
  });

  it('keeps the defaults when the flags are absent (commander sets mask: true)', () => {
    const opts = parseEmulatorOptions({ mask: true }, '/tmp');
    expect(opts.userId).toBeUndefined();
    expect(opts.requireUserIdHeader).toBeUndefined();
    expect(opts.maxKeys).toBeUndefined();
    expect(opts.maskKeys).toBeUndefined();
  });

  it('refuses a user id or key cap that is not a positive integer', () => {
    expect(() => parseEmulatorOptions({ userId: '0' }, '/tmp')).toThrow(
      '--user-id must be a positive integer, got "0"',
    );
    expect(() => parseEmulatorOptions({ maxKeys: '1.5' }, '/tmp')).toThrow(
      '--max-keys must be a positive integer, got "1.5"',
    );
  });

  it('passes --generation, --quota-max, --auto-groups and --auth-style through', () => {
    expect(
      parseEmulatorOptions(
        {
          generation: 'upstream-2026-08',
          quotaMax: '2147483647',
          autoGroups: true,
          authStyle: 'pat',
        },
        '/tmp',
      ),
    ).toMatchObject({
      generation: 'upstream-2026-08',
      quotaMax: 2147483647,
      autoGroups: true,
      authStyle: 'pat',
    });
    // --no-auto-groups overrides a generation's auto_groups.
    expect(parseEmulatorOptions({ autoGroups: false }, '/tmp').autoGroups).toBe(false);
  });

  it('leaves the generation-bound options unset without their flags', () => {
    const opts = parseEmulatorOptions({ mask: true }, '/tmp');
    for (const key of ['generation', 'statusMode', 'quotaMax', 'autoGroups', 'authStyle']) {
      expect(opts, key).not.toHaveProperty(key);
    }
  });

  it.each([
    [{ quotaMax: '-1' }, '--quota-max must be a non-negative integer, got "-1"'],
    [{ quotaMax: '1e3x' }, '--quota-max must be a non-negative integer, got "1e3x"'],
    [{ authStyle: 'oauth' }, '--auth-style must be session or pat, got "oauth"'],
    [
      { generation: 'latest' },
      '--generation must be docs or upstream-2025 or upstream-2026-08, got "latest"',
    ],
    [{ statusMode: 'both' }, '--status-mode must be upstream or docs, got "both"'],
    [
      { requireUserId: true, authStyle: 'pat' },
      '--require-user-id needs session auth: pat servers ignore New-Api-User',
    ],
    [
      { requireUserId: true, generation: 'upstream-2026-08' },
      '--require-user-id needs session auth',
    ],
  ])('refuses %j', (opts, message) => {
    expect(() => parseEmulatorOptions(opts, '/tmp')).toThrow(message);
  });

  it('allows --require-user-id with an explicit session style over a pat generation', () => {
    const opts = parseEmulatorOptions(
      { requireUserId: true, generation: 'upstream-2026-08', authStyle: 'session' },
      '/tmp',
    );
    expect(opts.requireUserIdHeader).toBe(true);
  });
});
