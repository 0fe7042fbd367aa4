import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GROUPS, MESSAGES, startEmulator } from '../../src/emulator/index.js';
import { tempDirs } from '../helpers/temp.js';
import { call, emulators, fullBody, offline } from './helpers.js';

offline();
const start = emulators();

const tempDir = tempDirs('emu-groups');
function tempFile(name: string, text?: string): string {
  const d = tempDir();
  const f = path.join(d, name);
  if (text !== undefined) writeFileSync(f, text);
  return f;
}

const put = (emu: Awaited<ReturnType<typeof start>>, body: Record<string, unknown>, q = '') =>
  call(emu, 'PUT', `/api/token/${q}`, { body: fullBody({ id: 1, name: 'k', ...body }) });

describe('emulator without autoGroups (the default: servers before 2026-08-01)', () => {
  it('has no auto_groups on records and ignores it in bodies, even a malformed one', async () => {
    const emu = await start({ seed: [{ id: 1, name: 'k', auto_groups: ['vip'] }] });
    expect(emu.get(1)).not.toHaveProperty('auto_groups');
    const got = await call(emu, 'GET', '/api/token/1');
    expect(got.json.data).not.toHaveProperty('auto_groups');
    const r = await put(emu, { auto_groups: 'not-a-list' });
    expect(r.json.success).toBe(true);
    expect(r.json.data).not.toHaveProperty('auto_groups');
    const created = await call(emu, 'POST', '/api/token/', {
      body: fullBody({ auto_groups: ['a', 'a', 'nope'] }),
    });
    expect(created.json.success).toBe(true);
    expect(emu.records().some((k) => 'auto_groups' in k)).toBe(false);
  });
});

describe('emulator autoGroups (new-api since 2026-08-01)', () => {
  it('shows auto_groups on every record: null when a create or seed leaves it out', async () => {
    const emu = await start({ autoGroups: true, seed: [{ id: 1, name: 'k' }] });
    await call(emu, 'POST', '/api/token/', { body: fullBody({ name: 'new' }) });
    const list = await call(emu, 'GET', '/api/token/');
    expect(list.json.data.items.map((r: { auto_groups: unknown }) => r.auto_groups)).toEqual([
      null,
      null,
    ]);
    expect(emu.get(2)?.auto_groups).toBeNull();
  });

  it('stores a list a create sends, and a full update that omits it keeps it', async () => {
    const emu = await start({ autoGroups: true });
    await call(emu, 'POST', '/api/token/', {
      body: fullBody({ name: 'k', auto_groups: ['vip', 'default'] }),
    });
    expect(emu.get(1)?.auto_groups).toEqual(['vip', 'default']);
    const omitted = await put(emu, { name: 'renamed' });
    expect(omitted.json.data.auto_groups).toEqual(['vip', 'default']);
    expect(emu.get(1)).toMatchObject({ name: 'renamed', auto_groups: ['vip', 'default'] });
  });

  it('replaces it when an update sends a list, clears it when it sends null', async () => {
    const emu = await start({
      autoGroups: true,
      seed: [{ id: 1, name: 'k', auto_groups: ['vip'] }],
    });
    expect((await put(emu, { auto_groups: ['svip'] })).json.data.auto_groups).toEqual(['svip']);
    expect((await put(emu, { auto_groups: null })).json.data.auto_groups).toBeNull();
    expect(emu.get(1)?.auto_groups).toBeNull();
  });

  it('keeps it on a status-only call', async () => {
    const emu = await start({
      autoGroups: true,
      seed: [{ id: 1, name: 'k', auto_groups: ['vip'] }],
    });
    const r = await put(emu, { status: 2, auto_groups: ['default'] }, '?status_only=true');
    expect(r.json.success).toBe(true);
    expect(emu.get(1)).toMatchObject({ status: 2, auto_groups: ['vip'] });
  });

  it.each([
    [['default', 'vip', 'svip', 'auto', 'default2', 'vip2'], MESSAGES.autoGroupsTooMany(5)],
    [['vip', 'default', 'vip'], MESSAGES.autoGroupsDuplicate('vip')],
    [['vip', 'enterprise'], MESSAGES.autoGroupsUnavailable('enterprise')],
    [[''], MESSAGES.autoGroupsUnavailable('')],
  ])('refuses %j on create, update and status-only, writing nothing', async (groups, message) => {
    const emu = await start({
      autoGroups: true,
      availableGroups: ['default', 'vip', 'svip', 'auto', 'default2', 'vip2'],
      seed: [{ id: 1, name: 'k', auto_groups: ['vip'] }],
    });
    const before = emu.records();
    const refusal = { success: false, message };
    const create = await call(emu, 'POST', '/api/token/', {
      body: fullBody({ auto_groups: groups }),
    });
    expect(create.status).toBe(200);
    expect(create.json).toEqual(refusal);
    expect((await put(emu, { auto_groups: groups })).json).toEqual(refusal);
    expect((await put(emu, { auto_groups: groups }, '?status_only=true')).json).toEqual(refusal);
    expect(emu.records()).toEqual(before);
  });

  it('accepts five distinct available groups', async () => {
    const emu = await start({
      autoGroups: true,
      availableGroups: ['a', 'b', 'c', 'd', 'e'],
      seed: [{ id: 1, name: 'k' }],
    });
    const r = await put(emu, { auto_groups: ['e', 'd', 'c', 'b', 'a'] });
    expect(r.json.success).toBe(true);
    expect(emu.get(1)?.auto_groups).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('relays a Go-style error for a value of the wrong type', async () => {
    const emu = await start({ autoGroups: true, seed: [{ id: 1, name: 'k' }] });
    expect((await put(emu, { auto_groups: 'vip' })).json).toEqual({
      success: false,
      message:
        'json: cannot unmarshal string into Go struct field Token.auto_groups of type []string',
    });
    expect((await put(emu, { auto_groups: ['vip', 3] })).json.message).toBe(
      'json: cannot unmarshal number into Go struct field Token.auto_groups of type string',
    );
    expect(emu.get(1)?.auto_groups).toBeNull();
  });
});

describe('groups available to the emulator user', () => {
  const accepts = async (emu: Awaited<ReturnType<typeof start>>, group: string) =>
    (await put(emu, { auto_groups: [group] })).json.success as boolean;

  it('defaults to default, vip, svip and auto, plus every group a seed record uses', async () => {
    expect(DEFAULT_GROUPS).toEqual(['default', 'vip', 'svip', 'auto']);
    const emu = await start({
      autoGroups: true,
      seed: [
        { id: 1, name: 'k' },
        { id: 2, name: 'team', group: 'team-a' },
      ],
    });
    for (const g of DEFAULT_GROUPS) expect(await accepts(emu, g), g).toBe(true);
    expect(await accepts(emu, 'team-a')).toBe(true);
    expect(await accepts(emu, 'team-b')).toBe(false);
  });

  it('takes a seed file `groups` list instead of the defaults', async () => {
    const seed = tempFile(
      'seed.yaml',
      'groups: [default, partners]\nitems:\n  - id: 1\n    name: k\n    group: research\n',
    );
    const emu = await start({ autoGroups: true, seed });
    expect(await accepts(emu, 'partners')).toBe(true);
    expect(await accepts(emu, 'research')).toBe(true);
    expect(await accepts(emu, 'vip')).toBe(false);
  });

  it('takes availableGroups over the seed file', async () => {
    const seed = tempFile('seed.yaml', 'groups: [partners]\nitems:\n  - id: 1\n    name: k\n');
    const emu = await start({ autoGroups: true, seed, availableGroups: ['only'] });
    expect(await accepts(emu, 'only')).toBe(true);
    expect(await accepts(emu, 'partners')).toBe(false);
  });

  it('keeps the groups and auto_groups in the state file across restarts', async () => {
    const seed = tempFile('seed.yaml', 'groups: [partners]\nitems:\n  - id: 1\n    name: k\n');
    const stateFile = tempFile('state.json');
    const first = await start({ autoGroups: true, seed, stateFile });
    await put(first, { auto_groups: ['partners'] });
    await first.close();
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).groups).toEqual(['partners']);
    const second = await start({ autoGroups: true, stateFile });
    expect(second.get(1)?.auto_groups).toEqual(['partners']);
    expect(await accepts(second, 'partners')).toBe(true);
    expect(await accepts(second, 'vip')).toBe(false);
  });

  it('refuses a bad seed groups list, a bad seed auto_groups and a bad availableGroups', async () => {
    const badGroups = tempFile('seed.yaml', 'groups: [ok, 5]\nitems: []\n');
    await expect(startEmulator({ seed: badGroups })).rejects.toThrow(
      /groups: expected a list of non-empty group names/,
    );
    const badAuto = tempFile('seed.yaml', 'items:\n  - auto_groups: vip\n');
    await expect(startEmulator({ seed: badAuto })).rejects.toThrow(
      /items\[0\]\.auto_groups: expected a list of strings or null, got "vip"/,
    );
    await expect(startEmulator({ availableGroups: ['ok', ''] })).rejects.toThrow(
      /availableGroups must be a list of non-empty group names/,
    );
  });
});
