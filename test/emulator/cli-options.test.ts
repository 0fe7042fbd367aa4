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
});
